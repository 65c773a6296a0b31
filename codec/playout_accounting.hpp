#pragma once
// The playout_stats bookkeeping every playout buffer shares: concealment runs and
// interruptions (a run of at least 150 ms), WebRTC's jitterBufferDelay, samples played.
// Call produced() in output order for every chunk a buffer queues for playout.

#include "codec/pcm_queue.hpp"
#include "codec/playout_buffer.hpp"

#include <cstdint>

namespace tolk::codec {

class playout_accounting {
public:
    static constexpr std::int64_t interruption_samples = 150 * 48;  // 150 ms

    // A chunk of `samples` output samples: concealment (PLC/FEC) or decoded audio.
    void produced(std::int64_t samples, bool concealed);
    // A decoded frame of `samples` samples that waited `delay_s` between arrival and playout.
    void emitted(std::int64_t samples, double delay_s);
    // Hands out.size() queued samples to the output device, counts them as played and says
    // where in the sender's time they start.  A queue that runs short (the end of a segment)
    // is followed by silence, which is not counted; an empty queue is not playing.
    playout_info play(pcm_queue& pcm, std::span<float> out);
    // Ends the current concealment run (a reset).
    void end_concealment();
    // True while the last chunk produced was concealment.
    bool concealing() const { return run_ > 0; }

    playout_stats& stats() { return stats_; }
    // The statistics with a concealment run still going counted by its current length.
    playout_stats stats() const;

private:
    playout_stats stats_;
    std::int64_t run_ = 0;  // length of the current concealment run, samples
};

// Counts a finished concealment run of `samples` samples in its length class.
void count_concealment_run(playout_stats& stats, std::int64_t samples);

}  // namespace tolk::codec
