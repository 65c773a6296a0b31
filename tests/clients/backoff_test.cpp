#include "clients/common/backoff.hpp"

#include <gtest/gtest.h>

namespace tolk::client {
namespace {

using std::chrono::milliseconds;

TEST(backoff, doubles_up_to_the_cap_without_jitter) {
    backoff b({milliseconds(250), milliseconds(4000), 2.0, 0.0}, 1);
    const int expected[] = {250, 500, 1000, 2000, 4000, 4000, 4000};
    for (int ms : expected)
        EXPECT_EQ(b.next(), milliseconds(ms));
    b.reset();
    EXPECT_EQ(b.next(), milliseconds(250));
}

TEST(backoff, jitter_stays_within_its_band_and_spreads) {
    backoff b({milliseconds(200), milliseconds(3000), 2.0, 0.5}, 42);
    for (int attempt = 0; attempt < 40; ++attempt) {
        const auto ceiling = b.ceiling();
        const auto wait = b.next();
        EXPECT_LE(wait, ceiling);
        EXPECT_GE(wait.count(), ceiling.count() / 2 - 1);
        EXPECT_LE(wait, milliseconds(3000));
    }
    // Two clients cut off together do not come back together.
    backoff x({}, 1), y({}, 2);
    int same = 0;
    for (int i = 0; i < 8; ++i)
        same += x.next() == y.next();
    EXPECT_LT(same, 3);
}

TEST(backoff, survives_many_attempts) {
    backoff b({milliseconds(250), milliseconds(4000), 2.0, 0.0}, 1);
    for (int i = 0; i < 1000; ++i)
        b.next();
    EXPECT_EQ(b.next(), milliseconds(4000));
}

}  // namespace
}  // namespace tolk::client
