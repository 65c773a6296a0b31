#pragma once
// How evenly the output device pulls: a browser's audio thread asks for render quanta of 128
// frames, a sound card for several at once, a timer-driven device at uneven instants.  Kept
// over the last pulls: the largest pull (a decoded frame must be there for a whole pull) and
// how much the pace wobbles (spread of pull sizes plus how far a pull's time strays from the
// previous pull's end).  The jitter buffer widens its decision band by that wobble, so an
// uneven pace alone never makes it splice.
// Pure arithmetic on the times and sizes given; owned by one jitter buffer.

#include "codec/audio_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>

namespace tolk::codec {

class pull_pace {
public:
    static constexpr std::size_t window = 64;  // pulls remembered

    void add(std::int64_t now_us, std::size_t samples);
    // The largest recent pull, ms (10 before any pull).
    double block_ms() const;
    // Spread of the recent pull sizes plus the largest stray of a pull's time, ms.
    double wobble_ms() const;
    void reset();

private:
    struct pull {
        double ms;
        double stray_ms;
    };
    std::deque<pull> pulls_;
    std::int64_t expected_us_ = 0;  // where the next pull should come at an even pace
    bool started_ = false;
};

// Header-only, so the wasm build's list of codec sources stays as it is.
inline void pull_pace::reset() {
    pulls_.clear();
    started_ = false;
}

inline void pull_pace::add(std::int64_t now_us, std::size_t samples) {
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

inline double pull_pace::block_ms() const {
    double largest = 0;
    for (const auto& p : pulls_) {
        largest = std::max(largest, p.ms);
    }
    return pulls_.empty() ? 10.0 : largest;
}

inline double pull_pace::wobble_ms() const {
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
