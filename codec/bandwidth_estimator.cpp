#include "codec/bandwidth_estimator.hpp"

#include "codec/audio_format.hpp"
#include "codec/codec_error.hpp"
#include "codec/fft.hpp"
#include "codec/level_meter.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>

namespace tolk::codec {

bandwidth_estimator::bandwidth_estimator(const bandwidth_options& options) : options_(options) {
    const int n = options_.fft_size;
    if (n < 64 || n > 16384 || !std::has_single_bit(static_cast<unsigned>(n))) {
        throw codec_error("bandwidth_estimator: fft_size must be a power of two in 64..16384");
    }
    window_.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        window_[static_cast<std::size_t>(i)] =
            static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / n));
    }
    block_.reserve(window_.size());
    scratch_.resize(window_.size());
    spectrum_.assign(window_.size() / 2 + 1, 0.0);
    const double block_seconds = static_cast<double>(n) / sample_rate;
    min_blocks_ = static_cast<std::uint64_t>(std::ceil(options_.min_active_seconds / block_seconds));
    alpha_ = std::min(1.0, block_seconds / std::max(options_.average_seconds, block_seconds));
}

void bandwidth_estimator::add(std::span<const float> samples) {
    for (float x : samples) {
        block_.push_back(x);
        if (block_.size() == window_.size()) {
            analyse_block();
            block_.clear();
        }
    }
}

void bandwidth_estimator::analyse_block() {
    if (rms_dbfs(block_) < options_.active_dbfs) {
        return;  // pauses would only dilute the spectrum of what is said
    }
    for (std::size_t i = 0; i < block_.size(); ++i) {
        scratch_[i] = {static_cast<double>(block_[i] * window_[i]), 0.0};
    }
    fft(scratch_, false);
    // Until the average has settled, weigh blocks equally; then decay exponentially.
    ++active_blocks_;
    const double weight = std::max(alpha_, 1.0 / static_cast<double>(active_blocks_));
    for (std::size_t k = 0; k < spectrum_.size(); ++k) {
        spectrum_[k] += weight * (std::norm(scratch_[k]) - spectrum_[k]);
    }
}

double bandwidth_estimator::bandwidth_hz() const {
    if (!known()) {
        return 0;
    }
    const double bin_hz = static_cast<double>(sample_rate) / options_.fft_size;
    const auto bins_per_band = std::max<std::size_t>(1, std::lround(options_.band_hz / bin_hz));
    std::vector<double> bands;
    for (std::size_t k = 1; k < spectrum_.size(); k += bins_per_band) {  // bin 0: DC, ignored
        double sum = 0;
        for (std::size_t j = k; j < std::min(k + bins_per_band, spectrum_.size()); ++j) {
            sum += spectrum_[j];
        }
        bands.push_back(sum);
    }
    const double strongest = *std::max_element(bands.begin(), bands.end());
    if (!(strongest > 0)) {
        return 0;
    }
    const double floor = strongest * std::pow(10.0, -options_.floor_db / 10);
    for (std::size_t b = bands.size(); b-- > 0;) {
        if (bands[b] >= floor) {
            const double upper_bin = 1 + static_cast<double>((b + 1) * bins_per_band);
            return std::min(upper_bin * bin_hz, sample_rate / 2.0);
        }
    }
    return 0;
}

bool bandwidth_estimator::narrow_band() const {
    return known() && bandwidth_hz() <= options_.narrow_band_hz;
}

void bandwidth_estimator::reset() {
    block_.clear();
    std::fill(spectrum_.begin(), spectrum_.end(), 0.0);
    active_blocks_ = 0;
}

}  // namespace tolk::codec
