#pragma once
// Counts what a receiver of one audio stream can tell from sequence numbers alone: frames
// received, frames missing (gaps), frames that came late or twice.  A discontinuity flag,
// reset() (a resync or reconnect) or a jump of more than `max_gap` frames starts over without
// counting the jump as missing.  32-bit sequence numbers wrap.
// Not thread-safe; one owner.

#include <cstdint>

namespace tolk::client {

class sequence_tracker {
public:
    explicit sequence_tracker(std::uint32_t max_gap = 3000) : max_gap_(max_gap) {}

    // Returns how many frames went missing just before this one.
    std::uint32_t observe(std::uint32_t sequence, bool discontinuity = false);
    void reset() { started_ = false; }

    std::uint64_t received() const { return received_; }
    std::uint64_t missing() const { return missing_; }
    std::uint64_t out_of_order() const { return out_of_order_; }  // late or duplicate
    std::uint64_t restarts() const { return restarts_; }

private:
    std::uint32_t max_gap_;
    bool started_ = false;
    std::uint32_t last_ = 0;
    std::uint64_t received_ = 0, missing_ = 0, out_of_order_ = 0, restarts_ = 0;
};

}  // namespace tolk::client
