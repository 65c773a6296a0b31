#pragma once
// The baseline playout buffer: a constant playout delay.  The first frame after a reset plays
// `delay_ms` after it arrived and every later frame keeps that schedule (one frame duration
// per slot).  A frame missing when its slot is due is concealed (Opus FEC or PLC); when it
// arrives later it is discarded as late.  A discontinuity flag starts over; after the last
// frame of a segment (end_of_segment) it plays silence until a later frame starts a new
// schedule.  No adaptation and no drift correction: the delay wanders with clock drift.
// Not thread-safe: one owner calls push() and pull().

#include "codec/frame_store.hpp"
#include "codec/pcm_queue.hpp"
#include "codec/playout_accounting.hpp"
#include "codec/playout_buffer.hpp"
#include "codec/slot_decoder.hpp"

#include <cstdint>
#include <memory>

namespace tolk::codec {

class fixed_delay_buffer final : public playout_buffer {
public:
    explicit fixed_delay_buffer(int delay_ms);

    void push(const incoming_frame& frame) override;
    playout_info pull(std::span<float> out, std::int64_t now_us) override;
    playout_stats stats() const override;

private:
    void reset();
    void produce_slot(std::int64_t play_us);

    std::int64_t delay_us_;
    slot_decoder decoder_;
    frame_store store_;
    pcm_queue pcm_;
    playout_accounting accounting_;
    bool anchored_ = false;
    bool playing_ = false;
    bool ended_ = false;              // the last frame of a segment was decoded: silence follows
    std::int64_t start_us_ = 0;       // receiver time the first frame starts playing
    std::int64_t next_sequence_ = 0;  // the next slot to decode or conceal
    std::int64_t next_capture_us_ = 0;
    double current_delay_ms_ = 0;
};

std::unique_ptr<playout_buffer> make_fixed_delay_buffer(int delay_ms);

}  // namespace tolk::codec
