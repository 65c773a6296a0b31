// What listeners hear, per channel: percentiles and shares over listeners, each counted once,
// and no report can move the aggregate beyond its own listener's weight.
#include "booth_feed.hpp"
#include "server/monitor/listener_aggregator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tolk::monitor {
namespace {

protocol::listener_stats stats(double delay, double latency, double concealed,
                               std::uint64_t interruptions = 0) {
    protocol::listener_stats s;
    s.channel = "en";
    s.delay_ms = delay;
    s.latency_ms = latency;
    s.concealed_ratio = concealed;
    s.interruptions = interruptions;
    return s;
}

TEST(listener_aggregator, percentiles_and_concealment_share) {
    listener_aggregator agg;
    const auto now = testing::at_seconds(0);
    for (std::uint64_t i = 0; i < 100; ++i) {  // delays 1..100 ms, latencies 101..200 ms
        const double concealed = i < 30 ? 0.10 : 0.001;
        agg.report(i, stats(1.0 + i, 101.0 + i, concealed), now);
    }
    const auto s = agg.summarize(now);
    EXPECT_EQ(s.reporting, 100u);
    EXPECT_NEAR(*s.delay_ms_p50, 50.5, 1e-9);
    EXPECT_NEAR(*s.delay_ms_p95, 95.05, 1e-9);
    EXPECT_NEAR(*s.latency_ms_p50, 150.5, 1e-9);
    EXPECT_NEAR(s.concealed_share, 0.30, 1e-9);
    EXPECT_EQ(s.concealing, 30u);
}

TEST(listener_aggregator, bad_values_are_refused_or_clamped) {
    listener_aggregator agg;
    const auto now = testing::at_seconds(0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(agg.report(1, stats(nan, inf, -0.5), now), report_verdict::refused);
    EXPECT_EQ(agg.report(2, stats(-3, -1, nan), now), report_verdict::refused);
    EXPECT_EQ(agg.report(3, stats(1e12, 5e9, 7.0), now), report_verdict::clamped);
    EXPECT_EQ(agg.report(4, stats(40, -1, 0.0), now), report_verdict::accepted);
    const auto s = agg.summarize(now);
    EXPECT_EQ(s.reporting, 2u);  // the refused ones never joined
    EXPECT_EQ(s.refused_reports, 2u);
    EXPECT_EQ(s.clamped_values, 1u);
    EXPECT_NEAR(*s.delay_ms_p95, 40 + 0.95 * (10000 - 40), 1e-6);  // clamped to 10 s
    EXPECT_NEAR(*s.latency_ms_p50, 30000, 1e-9);  // only listener 3 knows its latency
    EXPECT_NEAR(s.concealed_share, 0.5, 1e-9);    // listener 3 at most 100 %, one of two
}

TEST(listener_aggregator, one_listener_counts_once_however_often_it_reports) {
    listener_aggregator agg;
    const auto now = testing::at_seconds(0);
    for (std::uint64_t i = 0; i < 9; ++i) {
        agg.report(i, stats(50, 200, 0.0), now);
    }
    for (int n = 0; n < 1000; ++n) {
        agg.report(99, stats(10000, 30000, 1.0, static_cast<std::uint64_t>(n) * 1000000), now);
    }
    const auto s = agg.summarize(now);
    EXPECT_EQ(s.reporting, 10u);
    EXPECT_NEAR(*s.delay_ms_p50, 50, 1e-9);
    EXPECT_NEAR(s.concealed_share, 0.1, 1e-9);
    EXPECT_LE(s.interruptions, 1000u * 100u);  // each report's step clamped to 100
}

TEST(listener_aggregator, interruptions_count_steps_and_survive_a_client_restart) {
    listener_aggregator agg;
    const auto now = testing::at_seconds(0);
    agg.report(1, stats(50, 200, 0, 2), now);
    agg.report(1, stats(50, 200, 0, 5), now);
    agg.report(1, stats(50, 200, 0, 1), now);  // restarted: a new baseline
    agg.report(1, stats(50, 200, 0, 3), now);
    EXPECT_EQ(agg.summarize(now).interruptions, 5u + 2u);
}

TEST(listener_aggregator, stale_and_removed_listeners_no_longer_count) {
    listener_aggregator agg;
    agg.report(1, stats(50, 200, 0.5), testing::at_seconds(0));
    agg.report(2, stats(60, 210, 0.0), testing::at_seconds(10));
    agg.report(3, stats(70, 220, 0.0), testing::at_seconds(10));
    EXPECT_EQ(agg.summarize(testing::at_seconds(20)).reporting, 2u);  // 1 is 20 s old
    agg.remove(2);
    const auto s = agg.summarize(testing::at_seconds(20));
    EXPECT_EQ(s.reporting, 1u);
    EXPECT_NEAR(*s.delay_ms_p50, 70, 1e-9);
    EXPECT_FALSE(agg.summarize(testing::at_seconds(60)).delay_ms_p50.has_value());
}

TEST(listener_aggregator, listeners_that_vanish_without_remove_are_forgotten) {
    listener_aggregator agg;
    for (std::uint64_t i = 0; i < 1000; ++i) {  // one new listener a second, each reports once
        agg.report(i, stats(50, 200, 0), testing::at_seconds(static_cast<double>(i)));
    }
    EXPECT_LE(agg.tracked(), 256u + 16u);  // at most the stale window plus one check interval
    EXPECT_EQ(agg.summarize(testing::at_seconds(999)).reporting, 16u);
}

}  // namespace
}  // namespace tolk::monitor
