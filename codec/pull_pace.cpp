#include "codec/pull_pace.hpp"

#include "codec/audio_format.hpp"

#include <algorithm>
#include <cmath>

namespace tolk::codec {

void pull_pace::reset() {
    pulls_.clear();
    started_ = false;
}

void pull_pace::add(std::int64_t now_us, std::size_t samples) {
    const double ms = static_cast<double>(samples) / samples_per_ms;
    const double stray_ms = started_ ? std::abs(static_cast<double>(now_us - expected_us_)) / 1000 : 0;
    // A long pause between pulls (the device stopped) is not wobble.
    pulls_.push_back({ms, stray_ms < 100 ? stray_ms : 0});
    if (pulls_.size() > window) {
        pulls_.pop_front();
    }
    started_ = true;
    expected_us_ = now_us + static_cast<std::int64_t>(std::llround(ms * 1000));
}

double pull_pace::block_ms() const {
    double largest = 0;
    for (const auto& p : pulls_) {
        largest = std::max(largest, p.ms);
    }
    return pulls_.empty() ? 10.0 : largest;
}

double pull_pace::wobble_ms() const {
    if (pulls_.empty()) {
        return 0;
    }
    double lo = pulls_.front().ms, hi = lo, stray = 0;
    for (const auto& p : pulls_) {
        lo = std::min(lo, p.ms);
        hi = std::max(hi, p.ms);
        stray = std::max(stray, p.stray_ms);
    }
    return hi - lo + stray;
}

}  // namespace tolk::codec
