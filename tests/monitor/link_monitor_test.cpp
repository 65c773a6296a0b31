// Booth link figures: RFC 3550 jitter from capture and arrival times, sequence gaps.
#include "server/monitor/link_monitor.hpp"

#include <gtest/gtest.h>

namespace tolk::monitor {
namespace {

TEST(link_monitor, steady_arrivals_have_no_jitter) {
    link_monitor link;
    for (std::uint32_t i = 0; i < 500; ++i) {
        link.on_frame(i, i * 20000, i * 20000 + 35000);  // constant 35 ms transit
    }
    EXPECT_NEAR(link.snapshot().jitter_ms, 0.0, 1e-9);
    EXPECT_EQ(link.snapshot().frames, 500u);
    EXPECT_EQ(link.snapshot().frames_missing, 0u);
}

TEST(link_monitor, alternating_transit_converges_to_the_transit_change) {
    link_monitor link;
    for (std::uint32_t i = 0; i < 500; ++i) {
        const std::int64_t transit = (i % 2 == 0) ? 30000 : 50000;  // D = 20 ms every frame
        link.on_frame(i, i * 20000, i * 20000 + transit);
    }
    EXPECT_NEAR(link.snapshot().jitter_ms, 20.0, 0.1);
}

TEST(link_monitor, counts_gaps_late_frames_and_wraps) {
    link_monitor link;
    std::uint32_t seq = 0xFFFFFFF0u;  // wraps through zero
    std::int64_t t = 0;
    for (int i = 0; i < 40; ++i, ++seq, t += 20000) {
        if (i == 10 || i == 11 || i == 12 || i == 30) {
            continue;  // lost: two gaps, four frames
        }
        link.on_frame(seq, t, t + 10000);
    }
    link.on_frame(seq - 5, t, t + 10000);  // a late duplicate
    EXPECT_EQ(link.snapshot().frames_missing, 4u);
    EXPECT_EQ(link.snapshot().gaps, 2u);
    EXPECT_EQ(link.snapshot().frames_late, 1u);
    link.on_reconnect();
    link.on_frame(7, 0, 5000);  // a new baseline: no gap counted
    EXPECT_EQ(link.snapshot().frames_missing, 4u);
    EXPECT_EQ(link.snapshot().reconnects, 1u);
    link.on_frame(100000, 0, 5000);  // an unannounced new source: new baseline, not a gap
    EXPECT_EQ(link.snapshot().frames_missing, 4u);
    EXPECT_EQ(link.snapshot().reconnects, 1u);
}

}  // namespace
}  // namespace tolk::monitor
