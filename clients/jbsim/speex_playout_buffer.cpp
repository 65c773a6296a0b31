#include "clients/jbsim/speex_playout_buffer.hpp"

#include "clients/jbsim/trace.hpp"

#include "codec/audio_format.hpp"

#include <speex/speex_jitter.h>

#include <algorithm>
#include <cmath>

namespace tolk::jbsim {

namespace {
constexpr int step_samples = 10 * codec::samples_per_ms;  // Mumble's iFrameSize at 48 kHz
constexpr double us_per_sample = 1e6 / codec::sample_rate;
}  // namespace

speex_playout_buffer::speex_playout_buffer(int margin_ms)
    : jitter_(jitter_buffer_init(step_samples)),
      scratch_(codec::max_frame_samples),
      packet_(4096),
      margin_ms_(margin_ms) {
    spx_int32_t margin = margin_ms * codec::samples_per_ms;
    jitter_buffer_ctl(jitter_, JITTER_BUFFER_SET_MARGIN, &margin);
}

speex_playout_buffer::~speex_playout_buffer() {
    jitter_buffer_destroy(jitter_);
}

void speex_playout_buffer::push(const codec::incoming_frame& frame) {
    if (frame.discontinuity && seen_) {
        jitter_buffer_reset(jitter_);
        decoder_.reset();
        pcm_.clear();
        sent_.clear();
        ++accounting_.stats().discontinuities;
        accounting_.end_concealment();
        seen_ = started_ = false;
    }
    if (!seen_) {
        seen_ = true;
        first_sequence_ = frame.sequence;
    }
    ++accounting_.stats().frames_received;
    const auto timestamp = (frame.sequence - first_sequence_) * frame_samples;
    sent_[timestamp] = {frame.capture_us, frame.arrival_us};
    JitterBufferPacket packet{};
    packet.data = const_cast<char*>(reinterpret_cast<const char*>(frame.opus.data()));
    packet.len = static_cast<spx_uint32_t>(frame.opus.size());
    packet.timestamp = timestamp;
    packet.span = frame_samples;
    jitter_buffer_put(jitter_, &packet);
}

void speex_playout_buffer::decoded_quiet_check(std::span<const float> pcm) {
    // Mumble: update the delay when the decoded packet is quiet relative to the talker.
    float power = 0;
    for (float s : pcm) {
        power += s * s;
    }
    power = std::sqrt(power / static_cast<float>(pcm.size()));
    if (power >= power_max_) {
        power_max_ = power;
    } else if (power <= power_min_) {
        power_min_ = power;
    } else {
        power_max_ *= 0.99f;
        power_min_ += 0.0001f * power;
    }
    if (power < power_min_ + 0.01f * (power_max_ - power_min_)) {
        jitter_buffer_update_delay(jitter_, nullptr, nullptr);
    }
}

bool speex_playout_buffer::step(std::int64_t play_us) {
    JitterBufferPacket packet{};
    packet.data = packet_.data();
    packet.len = static_cast<spx_uint32_t>(packet_.size());
    spx_int32_t start_offset = 0;
    if (jitter_buffer_get(jitter_, &packet, step_samples, &start_offset) == JITTER_BUFFER_OK) {
        started_ = true;
        const int samples = decoder_.decode(
            {reinterpret_cast<const std::uint8_t*>(packet.data), packet.len}, scratch_);
        const auto pcm = std::span<const float>(scratch_).first(static_cast<std::size_t>(samples));
        const auto it = sent_.find(packet.timestamp);
        const sent_frame sent = it != sent_.end() ? it->second : sent_frame{0, play_us};
        sent_.erase(sent_.begin(), it == sent_.end() ? it : std::next(it));
        pcm_.append(pcm, sent.capture_us, true);
        accounting_.produced(samples, false);
        accounting_.emitted(samples, static_cast<double>(play_us - sent.arrival_us) / 1e6);
        current_delay_ms_ = static_cast<double>(play_us - sent.arrival_us) / 1000;
        ++decoded_frames_;
        decoded_quiet_check(pcm);
        for (int i = samples / step_samples; i > 0; --i) {
            jitter_buffer_tick(jitter_);
        }
        return true;
    }
    jitter_buffer_update_delay(jitter_, &packet, nullptr);
    jitter_buffer_tick(jitter_);
    if (!started_) {
        return false;
    }
    const int samples = decoder_.conceal(scratch_, step_samples);
    pcm_.append(std::span<const float>(scratch_).first(static_cast<std::size_t>(samples)), 0,
                false);
    accounting_.produced(samples, true);
    return true;
}

codec::playout_info speex_playout_buffer::pull(std::span<float> out, std::int64_t now_us) {
    while (pcm_.size() < out.size()) {
        const auto ahead = static_cast<double>(pcm_.size()) * us_per_sample;
        if (!step(now_us + static_cast<std::int64_t>(ahead))) {
            std::fill(out.begin(), out.end(), 0.0f);
            return {};
        }
    }
    return accounting_.play(pcm_, out);
}

codec::playout_stats speex_playout_buffer::stats() const {
    codec::playout_stats s = accounting_.stats();
    spx_int32_t buffered = 0;
    jitter_buffer_ctl(jitter_, JITTER_BUFFER_GET_AVAILABLE_COUNT, &buffered);
    const auto kept = decoded_frames_ + static_cast<std::uint64_t>(std::max(buffered, 0));
    s.frames_late = s.frames_received > kept ? s.frames_received - kept : 0;  // dropped by speex
    s.current_delay_ms = current_delay_ms_;
    s.target_delay_ms = margin_ms_;
    return s;
}

}  // namespace tolk::jbsim
