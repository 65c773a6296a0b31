#include "codec/delay_peak_detector.hpp"

#include <algorithm>

namespace tolk::codec {

namespace {
constexpr std::int64_t same_peak_us = 1'000'000;  // frames of one stall arrive within a second
}

delay_peak_detector::delay_peak_detector(const delay_peak_options& options) : options_(options) {}

void delay_peak_detector::reset() {
    peaks_.clear();
    target_ms_ = 0;
}

void delay_peak_detector::add(std::int64_t capture_us, double relative_ms, double quantile_ms) {
    if (!options_.enabled) {
        return;
    }
    const bool is_peak = relative_ms >= options_.min_height_ms &&
                         (relative_ms > quantile_ms + options_.above_target_ms ||
                          relative_ms > 2 * quantile_ms);
    if (is_peak) {
        if (!peaks_.empty() && capture_us - peaks_.back().capture_us < same_peak_us) {
            peaks_.back().height_ms = std::max(peaks_.back().height_ms, relative_ms);
        } else {
            peaks_.push_back({capture_us, relative_ms});
        }
    }
    update(capture_us);
}

void delay_peak_detector::update(std::int64_t now_us) {
    const std::int64_t window_us = std::int64_t{options_.window_ms} * 1000;
    const std::int64_t max_period_us = std::int64_t{options_.max_period_ms} * 1000;
    // Out of the window, or too long before the next peak to belong to the series.
    while (!peaks_.empty() && (now_us - peaks_.front().capture_us > window_us ||
                               (peaks_.size() > 1 && peaks_[1].capture_us -
                                                         peaks_[0].capture_us > max_period_us))) {
        peaks_.pop_front();
    }
    target_ms_ = 0;
    if (peaks_.size() < static_cast<std::size_t>(std::max(options_.min_peaks, 1))) {
        return;
    }
    std::int64_t longest_gap_us = 0;
    double highest_ms = 0;
    for (std::size_t i = 0; i < peaks_.size(); ++i) {
        highest_ms = std::max(highest_ms, peaks_[i].height_ms);
        if (i > 0) {
            longest_gap_us = std::max(longest_gap_us, peaks_[i].capture_us - peaks_[i - 1].capture_us);
        }
    }
    const std::int64_t since_us = now_us - peaks_.back().capture_us;
    if (since_us > std::min(2 * longest_gap_us, max_period_us)) {
        return;  // no longer recurring
    }
    target_ms_ = std::clamp(highest_ms + options_.margin_ms, 0.0, options_.ceiling_ms);
}

}  // namespace tolk::codec
