#include "codec/frame_store.hpp"

namespace tolk::codec {

std::int64_t frame_store::unwrap(std::uint32_t sequence) const {
    if (!seen_any_) {
        return sequence;
    }
    const auto delta = static_cast<std::int32_t>(sequence - static_cast<std::uint32_t>(highest_));
    return highest_ + delta;
}

frame_store::insert_result frame_store::insert(const incoming_frame& frame,
                                               std::int64_t next_sequence, playout_stats& stats) {
    ++stats.frames_received;
    const std::int64_t sequence = unwrap(frame.sequence);
    if (sequence < next_sequence) {
        ++stats.frames_late;
        return insert_result::late;
    }
    if (frames_.contains(sequence) || (seen_any_ && sequence == highest_)) {
        ++stats.frames_duplicate;
        return insert_result::duplicate;
    }
    if (!seen_any_ || sequence > highest_) {
        if (seen_any_ && sequence > highest_ + 1) {
            stats.frames_missing += static_cast<std::uint64_t>(sequence - highest_ - 1);
        }
        highest_ = sequence;
        seen_any_ = true;
    } else if (stats.frames_missing > 0) {
        --stats.frames_missing;  // a gap filled by a frame that arrived out of order
    }
    frames_.emplace(sequence, stored_frame{sequence, frame.capture_us, frame.arrival_us,
                                           frame.end_of_segment,
                                           {frame.opus.begin(), frame.opus.end()}});
    return insert_result::stored;
}

const stored_frame* frame_store::find(std::int64_t sequence) const {
    const auto it = frames_.find(sequence);
    return it == frames_.end() ? nullptr : &it->second;
}

stored_frame frame_store::take(std::int64_t sequence) {
    auto node = frames_.extract(sequence);
    return node.empty() ? stored_frame{} : std::move(node.mapped());
}

void frame_store::drop_before(std::int64_t sequence) {
    frames_.erase(frames_.begin(), frames_.lower_bound(sequence));
}

const stored_frame* frame_store::oldest() const {
    return frames_.empty() ? nullptr : &frames_.begin()->second;
}

const stored_frame* frame_store::newest() const {
    return frames_.empty() ? nullptr : &frames_.rbegin()->second;
}

bool frame_store::has_after(std::int64_t sequence) const {
    return frames_.upper_bound(sequence) != frames_.end();
}

void frame_store::clear() {
    frames_.clear();
    highest_ = 0;
    seen_any_ = false;
}

}  // namespace tolk::codec
