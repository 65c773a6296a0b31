#pragma once
// tolk-loadgen's options, per-listener results and report, shared by both engines: the Beast
// engine (load_generator, one ws_connection per listener) and the epoll engine (raw_fleet).
// Both fill one listener_stats per listener and a load_run; make_load_report() turns them
// into the JSON that main.cpp prints and tests/bench/fanout/summarize.py reads, so the field
// names are an interface.
//
// Value types and a pure function; any thread.

#include "clients/common/latency_histogram.hpp"
#include "clients/common/sequence_tracker.hpp"
#include "clients/common/ws_url.hpp"
#include "clients/loadgen/process_usage.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tolk::loadgen {

enum class load_engine {
    beast,  // one Beast WebSocket client per listener over Asio (load_generator)
    raw,    // one epoll loop, hand-written WebSocket, kernel receive timestamps (raw_fleet)
};

struct load_options {
    client::ws_url server;
    int listeners = 100;
    double duration_s = 10;
    std::vector<std::string> channels{"en", "fr", "es"};
    int threads = 0;               // beast: 0 = one per core; raw: always one thread
    double stall_fraction = 0;     // share of listeners that stop reading
    int max_connecting = 64;       // connection attempts in flight at once
    bool use_clock_offset = false; // ping/pong offsets (loadgen on another machine); beast only
    int watch_pid = 0;             // the server's process: its CPU and RSS over the window
    load_engine engine = load_engine::beast;
};

// Listener i of n stalls (stops reading after its first frame) when this says so: the
// stalled ones are spread evenly, so every channel gets its share.
bool is_stalled_listener(std::size_t i, std::size_t n, double stall_fraction);

struct thread_cpu {
    double user_s = 0;
    double system_s = 0;
};

// The CPU time of the calling thread so far (getrusage RUSAGE_THREAD).
thread_cpu this_thread_cpu();
// The CPU time of this whole process so far (getrusage RUSAGE_SELF).
thread_cpu process_cpu();

struct listener_stats {
    client::latency_histogram latency;  // receipt - ingress_us, µs, inside the window
    std::uint64_t window_frames = 0;    // frames received inside the measurement window
    client::sequence_tracker sequence;
    std::uint64_t resyncs = 0;
    std::uint64_t resync_dropped = 0;
    std::uint64_t bad_frames = 0;
    bool connected = false;        // the WebSocket handshake succeeded
    bool subscribed = false;
    bool closed_by_server = false; // closed before we stopped it
    std::uint16_t close_code = 0;
    std::string close_reason;
};

// One listener as the report sees it.
struct listener_result {
    const listener_stats* stats = nullptr;
    bool stalled = false;
};

// What happened to the run as a whole.
struct load_run {
    std::size_t attempted = 0;  // connection attempts made (all of them unless interrupted)
    std::chrono::steady_clock::time_point started, ramped, stopped;  // ramp start, window start, end
    std::vector<thread_cpu> cpu;                                     // the engine's threads
    thread_cpu window_cpu_start, window_cpu_end;                     // process_cpu() over the window
    process_usage watched_start, watched_end;                        // --watch-pid over the window
};

// The report: totals over the listeners that kept reading ("active"), the stalled ones apart,
// connection failures and closes, the engine's CPU and the watched process.
// The run's own cost and the watched process's over the window: the "cpu" and "watched"
// members of a report (shared with tolk-icecast-load's report).
void add_run_usage(nlohmann::json& report, const load_run& run, int watch_pid);

nlohmann::json make_load_report(const load_options& options, std::span<const listener_result> listeners,
                                const load_run& run);

}  // namespace tolk::loadgen
