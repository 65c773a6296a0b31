#pragma once
// NTP-style clock offset and round-trip estimation from ping/pong exchanges.
//
//   client sends ping at t0 (client clock); server receives at t1, replies at t2 (server
//   clock); client receives the pong at t3 (client clock).
//   offset = ((t1 - t0) + (t2 - t3)) / 2   (server clock minus client clock)
//   rtt    = (t3 - t0) - (t2 - t1)
//
// Samples with the lowest round trip carry the least queueing error, so the estimate is the
// offset of the lowest-RTT sample among the most recent `window`. Not thread-safe; one owner.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace tolk::protocol {

struct clock_sample {
    std::int64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    std::int64_t offset_us() const { return ((t1 - t0) + (t2 - t3)) / 2; }
    std::int64_t rtt_us() const { return (t3 - t0) - (t2 - t1); }
};

class clock_sync {
public:
    explicit clock_sync(std::size_t window = 16) : window_(window) {}

    // Returns false (and ignores the sample) when it is impossible: negative round trip.
    bool add(const clock_sample& sample);

    bool valid() const { return !samples_.empty(); }
    // Server clock minus local clock, µs. 0 until valid().
    std::int64_t offset_us() const;
    std::int64_t rtt_us() const;
    std::size_t sample_count() const { return samples_.size(); }

    // Local time expressed on the server clock.
    std::int64_t to_server(std::int64_t local_us) const { return local_us + offset_us(); }

private:
    const clock_sample* best() const;

    std::size_t window_;
    std::deque<clock_sample> samples_;
};

}  // namespace tolk::protocol
