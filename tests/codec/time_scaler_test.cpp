#include "codec/time_scaler.hpp"

#include "tests/codec/playout_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tolk::codec {
namespace {

double largest_step(const std::vector<float>& pcm) {
    double step = 0;
    for (std::size_t i = 1; i < pcm.size(); ++i) {
        step = std::max(step, static_cast<double>(std::abs(pcm[i] - pcm[i - 1])));
    }
    return step;
}

struct case_t {
    double hz;
    bool speed_up;
};

class time_scaler_sine : public ::testing::TestWithParam<case_t> {};

// A sine spliced by whole periods keeps its shape: no step above 5% of the sine's own largest
// step, and the amplitude stays within 3%.
TEST_P(time_scaler_sine, splices_without_a_discontinuity) {
    const auto [hz, speed_up] = GetParam();
    const auto signal = test_support::sine(hz, 0.2, 0.5);
    std::vector<float> out;
    time_scaler scaler;
    std::size_t changed = 0;
    for (std::size_t at = 0; at + 960 <= signal.size(); at += 960) {
        std::vector<float> frame(signal.begin() + static_cast<std::ptrdiff_t>(at),
                                 signal.begin() + static_cast<std::ptrdiff_t>(at + 960));
        changed += speed_up ? scaler.accelerate(frame, 480) : scaler.decelerate(frame, 480);
        out.insert(out.end(), frame.begin(), frame.end());
    }
    EXPECT_GT(changed, 960u);
    EXPECT_EQ(out.size(), speed_up ? signal.size() - changed : signal.size() + changed);
    const double ideal = 2 * std::numbers::pi * hz * 0.5 / 48000;
    EXPECT_LT(largest_step(out), 1.05 * ideal);
    double peak = 0;
    for (float s : out) {
        peak = std::max(peak, static_cast<double>(std::abs(s)));
    }
    EXPECT_NEAR(peak, 0.5, 0.015);
    double low = 1;  // the local amplitude never dips (no cancellation in a cross-fade)
    const auto period = static_cast<std::size_t>(48000 / hz) + 1;
    for (std::size_t at = 0; at + period <= out.size(); at += period) {
        double p = 0;
        for (std::size_t i = at; i < at + period; ++i) {
            p = std::max(p, static_cast<double>(std::abs(out[i])));
        }
        low = std::min(low, p);
    }
    EXPECT_GT(low, 0.485);
}

INSTANTIATE_TEST_SUITE_P(cases, time_scaler_sine,
                         ::testing::Values(case_t{440, true}, case_t{440, false},
                                           case_t{150, true}, case_t{150, false},
                                           case_t{1000, true}, case_t{1000, false}));

TEST(time_scaler, leaves_noise_alone_but_shortens_silence) {
    std::vector<float> noise(960);
    std::uint32_t x = 12345;
    for (float& s : noise) {
        x = x * 1664525u + 1013904223u;
        s = static_cast<float>(static_cast<double>(x >> 8) / (1 << 24) - 0.5) * 0.5f;
    }
    time_scaler scaler;
    EXPECT_EQ(scaler.accelerate(noise, 480), 0u);
    std::vector<float> silence(960, 0.0f);
    EXPECT_EQ(scaler.accelerate(silence, 480), 480u);
    EXPECT_EQ(silence.size(), 480u);
}

// In a pause the splice need not be a pitch period: a delay can be trimmed by less than the
// shortest period (2.5 ms), down to 0.5 ms; speech and noise are never cut that way.
TEST(time_scaler, trims_silence_by_less_than_a_period) {
    time_scaler scaler;
    std::vector<float> silence(960, 0.0f);
    EXPECT_EQ(scaler.accelerate(silence, 60), 60u);
    EXPECT_EQ(silence.size(), 900u);
    EXPECT_EQ(scaler.decelerate(silence, 30), 30u);
    EXPECT_EQ(silence.size(), 930u);
    EXPECT_EQ(scaler.accelerate(silence, 20), 0u);  // under 0.5 ms: not worth a splice
    std::vector<float> noise(960);
    std::uint32_t x = 777;
    for (float& s : noise) {
        x = x * 1664525u + 1013904223u;
        s = static_cast<float>(static_cast<double>(x >> 8) / (1 << 24) - 0.5) * 0.5f;
    }
    EXPECT_EQ(scaler.accelerate(noise, 60), 0u);
    const auto tone = test_support::sine(440, 0.02, 0.5);
    std::vector<float> voiced(tone.begin(), tone.end());
    EXPECT_EQ(scaler.accelerate(voiced, 60), 0u);  // shorter than its period: left alone
}

}  // namespace
}  // namespace tolk::codec
