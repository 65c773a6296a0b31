#pragma once
// The receiver side of the audio path: frames go in as they arrive, 48 kHz mono PCM comes out
// when the output device (or a simulated one) asks for it.  A pull model: the caller owns the
// clock and passes it in, so an implementation holds no threads, timers or I/O and the same
// arrival trace always gives the same output samples.
//
// Implementations: fixed_delay_buffer (a constant playout delay, the baseline) and
// jitter_buffer (adaptive delay, time-scaling, clock-drift compensation).
// Not thread-safe: one owner calls push() and pull().

#include <cstdint>
#include <memory>
#include <span>

namespace tolk::codec {

// One received audio frame, as handed to a playout buffer.
struct incoming_frame {
    std::uint32_t sequence = 0;
    std::int64_t capture_us = 0;  // booth capture time, sender's clock
    std::int64_t arrival_us = 0;  // time it reached us, receiver's clock (same clock as pull's now_us)
    bool discontinuity = false;   // a new source or reconnect: reset and start over
    bool end_of_segment = false;  // the booth stops after this frame: silence (not concealment)
                                  // follows it until a later frame starts the next segment
    std::span<const std::uint8_t> opus;  // valid only during push()
};

// What one pull() produced.
struct playout_info {
    bool playing = false;           // false while buffering or after a segment ended (silence)
    std::int64_t capture_us = 0;    // sender-clock capture time of the first output sample
    bool capture_known = false;     // capture_us is meaningful (not concealment or silence)
};

// Statistics; names follow WebRTC's getStats where they match.
struct playout_stats {
    std::uint64_t frames_received = 0;
    std::uint64_t frames_missing = 0;       // sequence gaps
    std::uint64_t frames_late = 0;          // arrived after their slot was concealed: discarded
    std::uint64_t frames_duplicate = 0;
    std::uint64_t frames_skipped_at_start = 0;  // a backlog older than the target, not played
    std::uint64_t samples_played = 0;       // every sample pulled while playing (not the silence
                                            // before the start or after a segment's end)
    std::uint64_t concealed_samples = 0;
    std::uint64_t concealment_events = 0;
    std::uint64_t inserted_samples_for_deceleration = 0;
    std::uint64_t removed_samples_for_acceleration = 0;
    std::uint64_t time_scale_operations = 0;  // splices (one pitch period or pause cut each)
    std::uint64_t time_scale_operations_in_pauses = 0;  // of which in a pause: inaudible
    std::uint64_t interruptions = 0;        // concealment runs of >= 150 ms
    // Concealment runs by length, as a listener hears them: a click, a gap, a dropout.  A run
    // still going counts in its current class.
    std::uint64_t concealments_under_40ms = 0;
    std::uint64_t concealments_40_to_150ms = 0;
    std::uint64_t concealments_over_150ms = 0;  // >= 150 ms: the interruptions
    double interruption_duration_s = 0;
    std::uint64_t discontinuities = 0;      // resets at a discontinuity flag
    double jitter_buffer_delay_s = 0;       // sum over emitted samples of their delay (WebRTC)
    std::uint64_t jitter_buffer_emitted_count = 0;
    double current_delay_ms = 0;
    double target_delay_ms = 0;
    double drift_ppm = 0;
    double peak_delay_ms = 0;               // delay peaks recur: the target covers this (0: none)
};

class playout_buffer {
public:
    virtual ~playout_buffer() = default;
    virtual void push(const incoming_frame& frame) = 0;
    // Fills `out` completely with 48 kHz mono samples in [-1, 1] for the instant now_us.
    virtual playout_info pull(std::span<float> out, std::int64_t now_us) = 0;
    virtual playout_stats stats() const = 0;
};

}  // namespace tolk::codec
