#pragma once
// Recurring delay peaks (WebRTC NetEQ's DelayPeakDetector is the model): a Wi-Fi link that
// stalls for a few hundred ms every few seconds holds back only a few frames each time, too
// few for the delay quantile to notice, yet each stall is a dropout.  A frame whose relative
// delay stands far above the quantile target starts (or, within a second, joins) a peak; when
// at least `min_peaks` peaks fell within the window and the last one is recent (no older than
// twice the longest gap between them, and at most max_period), the target covers the highest
// of them, up to a ceiling.  When they stop recurring the peak target is dropped, and the
// delay estimator lets its target fall at its usual bounded rate.
// Pure arithmetic on sender timestamps; owned by one delay estimator.

#include <algorithm>
#include <cstdint>
#include <deque>

namespace tolk::codec {

struct delay_peak_options {
    bool enabled = true;
    double min_height_ms = 150;    // a peak is at least this high ...
    double above_target_ms = 78;   // ... and this far above the quantile target or twice it
    int min_peaks = 2;             // recurring: this many peaks within the window
    int window_ms = 60000;
    int max_period_ms = 20000;     // peaks further apart than this do not recur
    double ceiling_ms = 400;       // the peak target never exceeds this
    double margin_ms = 0;          // added to the peak height (negative: tolerate a short gap)
};

class delay_peak_detector {
public:
    explicit delay_peak_detector(const delay_peak_options& options = {});

    // A frame captured at `capture_us` arrived `relative_ms` later than the fastest recent
    // frame; `quantile_ms` is the delay estimator's own target.
    void add(std::int64_t capture_us, double relative_ms, double quantile_ms);
    // The delay the target must cover because of recurring peaks, or 0.
    double target_ms() const { return target_ms_; }
    void reset();

private:
    struct peak {
        std::int64_t capture_us;
        double height_ms;
    };
    void update(std::int64_t now_us);

    delay_peak_options options_;
    std::deque<peak> peaks_;  // oldest first, within the window
    double target_ms_ = 0;
};

// Header-only, so the wasm build's list of codec sources stays as it is.
namespace detail {
inline constexpr std::int64_t same_peak_us = 1'000'000;  // frames of one stall arrive within a second
}  // namespace detail

inline delay_peak_detector::delay_peak_detector(const delay_peak_options& options) : options_(options) {}

inline void delay_peak_detector::reset() {
    peaks_.clear();
    target_ms_ = 0;
}

inline void delay_peak_detector::add(std::int64_t capture_us, double relative_ms, double quantile_ms) {
    if (!options_.enabled) {
        return;
    }
    const bool is_peak = relative_ms >= options_.min_height_ms &&
                         (relative_ms > quantile_ms + options_.above_target_ms ||
                          relative_ms > 2 * quantile_ms);
    if (is_peak) {
        if (!peaks_.empty() && capture_us - peaks_.back().capture_us < detail::same_peak_us) {
            peaks_.back().height_ms = std::max(peaks_.back().height_ms, relative_ms);
        } else {
            peaks_.push_back({capture_us, relative_ms});
        }
    }
    update(capture_us);
}

inline void delay_peak_detector::update(std::int64_t now_us) {
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
