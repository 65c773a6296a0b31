#include "protocol/clock_sync.hpp"

#include <algorithm>

namespace tolk::protocol {

bool clock_sync::add(const clock_sample& sample) {
    if (sample.rtt_us() < 0 || sample.t3 < sample.t0)
        return false;
    samples_.push_back(sample);
    while (samples_.size() > window_)
        samples_.pop_front();
    return true;
}

const clock_sample* clock_sync::best() const {
    if (samples_.empty())
        return nullptr;
    return &*std::min_element(samples_.begin(), samples_.end(),
                              [](const auto& a, const auto& b) { return a.rtt_us() < b.rtt_us(); });
}

std::int64_t clock_sync::offset_us() const {
    const clock_sample* s = best();
    return s ? s->offset_us() : 0;
}

std::int64_t clock_sync::rtt_us() const {
    const clock_sample* s = best();
    return s ? s->rtt_us() : 0;
}

}  // namespace tolk::protocol
