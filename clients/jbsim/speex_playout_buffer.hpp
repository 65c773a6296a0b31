#pragma once
// The speexdsp jitter buffer (speex/speex_jitter.h) behind tolk's playout_buffer interface,
// driven the way Mumble's AudioOutputSpeech drives it: timestamps in samples, one
// jitter_buffer_get() per 10 ms step with that span, Opus PLC and jitter_buffer_update_delay()
// when it returns nothing, update_delay() after a quiet decoded packet, one tick per 10 ms
// played.  The margin (Mumble's "jitter buffer size") is the knob.  A baseline for tolk-jbsim.

#include "codec/opus_decoder.hpp"
#include "codec/pcm_queue.hpp"
#include "codec/playout_accounting.hpp"
#include "codec/playout_buffer.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

struct JitterBuffer_;  // speex/speex_jitter.h

namespace tolk::jbsim {

class speex_playout_buffer final : public codec::playout_buffer {
public:
    explicit speex_playout_buffer(int margin_ms = 10);
    ~speex_playout_buffer() override;

    void push(const codec::incoming_frame& frame) override;
    codec::playout_info pull(std::span<float> out, std::int64_t now_us) override;
    codec::playout_stats stats() const override;

private:
    struct sent_frame {
        std::int64_t capture_us;
        std::int64_t arrival_us;
    };
    bool step(std::int64_t play_us);  // false while nothing has played yet
    void decoded_quiet_check(std::span<const float> pcm);

    JitterBuffer_* jitter_;
    codec::opus_decoder decoder_;
    codec::pcm_queue pcm_;
    codec::playout_accounting accounting_;
    std::vector<float> scratch_;
    std::vector<char> packet_;
    std::map<std::uint32_t, sent_frame> sent_;  // by timestamp, until played
    std::uint32_t first_sequence_ = 0;
    bool seen_ = false;
    bool started_ = false;
    std::uint64_t decoded_frames_ = 0;
    float power_max_ = 0, power_min_ = 0;
    double current_delay_ms_ = 0;
    int margin_ms_;
};

}  // namespace tolk::jbsim
