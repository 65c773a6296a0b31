#include "codec/jitter_buffer.hpp"

#include "codec/fixed_delay_buffer.hpp"
#include "codec/playout_simulator.hpp"
#include "tests/codec/playout_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

namespace tolk::codec {
namespace {

using namespace test_support;

// Deterministic jitter in [0, max_us).
std::int64_t jitter(int i, std::int64_t max_us) {
    return static_cast<std::int64_t>((static_cast<std::uint32_t>(i) * 2654435761u) % 1000u) *
           max_us / 1000;
}

double mean_buffer_delay_ms(const playout_stats& s) {
    return 1000 * s.jitter_buffer_delay_s / static_cast<double>(s.jitter_buffer_emitted_count);
}

TEST(jitter_buffer, steady_arrivals_converge_to_a_small_target) {
    const auto frames = frames_of(sine(440, 10.0), [](int i) {
        return 5'000 + i * frame_us + jitter(i, 2'000);
    });
    auto buffer = make_jitter_buffer();
    const auto r = run(*buffer, frames, 10'000'000);
    EXPECT_EQ(r.stats.concealed_samples, 0u);
    EXPECT_EQ(r.stats.frames_late, 0u);
    EXPECT_LT(r.stats.target_delay_ms, 15);
    EXPECT_NEAR(r.stats.current_delay_ms, r.stats.target_delay_ms, 6);
    EXPECT_LT(mean_buffer_delay_ms(r.stats), 15);
}

// Decoded audio beyond the target is latency for nothing: in a pause, where a splice can be
// shorter than a pitch period, the delay settles within a millisecond above the target.
TEST(jitter_buffer, a_pause_is_trimmed_to_the_target) {
    const auto frames = frames_of(std::vector<float>(10 * sample_rate, 0.0f), [](int i) {
        return 5'000 + i * frame_us + jitter(i, 2'000);
    });
    auto buffer = make_jitter_buffer();
    const auto r = run(*buffer, frames, 10'000'000);
    EXPECT_EQ(r.stats.concealed_samples, 0u);
    EXPECT_GE(r.stats.current_delay_ms, r.stats.target_delay_ms);
    EXPECT_LE(r.stats.current_delay_ms, r.stats.target_delay_ms + 1);
}

// A booth talks for 2 s and stops (end_of_segment on frame 99), then talks again from 5 s
// (frames 100..199, the sender's clock having run on) and stops for good.
std::vector<simulated_frame> two_segments() {
    auto frames = frames_of(sine(440, 4.0), [](int i) {
        return 5'000 + i * frame_us + jitter(i, 2'000) + (i >= 100 ? 3'000'000 : 0);
    });
    for (auto& f : frames) {
        f.capture_us += f.sequence >= 100 ? 3'000'000 : 0;
        f.end_of_segment = f.sequence == 99 || f.sequence == 199;
    }
    return frames;
}

TEST(jitter_buffer, plays_silence_not_concealment_after_the_end_of_a_segment) {
    auto buffer = make_jitter_buffer();
    const auto r = run(*buffer, two_segments(), 9'000'000);
    EXPECT_EQ(r.stats.concealed_samples, 0u);
    EXPECT_EQ(r.stats.interruptions, 0u);
    EXPECT_EQ(r.stats.frames_late, 0u);
    EXPECT_TRUE(capture_monotonic(r));
    // Only the 4 s of speech count as played (give or take what time-scaling changed).
    const auto scaled = static_cast<double>(r.stats.inserted_samples_for_deceleration) -
                        static_cast<double>(r.stats.removed_samples_for_acceleration);
    EXPECT_NEAR(static_cast<double>(r.stats.samples_played), 4.0 * sample_rate + scaled, 1.0);
    std::int64_t second_segment_blocks = 0;
    for (std::size_t k = 0; k < r.blocks.size(); ++k) {
        const auto t = r.blocks[k].time_us;
        const bool pause = (t >= 2'200'000 && t < 5'000'000) || t >= 7'200'000;
        if (pause) {
            EXPECT_FALSE(r.blocks[k].info.playing) << "at " << t << " us";
            const auto block = std::span(r.output).subspan(k * 480, 480);
            EXPECT_TRUE(std::all_of(block.begin(), block.end(), [](float v) { return v == 0.0f; }));
        }
        second_segment_blocks += r.blocks[k].info.capture_known && r.blocks[k].info.capture_us >= 5'000'000;
    }
    EXPECT_GT(second_segment_blocks, 190);  // the second segment played, not discarded as late
}

