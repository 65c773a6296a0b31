// The level meter is what the technician reads as "how loud is this booth": a known sine must
// read its level after the Opus round trip the server's monitor sees, and clipping must count.
#include "codec/level_meter.hpp"
#include "codec/signals.hpp"
#include "opus_round_trip.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

namespace tolk::codec {
namespace {

float dbfs_to_amplitude(double dbfs) { return static_cast<float>(std::pow(10.0, dbfs / 20)); }

TEST(level_meter, minus_20_dbfs_sine_reads_minus_20_after_opus) {
    for (double hz : {440.0, 1000.0, 3000.0}) {
        const auto decoded = testing::opus_round_trip(tone(hz, 3.0, dbfs_to_amplitude(-20)));
        level_meter meter;
        meter.add(std::span(decoded).subspan(sample_rate));  // past the codec's start-up
        ASSERT_TRUE(meter.has_reading());
        EXPECT_NEAR(meter.last().peak_dbfs, -20.0, 0.5) << hz << " Hz";
        EXPECT_NEAR(meter.last().rms_dbfs, -20.0, 0.5) << hz << " Hz";
        EXPECT_EQ(meter.clipped_samples(), 0u);
    }
}

TEST(level_meter, levels_follow_the_signal_window_by_window) {
    level_meter meter({.window_samples = 4800});
    meter.add(tone(1000, 0.1, dbfs_to_amplitude(-6)));
    EXPECT_NEAR(meter.last().rms_dbfs, -6.0, 0.05);
    meter.add(tone(1000, 0.1, dbfs_to_amplitude(-40)));
    EXPECT_NEAR(meter.last().rms_dbfs, -40.0, 0.05);
    EXPECT_NEAR(meter.last().peak_dbfs, -40.0, 0.05);
    meter.add(std::vector<float>(4800, 0.0f));
    EXPECT_EQ(meter.last().rms_dbfs, level_floor_dbfs);
    EXPECT_EQ(meter.last().peak_dbfs, level_floor_dbfs);
    EXPECT_EQ(meter.windows(), 3u);
}

TEST(level_meter, a_clipping_source_counts_clipped_samples_after_opus) {
    auto hot = tone(440, 2.0, 3.0f);  // 9.5 dB too hot, hard-clipped at full scale
    for (float& x : hot) {
        x = std::clamp(x, -1.0f, 1.0f);
    }
    const auto decoded = testing::opus_round_trip(hot);
    level_meter meter;
    meter.add(decoded);
    EXPECT_GT(meter.clipped_samples(), 1000u);
    EXPECT_GT(meter.last().peak_dbfs, -0.5);

    level_meter clean;
    clean.add(testing::opus_round_trip(tone(440, 2.0, dbfs_to_amplitude(-3))));
    EXPECT_EQ(clean.clipped_samples(), 0u);
}

TEST(level_meter, amplitude_conversions) {
    EXPECT_DOUBLE_EQ(amplitude_to_dbfs(1.0), 0.0);
    EXPECT_NEAR(amplitude_to_dbfs(0.1), -20.0, 1e-9);
    EXPECT_EQ(amplitude_to_dbfs(0.0), level_floor_dbfs);
    EXPECT_EQ(amplitude_to_dbfs(std::nan("")), level_floor_dbfs);
    EXPECT_EQ(rms_dbfs({}), level_floor_dbfs);
    EXPECT_NEAR(rms_dbfs(tone(1000, 1.0, 1.0f)), 0.0, 0.01);
}

TEST(level_meter, rejects_an_empty_window) {
    EXPECT_THROW(level_meter({.window_samples = 0}), codec_error);
}

}  // namespace
}  // namespace tolk::codec
