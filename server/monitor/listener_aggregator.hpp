#pragma once
// What a channel's listeners really hear, aggregated from the `stats` reports their phones and
// tolk-listen send: how many report, p50/p95 of buffer delay and end-to-end latency, the share
// of listeners whose concealment is above a threshold, interruptions.  Every report is range-
// checked first: a NaN, an infinity, a negative or absurd value is refused or clamped, and
// each listener counts once (its latest report), so one listener cannot move the aggregate
// beyond its own weight.
// One per channel; owned by one thread (the monitor's); not thread-safe.

#include "protocol/control_message.hpp"
#include "server/monitor/monitor_clock.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>

namespace tolk::monitor {

struct listener_limits {
    double max_delay_ms = 10000;               // buffer delay above this is clamped
    double max_latency_ms = 30000;             // end-to-end latency above this is clamped
    std::uint64_t max_interruptions_step = 100;  // per report: a bigger jump is clamped
    double stale_seconds = 15;                 // a listener silent this long no longer counts
    double concealed_threshold = 0.05;         // "hears dropouts": concealing over 5 %
};

struct listener_summary {
    std::uint32_t reporting = 0;             // listeners with a fresh report
    std::optional<double> delay_ms_p50;      // nullopt: nobody reported a usable value
    std::optional<double> delay_ms_p95;
    std::optional<double> latency_ms_p50;
    std::optional<double> latency_ms_p95;
    double concealed_share = 0;              // 0..1 of those reporting concealment
    std::uint32_t concealing = 0;            // listeners above concealed_threshold
    std::uint64_t interruptions = 0;         // summed over every listener seen, clamped
    std::uint64_t refused_reports = 0;       // reports with nothing usable
    std::uint64_t clamped_values = 0;        // values brought back into range
};

enum class report_verdict { accepted, clamped, refused };

class listener_aggregator {
public:
    explicit listener_aggregator(const listener_limits& limits = {});

    report_verdict report(std::uint64_t listener, const protocol::listener_stats& stats,
                          time_point now);
    // A listener that left.  Listeners that stop reporting are forgotten anyway once stale
    // (checked every 256 reports), so the table stays bounded even if remove() is missed.
    void remove(std::uint64_t listener);

    listener_summary summarize(time_point now) const;
    std::size_t tracked() const { return listeners_.size(); }  // including stale ones

private:
    void forget_stale(time_point now);

    struct entry {
        std::optional<double> delay_ms;
        std::optional<double> latency_ms;
        std::optional<double> concealed_ratio;
        std::uint64_t last_interruptions = 0;  // as the listener reported it
        time_point at;
    };

    listener_limits limits_;
    std::unordered_map<std::uint64_t, entry> listeners_;
    std::uint64_t interruptions_ = 0;
    std::uint64_t refused_ = 0;
    std::uint64_t clamped_ = 0;
    std::uint64_t reports_ = 0;
};

}  // namespace tolk::monitor