// Steady for 5 s, then frames 250..262 (260 ms) are held back and released with frame 263.
std::vector<simulated_frame> stall_trace(double seconds) {
    return frames_of(sine(440, seconds), [](int i) {
        const std::int64_t on_time = 5'000 + i * frame_us + jitter(i, 2'000);
        return (i >= 250 && i < 263) ? 263 * frame_us + 5'000 : on_time;
    });
}

TEST(jitter_buffer, a_stall_raises_the_target_and_is_concealed_without_replaying_audio) {
    const auto frames = stall_trace(12.0);
    auto before = make_jitter_buffer();
    const auto b = run(*before, frames, 5'000'000);
    auto after = make_jitter_buffer();
    const auto a = run(*after, frames, 5'400'000);
    EXPECT_GT(a.stats.target_delay_ms, b.stats.target_delay_ms + 50);
    EXPECT_EQ(a.stats.concealment_events, 1u);
    // The gap is covered by concealment (the stall minus what was buffered), once.
    const double concealed_ms = static_cast<double>(a.stats.concealed_samples) / samples_per_ms;
    EXPECT_GT(concealed_ms, 200);
    EXPECT_LT(concealed_ms, 280);
    EXPECT_TRUE(capture_monotonic(a));
}

// One stall raises the target for max_period (the next may come), then it falls and the burst's
// delay is drained.
TEST(jitter_buffer, a_burst_after_a_stall_is_drained_by_acceleration_not_by_dropping_speech) {
    const auto frames = stall_trace(45.0);
    auto buffer = make_jitter_buffer();
    const auto r = run(*buffer, frames, 45'000'000);
    EXPECT_EQ(r.stats.frames_late, 0u);  // every frame was played
    EXPECT_EQ(r.stats.frames_missing, 0u);
    EXPECT_TRUE(capture_monotonic(r));
    // The delay the stall added (~250 ms) was removed again by time-scaling.
    const double removed_ms =
        static_cast<double>(r.stats.removed_samples_for_acceleration) / samples_per_ms;
    EXPECT_GT(removed_ms, 200);
    EXPECT_LT(r.stats.current_delay_ms, 40);
}

TEST(jitter_buffer, a_discontinuity_resets_to_the_new_source) {
    auto frames = frames_of(sine(440, 4.0), [](int i) {
        return 5'000 + i * frame_us + (i >= 100 ? 700'000 : 0);
    });
    for (auto& f : frames) {
        if (f.sequence >= 100) {
            f.sequence += 5000;  // a new booth: its own numbering and clock
            f.capture_us += 3'000'000'000;
            f.discontinuity = f.sequence == 5100;
        }
    }
    auto buffer = make_jitter_buffer();
    const auto r = run(*buffer, frames, 4'700'000);
    EXPECT_EQ(r.stats.discontinuities, 1u);
    EXPECT_EQ(r.stats.frames_late, 0u);
    EXPECT_LT(r.stats.current_delay_ms, 20);
    EXPECT_LT(r.stats.target_delay_ms, 20);
}

TEST(jitter_buffer, the_same_trace_gives_bit_identical_output) {
    const auto frames = frames_of(sine(300, 8.0), [](int i) {
        return 5'000 + i * frame_us + jitter(i, 60'000) + (i % 97 == 0 ? 200'000 : 0);
    });
    std::vector<simulated_frame> sorted = frames;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.arrival_us < b.arrival_us; });
    auto one = make_jitter_buffer();
    auto two = make_jitter_buffer();
    const auto a = run(*one, sorted, 8'000'000);
    const auto b = run(*two, sorted, 8'000'000);
    ASSERT_EQ(a.output.size(), b.output.size());
    EXPECT_EQ(std::memcmp(a.output.data(), b.output.data(), a.output.size() * sizeof(float)), 0);
    EXPECT_GT(a.stats.removed_samples_for_acceleration + a.stats.inserted_samples_for_deceleration,
              0u);
}

// `minutes` of audio from a sender whose clock runs `ppm` fast, with 0-10 ms of jitter: 10 s of
// encoded audio, repeated.
std::vector<simulated_frame> drift_trace(double ppm, int minutes) {
    const auto clip = frames_of(sine(180, 10.0, 0.3), [](int i) { return i * frame_us; });
    std::vector<simulated_frame> frames;
    const int count = minutes * 60 * 50;
    for (int i = 0; i < count; ++i) {
        simulated_frame f = clip[static_cast<std::size_t>(i) % clip.size()];
        f.sequence = static_cast<std::uint32_t>(i);
        f.capture_us = i * frame_us;
        const double receiver_us = static_cast<double>(f.capture_us) / (1 + ppm * 1e-6);
        f.arrival_us = 5'000 + static_cast<std::int64_t>(receiver_us) + jitter(i, 10'000);
        frames.push_back(std::move(f));
    }
    return frames;
}

