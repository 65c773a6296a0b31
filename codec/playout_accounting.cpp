#include "codec/playout_accounting.hpp"

#include "codec/audio_format.hpp"

#include <algorithm>

namespace tolk::codec {

void playout_accounting::produced(std::int64_t samples, bool concealed) {
    if (samples <= 0) {
        return;
    }
    if (!concealed) {
        end_concealment();
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

void count_concealment_run(playout_stats& stats, std::int64_t samples) {
    if (samples <= 0) {
        return;
    }
    if (samples < 40 * samples_per_ms) {
        ++stats.concealments_under_40ms;
    } else if (samples < playout_accounting::interruption_samples) {
        ++stats.concealments_40_to_150ms;
    } else {
        ++stats.concealments_over_150ms;
    }
}

void playout_accounting::end_concealment() {
    count_concealment_run(stats_, run_);
    run_ = 0;
}

playout_stats playout_accounting::stats() const {
    playout_stats s = stats_;
    count_concealment_run(s, run_);
    return s;
}

playout_info playout_accounting::play(pcm_queue& pcm, std::span<float> out) {
    const auto head = pcm.front();
    const std::size_t n = pcm.pop(out);
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), 0.0f);
    stats_.samples_played += n;
    return {n > 0, head.capture_us, head.known && n > 0};
}

void playout_accounting::emitted(std::int64_t samples, double delay_s) {
    stats_.jitter_buffer_delay_s += delay_s * static_cast<double>(samples);
    stats_.jitter_buffer_emitted_count += static_cast<std::uint64_t>(samples);
}

}  // namespace tolk::codec
