#include "clients/common/frame_pacer.hpp"

#include <gtest/gtest.h>

namespace tolk::client {
namespace {

TEST(frame_pacer, frame_k_is_due_when_its_last_sample_is_captured) {
    frame_pacer p(1'000'000, 960);  // 20 ms frames
    EXPECT_EQ(p.frame_us(), 20'000);
    EXPECT_EQ(p.capture_us(0), 1'000'000);
    EXPECT_EQ(p.due_us(0), 1'020'000);
    EXPECT_EQ(p.capture_us(50), 2'000'000);
    EXPECT_EQ(p.frames_due(999'999), 0u);
    EXPECT_EQ(p.frames_due(1'019'999), 0u);
    EXPECT_EQ(p.frames_due(1'020'000), 1u);
    EXPECT_EQ(p.frames_due(2'000'000), 50u);
}

TEST(frame_pacer, no_drift_over_hours_for_every_frame_size) {
    for (int samples : {120, 240, 480, 960, 1920, 2880}) {
        frame_pacer p(0, samples);
        const std::uint64_t frames_per_hour = 3600ull * 48000 / static_cast<std::uint64_t>(samples);
        EXPECT_EQ(p.capture_us(frames_per_hour), 3'600'000'000) << samples;
        EXPECT_EQ(p.frames_due(3'600'000'000), frames_per_hour) << samples;
    }
}

TEST(frame_pacer, reanchor_skips_ahead_without_a_burst) {
    frame_pacer p(0, 960);
    // The process was stopped for 5 s while frame 10 was due at 220 ms.
    p.reanchor(10, 5'220'000);
    EXPECT_EQ(p.due_us(10), 5'220'000);
    EXPECT_EQ(p.capture_us(10), 5'200'000);
    EXPECT_EQ(p.due_us(11), 5'240'000);
    EXPECT_EQ(p.frames_due(5'220'000), 11u);  // frames 0..10 due, not 0..260
    EXPECT_EQ(p.frames_due(5'239'999), 11u);
}

}  // namespace
}  // namespace tolk::client
