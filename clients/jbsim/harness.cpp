#include "clients/jbsim/harness.hpp"

#include "clients/jbsim/buffer_spec.hpp"
#include "codec/opus_encoder.hpp"
#include "codec/playout_simulator.hpp"
#include "codec/signals.hpp"
#include "codec/wav_file.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tolk::jbsim {

namespace {


std::vector<std::vector<std::uint8_t>> encode(std::vector<float> pcm) {
    pcm.resize((pcm.size() + frame_samples - 1) / frame_samples * frame_samples, 0.0f);
    codec::opus_encoder encoder({.bitrate = 32000, .application = codec::opus_application::voip});
    std::vector<std::vector<std::uint8_t>> packets;
    for (std::size_t at = 0; at < pcm.size(); at += frame_samples) {
        packets.push_back(encoder.encode(std::span(pcm).subspan(at, frame_samples)));
    }
    if (packets.empty()) {
        throw std::runtime_error("the audio is empty");
    }
    return packets;
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) {
        return 0;
    }
    const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

double mean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) {
        sum += x;
    }
    return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

// The trace's frames (sorted by sequence in `by_seq`) carrying the audio's packets, looped, in
// order of arrival.
std::vector<codec::simulated_frame> frames_of(const std::vector<trace_row>& by_seq,
                                              const std::vector<std::vector<std::uint8_t>>& packets) {
    std::vector<codec::simulated_frame> frames;
    for (std::size_t i = 0; i < by_seq.size(); ++i) {
        const auto& r = by_seq[i];
        frames.push_back({.sequence = r.seq, .capture_us = r.sent_us, .arrival_us = r.arrived_us,
                          .opus = packets[i % packets.size()]});
    }
    std::stable_sort(frames.begin(), frames.end(),
                     [](const auto& a, const auto& b) { return a.arrival_us < b.arrival_us; });
    return frames;
}

// Per played block: how long its audio waited in the buffer (arrival to playout), in ms; also
// the first minute after the warm-up and the last minute alone.
struct waits {
    std::vector<double> all, first_minute, last_minute;
};

waits buffer_waits(const codec::simulation_result& sim, const std::vector<trace_row>& by_seq,
                   std::int64_t warm, std::int64_t end) {
    waits w;
    for (const auto& b : sim.blocks) {
        if (!b.info.capture_known) {
            continue;
        }
        auto it = std::upper_bound(by_seq.begin(), by_seq.end(), b.info.capture_us,
                                   [](std::int64_t c, const trace_row& r) { return c < r.sent_us; });
        if (it == by_seq.begin()) {
            continue;
        }
        --it;
        const double d = static_cast<double>(b.time_us - it->arrived_us -
                                             (b.info.capture_us - it->sent_us)) / 1000;
        w.all.push_back(d);
        if (b.time_us >= warm && b.time_us < warm + 60'000'000) {
            w.first_minute.push_back(d);
        }
        if (b.time_us >= end - 60'000'000 && b.time_us >= warm) {
            w.last_minute.push_back(d);
        }
    }
    return w;
}

// The concealment, time-scaling and target-tracking figures of a simulation.
void add_playout_figures(run_report& r, const codec::simulation_result& sim, std::int64_t start,
                         std::int64_t warm) {
    const auto played = static_cast<double>(std::max<std::uint64_t>(sim.stats.samples_played, 1));
    r.concealed_percent = 100.0 * static_cast<double>(sim.stats.concealed_samples) / played;
    r.time_scaled_percent = 100.0 *
                            static_cast<double>(sim.stats.removed_samples_for_acceleration +
                                                sim.stats.inserted_samples_for_deceleration) /
                            played;
    r.interruptions_per_10min =
        r.seconds > 0 ? static_cast<double>(sim.stats.interruptions) * 600 / r.seconds : 0;
    r.time_scale_operations_after_1s = sim.stats.time_scale_operations;
    std::uint64_t in_pauses_after_1s = sim.stats.time_scale_operations_in_pauses;
    for (const auto& s : sim.timeline) {
        if (s.time_us >= start + 1'000'000) {
            r.time_scale_operations_after_1s -= s.time_scale_operations;
            in_pauses_after_1s -= s.time_scale_operations_in_pauses;
            break;
        }
    }
    r.speech_splices_after_1s = r.time_scale_operations_after_1s - in_pauses_after_1s;
    for (const auto& s : sim.timeline) {
        if (s.time_us >= warm) {
            r.max_target_error_ms = std::max(r.max_target_error_ms,
                                             std::abs(s.current_delay_ms - s.target_delay_ms));
        }
    }
}

}  // namespace

