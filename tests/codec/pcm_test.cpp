#include "codec/pcm.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace tolk::codec {
namespace {

TEST(pcm, int16_round_trip_is_exact) {
    std::vector<std::int16_t> all;
    for (int v = -32768; v <= 32767; ++v) {
        all.push_back(static_cast<std::int16_t>(v));
    }
    std::vector<float> floats(all.size());
    std::vector<std::int16_t> back(all.size());
    to_float(all, floats);
    to_int16(floats, back);
    EXPECT_EQ(all, back);
}

TEST(pcm, to_int16_clamps_and_rounds) {
    const std::array<float, 7> in{2.0f,
                                  -2.0f,
                                  1.0f,
                                  -1.0f,
                                  0.4f / 32768.0f,
                                  0.6f / 32768.0f,
                                  std::numeric_limits<float>::quiet_NaN()};
    std::array<std::int16_t, 7> out{};
    to_int16(in, out);
    EXPECT_EQ(out[0], 32767);
    EXPECT_EQ(out[1], -32768);
    EXPECT_EQ(out[2], 32767);
    EXPECT_EQ(out[3], -32768);
    EXPECT_EQ(out[4], 0);
    EXPECT_EQ(out[5], 1);
    EXPECT_EQ(out[6], 0);
}

TEST(pcm, levels) {
    const std::vector<float> square{0.5f, -0.5f, 0.5f, -0.5f};
    EXPECT_DOUBLE_EQ(rms(square), 0.5);
    EXPECT_DOUBLE_EQ(peak(std::vector<float>{0.1f, -0.75f, 0.5f}), 0.75);
    EXPECT_EQ(rms({}), 0.0);
    EXPECT_NEAR(dbfs(0.5), -6.0206, 1e-4);
    EXPECT_DOUBLE_EQ(dbfs(1.0), 0.0);
    EXPECT_DOUBLE_EQ(dbfs(0.0), -200.0);
}

}  // namespace
}  // namespace tolk::codec
