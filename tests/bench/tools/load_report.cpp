// The load generators' report: totals over the listeners that kept reading, the stalled ones
// apart, connection failures and closes, and what the run cost.
#include "tests/bench/tools/load_report.hpp"

#include <map>

namespace tolk::bench {

namespace {

struct group {
    client::latency_histogram latency;
    std::uint64_t listeners = 0, received = 0, window_frames = 0, missing = 0, out_of_order = 0, resyncs = 0,
                  resync_dropped = 0, bad_frames = 0, closed_by_server = 0;

    void add(const listener_stats& s) {
        ++listeners;
        latency.merge(s.latency);
        received += s.sequence.received();
        window_frames += s.window_frames;
        missing += s.sequence.missing();
        out_of_order += s.sequence.out_of_order();
        resyncs += s.resyncs;
        resync_dropped += s.resync_dropped;
        bad_frames += s.bad_frames;
        closed_by_server += s.closed_by_server;
    }

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
};

// "4005 stalled", "cannot connect to ...: Connection refused", "closed by server".
std::string close_key(const listener_stats& s) {
    std::string key = s.close_code ? std::to_string(s.close_code) + " " : std::string();
    key += s.close_reason.empty() ? "closed by server" : s.close_reason;
    return key;
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string latency_source(const load_run& run) {
    if (run.fallback_frames == 0)
        return "kernel receive timestamp";
    if (run.kernel_frames == 0)
        return "user-space receipt time";
    return "kernel receive timestamp, some frames user-space receipt time";
}

// The tool's own cost and the watched process's over the window.
void add_run_usage(nlohmann::json& report, const load_run& run, int watch_pid) {
    nlohmann::json threads = nlohmann::json::array();
    double user = 0, system = 0;
    for (const thread_cpu& t : run.cpu) {
        threads.push_back({{"user_s", t.user_s}, {"system_s", t.system_s}});
        user += t.user_s;
        system += t.system_s;
    }
    const double measured = seconds(run.stopped - run.ramped);
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

}  // namespace

nlohmann::json make_load_report(const run_description& description, std::span<const listener_result> listeners,
                                const load_run& run) {
    group active, stalled;
    std::uint64_t connected = 0, subscribed = 0, failed = 0;
    std::map<std::string, std::uint64_t> close_reasons;
    for (const listener_result& l : listeners) {
        const listener_stats& s = *l.stats;
        (l.stalled ? stalled : active).add(s);
        connected += s.connected;
        subscribed += s.subscribed;
        failed += !s.connected;
        if (s.closed_by_server || !s.connected)
            ++close_reasons[close_key(s)];
    }
    const double measured = seconds(run.stopped - run.ramped);
    nlohmann::json report = {
        {"server", description.server},
        {"listeners", description.listeners},
        {"channels", description.channels},
        {"attempted", run.attempted},
        {"connected", connected},
        {"subscribed", subscribed},
        {"failed", failed},
        {"ramp_s", seconds(run.ramped - run.started)},
        {"measured_s", measured},
        {"clock", description.clock},
        {"active", active.to_json(measured)},
        {"stalled", stalled.to_json(measured)},
        {"close_reasons", close_reasons},
        {"latency_source", latency_source(run)},
        {"latency_kernel_frames", run.kernel_frames},
        {"latency_fallback_frames", run.fallback_frames},
    };
    add_run_usage(report, run, description.watch_pid);
    return report;
}

}  // namespace tolk::bench
