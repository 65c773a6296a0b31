#include "codec/playout_simulator.hpp"

#include "codec/audio_format.hpp"

#include <algorithm>

namespace tolk::codec {

simulation_result simulate(playout_buffer& buffer, std::span<const simulated_frame> frames,
                           const simulation_options& options) {
    simulation_result result;
    const auto block = static_cast<std::size_t>(options.block_samples);
    const std::int64_t burst = std::max(1, options.burst_blocks);
    std::size_t next = 0;
    std::int64_t callback_us = 0;
    for (std::int64_t k = 0;; ++k) {
        const std::int64_t now = options.start_us + k * options.block_samples * 1000 / samples_per_ms;
        if (now >= options.end_us) {
            break;
        }
        if (k % burst == 0) {
            callback_us = now;
        }
        for (; next < frames.size() && frames[next].arrival_us <= callback_us; ++next) {
            const simulated_frame& f = frames[next];
            buffer.push({f.sequence, f.capture_us, burst > 1 ? callback_us : f.arrival_us, f.discontinuity,
                         f.end_of_segment, f.opus});
        }
        const std::size_t at = result.output.size();
        result.output.resize(at + block);
        const auto info = buffer.pull(std::span(result.output).subspan(at, block), now);
        result.blocks.push_back({now, info});
        if (options.stats_every_blocks > 0 && k % options.stats_every_blocks == 0 && info.playing) {
            const auto s = buffer.stats();
            result.timeline.push_back({now, s.current_delay_ms, s.target_delay_ms, s.time_scale_operations});
        }
    }
    result.stats = buffer.stats();
    return result;
}

}  // namespace tolk::codec
