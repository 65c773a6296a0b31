#include "codec/codec_error.hpp"
#include "codec/resample.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace tolk::codec {
namespace {

TEST(resample, output_length_is_the_rounded_ratio) {
    const std::vector<float> in(10007, 0.1f);
    for (const auto& [from, to] : std::vector<std::pair<int, int>>{
             {44100, 48000}, {48000, 16000}, {22050, 48000}, {8000, 48000}, {48000, 44100}}) {
        SCOPED_TRACE(std::to_string(from) + " -> " + std::to_string(to));
        const auto expected = static_cast<std::size_t>(std::llround(10007.0 * to / from));
        EXPECT_EQ(resample(in, from, to).size(), expected);
    }
    EXPECT_EQ(resample(in, 48000, 48000), in);
    EXPECT_TRUE(resample({}, 44100, 48000).empty());
}

TEST(resample, keeps_time_alignment) {
    // A click at 1000 samples of 16 kHz is 62.5 ms in: sample 3000 at 48 kHz.
    std::vector<float> click(16000, 0.0f);
    click[1000] = 1.0f;
    const std::vector<float> out = resample(click, 16000, 48000);
    const auto loudest = std::max_element(
        out.begin(), out.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); });
    EXPECT_EQ(loudest - out.begin(), 3000);
    // A constant level stays that level, up to the very end (the filter tail is flushed).
    const std::vector<float> level = resample(std::vector<float>(22050, 0.5f), 22050, 48000);
    EXPECT_NEAR(level[24000], 0.5f, 1e-3);
    EXPECT_NEAR(level[level.size() - 100], 0.5f, 0.01);
}

TEST(resample, refuses_rates_that_are_not_positive) {
    EXPECT_THROW(resample(std::vector<float>(10), 0, 48000), codec_error);
    EXPECT_THROW(resample(std::vector<float>(10), 44100, -1), codec_error);
}

}  // namespace
}  // namespace tolk::codec
