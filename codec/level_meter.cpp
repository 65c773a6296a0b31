#include "codec/level_meter.hpp"

#include "codec/codec_error.hpp"

#include <algorithm>
#include <cmath>

namespace tolk::codec {

double amplitude_to_dbfs(double amplitude) {
    if (!(amplitude > 0)) {
        return level_floor_dbfs;
    }
    return std::max(level_floor_dbfs, 20.0 * std::log10(amplitude));
}

double rms_dbfs(std::span<const float> samples) {
    if (samples.empty()) {
        return level_floor_dbfs;
    }
    double sum = 0;
    for (float x : samples) {
        sum += static_cast<double>(x) * x;
    }
    // Sine reference: a sine of peak A has RMS A / sqrt(2) and reads 20 log10(A).
    return amplitude_to_dbfs(std::sqrt(2.0 * sum / static_cast<double>(samples.size())));
}

level_meter::level_meter(const level_options& options) : options_(options) {
    if (options_.window_samples <= 0) {
        throw codec_error("level_meter: window_samples must be positive");
    }
}

void level_meter::add(std::span<const float> samples) {
    for (float x : samples) {
        const float magnitude = std::fabs(x);
        peak_ = std::max(peak_, magnitude);
        sum_squares_ += static_cast<double>(x) * x;
        if (magnitude >= options_.clip_level) {
            ++clipped_;
        }
        if (++filled_ == options_.window_samples) {
            complete_window();
        }
    }
}

void level_meter::complete_window() {
    last_.peak_dbfs = amplitude_to_dbfs(peak_);
    last_.rms_dbfs = amplitude_to_dbfs(std::sqrt(2.0 * sum_squares_ / filled_));
    ++windows_;
    peak_ = 0;
    sum_squares_ = 0;
    filled_ = 0;
}

void level_meter::reset() {
    last_ = {};
    peak_ = 0;
    sum_squares_ = 0;
    filled_ = 0;
    windows_ = 0;
}

}  // namespace tolk::codec
