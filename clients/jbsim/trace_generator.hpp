#pragma once
// Synthetic arrival traces for a WebSocket/TCP stream of 20 ms frames: frames are never lost or
// reordered, they arrive late and in bursts.  Deterministic for a given seed on every platform
// (own random distributions, not <random>'s implementation-defined ones).
//   lan       wired LAN: ~1 ms, sub-millisecond jitter, rare small spikes
//   wifi      busy Wi-Fi: a few ms of jitter plus retransmission stalls of 100-400 ms every
//             4-12 s, released at once
//   stalls    venue Wi-Fi: power-save and retransmission stalls of 100-400 ms every 2-6 s
//   roaming   Wi-Fi with roaming gaps of 1-3 s every 30-90 s
//   bufferbloat  queueing delay that climbs to 0.5-2.5 s under load (5-20 s) and drains (2-6 s)
//   cellular  40 ms base with slow wander of +-30 ms, 10 ms jitter, and one outage of 1.2-1.8 s
//   drift+N / drift-N   a LAN whose sender clock runs N ppm fast / slow

#include "clients/jbsim/trace.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tolk::jbsim {

struct generator_options {
    std::string profile = "lan";
    double seconds = 60;
    std::uint64_t seed = 1;
};

// PROFILE-seedN.csv: the name --generate gives a trace written into a directory.
std::string trace_file_name(const generator_options& options);

// Throws std::invalid_argument for an unknown profile.
std::vector<trace_row> generate_trace(const generator_options& options);

}  // namespace tolk::jbsim
