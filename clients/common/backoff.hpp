#pragma once
// The reconnect schedule: exponential backoff with jitter, capped.  Attempt k waits a random
// time in [(1 - jitter) * d, d] with d = min(max, initial * factor^k), so many clients cut off
// by the same server restart do not all come back in the same millisecond.
// Not thread-safe; one owner (a connection's strand).

#include <chrono>
#include <cstdint>
#include <random>

namespace tolk::client {

struct backoff_options {
    std::chrono::milliseconds initial{250};
    std::chrono::milliseconds max{4000};
    double factor = 2.0;
    double jitter = 0.5;  // 0: exact schedule, 1: anywhere in [0, d]
};

class backoff {
public:
    explicit backoff(const backoff_options& options = {}, std::uint64_t seed = std::random_device{}());

    // The wait before the next attempt; advances the schedule.
    std::chrono::milliseconds next();
    // The un-jittered ceiling of the next wait (for logs and tests).
    std::chrono::milliseconds ceiling() const;
    // A connection succeeded: start over from `initial`.
    void reset() { attempt_ = 0; }
    int attempt() const { return attempt_; }

private:
    backoff_options options_;
    std::mt19937_64 rng_;
    int attempt_ = 0;
};

}  // namespace tolk::client
