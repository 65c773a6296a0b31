#include "codec/playout_accounting.hpp"

#include "codec/audio_format.hpp"

namespace tolk::codec {

void playout_accounting::produced(std::int64_t samples, bool concealed) {
    if (samples <= 0) {
        return;
    }
    if (!concealed) {
        run_ = 0;
        return;
    }
    if (run_ == 0) {
        ++stats_.concealment_events;
    }
    stats_.concealed_samples += static_cast<std::uint64_t>(samples);
    const std::int64_t before = run_;
    run_ += samples;
    if (run_ >= interruption_samples) {
        if (before < interruption_samples) {
            ++stats_.interruptions;
            stats_.interruption_duration_s += static_cast<double>(run_) / sample_rate;
        } else {
            stats_.interruption_duration_s += static_cast<double>(samples) / sample_rate;
        }
    }
}

playout_info playout_accounting::play(pcm_queue& pcm, std::span<float> out) {
    const auto head = pcm.front();
    pcm.pop(out);
    stats_.samples_played += out.size();
    return {true, head.capture_us, head.known};
}

void playout_accounting::emitted(std::int64_t samples, double delay_s) {
    stats_.jitter_buffer_delay_s += delay_s * static_cast<double>(samples);
    stats_.jitter_buffer_emitted_count += static_cast<std::uint64_t>(samples);
}

}  // namespace tolk::codec
