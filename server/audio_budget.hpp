#pragma once
// How much a booth may publish: an audio-duration limit, not a frame count. Sustained at most
// `ratio` x real time (and `ratio` x Opus's maximum bit rate in bytes), with a burst of
// `burst_seconds` of audio on top, so that a booth whose network stalled and then delivered its
// backlog at once stays on air (listeners' outboxes resynchronise to the live edge), while 200
// frames/s of 120 ms packets (24 x real time) is refused within a second or two.
//
// Two token buckets (microseconds of audio, bytes), filled at `ratio` per wall-clock second,
// capped at `burst_seconds` worth. Owned by one booth session; not thread-safe.

#include <cstdint>

namespace tolk::server {

class audio_budget {
public:
    static constexpr double max_opus_bytes_per_second = 510'000 / 8.0;  // Opus's top bit rate

    audio_budget(double ratio, double burst_seconds);

    // Starts full at `now_us`.
    void reset(std::int64_t now_us);
    // Spends `samples` (48 kHz) and `bytes` at `now_us`; false when either budget is overdrawn.
    bool spend(std::int64_t now_us, int samples, std::size_t bytes);

    double audio_left_seconds() const { return audio_us_ / 1e6; }

private:
    void refill(std::int64_t now_us);

    double ratio_;
    double audio_cap_us_;
    double bytes_cap_;
    double audio_us_ = 0;
    double bytes_ = 0;
    std::int64_t at_us_ = 0;
};

}  // namespace tolk::server
