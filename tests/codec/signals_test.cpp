#include "codec/codec_error.hpp"
#include "codec/pcm.hpp"
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace tolk::codec {
namespace {

// Upward zero crossings in x.
int crossings(std::span<const float> x) {
    int count = 0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        count += x[i - 1] < 0 && x[i] >= 0 ? 1 : 0;
    }
    return count;
}

TEST(signals, tone_has_its_frequency_length_and_amplitude) {
    const std::vector<float> x = tone(440, 2, 0.25f);
    EXPECT_EQ(x.size(), 96000u);
    EXPECT_NEAR(crossings(x), 880, 1);
    EXPECT_NEAR(peak(x), 0.25, 1e-4);
    EXPECT_NEAR(rms(x), 0.25 / std::sqrt(2.0), 1e-4);
}

TEST(signals, tone_generator_is_continuous_across_calls) {
    tone_generator generator(440, 0.5f);
    std::vector<float> pieces(48000);
    for (std::size_t at = 0; at < pieces.size(); at += 333) {
        generator.generate(
            std::span(pieces).subspan(at, std::min<std::size_t>(333, pieces.size() - at)));
    }
    EXPECT_EQ(pieces, tone(440, 1, 0.5f));
}

TEST(signals, chirp_sweeps_exponentially) {
    const std::vector<float> x = chirp(100, 1600, 4);  // doubles every second
    ASSERT_EQ(x.size(), 192000u);
    // Crossings in each second are the integral of f over it: 100 / ln 2 * (2^(s+1) - 2^s).
    for (int second = 0; second < 4; ++second) {
        SCOPED_TRACE(second);
        const double expected = 100 / std::numbers::ln2 * std::pow(2.0, second);
        EXPECT_NEAR(crossings(std::span(x).subspan(second * 48000, 48000)), expected, 1.5);
    }
    EXPECT_THROW(chirp(0, 1000, 1), codec_error);
}

TEST(signals, white_noise_is_deterministic_and_in_range) {
    const std::vector<float> x = white_noise(1, 3, 0.25f);
    EXPECT_EQ(x, white_noise(1, 3, 0.25f));
    EXPECT_NE(x, white_noise(1, 4, 0.25f));
    EXPECT_LE(peak(x), 0.25);
    EXPECT_NEAR(rms(x), 0.25 / std::sqrt(3.0), 0.002);
    EXPECT_LT(std::fabs(correlation_at(x, white_noise(1, 4, 0.25f), 0)), 0.02);
}

TEST(signals, speech_like_is_deterministic_per_seed) {
    const std::vector<float> x = speech_like(3, 11, 0.5f);
    EXPECT_EQ(x.size(), 144000u);
    EXPECT_EQ(x, speech_like(3, 11, 0.5f));
    EXPECT_NEAR(peak(x), 0.5, 1e-6);
}

TEST(signals, speech_like_seeds_are_different_voices) {
    for (std::uint32_t seed = 1; seed < 6; ++seed) {
        SCOPED_TRACE(seed);
        const std::vector<float> a = speech_like(5, seed);
        const std::vector<float> b = speech_like(5, seed + 100);
        // Measured: |correlation| at lag 0 at most 0.016, the best over +-50 ms at most 0.038.
        EXPECT_LT(std::fabs(correlation_at(a, b, 0)), 0.05);
        EXPECT_LT(align(a, b, -2400, 2400).correlation, 0.1);
    }
}

// Average power spectrum: Hann-windowed periodograms of 2048 samples (23.4 Hz bins).
std::vector<double> power_spectrum(std::span<const float> x) {
    constexpr std::size_t size = 2048;
    std::vector<double> window(size);
    std::vector<double> cosine(size);
    std::vector<double> sine(size);
    for (std::size_t n = 0; n < size; ++n) {
        const double angle = 2 * std::numbers::pi * static_cast<double>(n) / size;
        window[n] = 0.5 - 0.5 * std::cos(angle);
        cosine[n] = std::cos(angle);
        sine[n] = std::sin(angle);
    }
    std::vector<double> power(size / 2, 0.0);
    std::vector<double> frame(size);
    for (std::size_t at = 0; at + size <= x.size(); at += size) {
        for (std::size_t n = 0; n < size; ++n) {
            frame[n] = window[n] * x[at + n];
        }
        for (std::size_t k = 0; k < power.size(); ++k) {
            double re = 0;
            double im = 0;
            for (std::size_t n = 0; n < size; ++n) {
                re += frame[n] * cosine[k * n % size];
                im -= frame[n] * sine[k * n % size];
            }
            power[k] += re * re + im * im;
        }
    }
    return power;
}

TEST(signals, speech_like_has_a_speech_spectrum_and_rhythm) {
    const std::vector<float> x = speech_like(10, 21);
    const std::vector<double> power = power_spectrum(std::span(x).first(3 * sample_rate));
    double total = 0;
    double speech_band = 0;
    for (std::size_t k = 0; k < power.size(); ++k) {
        const double hz = static_cast<double>(k) * sample_rate / 2048;
        total += power[k];
        speech_band += hz >= 100 && hz <= 4000 ? power[k] : 0;
    }
    EXPECT_GT(speech_band / total, 0.9);  // measured 0.97

    // Syllables: the 10 ms level rises through a third of its peak about 4-5 times a second
    // (4-6 syllables a second while talking, with pauses between phrases).
    std::vector<double> level;
    for (std::size_t at = 0; at + 480 <= x.size(); at += 480) {
        level.push_back(rms(std::span(x).subspan(at, 480)));
    }
    const double loudest = *std::max_element(level.begin(), level.end());
    int onsets = 0;
    int quiet = 0;
    for (std::size_t i = 1; i < level.size(); ++i) {
        onsets += level[i - 1] < loudest / 3 && level[i] >= loudest / 3 ? 1 : 0;
        quiet += level[i] < loudest / 30 ? 1 : 0;
    }
    const double pauses = quiet / static_cast<double>(level.size());
    // Measured over 20 s for five seeds: 3.9-5.2 onsets/s, 24-34 % of the time quiet.
    EXPECT_GE(onsets, 10 * 3);
    EXPECT_LE(onsets, 10 * 7);
    EXPECT_GT(pauses, 0.1);
    EXPECT_LT(pauses, 0.5);
}

}  // namespace
}  // namespace tolk::codec
