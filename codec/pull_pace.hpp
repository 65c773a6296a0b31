#pragma once
// How evenly the output device pulls: a browser's audio thread asks for render quanta of 128
// frames, a sound card for several at once, a timer-driven device at uneven instants.  Kept
// over the last pulls: the largest pull (a decoded frame must be there for a whole pull) and
// how much the pace wobbles (spread of pull sizes plus how far a pull's time strays from the
// previous pull's end).  The jitter buffer widens its decision band by that wobble, so an
// uneven pace alone never makes it splice.
// Pure arithmetic on the times and sizes given; owned by one jitter buffer.

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

}  // namespace tolk::codec
