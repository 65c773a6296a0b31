// load_generator: the report — totals over the listeners that kept reading, the stalled ones
// apart, connection failures and closes, and the loadgen's own CPU time per thread.
#include "clients/loadgen/load_generator.hpp"

#include <map>

namespace tolk::loadgen {

nlohmann::json load_generator::report() const {
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
    for (std::size_t i = 0; i < next_; ++i) {
        const listener_stats& s = listeners_[i]->stats();
        group& g = listeners_[i]->setup().stall ? stalled : active;
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

    nlohmann::json threads = nlohmann::json::array();
    double user = 0, system = 0;
    for (const thread_cpu& t : cpu_) {
        threads.push_back({{"user_s", t.user_s}, {"system_s", t.system_s}});
        user += t.user_s;
        system += t.system_s;
    }
    const double measured = std::chrono::duration<double>(stopped_ - ramped_).count();
    return {
        {"server", options_.server.authority()},
        {"listeners", options_.listeners},
        {"channels", options_.channels},
        {"attempted", next_},
        {"connected", connected},
        {"subscribed", subscribed},
        {"failed", failed},
        {"ramp_s", std::chrono::duration<double>(ramped_ - started_).count()},
        {"measured_s", measured},
        {"clock", options_.use_clock_offset ? "ping/pong offset" : "shared steady clock"},
        {"active", active.to_json(measured)},
        {"stalled", stalled.to_json(measured)},
        {"close_reasons", close_reasons},
        {"cpu", {{"threads", threads}, {"user_s", user}, {"system_s", system}}},
        {"watched",
         {{"pid", options_.watch_pid},
          {"valid", watched_start_.valid && watched_end_.valid},
          {"cpu_s", watched_end_.cpu_s - watched_start_.cpu_s},
          {"rss_kb_start", watched_start_.rss_kb},
          {"rss_kb_end", watched_end_.rss_kb}}},
    };
}

}  // namespace tolk::loadgen
