// The loudness meter must give libebur128's own figure for the decoded audio (it wraps it; the
// test checks the wrapper's chunked, bounded-memory use gives the same answer as one plain
// call), and known signals must read their textbook loudness.
#include "codec/loudness_meter.hpp"
#include "codec/signals.hpp"
#include "opus_round_trip.hpp"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <cmath>
#include <span>
#include <vector>

namespace tolk::codec {
namespace {

// Integrated loudness of `pcm` by libebur128 in one call, in its default (block list) mode.
double reference_integrated(std::span<const float> pcm) {
    ebur128_state* state = ebur128_init(1, sample_rate, EBUR128_MODE_I);
    ebur128_add_frames_float(state, pcm.data(), pcm.size());
    double value = 0;
    ebur128_loudness_global(state, &value);
    ebur128_destroy(&state);
    return value;
}

void add_in_frames(loudness_meter& meter, std::span<const float> pcm, std::size_t frame) {
    for (std::size_t at = 0; at < pcm.size(); at += frame) {
        meter.add(pcm.subspan(at, std::min(frame, pcm.size() - at)));
    }
}

TEST(loudness_meter, integrated_matches_libebur128_for_decoded_speech) {
    const auto decoded = testing::opus_round_trip(speech_like(20.0, 7, 0.6f));
    loudness_meter meter;
    add_in_frames(meter, decoded, 960);
    const auto integrated = meter.integrated_lufs();
    ASSERT_TRUE(integrated.has_value());
    const double reference = reference_integrated(decoded);
    EXPECT_NEAR(*integrated, reference, 0.1);  // histogram mode: within 0.1 LU by design
    EXPECT_GT(reference, -40.0);
    EXPECT_LT(reference, -5.0);
}

TEST(loudness_meter, a_minus_23_dbfs_1khz_sine_reads_about_minus_23_lufs) {
    // EBU Tech 3341: a 1 kHz sine at -23 dBFS peak (mono) reads -23 LUFS, minus 3.01 dB for one
    // channel of the stereo reference signal.
    const auto sine = tone(1000, 10.0, static_cast<float>(std::pow(10.0, -23.0 / 20)));
    loudness_meter meter;
    add_in_frames(meter, sine, 960);
    ASSERT_TRUE(meter.short_term_lufs().has_value());
    EXPECT_NEAR(*meter.integrated_lufs(), -26.0, 0.2);
    EXPECT_NEAR(*meter.short_term_lufs(), -26.0, 0.2);
    EXPECT_NEAR(*meter.momentary_lufs(), -26.0, 0.2);
}

TEST(loudness_meter, twelve_db_quieter_reads_twelve_lu_lower) {
    const auto loud = speech_like(15.0, 3, 0.6f);
    auto quiet = loud;
    for (float& x : quiet) {
        x *= static_cast<float>(std::pow(10.0, -12.0 / 20));
    }
    loudness_meter a;
    loudness_meter b;
    add_in_frames(a, testing::opus_round_trip(loud), 960);
    add_in_frames(b, testing::opus_round_trip(quiet), 960);
    EXPECT_NEAR(*a.integrated_lufs() - *b.integrated_lufs(), 12.0, 0.5);
}

TEST(loudness_meter, silence_and_short_input_have_no_loudness_and_reset_starts_over) {
    loudness_meter meter;
    add_in_frames(meter, tone(1000, 1.0, 0.3f), 960);
    EXPECT_FALSE(meter.short_term_lufs().has_value());  // the 3 s window is not full yet
    EXPECT_TRUE(meter.momentary_lufs().has_value());
    meter.reset();
    add_in_frames(meter, std::vector<float>(sample_rate * 4, 0.0f), 960);
    EXPECT_FALSE(meter.integrated_lufs().has_value());
    EXPECT_FALSE(meter.short_term_lufs().has_value());
}

}  // namespace
}  // namespace tolk::codec