run_report run(const std::vector<trace_row>& trace, const run_options& options,
               std::vector<float>* output) {
    // The audio, looped over the trace (a 30 s built-in clip by default).
    const auto packets = encode(options.audio ? codec::load_mono_48k(*options.audio)
                                              : codec::speech_like(30.0, 7, 0.5f));
    std::vector<trace_row> by_seq = trace;
    std::stable_sort(by_seq.begin(), by_seq.end(),
                     [](const auto& a, const auto& b) { return a.seq < b.seq; });
    const auto frames = frames_of(by_seq, packets);

    auto buffer = make_buffer(options.jb);
    const std::int64_t start = options.pulls.empty() ? frames.front().arrival_us : options.pulls.front().time_us;
    const std::int64_t end = options.pulls.empty() ? frames.back().arrival_us : options.pulls.back().time_us;
    auto sim = codec::simulate(*buffer, frames,
                               {.block_samples = options.block_samples, .burst_blocks = options.burst_blocks,
                                .start_us = start, .end_us = end,
                                .stats_every_blocks = std::max(1, 4800 / options.block_samples),
                                .pulls = options.pulls});
    const std::int64_t warm = start + static_cast<std::int64_t>(options.warmup_s * 1e6);
    const waits w = buffer_waits(sim, by_seq, warm, end);

    run_report r;
    r.jb = options.jb;
    r.stats = sim.stats;
    r.seconds = static_cast<double>(end - start) / 1e6;
    r.mean_delay_ms = mean(w.all);
    r.p50_delay_ms = percentile(w.all, 0.50);
    r.p95_delay_ms = percentile(w.all, 0.95);
    add_playout_figures(r, sim, start, warm);
    r.delay_trend_ms = mean(w.last_minute) - mean(w.first_minute);
    r.timeline = sim.timeline;
    if (output != nullptr) {
        *output = std::move(sim.output);
    }
    return r;
}

nlohmann::json to_json(const run_report& r) {
    const auto& s = r.stats;
    return {
        {"jb", r.jb},
        {"seconds", r.seconds},
        {"mean_delay_ms", r.mean_delay_ms},
        {"p50_delay_ms", r.p50_delay_ms},
        {"p95_delay_ms", r.p95_delay_ms},
        {"concealed_percent", r.concealed_percent},
        {"time_scaled_percent", r.time_scaled_percent},
        {"interruptions", s.interruptions},
        {"interruptions_per_10min", r.interruptions_per_10min},
        {"concealments_under_40ms", s.concealments_under_40ms},
        {"concealments_40_to_150ms", s.concealments_40_to_150ms},
        {"concealments_over_150ms", s.concealments_over_150ms},
        {"time_scale_operations", s.time_scale_operations},
        {"time_scale_operations_after_1s", r.time_scale_operations_after_1s},
        {"time_scale_operations_in_pauses", s.time_scale_operations_in_pauses},
        {"speech_splices_after_1s", r.speech_splices_after_1s},
        {"peak_delay_ms", s.peak_delay_ms},
        {"discontinuities", s.discontinuities},
        {"late_frames", s.frames_late},
        {"drift_ppm", s.drift_ppm},
        {"max_target_error_ms", r.max_target_error_ms},
        {"delay_trend_ms", r.delay_trend_ms},
        {"concealment_events", s.concealment_events},
        {"concealed_samples", s.concealed_samples},
        {"inserted_samples_for_deceleration", s.inserted_samples_for_deceleration},
        {"removed_samples_for_acceleration", s.removed_samples_for_acceleration},
        {"jitter_buffer_delay_s", s.jitter_buffer_delay_s},
        {"jitter_buffer_emitted_count", s.jitter_buffer_emitted_count},
        {"target_delay_ms", s.target_delay_ms},
        {"current_delay_ms", s.current_delay_ms},
    };
}

}  // namespace tolk::jbsim
