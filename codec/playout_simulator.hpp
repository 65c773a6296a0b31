#pragma once
// Drives a playout buffer in simulated time, the way a listener's output device would: frames
// are pushed at their arrival times and output is pulled in fixed blocks at the receiver's
// real-time rate.  No clocks, sleeps or threads, so a trace always gives the same samples.
// Shared by the unit tests and tolk-jbsim.

#include "codec/playout_buffer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace tolk::codec {

struct simulated_frame {
    std::uint32_t sequence = 0;
    std::int64_t capture_us = 0;  // sender clock
    std::int64_t arrival_us = 0;  // receiver clock
    bool discontinuity = false;
    bool end_of_segment = false;
    std::vector<std::uint8_t> opus;
};

// One pull as a device made it: its time and how many samples it asked for (a browser trace,
// tests/web/playout.test.mjs: the AudioWorklet's render quanta on the audio clock).
struct recorded_pull {
    std::int64_t time_us = 0;
    int samples = 0;
};

struct simulation_options {
    int block_samples = 480;        // 10 ms pulls, like WebRTC's audio device
    // A device callback renders this many blocks back to back (a browser's AudioWorklet: 128-
    // sample render quanta, several per callback). Frames that arrive meanwhile are handed over
    // only at the next callback, stamped with the audio clock at that moment (as a worklet sees
    // its port's messages, between callbacks, at `currentTime`). 1: every block on time.
    int burst_blocks = 1;
    std::int64_t start_us = 0;      // first pull
    std::int64_t end_us = 0;        // no pull at or after this time
    int stats_every_blocks = 0;     // > 0: snapshot the delays every so many pulls
    // Not empty: pull exactly these (sorted by time; the pace above is ignored), each frame
    // pushed before the first pull at or after its arrival, as a worklet handles its port's
    // messages between render quanta.
    std::span<const recorded_pull> pulls{};
};

struct delay_snapshot {
    std::int64_t time_us = 0;
    double current_delay_ms = 0;
    double target_delay_ms = 0;
    std::uint64_t time_scale_operations = 0;  // so far
    std::uint64_t time_scale_operations_in_pauses = 0;  // of which in pauses
};

struct simulated_block {
    std::int64_t time_us = 0;  // receiver time of the block's first sample
    playout_info info;
};

struct simulation_result {
    std::vector<float> output;            // every pulled sample, silence while buffering
    std::vector<simulated_block> blocks;  // one per pull
    std::vector<delay_snapshot> timeline; // when stats_every_blocks > 0
    playout_stats stats;                  // at the end
};

// `frames` must be sorted by arrival_us.
simulation_result simulate(playout_buffer& buffer, std::span<const simulated_frame> frames,
                           const simulation_options& options);

}  // namespace tolk::codec
