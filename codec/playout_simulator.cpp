#include "codec/playout_simulator.hpp"

#include "codec/audio_format.hpp"

#include <algorithm>

namespace tolk::codec {

namespace {

void push(playout_buffer& buffer, const simulated_frame& f, std::int64_t arrival_us) {
    buffer.push({f.sequence, f.capture_us, arrival_us, f.discontinuity, f.end_of_segment, f.opus});
}

void pull(playout_buffer& buffer, simulation_result& result, std::int64_t now, std::size_t samples,
          bool snapshot) {
    const std::size_t at = result.output.size();
    result.output.resize(at + samples);
    const auto info = buffer.pull(std::span(result.output).subspan(at, samples), now);
    result.blocks.push_back({now, info});
    if (snapshot && info.playing) {
        const auto s = buffer.stats();
        result.timeline.push_back({now, s.current_delay_ms, s.target_delay_ms, s.time_scale_operations,
                                   s.time_scale_operations_in_pauses});
    }
}

simulation_result replay_pulls(playout_buffer& buffer, std::span<const simulated_frame> frames,
                               const simulation_options& options) {
    simulation_result result;
    std::size_t next = 0;
    std::int64_t k = 0;
    for (const recorded_pull& p : options.pulls) {
        for (; next < frames.size() && frames[next].arrival_us <= p.time_us; ++next) {
            push(buffer, frames[next], frames[next].arrival_us);
        }
        pull(buffer, result, p.time_us, static_cast<std::size_t>(std::max(p.samples, 0)),
             options.stats_every_blocks > 0 && k++ % options.stats_every_blocks == 0);
    }
    result.stats = buffer.stats();
    return result;
}

}  // namespace

simulation_result simulate(playout_buffer& buffer, std::span<const simulated_frame> frames,
                           const simulation_options& options) {
    if (!options.pulls.empty()) {
        return replay_pulls(buffer, frames, options);
    }
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
            push(buffer, frames[next], burst > 1 ? callback_us : frames[next].arrival_us);
        }
        pull(buffer, result, now, block, options.stats_every_blocks > 0 && k % options.stats_every_blocks == 0);
    }
    result.stats = buffer.stats();
    return result;
}

}  // namespace tolk::codec
