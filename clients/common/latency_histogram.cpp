#include "clients/common/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace tolk::client {
namespace {

constexpr int sub_bits = 5;                      // 32 sub-buckets per power of two
constexpr std::int64_t sub_count = 1 << sub_bits;
constexpr std::int64_t exact_limit = 2 * sub_count;  // 0..63 µs get a bucket each
constexpr std::int64_t largest = std::int64_t{1} << 40;  // ~12 days; larger values clamp

}  // namespace

std::size_t latency_histogram::bucket_of(std::int64_t us) {
    const auto v = static_cast<std::uint64_t>(std::clamp<std::int64_t>(us, 0, largest));
    if (v < static_cast<std::uint64_t>(exact_limit))
        return static_cast<std::size_t>(v);
    const int shift = std::bit_width(v) - 1 - sub_bits;  // >= 1
    const auto mantissa = static_cast<std::int64_t>(v >> shift) - sub_count;  // 0..31
    return static_cast<std::size_t>(exact_limit + (shift - 1) * sub_count + mantissa);
}

std::int64_t latency_histogram::bucket_low(std::size_t bucket) {
    const auto b = static_cast<std::int64_t>(bucket);
    if (b < exact_limit)
        return b;
    const std::int64_t shift = (b - exact_limit) / sub_count + 1;
    const std::int64_t mantissa = (b - exact_limit) % sub_count + sub_count;
    return mantissa << shift;
}

std::int64_t latency_histogram::bucket_width(std::size_t bucket) {
    const auto b = static_cast<std::int64_t>(bucket);
    return b < exact_limit ? 1 : std::int64_t{1} << ((b - exact_limit) / sub_count + 1);
}

void latency_histogram::record(std::int64_t us) {
    if (count_ == 0) {
        min_ = max_ = us;
    } else {
        min_ = std::min(min_, us);
        max_ = std::max(max_, us);
    }
    ++count_;
    sum_ += us;
    if (us < 0)
        ++negative_;
    const std::size_t bucket = bucket_of(us);
    if (bucket >= counts_.size())
        counts_.resize(bucket + 1, 0);
    ++counts_[bucket];
}

void latency_histogram::merge(const latency_histogram& other) {
    if (other.count_ == 0)
        return;
    if (count_ == 0) {
        *this = other;
        return;
    }
    if (other.counts_.size() > counts_.size())
        counts_.resize(other.counts_.size(), 0);
    for (std::size_t i = 0; i < other.counts_.size(); ++i)
        counts_[i] += other.counts_[i];
    count_ += other.count_;
    negative_ += other.negative_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

std::int64_t latency_histogram::percentile(double q) const {
    if (count_ == 0)
        return 0;
    const double clamped = std::clamp(q, 0.0, 1.0);
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(clamped * static_cast<double>(count_))));
    if (rank <= 1)
        return min_;  // the extremes are known exactly
    if (rank >= count_)
        return max_;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            const std::int64_t mid = bucket_low(i) + (bucket_width(i) - 1) / 2;
            return std::clamp(mid, min_, max_);
        }
    }
    return max_;
}

latency_summary latency_histogram::summary() const {
    const auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
    latency_summary s;
    s.count = count_;
    s.negative = negative_;
    s.min_ms = ms(min_us());
    s.mean_ms = mean_us() / 1000.0;
    s.p50_ms = ms(percentile(0.50));
    s.p95_ms = ms(percentile(0.95));
    s.p99_ms = ms(percentile(0.99));
    s.p999_ms = ms(percentile(0.999));
    s.max_ms = ms(max_us());
    return s;
}

nlohmann::json to_json(const latency_summary& s) {
    const auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    return {{"count", s.count},          {"negative", s.negative},
            {"min_ms", round3(s.min_ms)}, {"mean_ms", round3(s.mean_ms)},
            {"p50_ms", round3(s.p50_ms)}, {"p95_ms", round3(s.p95_ms)},
            {"p99_ms", round3(s.p99_ms)}, {"p999_ms", round3(s.p999_ms)},
            {"max_ms", round3(s.max_ms)}};
}

std::string to_string(const latency_summary& s) {
    if (s.count == 0)
        return "no samples";
    char text[200];
    std::snprintf(text, sizeof text,
                  "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (n=%llu)",
                  s.p50_ms, s.p95_ms, s.p99_ms, s.p999_ms, s.max_ms,
                  static_cast<unsigned long long>(s.count));
    return text;
}

}  // namespace tolk::client
