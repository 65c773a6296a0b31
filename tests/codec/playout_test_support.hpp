#pragma once
// Synthetic arrival traces for the playout buffer tests: a signal encoded into 20 ms Opus
// frames, each given a capture time on the sender's clock and an arrival time on ours.

#include "codec/audio_format.hpp"
#include "codec/opus_encoder.hpp"
#include "codec/playout_simulator.hpp"

#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <vector>

namespace tolk::codec::test_support {

constexpr int frame_samples = 20 * samples_per_ms;
constexpr std::int64_t frame_us = 20'000;

inline std::vector<float> sine(double hz, double seconds, double amplitude = 0.5) {
    std::vector<float> pcm(static_cast<std::size_t>(seconds * sample_rate));
    for (std::size_t i = 0; i < pcm.size(); ++i) {
        pcm[i] = static_cast<float>(amplitude *
                                    std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) /
                                             sample_rate));
    }
    return pcm;
}

// Frame i is captured at i * 20 ms (sender clock) and arrives at arrival(i) (receiver clock).
inline std::vector<simulated_frame> frames_of(const std::vector<float>& pcm,
                                              const std::function<std::int64_t(int)>& arrival) {
    opus_encoder encoder({.bitrate = 32000, .complexity = 5});
    std::vector<simulated_frame> frames;
    for (std::size_t at = 0; at + frame_samples <= pcm.size(); at += frame_samples) {
        const int i = static_cast<int>(frames.size());
        simulated_frame f;
        f.sequence = static_cast<std::uint32_t>(i);
        f.capture_us = i * frame_us;
        f.arrival_us = arrival(i);
        f.opus = encoder.encode(std::span(pcm).subspan(at, frame_samples));
        frames.push_back(std::move(f));
    }
    std::stable_sort(frames.begin(), frames.end(),
                     [](const auto& a, const auto& b) { return a.arrival_us < b.arrival_us; });
    return frames;
}

// Plays `frames` through `buffer` from 0 to `end_us` at the default 10 ms pace.
inline simulation_result run(playout_buffer& buffer, const std::vector<simulated_frame>& frames,
                             std::int64_t end_us) {
    return simulate(buffer, frames, {.start_us = 0, .end_us = end_us});
}

// Output blocks that played decoded audio must show sender time moving forward only.
inline bool capture_monotonic(const simulation_result& r) {
    std::int64_t last = -1;
    for (const auto& b : r.blocks) {
        if (b.info.capture_known) {
            if (b.info.capture_us <= last) {
                return false;
            }
            last = b.info.capture_us;
        }
    }
    return true;
}

}  // namespace tolk::codec::test_support
