#include "codec/fixed_delay_buffer.hpp"

#include "codec/playout_simulator.hpp"
#include "tests/codec/playout_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace tolk::codec {
namespace {

using namespace test_support;

// The end-to-end offset (receiver time minus sender capture time) of every block that played
// decoded audio.
std::vector<std::int64_t> offsets(const simulation_result& r) {
    std::vector<std::int64_t> out;
    for (const auto& b : r.blocks) {
        if (b.info.capture_known) {
            out.push_back(b.time_us - b.info.capture_us);
        }
    }
    return out;
}

TEST(fixed_delay_buffer, steady_arrivals_play_after_the_delay_without_concealment) {
    const auto frames = frames_of(sine(440, 2.0), [](int i) { return 5'000 + i * frame_us; });
    auto buffer = make_fixed_delay_buffer(40);
    const auto r = simulate(*buffer, frames, {.start_us = 0, .end_us = 2'000'000});
    EXPECT_EQ(r.stats.concealed_samples, 0u);
    EXPECT_EQ(r.stats.frames_late, 0u);
    const auto o = offsets(r);
    ASSERT_FALSE(o.empty());
    for (auto v : o) {
        EXPECT_NEAR(static_cast<double>(v), 45'000, 10'000);  // 5 ms network + 40 ms buffer
    }
    EXPECT_NEAR(r.stats.jitter_buffer_delay_s / static_cast<double>(r.stats.jitter_buffer_emitted_count),
                0.040, 0.006);
}

TEST(fixed_delay_buffer, a_stall_is_concealed_and_late_frames_are_discarded_not_replayed) {
    // Frames 50..69 are held back 500 ms, then arrive together.
    const auto frames = frames_of(sine(440, 3.0), [](int i) {
        const std::int64_t on_time = 5'000 + i * frame_us;
        return (i >= 50 && i < 70) ? 70 * frame_us + 5'000 : on_time;
    });
    auto buffer = make_fixed_delay_buffer(60);
    const auto r = simulate(*buffer, frames, {.start_us = 0, .end_us = 3'000'000});
    EXPECT_GT(r.stats.frames_late, 10u);
    EXPECT_EQ(r.stats.concealment_events, 1u);
    EXPECT_EQ(r.stats.interruptions, 1u);
    EXPECT_TRUE(capture_monotonic(r));
    // The schedule never moves: every played block has the same end-to-end offset.
    const auto o = offsets(r);
    const auto [lo, hi] = std::minmax_element(o.begin(), o.end());
    EXPECT_LE(*hi - *lo, 1'000);
}

TEST(fixed_delay_buffer, a_discontinuity_restarts_the_schedule) {
    auto frames = frames_of(sine(440, 2.0), [](int i) {
        return 5'000 + i * frame_us + (i >= 50 ? 300'000 : 0);
    });
    for (auto& f : frames) {
        f.discontinuity = f.sequence == 50;
    }
    auto buffer = make_fixed_delay_buffer(40);
    const auto r = simulate(*buffer, frames, {.start_us = 0, .end_us = 2'300'000});
    EXPECT_EQ(r.stats.discontinuities, 1u);
    EXPECT_EQ(r.stats.frames_late, 0u);
    const auto o = offsets(r);
    EXPECT_NEAR(static_cast<double>(o.front()), 45'000, 10'000);
    EXPECT_NEAR(static_cast<double>(o.back()), 345'000, 10'000);
}

TEST(fixed_delay_buffer, plays_silence_not_concealment_after_the_end_of_a_segment) {
    // 2 s of speech ending with end_of_segment, a 3 s pause, 2 s more that end the same way.
    auto frames = frames_of(sine(440, 4.0), [](int i) {
        return 5'000 + i * frame_us + (i >= 100 ? 3'000'000 : 0);
    });
    for (auto& f : frames) {
        f.capture_us += f.sequence >= 100 ? 3'000'000 : 0;
        f.end_of_segment = f.sequence == 99 || f.sequence == 199;
    }
    auto buffer = make_fixed_delay_buffer(40);
    const auto r = simulate(*buffer, frames, {.start_us = 0, .end_us = 9'000'000});
    EXPECT_EQ(r.stats.concealed_samples, 0u);
    EXPECT_EQ(r.stats.interruptions, 0u);
    EXPECT_EQ(r.stats.frames_late, 0u);
    EXPECT_EQ(r.stats.samples_played, 4u * sample_rate);
    for (const auto& b : r.blocks) {
        if ((b.time_us >= 2'100'000 && b.time_us < 5'000'000) || b.time_us >= 7'100'000) {
            EXPECT_FALSE(b.info.playing) << "at " << b.time_us << " us";
        }
    }
    // Each segment keeps the 40 ms schedule from its own first frame.
    const auto o = offsets(r);
    ASSERT_FALSE(o.empty());
    EXPECT_NEAR(static_cast<double>(o.front()), 45'000, 10'000);
    EXPECT_NEAR(static_cast<double>(o.back()), 45'000, 10'000);
}

}  // namespace
}  // namespace tolk::codec
