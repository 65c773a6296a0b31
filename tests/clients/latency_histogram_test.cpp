#include "clients/common/latency_histogram.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace tolk::client {
namespace {

TEST(latency_histogram, buckets_are_contiguous_and_precise) {
    std::size_t previous = 0;
    for (std::int64_t v = 0; v < 5'000'000; v += 1 + v / 97) {
        const std::size_t b = latency_histogram::bucket_of(v);
        EXPECT_GE(b, previous) << v;  // monotonic
        EXPECT_LE(latency_histogram::bucket_low(b), v) << v;
        EXPECT_LT(v, latency_histogram::bucket_low(b) + latency_histogram::bucket_width(b)) << v;
        // Relative width: exact below 64 µs, at most 1/32 above.
        EXPECT_LE(static_cast<double>(latency_histogram::bucket_width(b)),
                  std::max(1.0, static_cast<double>(v) / 32.0)) << v;
        previous = b;
    }
    EXPECT_EQ(latency_histogram::bucket_of(-5), 0u);
}

TEST(latency_histogram, percentiles_of_a_known_distribution) {
    latency_histogram h;
    for (std::int64_t v = 1; v <= 100'000; ++v)
        h.record(v);
    EXPECT_EQ(h.count(), 100'000u);
    EXPECT_EQ(h.min_us(), 1);
    EXPECT_EQ(h.max_us(), 100'000);
    EXPECT_NEAR(h.mean_us(), 50'000.5, 1e-6);
    const std::pair<double, double> expected[] = {{0.5, 50'000}, {0.95, 95'000}, {0.99, 99'000}, {0.999, 99'900}};
    for (const auto& [q, value] : expected)
        EXPECT_NEAR(static_cast<double>(h.percentile(q)), value, value * 0.035) << q;
    EXPECT_EQ(h.percentile(1.0), 100'000);
    EXPECT_EQ(h.percentile(0.0), 1);
}

TEST(latency_histogram, small_values_are_exact) {
    latency_histogram h;
    for (int v : {3, 1, 2, 5, 4})
        h.record(v);
    EXPECT_EQ(h.percentile(0.5), 3);
    EXPECT_EQ(h.percentile(0.2), 1);
    EXPECT_EQ(h.percentile(0.21), 2);
    EXPECT_EQ(h.summary().max_ms, 0.005);
}

TEST(latency_histogram, merge_equals_recording_everything_in_one) {
    std::mt19937 rng(7);
    std::lognormal_distribution<double> dist(7.0, 1.0);
    latency_histogram all, a, b;
    for (int i = 0; i < 20'000; ++i) {
        const auto v = static_cast<std::int64_t>(dist(rng));
        all.record(v);
        (i % 3 ? a : b).record(v);
    }
    latency_histogram merged;
    merged.merge(a);
    merged.merge(b);
    EXPECT_EQ(merged.count(), all.count());
    EXPECT_EQ(merged.min_us(), all.min_us());
    EXPECT_EQ(merged.max_us(), all.max_us());
    for (double q : {0.1, 0.5, 0.9, 0.99, 0.999})
        EXPECT_EQ(merged.percentile(q), all.percentile(q)) << q;
}

TEST(latency_histogram, empty_and_negative) {
    latency_histogram h;
    EXPECT_EQ(h.percentile(0.5), 0);
    EXPECT_EQ(to_string(h.summary()), "no samples");
    h.record(-40);
    h.record(100);
    const auto s = h.summary();
    EXPECT_EQ(s.negative, 1u);
    EXPECT_EQ(s.min_ms, -0.04);
    EXPECT_EQ(h.percentile(0.5), -40);  // clamped into [min, max]
    const auto j = to_json(s);
    EXPECT_EQ(j["count"], 2);
    EXPECT_TRUE(j.contains("p999_ms"));
}

}  // namespace
}  // namespace tolk::client
