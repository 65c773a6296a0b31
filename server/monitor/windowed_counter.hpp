#pragma once
// How much a running total (clipped samples, missing frames) grew over the last `window`
// seconds, from observations of the total at the times the alarm engine looks.  A total that
// goes down (its source was reset) starts a new baseline.  At most 1,024 observations are
// kept, whatever the calling rate.
// Owned by its user (the alarm engine); not thread-safe.

#include "server/monitor/monitor_clock.hpp"

#include <cstdint>
#include <deque>
#include <utility>

namespace tolk::monitor {

class windowed_counter {
public:
    explicit windowed_counter(double window_seconds) : window_(window_seconds) {}

    void observe(time_point now, std::uint64_t total) {
        if (!seen_.empty() && total < seen_.back().second) {
            seen_.clear();
        }
        seen_.emplace_back(now, total);
        // Keep the newest observation at or before the window's start as the baseline.
        while (seen_.size() > 1 &&
               (seconds_between(seen_[1].first, now) >= window_ || seen_.size() > 1024)) {
            seen_.pop_front();
        }
    }

    std::uint64_t increase() const {
        return seen_.empty() ? 0 : seen_.back().second - seen_.front().second;
    }

private:
    double window_;
    std::deque<std::pair<time_point, std::uint64_t>> seen_;
};

}  // namespace tolk::monitor
