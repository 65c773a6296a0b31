#pragma once
// One tolk-jbsim run: encode the audio into 20 ms Opus frames, deliver them to a playout
// buffer at the trace's arrival times, pull 10 ms blocks at the receiver's real-time rate,
// and measure what a listener gets.

#include "clients/jbsim/trace.hpp"
#include "codec/playout_buffer.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tolk::jbsim {

struct run_options {
    std::string jb = "tolk";
    std::optional<std::filesystem::path> audio;  // default: a built-in speech-like signal
    double warmup_s = 10;                         // excluded from the target-tracking figures
    int block_samples = 480;                      // per pull (see codec::simulation_options)
    int burst_blocks = 1;                         // pulls per device callback
    std::vector<codec::recorded_pull> pulls;      // not empty: these pulls, not the pace above
};

struct run_report {
    std::string jb;
    double seconds = 0;
    double mean_delay_ms = 0;  // buffer delay of played audio: arrival to playout
    double p50_delay_ms = 0;
    double p95_delay_ms = 0;
    double concealed_percent = 0;
    double time_scaled_percent = 0;
    double max_target_error_ms = 0;  // largest |current - target| after warm-up
    double delay_trend_ms = 0;       // mean delay of the last minute minus the first (after warm-up)
    double interruptions_per_10min = 0;
    std::uint64_t time_scale_operations_after_1s = 0;  // splices after the first second of playout
    std::uint64_t speech_splices_after_1s = 0;         // of which not in a pause: audible
    codec::playout_stats stats;
    std::vector<codec::delay_snapshot> timeline;  // every ~100 ms of playout
};

run_report run(const std::vector<trace_row>& trace, const run_options& options,
               std::vector<float>* output = nullptr);

nlohmann::json to_json(const run_report& report);

}  // namespace tolk::jbsim
