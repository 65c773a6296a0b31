#include "codec/fixed_delay_buffer.hpp"

#include "codec/audio_format.hpp"

#include <algorithm>

namespace tolk::codec {

namespace {
constexpr double us_per_sample = 1e6 / sample_rate;
}

fixed_delay_buffer::fixed_delay_buffer(int delay_ms)
    : delay_us_(static_cast<std::int64_t>(std::max(delay_ms, 0)) * 1000) {}

void fixed_delay_buffer::reset() {
    if (anchored_) {
        ++accounting_.stats().discontinuities;
    }
    decoder_.reset();
    store_.clear();
    pcm_.clear();
    accounting_.end_concealment();
    anchored_ = false;
    playing_ = false;
    ended_ = false;
}

void fixed_delay_buffer::push(const incoming_frame& frame) {
    if (frame.discontinuity) {
        reset();
    }
    if (!anchored_ || (ended_ && store_.unwrap(frame.sequence) >= next_sequence_)) {
        // The first frame, or the first of a new segment after the last one ended: a new
        // schedule from here.
        anchored_ = true;
        playing_ = false;
        ended_ = false;
        accounting_.end_concealment();
        start_us_ = frame.arrival_us + delay_us_;
        next_sequence_ = store_.unwrap(frame.sequence);
        next_capture_us_ = frame.capture_us;
    }
    store_.insert(frame, next_sequence_, accounting_.stats());
}

void fixed_delay_buffer::produce_slot(std::int64_t play_us) {
    const auto slot = decoder_.next(store_, next_sequence_);
    const auto samples = static_cast<std::int64_t>(slot.pcm.size());
    if (slot.concealed) {
        pcm_.append(slot.pcm, next_capture_us_, false);
    } else {
        pcm_.append(slot.pcm, slot.capture_us, true);
        next_capture_us_ = slot.capture_us;
        const double delay_s = static_cast<double>(play_us - slot.arrival_us) / 1e6;
        accounting_.emitted(samples, delay_s);
        current_delay_ms_ = delay_s * 1000;
    }
    accounting_.produced(samples, slot.concealed);
    ended_ = slot.end_of_segment;
    next_capture_us_ += static_cast<std::int64_t>(static_cast<double>(samples) * us_per_sample);
    ++next_sequence_;
}

playout_info fixed_delay_buffer::pull(std::span<float> out, std::int64_t now_us) {
    if (!anchored_ || ended_ || now_us < start_us_) {
        // Silence before the schedule starts; after a segment ended, its tail first.
        return accounting_.play(pcm_, out);
    }
    if (!playing_) {
        // The first pull may come late: skip the slots whose time has passed.
        playing_ = true;
        const std::int64_t frame_us = decoder_.frame_samples() * 1000 / samples_per_ms;
        const std::int64_t behind = (now_us - start_us_) / frame_us;
        next_sequence_ += behind;
        next_capture_us_ += behind * frame_us;
        store_.drop_before(next_sequence_);
    }
    while (pcm_.size() < out.size() && !ended_) {
        const auto ahead = static_cast<double>(pcm_.size()) * us_per_sample;
        produce_slot(now_us + static_cast<std::int64_t>(ahead));
    }
    return accounting_.play(pcm_, out);
}

playout_stats fixed_delay_buffer::stats() const {
    playout_stats s = accounting_.stats();
    s.current_delay_ms = current_delay_ms_;
    s.target_delay_ms = static_cast<double>(delay_us_) / 1000;
    return s;
}

std::unique_ptr<playout_buffer> make_fixed_delay_buffer(int delay_ms) {
    return std::make_unique<fixed_delay_buffer>(delay_ms);
}

}  // namespace tolk::codec
