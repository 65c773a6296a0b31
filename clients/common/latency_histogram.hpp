#pragma once
// A latency histogram with ~3% relative precision (exact below 64 µs), cheap enough to record
// every frame of a thousand connections: record() is a few integer operations and one
// increment.  Log-linear buckets, so merging per-connection histograms is adding counts.
// Not thread-safe; one owner per histogram, merge() after the owners are done.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tolk::client {

struct latency_summary {
    std::uint64_t count = 0;
    std::uint64_t negative = 0;  // samples below zero (clock offset error); counted as 0
    double min_ms = 0, mean_ms = 0, p50_ms = 0, p95_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
};

nlohmann::json to_json(const latency_summary& summary);
// "p50 1.2 ms, p95 ..., max ... (n=1234)", or "no samples".
std::string to_string(const latency_summary& summary);

class latency_histogram {
public:
    void record(std::int64_t us);
    void merge(const latency_histogram& other);
    void clear() { *this = latency_histogram{}; }

    std::uint64_t count() const { return count_; }
    std::int64_t min_us() const { return count_ ? min_ : 0; }
    std::int64_t max_us() const { return count_ ? max_ : 0; }
    double mean_us() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0; }
    // The value at quantile q in [0, 1]: nearest rank, the bucket's midpoint within [min, max]
    // (the first and last ranks are the exact min and max); 0 when empty.
    std::int64_t percentile(double q) const;
    latency_summary summary() const;

    // Bucket layout, public for tests.
    static std::size_t bucket_of(std::int64_t us);
    static std::int64_t bucket_low(std::size_t bucket);
    static std::int64_t bucket_width(std::size_t bucket);

private:
    std::vector<std::uint64_t> counts_;  // grown to the highest bucket used
    std::uint64_t count_ = 0;
    std::uint64_t negative_ = 0;
    std::int64_t sum_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
};

}  // namespace tolk::client
