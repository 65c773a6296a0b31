// tolk-loadgen's report, for both engines — totals over the listeners that kept reading, the
// stalled ones apart, connection failures and closes, and the engine's own CPU time per thread.
#include "clients/loadgen/load_report.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <map>

namespace tolk::loadgen {

namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

}  // namespace

bool is_stalled_listener(std::size_t i, std::size_t n, double stall_fraction) {
    if (n == 0)
        return false;
    const auto stalled = static_cast<std::size_t>(std::clamp(stall_fraction, 0.0, 1.0) * static_cast<double>(n) + 0.5);
    return stalled > 0 && (i * stalled) / n != ((i + 1) * stalled) / n;
}

thread_cpu this_thread_cpu() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

thread_cpu process_cpu() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

nlohmann::json make_load_report(const load_options& options, std::span<const listener_result> listeners,
                                const load_run& run) {
    struct group {
        client::latency_histogram latency;
        std::uint64_t listeners = 0, received = 0, window_frames = 0, missing = 0, out_of_order = 0, resyncs = 0,
                      resync_dropped = 0, bad_frames = 0, closed_by_server = 0;
        nlohmann::json to_json(double seconds) const {
            return {{"listeners", listeners},
                    {"frames_received", received},
                    {"frames_per_second", seconds > 0 ? static_cast<double>(window_frames) / seconds : 0.0},
                    {"window_frames", window_frames},
                    {"frames_missing", missing},
                    {"frames_out_of_order", out_of_order},
                    {"resyncs", resyncs},
                    {"resync_dropped_frames", resync_dropped},
                    {"bad_frames", bad_frames},
                    {"closed_by_server", closed_by_server},
                    {"latency", client::to_json(latency.summary())}};
        }
    } active, stalled;

    std::uint64_t connected = 0, subscribed = 0, failed = 0;
    std::map<std::string, std::uint64_t> close_reasons;  // "4005 stalled", "connect: ..."
    for (const listener_result& l : listeners) {
        const listener_stats& s = *l.stats;
        group& g = l.stalled ? stalled : active;
        ++g.listeners;
        connected += s.connected;
        subscribed += s.subscribed;
        failed += !s.connected;
        g.latency.merge(s.latency);
        g.received += s.sequence.received();
        g.window_frames += s.window_frames;
        g.missing += s.sequence.missing();
        g.out_of_order += s.sequence.out_of_order();
        g.resyncs += s.resyncs;
        g.resync_dropped += s.resync_dropped;
        g.bad_frames += s.bad_frames;
        g.closed_by_server += s.closed_by_server;
        if (s.closed_by_server || !s.connected)
            ++close_reasons[(s.close_code ? std::to_string(s.close_code) + " " : std::string()) + s.close_reason];
    }

    const double measured = std::chrono::duration<double>(run.stopped - run.ramped).count();
    nlohmann::json report = {
        {"server", options.server.authority()},
        {"engine", options.engine == load_engine::raw ? "raw" : "beast"},
        {"listeners", options.listeners},
        {"channels", options.channels},
        {"attempted", run.attempted},
        {"connected", connected},
        {"subscribed", subscribed},
        {"failed", failed},
        {"ramp_s", std::chrono::duration<double>(run.ramped - run.started).count()},
        {"measured_s", measured},
        {"clock", options.use_clock_offset ? "ping/pong offset" : "shared steady clock"},
        {"active", active.to_json(measured)},
        {"stalled", stalled.to_json(measured)},
        {"close_reasons", close_reasons},
    };
    add_run_usage(report, run, options.watch_pid);
    return report;
}

void add_run_usage(nlohmann::json& report, const load_run& run, int watch_pid) {
    nlohmann::json threads = nlohmann::json::array();
    double user = 0, system = 0;
    for (const thread_cpu& t : run.cpu) {
        threads.push_back({{"user_s", t.user_s}, {"system_s", t.system_s}});
        user += t.user_s;
        system += t.system_s;
    }
    const double measured = std::chrono::duration<double>(run.stopped - run.ramped).count();
    // The whole process over the measurement window only (the ramp's connects left out).
    const double window_user = run.window_cpu_end.user_s - run.window_cpu_start.user_s;
    const double window_system = run.window_cpu_end.system_s - run.window_cpu_start.system_s;
    report["cpu"] = {{"threads", threads},
                     {"user_s", user},
                     {"system_s", system},
                     {"window_user_s", window_user},
                     {"window_system_s", window_system},
                     {"window_percent", measured > 0 ? 100.0 * (window_user + window_system) / measured : 0.0}};
    report["watched"] = {{"pid", watch_pid},
                         {"valid", run.watched_start.valid && run.watched_end.valid},
                         {"cpu_s", run.watched_end.cpu_s - run.watched_start.cpu_s},
                         {"rss_kb_start", run.watched_start.rss_kb},
                         {"rss_kb_end", run.watched_end.rss_kb}};
}

}  // namespace tolk::loadgen
