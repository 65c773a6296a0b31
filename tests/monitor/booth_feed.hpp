#pragma once
// Test helper: a booth's audio as the server receives it, 20 ms Opus packets on a simulated
// clock, fed to a channel monitor while the alarm engine looks four times a second.

#include "../codec/opus_round_trip.hpp"
#include "server/monitor/monitor_clock.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace tolk::monitor::testing {

using packets = std::vector<std::vector<std::uint8_t>>;

inline packets encode(const std::vector<float>& pcm) {
    return codec::testing::encode_all(pcm);
}

inline time_point t0() { return time_point{} + std::chrono::hours(24 * 365 * 56); }

inline time_point at_seconds(double seconds) {
    return t0() + std::chrono::duration_cast<clock::duration>(
                      std::chrono::duration<double>(seconds));
}

}  // namespace tolk::monitor::testing
