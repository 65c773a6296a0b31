#pragma once
// Time-scale modification of decoded speech, WSOLA style: a frame is shortened or lengthened
// by whole pitch periods, found by normalised autocorrelation and spliced with a raised-cosine
// cross-fade over one period, so the waveform stays continuous and the pitch unchanged (no
// clicks, no warble).  Quiet frames (pauses) may lose up to half their length regardless of
// periodicity, or less than a period (down to 0.5 ms), so a delay can be trimmed finely there.
// Pure functions of the samples given; owned by one jitter buffer.

#include <cstddef>
#include <vector>

namespace tolk::codec {

struct time_scaler_options {
    std::size_t min_period = 120;        // 2.5 ms (400 Hz)
    std::size_t max_period = 480;        // 10 ms (100 Hz); also at most half the frame
    double min_correlation = 0.6;        // below it a voiced frame is left alone
    double quiet_rms = 0.003;            // about -50 dBFS: a pause, periodicity not needed
    std::size_t min_quiet_splice = 24;   // 0.5 ms: the shortest splice in a pause
};

class time_scaler {
public:
    explicit time_scaler(const time_scaler_options& options = {});

    // Removes one period of at most `max_remove` samples from `pcm`; returns how many were
    // removed (0 when no period fits or the frame is not periodic enough).
    std::size_t accelerate(std::vector<float>& pcm, std::size_t max_remove) const;
    // Inserts one period of at most `max_insert` samples; returns how many were inserted.
    std::size_t decelerate(std::vector<float>& pcm, std::size_t max_insert) const;

    // A pause: quieter than quiet_rms, so any splice is inaudible.
    bool quiet(const std::vector<float>& pcm) const;

private:
    struct period {
        std::size_t length = 0;
        double correlation = 0;
    };
    // Best period p in [min_period, limit] comparing pcm[0, p) with pcm[p, 2p).
    period find_period(const std::vector<float>& pcm, std::size_t limit) const;
    // The period to splice: a periodic one, any length for a quiet frame, or 0.
    std::size_t splice_length(const std::vector<float>& pcm, std::size_t limit) const;

    time_scaler_options options_;
};

}  // namespace tolk::codec
