#include "clients/common/sequence_tracker.hpp"

namespace tolk::client {

std::uint32_t sequence_tracker::observe(std::uint32_t sequence, bool discontinuity) {
    ++received_;
    if (!started_ || discontinuity) {
        if (started_)
            ++restarts_;
        started_ = true;
        last_ = sequence;
        return 0;
    }
    const std::uint32_t step = sequence - last_;  // modulo 2^32
    if (step == 0 || step >= 0x80000000u) {
        ++out_of_order_;
        return 0;
    }
    last_ = sequence;
    const std::uint32_t gap = step - 1;
    if (gap > max_gap_) {
        ++restarts_;
        return 0;
    }
    missing_ += gap;
    return gap;
}

}  // namespace tolk::client
