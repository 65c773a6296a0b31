#pragma once
// The one report of both load generators (tolk-loadgen over ws_fleet, tolk-icecast-load over
// icecast_fleet): each fills one listener_stats per listener and the fleet_driver fills a
// load_run; make_load_report() turns them into the JSON the mains print and
// tests/bench/fanout/summarize.py reads, so the field names are an interface.  What differs
// between the tools is only the run_description (the Icecast adapter is in icecast_load.cpp).
//
// Value types and a pure function; any thread.

#include "clients/common/latency_histogram.hpp"
#include "clients/common/sequence_tracker.hpp"
#include "tests/bench/tools/process_usage.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tolk::bench {

struct listener_stats {
    client::latency_histogram latency;  // receipt - send time at the server, µs, inside the window
    std::uint64_t window_frames = 0;    // frames received inside the measurement window
    client::sequence_tracker sequence;
    std::uint64_t resyncs = 0;
    std::uint64_t resync_dropped = 0;
    std::uint64_t bad_frames = 0;
    bool connected = false;        // the handshake (WebSocket upgrade, HTTP 200) succeeded
    bool subscribed = false;       // receiving its channel
    bool closed_by_server = false; // closed before we stopped it
    std::uint16_t close_code = 0;  // WebSocket close code, 0 when none
    std::string close_reason;      // why it failed or was closed
};

// One listener as the report sees it.
struct listener_result {
    const listener_stats* stats = nullptr;
    bool stalled = false;
};

// What happened to the run as a whole (fleet_driver::run).
struct load_run {
    std::size_t attempted = 0;  // connection attempts made (all of them unless interrupted)
    std::chrono::steady_clock::time_point started, ramped, stopped;  // ramp start, window start, end
    std::vector<thread_cpu> cpu;                                     // the tool's threads
    thread_cpu window_cpu_start, window_cpu_end;                     // process_cpu() over the window
    process_usage watched_start, watched_end;                        // --watch-pid over the window
    std::uint64_t kernel_frames = 0;    // window frames timed by the kernel's receive timestamp
    std::uint64_t fallback_frames = 0;  // window frames timed after the read
};

// What the report says about the set-up.
struct run_description {
    std::string server;  // host:port
    int listeners = 0;
    std::vector<std::string> channels;
    std::string clock;   // how send and receipt times are compared
    int watch_pid = 0;
};

// Totals over the listeners that kept reading ("active"), the stalled ones apart, connection
// failures and closes, how latency was timed, the tool's CPU and the watched process's.
nlohmann::json make_load_report(const run_description& description, std::span<const listener_result> listeners,
                                const load_run& run);

}  // namespace tolk::bench
