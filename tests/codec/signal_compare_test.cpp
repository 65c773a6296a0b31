// align() and friends decide whether "the audio that came out matches what went in", so they
// must find a delay reliably and must not call unrelated audio a match.
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace tolk::codec {
namespace {

// `x` delayed by `delay` samples (leading zeros), or advanced (cut) for a negative delay.
std::vector<float> delayed(const std::vector<float>& x, long delay) {
    if (delay < 0) {
        return {x.begin() + (-delay), x.end()};
    }
    std::vector<float> out(static_cast<std::size_t>(delay), 0.0f);
    out.insert(out.end(), x.begin(), x.end());
    return out;
}

// gain * x + noise (where there is noise).
std::vector<float> plus(std::vector<float> x, const std::vector<float>& noise, float gain = 1) {
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = gain * x[i] + (i < noise.size() ? noise[i] : 0.0f);
    }
    return x;
}

struct delay_case {
    std::string name;
    std::vector<float> reference;
    std::vector<float> received;
    long min_lag;
    long max_lag;
    long lag;
    double min_correlation;
};

TEST(align, finds_known_delays) {
    const std::vector<float> speech = speech_like(10, 31);
    const std::vector<float> sweep = chirp(6000, 18000, 3);  // nothing below 2.4 kHz
    // Noise at about the speech's level (peak 0.5 speech has ~0.1 rms; 0.17 peak noise ~0.1).
    const std::vector<float> noise = white_noise(11, 32, 0.17f);
    const std::vector<delay_case> cases{
        {"clean, 12345", speech, delayed(speech, 12345), -96000, 96000, 12345, 0.9999},
        {"noisy 0 dB, 12345", speech, plus(delayed(speech, 12345), noise), -96000, 96000, 12345,
         0.6},
        {"quieter, 12345", speech, plus(delayed(speech, 12345), {}, 0.1f), -96000, 96000, 12345,
         0.9999},
        {"negative, -5000", speech, delayed(speech, -5000), -96000, 96000, -5000, 0.9999},
        {"narrow range", speech, delayed(speech, 321), 300, 340, 321, 0.9999},
        {"high band only", sweep, delayed(sweep, 777), -4800, 4800, 777, 0.9999},
    };
    for (const delay_case& c : cases) {
        SCOPED_TRACE(c.name);
        const alignment a = align(c.reference, c.received, c.min_lag, c.max_lag);
        EXPECT_EQ(a.lag, c.lag);
        EXPECT_GT(a.correlation, c.min_correlation);
        EXPECT_NEAR(a.correlation, correlation_at(c.reference, c.received, a.lag), 1e-9);
        EXPECT_GT(a.overlap, c.reference.size() / 2);
    }
}

TEST(align, unrelated_signals_do_not_correlate) {
    const std::vector<float> a = speech_like(10, 41);
    // Measured: 0.03 for another voice, 0.01 for noise.
    EXPECT_LT(align(a, speech_like(10, 42), -48000, 48000).correlation, 0.1);
    EXPECT_LT(align(a, white_noise(10, 43), -48000, 48000).correlation, 0.1);
    EXPECT_EQ(align(a, std::vector<float>(48000, 0.0f), -1000, 1000).correlation, 0.0);
    EXPECT_EQ(align({}, a, -1000, 1000).overlap, 0u);
}

TEST(align, thirty_seconds_against_two_seconds_either_way) {
    // A performance sanity check: this runs in well under a second (timing is not asserted).
    const std::vector<float> reference = speech_like(30, 51);
    const std::vector<float> received =
        plus(delayed(reference, 77777), white_noise(33, 52, 0.05f), 0.7f);
    const alignment a = align(reference, received, -96000, 96000);
    EXPECT_EQ(a.lag, 77777);
    EXPECT_GT(a.correlation, 0.9);
}

TEST(correlation_at, identical_inverted_and_disjoint) {
    const std::vector<float> x = speech_like(1, 61);
    std::vector<float> inverted = x;
    for (float& s : inverted) {
        s = -s;
    }
    EXPECT_NEAR(correlation_at(x, x, 0), 1.0, 1e-12);
    EXPECT_NEAR(correlation_at(x, inverted, 0), -1.0, 1e-12);
    EXPECT_EQ(correlation_at(x, x, static_cast<long>(x.size())), 0.0);
    EXPECT_EQ(correlation_at(x, x, -static_cast<long>(x.size())), 0.0);
}

TEST(snr_db_at, measures_added_noise_whatever_the_gain) {
    const std::vector<float> x = white_noise(2, 71, 0.5f);
    std::vector<float> noise = white_noise(2, 72, 0.05f);  // 20 dB below x
    EXPECT_NEAR(snr_db_at(x, plus(x, noise), 0), 20.0, 0.2);
    // Scaling the received signal does not change its SNR.
    const std::vector<float> scaled = plus(plus(x, noise), {}, 0.25f);
    EXPECT_NEAR(snr_db_at(x, scaled, 0), snr_db_at(x, plus(x, noise), 0), 0.01);
    EXPECT_EQ(snr_db_at(x, x, 0), 200.0);
    EXPECT_EQ(snr_db_at({}, x, 0), -200.0);
    EXPECT_NEAR(snr_db_at(x, delayed(x, 10), 10), 200.0, 1e-9);
}

}  // namespace
}  // namespace tolk::codec
