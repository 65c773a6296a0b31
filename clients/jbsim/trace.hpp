#pragma once
// An arrival trace: one row per 20 ms frame, CSV with the header `seq,sent_us,arrived_us`.
// sent_us is on the sender's clock, arrived_us on the receiver's (drift shows as a slope).

#include "codec/audio_format.hpp"
#include "codec/playout_simulator.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace tolk::jbsim {

// Every trace is of 20 ms Opus frames.
constexpr int frame_samples = 20 * codec::samples_per_ms;

struct trace_row {
    std::uint32_t seq = 0;
    std::int64_t sent_us = 0;
    std::int64_t arrived_us = 0;
};

// Throws std::runtime_error naming the file and line on a missing file or a malformed row.
std::vector<trace_row> read_trace(const std::filesystem::path& file);
void write_trace(const std::filesystem::path& file, const std::vector<trace_row>& rows);

// A device's recorded pulls, CSV with the header `now_us,samples` on the trace's receiver clock
// (tests/web/playout.test.mjs writes one per browser).  Throws like read_trace; the times must
// not go backwards.
std::vector<codec::recorded_pull> read_pulls(const std::filesystem::path& file);

}  // namespace tolk::jbsim
