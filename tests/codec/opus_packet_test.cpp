// check_packet: what the server runs on every frame a booth sends.
#include "codec/opus_encoder.hpp"
#include "codec/opus_packet.hpp"
#include "codec/signals.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tolk::codec {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes encoded(int frame_ms) {
    encoder_options options;
    options.frame_ms = frame_ms;
    opus_encoder encoder(options);
    return encoder.encode(tone(440, frame_ms / 1000.0));
}

// TOC byte: config (5 bits) | stereo (1 bit) | frame-count code (2 bits).
constexpr std::uint8_t toc(int config, int code) {
    return static_cast<std::uint8_t>(config << 3 | code);
}
constexpr int celt_fb_20ms = 31;
constexpr int celt_fb_2_5ms = 28;
constexpr int silk_wb_60ms = 11;

struct packet_case {
    std::string name;
    bytes packet;
    packet_error error;
    int samples;
    int frames;
};

TEST(check_packet, table) {
    const bytes ten = encoded(10);
    const bytes twenty = encoded(20);
    const bytes forty = encoded(40);
    bytes oversized(max_packet_bytes + 1, 0);
    oversized[0] = toc(celt_fb_20ms, 0);
    // Code 3, CBR, 3 frames of 20 ms with 10 bytes each: needs 2 + 30 bytes.
    bytes code3_cbr{toc(celt_fb_20ms, 3), 3};
    code3_cbr.resize(2 + 30, 0x55);
    bytes code3_truncated = code3_cbr;
    code3_truncated.resize(2 + 29);
    // Code 3, VBR, 2 frames: the first frame's length (200) runs past the end.
    const bytes code3_vbr_truncated{toc(celt_fb_20ms, 3), 0x80 | 2, 200, 1, 2, 3};
    // Code 3 with 49 frames of 2.5 ms (122.5 ms) and with 3 frames of 60 ms (180 ms).
    const bytes too_long_count{toc(celt_fb_2_5ms, 3), 49, 0, 0};
    const bytes too_long_silk{toc(silk_wb_60ms, 3), 3, 0, 0};
    // Code 1 (two equal frames) needs an even payload.
    const bytes code1_odd{toc(celt_fb_20ms, 1), 1, 2, 3};
    // Code 3 with a frame count of 0.
    const bytes zero_frames{toc(celt_fb_20ms, 3), 0};

    const std::vector<packet_case> cases{
        {"10 ms encoded", ten, packet_error::none, 480, 1},
        {"20 ms encoded", twenty, packet_error::none, 960, 1},
        {"40 ms encoded", forty, packet_error::none, 1920, 2},  // CELT: two 20 ms frames
        {"code 3 CBR, 3 x 20 ms", code3_cbr, packet_error::none, 2880, 3},
        {"2.5 ms TOC only", {toc(celt_fb_2_5ms, 0)}, packet_error::none, 120, 1},
        {"empty", {}, packet_error::empty, 0, 0},
        {"oversized", oversized, packet_error::too_large, 0, 0},
        {"code 3 CBR truncated", code3_truncated, packet_error::invalid, 0, 0},
        {"code 3 VBR truncated", code3_vbr_truncated, packet_error::invalid, 0, 0},
        {"code 3 no count byte", {toc(celt_fb_20ms, 3)}, packet_error::invalid, 0, 0},
        {"code 1 odd payload", code1_odd, packet_error::invalid, 0, 0},
        {"122.5 ms", too_long_count, packet_error::bad_duration, 0, 0},
        {"180 ms", too_long_silk, packet_error::bad_duration, 0, 0},
        {"zero frames", zero_frames, packet_error::bad_duration, 0, 0},
        {"garbage: 63 x 20 ms", {0xFF, 0xFF, 0xFF, 0xFF}, packet_error::bad_duration, 0, 0},
        {"garbage: padding past the end",
         {0x03, 0x45, 0xFF, 0xFF, 0xFF},
         packet_error::invalid,
         0,
         0},
    };
    for (const packet_case& c : cases) {
        SCOPED_TRACE(c.name);
        const packet_check check = check_packet(c.packet);
        EXPECT_EQ(check.error, c.error) << to_string(check.error);
        EXPECT_EQ(static_cast<bool>(check), c.error == packet_error::none);
        EXPECT_EQ(check.samples, c.samples);
        EXPECT_EQ(check.frames, c.frames);
    }
}

TEST(check_packet, respects_a_smaller_size_limit) {
    const bytes packet = encoded(20);
    EXPECT_TRUE(check_packet(packet, packet.size()));
    EXPECT_EQ(check_packet(packet, packet.size() - 1).error, packet_error::too_large);
}

TEST(check_packet, errors_have_names) {
    EXPECT_EQ(to_string(packet_error::none), "none");
    EXPECT_EQ(to_string(packet_error::too_large), "packet too large");
    EXPECT_EQ(to_string(packet_error::bad_duration), "bad packet duration");
}

// How many of the packets of 3 s of speech say they carry FEC for the frame before.
int packets_with_fec(bool inband_fec) {
    encoder_options options;
    options.inband_fec = inband_fec;
    options.expected_loss_percent = inband_fec ? 20 : 0;
    opus_encoder encoder(options);
    const std::vector<float> speech = speech_like(3, 8);
    int with_fec = 0;
    for (std::size_t at = 0; at + 960 <= speech.size(); at += 960) {
        const packet_check check = check_packet(encoder.encode(std::span(speech).subspan(at, 960)));
        EXPECT_TRUE(check);
        with_fec += check.has_fec ? 1 : 0;
    }
    return with_fec;
}

TEST(check_packet, sees_in_band_fec) {
    // Measured: 102 of 150 packets with FEC on (LBRR only follows active speech), 0 with it off.
    EXPECT_GT(packets_with_fec(true), 80);
    EXPECT_EQ(packets_with_fec(false), 0);
}

}  // namespace
}  // namespace tolk::codec
