#pragma once
// The frames a playout buffer holds before decoding, keyed by an unwrapped (64-bit) sequence
// number.  It copies each frame's Opus bytes, and classifies a newcomer as stored, late (its
// slot has already been played or concealed) or duplicate.  Owned by one playout buffer.

#include "codec/playout_buffer.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace tolk::codec {

struct stored_frame {
    std::int64_t sequence = 0;     // unwrapped
    std::int64_t capture_us = 0;   // sender clock
    std::int64_t arrival_us = 0;   // receiver clock
    bool end_of_segment = false;
    std::vector<std::uint8_t> opus;
};

class frame_store {
public:
    enum class insert_result { stored, late, duplicate };

    // `next_sequence` is the playout cursor: frames below it are late.  Counts gaps in
    // frames_missing, late and duplicate frames in frames_late / frames_duplicate.
    insert_result insert(const incoming_frame& frame, std::int64_t next_sequence,
                         playout_stats& stats);

    // Extends a 32-bit wire sequence number to the 64-bit one nearest the newest frame seen.
    std::int64_t unwrap(std::uint32_t sequence) const;

    const stored_frame* find(std::int64_t sequence) const;
    // Removes and returns the frame (the caller checked find()).
    stored_frame take(std::int64_t sequence);
    // Drops every frame below `sequence`.
    void drop_before(std::int64_t sequence);

    bool empty() const { return frames_.empty(); }
    std::size_t size() const { return frames_.size(); }
    const stored_frame* oldest() const;
    const stored_frame* newest() const;
    bool has_after(std::int64_t sequence) const;

    // Forgets every frame and the sequence history.
    void clear();

private:
    std::map<std::int64_t, stored_frame> frames_;
    std::int64_t highest_ = 0;
    bool seen_any_ = false;
};

}  // namespace tolk::codec
