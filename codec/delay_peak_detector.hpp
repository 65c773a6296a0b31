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

}  // namespace tolk::codec
