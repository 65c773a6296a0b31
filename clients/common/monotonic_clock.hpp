#pragma once
// The one clock every tolk timestamp uses: std::chrono::steady_clock (CLOCK_MONOTONIC on
// Linux), in microseconds.  The server stamps ingress_us with the same clock, so on one
// machine booth, server and listener clocks agree and the measured offsets are ~0.

#include <chrono>
#include <cstdint>

namespace tolk::client {

inline std::int64_t steady_now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline std::chrono::steady_clock::time_point steady_time_of(std::int64_t us) {
    return std::chrono::steady_clock::time_point(std::chrono::microseconds(us));
}

}  // namespace tolk::client
