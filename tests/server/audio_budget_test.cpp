// The booth's audio budget: limits by audio duration and bytes, not by frame count.

#include "server/audio_budget.hpp"

#include <gtest/gtest.h>

namespace tolk::test {
namespace {

using server::audio_budget;
constexpr int frame_20ms = 960;  // samples at 48 kHz

// Feeds `seconds` of 20 ms frames of `bytes` each, at `speed` x real time; the wall-clock
// second at which the budget first refused, or -1.
double first_refusal(audio_budget& b, double speed, double seconds, std::size_t bytes = 80,
                     std::int64_t start_us = 0) {
    const auto frames = static_cast<int>(seconds * 50);
    for (int i = 0; i < frames; ++i) {
        const auto at = start_us + static_cast<std::int64_t>(i * 20'000 / speed);
        if (!b.spend(at, frame_20ms, bytes))
            return static_cast<double>(at - start_us) / 1e6;
    }
    return -1;
}

TEST(audio_budget, real_time_and_up_to_the_ratio_are_never_refused) {
    audio_budget b(1.5, 5);
    b.reset(0);
    EXPECT_EQ(first_refusal(b, 1.0, 600), -1);
    audio_budget c(1.5, 5);
    c.reset(0);
    EXPECT_EQ(first_refusal(c, 1.45, 600), -1);
}

TEST(audio_budget, faster_than_the_ratio_is_refused_once_the_burst_is_spent) {
    audio_budget b(1.5, 5);
    b.reset(0);
    // 2 x real time against 1.5 refilled: the 5 s burst shrinks by 0.5 s a second, gone at 10 s.
    const double at = first_refusal(b, 2.0, 120);
    EXPECT_GT(at, 8.0);
    EXPECT_LT(at, 12.0);
}

TEST(audio_budget, a_stalled_network_delivering_its_backlog_at_once_is_accepted) {
    audio_budget b(1.5, 5);
    b.reset(0);
    ASSERT_EQ(first_refusal(b, 1.0, 10), -1);
    // 4 s of audio arriving within a millisecond after a stall of 4 s...
    ASSERT_EQ(first_refusal(b, 4000.0, 4, 80, 14'000'000), -1);
    // ...and then live again.
    EXPECT_EQ(first_refusal(b, 1.0, 60, 80, 14'001'000), -1);
}

TEST(audio_budget, more_than_the_burst_at_once_is_refused) {
    audio_budget b(1.5, 5);
    b.reset(0);
    EXPECT_GE(first_refusal(b, 10'000.0, 8), 0);
}

TEST(audio_budget, packets_bigger_than_opus_ever_makes_are_refused_by_bytes) {
    audio_budget b(1.5, 5);
    b.reset(0);
    // Real-time durations, but 4 KB per 20 ms (1.6 Mbit/s): beyond 1.5 x Opus's 510 kbit/s.
    const double at = first_refusal(b, 1.0, 60, 4000);
    EXPECT_GT(at, 0);
    EXPECT_LT(at, 10);
    audio_budget c(1.5, 5);
    c.reset(0);
    EXPECT_EQ(first_refusal(c, 1.0, 60, 1275), -1);  // Opus's largest 20 ms frame, at real time
}

}  // namespace
}  // namespace tolk::test