// The buffer's own delay for every block that played a frame: receiver time minus the time the
// block's first sample would have arrived without jitter.
std::vector<double> buffer_delays_ms(const simulation_result& r, double ppm) {
    std::vector<double> out;
    for (const auto& b : r.blocks) {
        if (b.info.capture_known) {
            const double arrival = 5'000 + static_cast<double>(b.info.capture_us) / (1 + ppm * 1e-6);
            out.push_back((static_cast<double>(b.time_us) - arrival) / 1000);
        }
    }
    return out;
}

class jitter_buffer_drift : public ::testing::TestWithParam<double> {};

TEST_P(jitter_buffer_drift, keeps_the_delay_within_20_ms_for_5_minutes) {
    const double ppm = GetParam();
    const auto frames = drift_trace(ppm, 5);
    const std::int64_t end = frames.back().arrival_us;
    auto buffer = make_jitter_buffer();
    const auto r = run(*buffer, frames, end);
    const auto delays = buffer_delays_ms(r, ppm);
    ASSERT_GT(delays.size(), 1000u);
    // After the first 10 s the delay stays in a 40 ms band (target +- 20 ms).
    const auto settled = std::span(delays).subspan(1000);
    const auto [lo, hi] = std::minmax_element(settled.begin(), settled.end());
    EXPECT_LT(*hi - *lo, 40) << "delay wandered from " << *lo << " to " << *hi << " ms";
    EXPECT_LT(*hi, 60);
    EXPECT_NEAR(r.stats.drift_ppm, ppm, 30);
    EXPECT_LT(r.stats.concealed_samples, 48u * 100);  // under 100 ms of 5 minutes
    // 300 ppm over 5 minutes is 90 ms of audio: a fixed delay drifts out of the band.
    auto fixed = make_fixed_delay_buffer(100);
    const auto f = buffer_delays_ms(run(*fixed, frames, end), ppm);
    const auto [flo, fhi] = std::minmax_element(f.begin(), f.end());
    EXPECT_GT(*fhi - *flo, 40);
}

INSTANTIATE_TEST_SUITE_P(ppm, jitter_buffer_drift, ::testing::Values(300.0, -300.0));

// A listener hears a click as a sample-to-sample step far above what the signal itself does.
// Only blocks of decoded audio (and the joins between them) count: concealment is not time-scaling.
double largest_step(const simulation_result& r, std::size_t block) {
    double step = 0;
    for (std::size_t k = 0; k < r.blocks.size(); ++k) {
        if (!r.blocks[k].info.capture_known) {
            continue;
        }
        const bool joined = k > 0 && r.blocks[k - 1].info.capture_known;
        for (std::size_t i = k * block + (joined ? 0 : 1); i < (k + 1) * block; ++i) {
            step = std::max(step, static_cast<double>(std::abs(r.output[i] - r.output[i - 1])));
        }
    }
    return step;
}

TEST(jitter_buffer, a_sine_stays_smooth_while_time_scaled) {
    // The network delay swings between 0 and 100 ms and back every 4 s, so the buffer keeps
    // decelerating and accelerating.
    constexpr double hz = 440, amplitude = 0.5;
    const auto frames = frames_of(sine(hz, 16.0, amplitude), [](int i) {
        const int phase = i % 200;
        const std::int64_t swing = (phase < 100 ? phase : 200 - phase) * 1'000;
        return 5'000 + i * frame_us + swing;
    });
    auto buffer = make_jitter_buffer();
    const auto r = run(*buffer, frames, 16'000'000);
    ASSERT_GT(r.stats.removed_samples_for_acceleration, 48u * 40);
    ASSERT_GT(r.stats.inserted_samples_for_deceleration, 48u * 40);
    // The ideal sine's largest step is 2 pi f A / fs = 0.029; allow 50% for the codec.
    const double ideal = 2 * std::numbers::pi * hz * amplitude / sample_rate;
    EXPECT_LT(largest_step(r, 480), 1.5 * ideal);
}

}  // namespace
}  // namespace tolk::codec
