#pragma once
// The target playout delay, from how late frames arrive relative to the sender's clock.
// Each frame's offset (arrival - capture) is compared with the fastest frame of a recent
// window (the base; clock drift moves offsets by under a millisecond over it): the difference
// is its relative delay.  An offset far below the base (early_ms) lowers it only if such
// offsets last base_settle_ms of arrival time: a receiver clock that stood still while frames
// came (a browser's audio thread that missed its callbacks, then caught up) stamps them early
// for a moment, and a base that took them would make every later frame look that much late,
// raise the target and drain the buffer, then starve it when they leave the window (issue 18,
// WebKitGTK).  A lasting fall (a queue that emptied, a clock that lost time) moves the base
// base_settle_ms later; until the stream's frames span that long (a start's backlog) it moves
// at once.  Relative delays go into a histogram that forgets exponentially (a
// long memory: stalls are rare, and the target should stay put between them); the target is
// the quantile that lets the wanted share of frames arrive in time, ignoring frames beyond
// max_delay (no target saves them).  It follows a rise at once and falls at a bounded rate,
// within [min_delay, max_delay]; for the first second it is at least start_delay.  Recurring
// delay peaks (delay_peak_detector) raise it to cover them.
// Pure arithmetic, simulated time; owned by one jitter buffer.

#include "codec/delay_peak_detector.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace tolk::codec {

struct delay_estimator_options {
    double quantile = 0.97;      // share of frames that should arrive in time
    int history_ms = 4000;       // time constant of the histogram's memory
    int base_window_ms = 2000;   // the fastest frame is looked for over this window
    double early_ms = 10;        // an offset this far below the base is early ...
    int base_settle_ms = 100;    // ... and lowers it once early offsets last this long
    int min_delay_ms = 0;
    int max_delay_ms = 300;
    double shrink_ms_per_s = 20;  // how fast the target may fall
    double start_delay_ms = 20;   // the least target over the first second of frames
    int frame_ms = 20;
    delay_peak_options peaks;
};

class delay_estimator {
public:
    explicit delay_estimator(const delay_estimator_options& options = {});

    // A frame arrived.
    void add(std::int64_t capture_us, std::int64_t arrival_us);

    // Base offset: arrival - capture of the fastest frame of the base window, in µs.
    // Meaningful once a frame was added.
    double base_us() const;
    // The delay over the base that the wanted share of frames stays within, ms.
    double target_ms() const { return target_ms_; }
    // What recurring delay peaks ask for (0: none), ms.
    double peak_ms() const { return peaks_.target_ms(); }
    bool empty() const { return window_.empty(); }
    void reset();

private:
    double quantile_ms() const;

    delay_estimator_options options_;
    delay_peak_detector peaks_;
    std::vector<double> histogram_;  // 1 ms bins of relative delay
    double weight_ = 1;              // grows instead of decaying every bin
    double total_ = 0;
    double forget_;
    std::deque<double> window_;      // offsets of the base window, oldest first (an early one
                                     // not yet lasting as the base it did not lower)
    std::deque<double> minima_;      // monotonic queue over window_
    std::int64_t first_arrival_us_ = 0;  // since the reset
    std::optional<std::int64_t> early_since_us_;  // the frames since then came early
    double target_ms_ = 0;
    std::int64_t frames_ = 0;        // added since the reset
    std::int64_t last_capture_us_ = 0;
    bool started_ = false;
};

}  // namespace tolk::codec
