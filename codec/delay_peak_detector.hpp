#pragma once
// Recurring delay peaks (WebRTC NetEQ's DelayPeakDetector is the model): a Wi-Fi link that
// stalls for a few hundred ms every few seconds holds back only a few frames each time, too
// few for the delay quantile to notice, yet each stall is a dropout.  A frame whose relative
// delay stands far above the quantile target starts (or, within a second, joins) a peak.  While
// peaks recur (at least `min_peaks` within the window, the last no older than twice the longest
// gap between them; a single one, no older than max_period), the target covers the highest of
// them less `margin_ms`, up to a ceiling: stretching what is held (jitter_buffer's
// stall_stretch) and concealment bridge the rest as a gap shorter than an interruption.  A peak
// higher than `outage_ms` (roaming, a link that died) is an outage no buffer bridges: it raises
// nothing.  When peaks stop recurring the peak target is dropped, and the delay estimator lets
// its target fall at its usual bounded rate.
// Pure arithmetic on sender timestamps; owned by one delay estimator.

#include <algorithm>
#include <cstdint>
#include <deque>

namespace tolk::codec {

struct delay_peak_options {
    bool enabled = true;
    double min_height_ms = 150;    // a peak is at least this high ...
    double above_target_ms = 78;   // ... and this far above the quantile target or twice it
    int min_peaks = 1;             // one stall already raises the target (the next may be
                                   // longer; waiting for a second costs an interruption)
    int window_ms = 60000;
    int max_period_ms = 20000;     // peaks further apart than this do not recur
    double ceiling_ms = 400;       // the peak target never exceeds this
    double margin_ms = -120;       // added to the peak height: negative leaves a short gap to
                                   // stretching and concealment (a 350 ms stall costs ~230 ms of
                                   // delay, not 350, and no interruption)
    double outage_ms = 1000;       // a peak higher than this is an outage, not a stall
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
        std::int64_t capture_us;  // its first frame's
        std::int64_t last_us;     // its last frame's so far
        double height_ms;
    };
    void update(std::int64_t now_us);

    delay_peak_options options_;
    std::deque<peak> peaks_;  // oldest first, within the window
    double target_ms_ = 0;
};

// Header-only, so the wasm build's list of codec sources stays as it is.
namespace detail {
// A frame captured within a second of a peak's last frame belongs to it: one stall, or one
// outage however long.
inline constexpr std::int64_t same_peak_us = 1'000'000;
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
        if (!peaks_.empty() && capture_us - peaks_.back().last_us < detail::same_peak_us) {
            peaks_.back().height_ms = std::max(peaks_.back().height_ms, relative_ms);
            peaks_.back().last_us = capture_us;
        } else {
            peaks_.push_back({capture_us, capture_us, relative_ms});
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
    std::size_t count = 0;
    std::int64_t longest_gap_us = 0;
    std::int64_t last_us = 0;
    double highest_ms = 0;
    for (const auto& p : peaks_) {
        if (p.height_ms > options_.outage_ms) {
            continue;  // an outage: no buffer bridges it
        }
        if (count > 0) {
            longest_gap_us = std::max(longest_gap_us, p.capture_us - last_us);
        }
        ++count;
        last_us = p.capture_us;
        highest_ms = std::max(highest_ms, p.height_ms);
    }
    if (count < static_cast<std::size_t>(std::max(options_.min_peaks, 1))) {
        return;
    }
    const std::int64_t hold_us = count == 1 ? max_period_us : std::min(2 * longest_gap_us, max_period_us);
    if (now_us - last_us > hold_us) {
        return;  // no longer recurring
    }
    target_ms_ = std::clamp(highest_ms + options_.margin_ms, 0.0, options_.ceiling_ms);
}

}  // namespace tolk::codec
