#pragma once
// The adaptive playout buffer (a pull model, like WebRTC's NetEq).  Per 20 ms frame it decides:
//  - normal: decode the next frame;
//  - accelerate / decelerate: decode, then remove or insert one pitch period (time_scaler) to
//    move the actual delay toward the target (delay_estimator: a quantile of recent arrival
//    delays relative to the sender's clock, raised to cover recurring delay peaks; grows at
//    once, shrinks slowly, bounded).  The decision uses the delay error smoothed over about
//    half a second (NetEQ's BufferLevelFilter) and a band around the target (per profile: 15 ms
//    above it for a listener, as NetEQ leaves ~20, a pitch period for the booth's return) that
//    uneven pulls widen (pull_pace), so a device's pull-pace wobble, or a browser's hand-over of
//    frames between its callbacks, never causes a splice; far above the
//    target (the burst after a stall) it removes two periods per frame at once.  For a
//    listener, delay above the band is cut in pauses, where nobody hears it;
//  - conceal: Opus FEC or PLC for a frame the server dropped (a later one is already here);
//  - stretch: when nothing has arrived for a while, and what is held did not come early,
//    lengthen each frame held (stall_stretch);
//  - wait: when nothing has arrived (a stall) play PLC without giving up the frame's slot, so
//    no speech is lost, unless the delay would exceed max_delay: then the slot is given up and
//    the frame, when it comes, is discarded as late.
// Clock drift (drift_estimator) is corrected continuously by small time-scale steps.  A
// discontinuity flag resets everything; playout then starts only when the first frame has
// waited the target (primed), so a clean stream needs no time-scaling to reach it; a backlog
// that came with the first frame starts at its last frame that has waited the target, and its
// frames over 60 ms older than its newest are no delay samples.  Decoded
// audio that resumes after concealment is cross-faded from the concealment's continuation.  After the last frame of a segment (end_of_segment) the
// buffer plays silence, not concealment, until a later frame starts the next segment.
// Plain C++: no threads, I/O or clocks (now_us is passed in), so the same trace gives
// bit-identical output; fit for WebAssembly.
// Not thread-safe: one owner calls push() and pull().

#include "codec/delay_estimator.hpp"
#include "codec/drift_estimator.hpp"
#include "codec/frame_store.hpp"
#include "codec/pcm_queue.hpp"
#include "codec/pull_pace.hpp"
#include "codec/playout_accounting.hpp"
#include "codec/playout_buffer.hpp"
#include "codec/slot_decoder.hpp"
#include "codec/time_scaler.hpp"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace tolk::codec {

// The defaults are the `listener` profile (codec/playout_profile.hpp).
struct jitter_buffer_options {
    int min_delay_ms = 0;
    int max_delay_ms = 450;      // latency never runs away beyond this
    double quantile = 0.97;      // share of frames that should arrive in time
    int history_ms = 120000;     // memory of the arrival-delay histogram (a stall is rare:
                                 // remember many, so the target stays put between them)
    int base_window_ms = 2000;   // window for the fastest frame (the zero of relative delay)
    double shrink_ms_per_s = 20; // how fast the target may fall
    double start_delay_ms = 0;   // least target over the first second after a start
    double guard_ms = 2.5;       // least slack over the quantile when a frame is decoded
    double hysteresis_ms = 15;   // the filtered delay may sit this far above target before
                                 // acceleration: a listener does not notice 15 ms more delay,
                                 // but hears a splice, and a browser's delay reading wobbles by
                                 // several ms (frames handed over between device callbacks, the
                                 // page's main thread) with nothing to correct (issue 18).  At
                                 // least a pitch period (2.5 ms, the least step)
    double low_band_ms = 2.5;    // ... and this far below it before deceleration
    // Above the band (by less than fast_accelerate_ms): cut only in pauses, where a cut is not
    // heard.  A listener does not notice a few ms more delay until the next pause, but hears a
    // period cut out of a word (issue 18).  Below the target frames would come too late: that
    // is corrected at once, in speech too.
    bool trim_in_pauses = true;
    double pause_wait_ms = 3000;  // ... unless none came for this long (music, a noisy room)
    double max_band_widening_ms = 15;  // uneven pulls widen both bands, up to this much
    double level_filter_ms = 600;  // time constant of the delay filter the decisions use
    double max_speedup = 0.25;   // share of voiced audio time-scaling may remove/insert on average
    double fast_accelerate_ms = 60;  // further above target than this: remove up to two periods
                                     // per frame, past max_speedup, in speech too (a listener's
                                     // target falling after a stall is followed in pauses)
    double crossfade_ms = 2.5;   // decoded audio fades in over this after concealment
    // A stall (nothing has arrived for stall_after_ms): each frame still held is lengthened by
    // up to this share of its length (whole pitch periods, as NetEQ's preemptive expand), so
    // what is buffered lasts longer and less of the stall is concealed.  0: off.  A word spoken
    // slower for a moment is kinder than a gap: 0.75 lets the peak target (delay_peak_options'
    // margin_ms) leave 120 ms of a stall to it with no more concealment than 0.5 and 100 ms
    // (issue 16: 18 ms less delay on stalling Wi-Fi).
    double stall_stretch = 0.75;
    double stall_after_ms = 60;
    double min_drift_ppm = 20;   // clock drift below this is left to the delay control
    bool drift_correction = true;
    delay_peak_options peaks;    // recurring delay peaks raise the target (delay_peak_detector)
};

