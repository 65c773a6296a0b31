#include "clients/common/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace tolk::client {

backoff::backoff(const backoff_options& options, std::uint64_t seed)
    : options_(options), rng_(seed) {}

std::chrono::milliseconds backoff::ceiling() const {
    const double initial = static_cast<double>(options_.initial.count());
    const double grown = initial * std::pow(options_.factor, std::min(attempt_, 62));
    const double capped = std::min(grown, static_cast<double>(options_.max.count()));
    return std::chrono::milliseconds(static_cast<std::int64_t>(capped));
}

std::chrono::milliseconds backoff::next() {
    const double ceil_ms = static_cast<double>(ceiling().count());
    const double jitter = std::clamp(options_.jitter, 0.0, 1.0);
    std::uniform_real_distribution<double> spread(ceil_ms * (1.0 - jitter), ceil_ms);
    const double wait = jitter > 0 ? spread(rng_) : ceil_ms;
    ++attempt_;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::lround(wait)));
}

}  // namespace tolk::client
