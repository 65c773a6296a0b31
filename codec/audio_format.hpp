#pragma once
// The audio format every part of tolk agrees on: 48 kHz mono, float samples in [-1, 1],
// Opus packets of at most max_packet_bytes.  Constants and pure functions; any thread.

#include <cmath>
#include <cstddef>

namespace tolk::codec {

constexpr int sample_rate = 48000;                         // everything in tolk is 48 kHz mono
constexpr int samples_per_ms = sample_rate / 1000;         // 48
constexpr int max_frame_samples = 120 * samples_per_ms;    // 5760: the longest Opus packet (120 ms)
constexpr int min_frame_samples = samples_per_ms * 5 / 2;  // 120: the shortest Opus frame (2.5 ms)
constexpr std::size_t max_packet_bytes = 1275 * 3;         // fits a 40/60 ms multi-frame packet

// round(seconds * 48000), 0 for a duration that is not positive.
inline std::size_t samples_for(double seconds) {
    return seconds > 0 ? static_cast<std::size_t>(std::llround(seconds * sample_rate)) : 0;
}

}  // namespace tolk::codec
