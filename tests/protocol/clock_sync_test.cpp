#include "protocol/clock_sync.hpp"

#include <gtest/gtest.h>

namespace tolk::protocol {
namespace {

// A client whose clock runs `offset` behind the server, with asymmetric queueing delays.
clock_sample exchange(std::int64_t t0, std::int64_t offset, std::int64_t up, std::int64_t down) {
    clock_sample s;
    s.t0 = t0;
    s.t1 = t0 + offset + up;
    s.t2 = s.t1 + 10;
    s.t3 = s.t2 - offset + down;
    return s;
}

TEST(clock_sync, symmetric_path_gives_exact_offset) {
    clock_sync sync;
    EXPECT_FALSE(sync.valid());
    sync.add(exchange(1000, 5'000'000, 300, 300));
    ASSERT_TRUE(sync.valid());
    EXPECT_EQ(sync.offset_us(), 5'000'000);
    EXPECT_EQ(sync.rtt_us(), 600);
    EXPECT_EQ(sync.to_server(1), 5'000'001);
}

TEST(clock_sync, keeps_the_lowest_rtt_sample) {
    clock_sync sync(8);
    sync.add(exchange(0, -2000, 40'000, 200));   // queued upstream: offset error 19.9 ms
    sync.add(exchange(10, -2000, 250, 250));     // clean
    sync.add(exchange(20, -2000, 200, 90'000));  // queued downstream
    EXPECT_EQ(sync.offset_us(), -2000);
    EXPECT_EQ(sync.rtt_us(), 500);
}

TEST(clock_sync, window_forgets_old_samples) {
    clock_sync sync(2);
    sync.add(exchange(0, 100, 10, 10));
    sync.add(exchange(1, 200, 500, 500));
    sync.add(exchange(2, 300, 500, 500));
    EXPECT_EQ(sync.sample_count(), 2u);
    EXPECT_EQ(sync.offset_us(), 200);  // the 100 µs sample has left the window
}

TEST(clock_sync, refuses_impossible_samples) {
    clock_sync sync;
    clock_sample s{100, 50, 200, 150};  // server held it longer than the whole round trip
    EXPECT_FALSE(sync.add(s));
    EXPECT_FALSE(sync.valid());
}

}  // namespace
}  // namespace tolk::protocol
