#include "server/monitor/listener_aggregator.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tolk::monitor {
namespace {

// A reported value checked against [0, max]: nullopt when it is not a number, infinite or
// negative (latency -1 means "unknown"); clamped to max above it.
std::optional<double> checked(double value, double max, bool& clamped) {
    if (!std::isfinite(value) || value < 0) {
        return std::nullopt;
    }
    if (value > max) {
        clamped = true;
        return max;
    }
    return value;
}

// Linear interpolation between closest ranks; `values` not empty.
double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const double rank = p * static_cast<double>(values.size() - 1);
    const auto low = static_cast<std::size_t>(std::floor(rank));
    const auto high = std::min(low + 1, values.size() - 1);
    return values[low] + (rank - static_cast<double>(low)) * (values[high] - values[low]);
}

}  // namespace

listener_aggregator::listener_aggregator(const listener_limits& limits) : limits_(limits) {}

report_verdict listener_aggregator::report(std::uint64_t listener,
                                           const protocol::listener_stats& stats, time_point now) {
    if (++reports_ % 256 == 0) {
        forget_stale(now);
    }
    bool clamped = false;
    entry next;
    next.delay_ms = checked(stats.delay_ms, limits_.max_delay_ms, clamped);
    next.latency_ms = checked(stats.latency_ms, limits_.max_latency_ms, clamped);
    next.concealed_ratio = checked(stats.concealed_ratio, 1.0, clamped);
    next.at = now;
    if (!next.delay_ms && !next.latency_ms && !next.concealed_ratio) {
        ++refused_;
        return report_verdict::refused;  // the listener's previous report stays
    }
    auto [it, fresh] = listeners_.try_emplace(listener);
    // Interruptions are a counter: count the step since this listener's last report, clamped;
    // a counter that went down is a restarted client and starts a new baseline.
    if (!fresh && stats.interruptions > it->second.last_interruptions) {
        const std::uint64_t step = stats.interruptions - it->second.last_interruptions;
        if (step > limits_.max_interruptions_step) {
            clamped = true;
        }
        interruptions_ += std::min(step, limits_.max_interruptions_step);
    } else if (fresh) {
        if (stats.interruptions > limits_.max_interruptions_step) {
            clamped = true;
        }
        interruptions_ += std::min(stats.interruptions, limits_.max_interruptions_step);
    }
    next.last_interruptions = stats.interruptions;
    it->second = next;
    if (clamped) {
        ++clamped_;
    }
    return clamped ? report_verdict::clamped : report_verdict::accepted;
}

void listener_aggregator::remove(std::uint64_t listener) { listeners_.erase(listener); }

void listener_aggregator::forget_stale(time_point now) {
    std::erase_if(listeners_, [&](const auto& item) {
        return seconds_between(item.second.at, now) > limits_.stale_seconds;
    });
}

listener_summary listener_aggregator::summarize(time_point now) const {
    listener_summary s;
    s.interruptions = interruptions_;
    s.refused_reports = refused_;
    s.clamped_values = clamped_;
    std::vector<double> delays;
    std::vector<double> latencies;
    std::uint32_t concealment_reports = 0;
    for (const auto& [id, e] : listeners_) {
        if (seconds_between(e.at, now) > limits_.stale_seconds) {
            continue;
        }
        ++s.reporting;
        if (e.delay_ms) {
            delays.push_back(*e.delay_ms);
        }
        if (e.latency_ms) {
            latencies.push_back(*e.latency_ms);
        }
        if (e.concealed_ratio) {
            ++concealment_reports;
            if (*e.concealed_ratio > limits_.concealed_threshold) {
                ++s.concealing;
            }
        }
    }
    if (!delays.empty()) {
        s.delay_ms_p50 = percentile(delays, 0.5);
        s.delay_ms_p95 = percentile(delays, 0.95);
    }
    if (!latencies.empty()) {
        s.latency_ms_p50 = percentile(latencies, 0.5);
        s.latency_ms_p95 = percentile(latencies, 0.95);
    }
    if (concealment_reports > 0) {
        s.concealed_share = static_cast<double>(s.concealing) / concealment_reports;
    }
    return s;
}

}  // namespace tolk::monitor
