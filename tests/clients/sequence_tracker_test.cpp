#include "clients/common/sequence_tracker.hpp"

#include <gtest/gtest.h>

namespace tolk::client {
namespace {

TEST(sequence_tracker, counts_gaps) {
    sequence_tracker t;
    EXPECT_EQ(t.observe(100), 0u);
    EXPECT_EQ(t.observe(101), 0u);
    EXPECT_EQ(t.observe(104), 2u);
    EXPECT_EQ(t.observe(105), 0u);
    EXPECT_EQ(t.received(), 4u);
    EXPECT_EQ(t.missing(), 2u);
}

TEST(sequence_tracker, wraps_at_two_to_the_32) {
    sequence_tracker t;
    t.observe(0xFFFFFFFEu);
    EXPECT_EQ(t.observe(0xFFFFFFFFu), 0u);
    EXPECT_EQ(t.observe(1), 1u);  // 0 is missing
    EXPECT_EQ(t.missing(), 1u);
}

TEST(sequence_tracker, late_and_duplicate_frames_are_not_gaps) {
    sequence_tracker t;
    t.observe(10);
    t.observe(12);
    t.observe(11);  // late
    t.observe(12);  // duplicate
    EXPECT_EQ(t.missing(), 1u);
    EXPECT_EQ(t.out_of_order(), 2u);
    EXPECT_EQ(t.observe(13), 0u);
}

TEST(sequence_tracker, restarts_on_discontinuity_reset_and_huge_jumps) {
    sequence_tracker t(100);
    t.observe(5);
    EXPECT_EQ(t.observe(9000, true), 0u);  // a new source
    t.reset();                             // a resync
    EXPECT_EQ(t.observe(20), 0u);
    EXPECT_EQ(t.observe(500), 0u);         // beyond max_gap: a restart, not 479 missing
    EXPECT_EQ(t.missing(), 0u);
    EXPECT_EQ(t.restarts(), 2u);
    EXPECT_EQ(t.received(), 4u);
}

}  // namespace
}  // namespace tolk::client