class jitter_buffer final : public playout_buffer {
public:
    explicit jitter_buffer(const jitter_buffer_options& options = {});

    void push(const incoming_frame& frame) override;
    playout_info pull(std::span<float> out, std::int64_t now_us) override;
    playout_stats stats() const override;

private:
    void reset();
    void produce(std::int64_t now_us);
    // Delay over the fastest recent frame if the frame captured at `capture_us` were decoded
    // at `now_us`, in ms.
    double slack_ms(std::int64_t now_us, std::int64_t capture_us) const;
    void time_scale(double error_ms);
    // Removes (positive) or inserts (negative) up to `samples`; returns how many were changed,
    // signed the same way.
    double splice(double samples, bool quiet);
    // Counts one splice, and whether it fell in a pause.
    void count_splice(bool quiet);
    // Removes up to two periods, past the budget; returns the samples removed.
    double drain(double error_ms, bool quiet);
    void queue(const slot_decoder::result& slot, std::int64_t capture_us);
    // Feeds the delay and drift estimators the start's frames that are not a backlog.
    void close_backlog();
    // Starts playout once the first frame has waited the target; false while it has not.
    bool primed(std::int64_t now_us);
    // Lengthens frame_ while arrivals have stalled; returns the samples inserted.
    double stretch(std::int64_t now_us);
    // Fades decoded audio in from the concealment's continuation.
    void fade_in(std::span<const float> continuation);

    jitter_buffer_options options_;
    slot_decoder decoder_;
    frame_store store_;
    pcm_queue pcm_;
    playout_accounting accounting_;
    delay_estimator delays_;
    drift_estimator drift_;
    time_scaler scaler_;
    pull_pace pace_;
    std::vector<float> frame_;       // the frame being time-scaled
    std::vector<float> continuation_;  // concealment carried on, to fade from
    bool started_ = false;
    bool primed_ = false;            // playout has started since the last start/discontinuity
    bool filtered_ = false;          // filtered_error_ holds a value
    double filtered_error_ms_ = 0;   // the delay error, smoothed
    bool ended_ = false;             // the last frame of a segment was decoded: silence follows
    std::int64_t next_sequence_ = 0;
    std::int64_t next_capture_us_ = 0;
    std::int64_t last_arrival_us_ = 0;  // the newest arrival, for stall detection
    std::int64_t newest_capture_us_ = 0;  // the newest frame's capture time, likewise
    // The frames that came with the first one of a start, before the first pull after it, held
    // out of the estimators until that pull: (capture_us, arrival_us).
    static constexpr std::int64_t backlog_age_us = 60'000;  // older than the newest by more: backlog
    std::vector<std::pair<std::int64_t, std::int64_t>> backlog_;
    bool backlog_open_ = false;
    double drift_debt_ = 0;          // samples to remove (negative: insert) for clock drift
    double since_pause_ms_ = 0;      // decoded audio since the last quiet frame
    double budget_ = 0;              // samples time-scaling may still change
    double current_delay_ms_ = 0;
    double target_delay_ms_ = 0;
};

std::unique_ptr<playout_buffer> make_jitter_buffer(const jitter_buffer_options& options = {});

}  // namespace tolk::codec
