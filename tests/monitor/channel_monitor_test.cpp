// The channel monitor turns a booth's packets into what the technician reads on the tile.
#include "../codec/band_filter.hpp"
#include "booth_feed.hpp"
#include "codec/signals.hpp"
#include "server/monitor/channel_monitor.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tolk::monitor {
namespace {

void feed(channel_monitor& monitor, const testing::packets& packets) {
    for (const auto& p : packets) {
        monitor.on_packet(p);
    }
}

TEST(channel_monitor, reads_level_loudness_and_bitrate_of_a_sine) {
    channel_monitor monitor;
    feed(monitor, testing::encode(codec::tone(1000, 5.0, 0.1f)));  // -20 dBFS
    const auto s = monitor.snapshot();
    EXPECT_NEAR(s.rms_dbfs, -20.0, 0.5);
    EXPECT_NEAR(s.peak_dbfs, -20.0, 0.5);
    ASSERT_TRUE(s.integrated_lufs.has_value());
    EXPECT_NEAR(*s.integrated_lufs, -23.0, 0.5);  // -20 dBFS sine, mono: -23 LUFS
    ASSERT_TRUE(s.short_term_lufs.has_value());
    EXPECT_EQ(s.packets, 250u);
    EXPECT_NEAR(s.audio_seconds, 5.0, 1e-9);
    EXPECT_GT(s.bitrate_bps, 32000 * 0.6);  // the encoder's 32 kbit/s target, roughly
    EXPECT_LT(s.bitrate_bps, 32000 * 1.4);
    EXPECT_NEAR(s.bitrate_bps, s.bytes * 8 / 5.0, s.bitrate_bps * 0.3);
    EXPECT_EQ(s.clipped_samples, 0u);
    EXPECT_LT(s.silence_seconds, 0.1);
}

TEST(channel_monitor, counts_silence_until_sound_returns) {
    channel_monitor monitor;
    std::vector<float> pcm = codec::speech_like(3.0, 4, 0.5f);
    pcm.resize(pcm.size() + codec::samples_for(7.0), 0.0f);
    feed(monitor, testing::encode(pcm));
    EXPECT_NEAR(monitor.snapshot().silence_seconds, 7.0, 0.2);
    feed(monitor, testing::encode(codec::speech_like(1.0, 5, 0.5f)));
    EXPECT_LT(monitor.snapshot().silence_seconds, 0.5);
}

TEST(channel_monitor, flags_telephone_band_input) {
    const auto speech = codec::speech_like(6.0, 8, 0.5f);
    channel_monitor phone;
    feed(phone, testing::encode(codec::testing::band_pass(speech, 300, 3400)));
    EXPECT_TRUE(phone.snapshot().narrow_band) << phone.snapshot().bandwidth_hz;
    channel_monitor full;
    feed(full, testing::encode(speech));
    EXPECT_FALSE(full.snapshot().narrow_band) << full.snapshot().bandwidth_hz;
    EXPECT_GT(full.snapshot().bandwidth_hz, 8000);
}

TEST(channel_monitor, counts_clipping_and_corrupt_packets_and_starts_over_on_reset) {
    auto hot = codec::tone(440, 2.0, 2.0f);
    for (float& x : hot) {
        x = std::clamp(x, -1.0f, 1.0f);
    }
    channel_monitor monitor;
    feed(monitor, testing::encode(hot));
    const std::vector<std::uint8_t> garbage{0xFF, 0xFF, 0xFF};
    monitor.on_packet(garbage);
    auto s = monitor.snapshot();
    EXPECT_GT(s.clipped_samples, 1000u);
    EXPECT_EQ(s.corrupt_packets, 1u);
    EXPECT_EQ(s.packets, 100u);
    monitor.reset();
    s = monitor.snapshot();
    EXPECT_EQ(s.clipped_samples, 0u);
    EXPECT_EQ(s.packets, 0u);
    EXPECT_FALSE(s.integrated_lufs.has_value());
    EXPECT_EQ(s.bitrate_bps, 0);
}

}  // namespace
}  // namespace tolk::monitor
