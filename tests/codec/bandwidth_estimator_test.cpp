// The technician must learn that the floor microphone is telephone-band: speech band-passed to
// 300-3,400 Hz is flagged narrow-band after the Opus round trip, full-band speech is not.
#include "band_filter.hpp"
#include "codec/bandwidth_estimator.hpp"
#include "codec/codec_error.hpp"
#include "codec/signals.hpp"
#include "opus_round_trip.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tolk::codec {
namespace {

double estimate(const std::vector<float>& pcm, bool* narrow = nullptr) {
    bandwidth_estimator estimator;
    for (std::size_t at = 0; at + 960 <= pcm.size(); at += 960) {
        estimator.add(std::span(pcm).subspan(at, 960));
    }
    EXPECT_TRUE(estimator.known());
    if (narrow != nullptr) {
        *narrow = estimator.narrow_band();
    }
    return estimator.bandwidth_hz();
}

TEST(bandwidth_estimator, telephone_band_speech_is_narrow_band_and_full_band_is_not) {
    for (std::uint32_t seed : {1u, 2u, 3u}) {
        const auto speech = speech_like(8.0, seed, 0.5f);
        const auto phone = testing::band_pass(speech, 300, 3400);
        bool narrow = false;
        const double full_hz = estimate(testing::opus_round_trip(speech), &narrow);
        std::cout << "seed " << seed << ": full-band " << full_hz;
        EXPECT_FALSE(narrow) << "full-band speech read " << full_hz << " Hz";
        EXPECT_GT(full_hz, 8000);
        const double phone_hz = estimate(testing::opus_round_trip(phone), &narrow);
        std::cout << " Hz, telephone " << phone_hz << " Hz\n";
        EXPECT_TRUE(narrow) << "telephone-band speech read " << phone_hz << " Hz";
        EXPECT_GT(phone_hz, 2500);
        EXPECT_LT(phone_hz, 5000);
    }
}

TEST(bandwidth_estimator, follows_the_highest_tone) {
    std::vector<float> mix = tone(500, 3.0, 0.3f);
    const auto high = tone(11000, 3.0, 0.05f);
    for (std::size_t i = 0; i < mix.size(); ++i) {
        mix[i] += high[i];
    }
    const double hz = estimate(mix);
    EXPECT_GT(hz, 11000);
    EXPECT_LT(hz, 11800);
}

TEST(bandwidth_estimator, silence_gives_no_estimate) {
    bandwidth_estimator estimator;
    estimator.add(std::vector<float>(sample_rate * 3, 0.0f));
    EXPECT_FALSE(estimator.known());
    EXPECT_EQ(estimator.bandwidth_hz(), 0);
    EXPECT_FALSE(estimator.narrow_band());
}

TEST(bandwidth_estimator, rejects_a_bad_fft_size) {
    EXPECT_THROW(bandwidth_estimator({.fft_size = 1000}), codec_error);
}

}  // namespace
}  // namespace tolk::codec
