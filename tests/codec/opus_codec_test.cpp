// Opus through the whole encode -> decode chain: what a listener hears must match what the
// booth sent.  Thresholds are set a little below what libopus 1.3.1 gives on this machine.
#include "codec/opus_decoder.hpp"
#include "codec/opus_encoder.hpp"
#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace tolk::codec {
namespace {

using packet = std::vector<std::uint8_t>;

std::vector<packet> encode_all(std::span<const float> in, const encoder_options& options) {
    opus_encoder encoder(options);
    const auto frame = static_cast<std::size_t>(encoder.frame_samples());
    std::vector<packet> packets;
    for (std::size_t at = 0; at + frame <= in.size(); at += frame) {
        packets.push_back(encoder.encode(in.subspan(at, frame)));
    }
    return packets;
}

enum class loss_repair { plc, fec };

// Decodes every packet, concealing the `lost` ones with PLC or with the next packet's FEC.
std::vector<float> decode_all(const std::vector<packet>& packets, int frame_samples,
                              const std::set<std::size_t>& lost = {},
                              loss_repair repair = loss_repair::plc) {
    opus_decoder decoder;
    std::vector<float> out;
    std::vector<float> frame(max_frame_samples);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        int samples = 0;
        if (!lost.contains(i)) {
            samples = decoder.decode(packets[i], frame);
        } else if (repair == loss_repair::fec && i + 1 < packets.size()) {
            samples = decoder.decode_fec(packets[i + 1], frame, frame_samples);
        } else {
            samples = decoder.conceal(frame, frame_samples);
        }
        EXPECT_EQ(samples, frame_samples) << "frame " << i;
        out.insert(out.end(), frame.begin(), frame.begin() + samples);
    }
    EXPECT_EQ(decoder.corrupt_packets(), 0u);
    return out;
}

double chain_correlation(const std::vector<float>& in, const encoder_options& options) {
    const std::vector<float> out = decode_all(encode_all(in, options), options.frame_ms * 48);
    return align(in, out, 0, 2000).correlation;
}

struct round_trip_case {
    std::string name;
    std::function<std::vector<float>()> signal;
    int frame_ms;
    double min_correlation;
};

TEST(opus_round_trip, decoded_audio_matches_the_input_at_32_kbps) {
    const auto tone_1k = [] { return tone(1000, 3); };
    const auto sweep = [] { return chirp(50, 16000, 5); };
    const auto speech = [] { return speech_like(8, 1); };
    // Measured for 10 / 20 / 40 ms frames (application audio, complexity 10):
    //   tone 0.9942 / 0.9935 / 0.9935, speech_like 0.9945 / 0.9941 / 0.9933,
    //   chirp 0.8976 / 0.9987 / 0.9987 (10 ms frames render pure tones above ~3 kHz poorly).
    // espeak-ng speech (not used here) measured 0.976-0.987 at 20 ms.
    const std::vector<round_trip_case> cases{
        {"tone 10 ms", tone_1k, 10, 0.99},  {"tone 20 ms", tone_1k, 20, 0.99},
        {"tone 40 ms", tone_1k, 40, 0.99},  {"chirp 10 ms", sweep, 10, 0.88},
        {"chirp 20 ms", sweep, 20, 0.995},  {"chirp 40 ms", sweep, 40, 0.995},
        {"speech 10 ms", speech, 10, 0.99}, {"speech 20 ms", speech, 20, 0.99},
        {"speech 40 ms", speech, 40, 0.99},
    };
    for (const round_trip_case& c : cases) {
        SCOPED_TRACE(c.name);
        encoder_options options;
        options.frame_ms = c.frame_ms;
        EXPECT_GT(chain_correlation(c.signal(), options), c.min_correlation);
    }
}

TEST(opus_round_trip, decoder_delay_is_the_opus_lookahead) {
    const std::vector<float> in = speech_like(3, 4);
    const std::vector<float> out = decode_all(encode_all(in, {}), 960);
    EXPECT_EQ(out.size(), in.size());
    EXPECT_NEAR(align(in, out, -2000, 2000).lag, 312, 4);  // 6.5 ms at 48 kHz
}

// Mean correlation with the input over the lost frames only.
double lost_frame_correlation(const std::vector<float>& in, const std::vector<float>& out,
                              const std::set<std::size_t>& lost, int frame_samples, long lag) {
    double sum = 0;
    for (const std::size_t frame : lost) {
        const auto span_in = std::span(in).subspan(frame * frame_samples, frame_samples);
        const auto span_out = std::span(out).subspan(frame * frame_samples);
        sum += correlation_at(span_in, span_out, lag);
    }
    return sum / static_cast<double>(lost.size());
}

std::set<std::size_t> every_nth_frame(std::size_t first, std::size_t last, std::size_t n) {
    std::set<std::size_t> frames;
    for (std::size_t f = first; f < last; f += n) {
        frames.insert(f);
    }
    return frames;
}

TEST(opus_loss, concealment_has_no_discontinuity_and_keeps_the_length) {
    const std::vector<float> in = speech_like(4, 2);
    const std::vector<packet> packets = encode_all(in, {});
    const std::set<std::size_t> lost = every_nth_frame(20, packets.size() - 5, 17);
    const std::vector<float> clean = decode_all(packets, 960);
    const std::vector<float> concealed = decode_all(packets, 960, lost);
    ASSERT_EQ(concealed.size(), clean.size());

    // The biggest sample-to-sample step in the decoded speech; a click at a concealment
    // boundary would be a step far larger than any the signal itself makes.
    const auto largest_step = [](std::span<const float> x) {
        double step = 0;
        for (std::size_t i = 1; i < x.size(); ++i) {
            step = std::max(step, static_cast<double>(std::fabs(x[i] - x[i - 1])));
        }
        return step;
    };
    for (const std::size_t frame : lost) {
        SCOPED_TRACE("lost frame " + std::to_string(frame));
        // From the last sample before the gap to the first one after it.
        const auto window = [&](const std::vector<float>& x) {
            return std::span(x).subspan(frame * 960 - 1, 962);
        };
        const double step = largest_step(window(concealed));
        const double clean_step = largest_step(window(clean));
        // Measured: at most 1.19x the clean decode's step where there is sound; replacing the
        // lost frame by silence would make steps of up to 4x.
        EXPECT_LT(step, 1.5 * clean_step + 0.005);
    }
}

TEST(opus_loss, fec_recovers_lost_frames_better_than_plc) {
    const std::vector<float> in = speech_like(6, 3);
    encoder_options options;  // application audio, as the booths use
    options.inband_fec = true;
    options.expected_loss_percent = 20;
    const std::vector<packet> packets = encode_all(in, options);
    const std::set<std::size_t> lost = every_nth_frame(10, packets.size() - 2, 7);
    const long lag = align(in, decode_all(packets, 960), 0, 2000).lag;

    const double plc = lost_frame_correlation(in, decode_all(packets, 960, lost), lost, 960, lag);
    const double fec = lost_frame_correlation(in, decode_all(packets, 960, lost, loss_repair::fec),
                                              lost, 960, lag);
    // Measured: PLC 0.60, FEC 0.80.  (espeak-ng speech, one loss at a time: PLC 0.34-0.41,
    // FEC 0.72-0.75; the synthetic voice is steadier than speech, which flatters PLC.)
    EXPECT_GT(fec, plc + 0.1);
    EXPECT_GT(fec, 0.75);
}

TEST(opus_loss, fec_without_fec_data_falls_back_to_concealment) {
    const std::vector<float> in = speech_like(2, 5);
    const std::vector<packet> packets = encode_all(in, {});  // no FEC
    const std::set<std::size_t> lost{40};
    const std::vector<float> plc = decode_all(packets, 960, lost);
    const std::vector<float> fec = decode_all(packets, 960, lost, loss_repair::fec);
    EXPECT_EQ(plc, fec);
}

TEST(opus_encoder, refuses_bad_options) {
    const auto with = [](auto change) {
        encoder_options options;
        change(options);
        return options;
    };
    EXPECT_THROW(opus_encoder(with([](auto& o) { o.frame_ms = 15; })), codec_error);
    EXPECT_THROW(opus_encoder(with([](auto& o) { o.frame_ms = 60; })), codec_error);
    EXPECT_THROW(opus_encoder(with([](auto& o) { o.bitrate = 1000; })), codec_error);
    EXPECT_THROW(opus_encoder(with([](auto& o) { o.complexity = 11; })), codec_error);
    EXPECT_THROW(opus_encoder(with([](auto& o) { o.expected_loss_percent = -1; })), codec_error);
    EXPECT_NO_THROW(opus_encoder(with([](auto& o) { o.frame_ms = 10; })));

    opus_encoder encoder;
    EXPECT_EQ(encoder.frame_samples(), 960);
    EXPECT_THROW(encoder.encode(std::vector<float>(480)), codec_error);
    EXPECT_THROW(encoder.set_bitrate(600000), codec_error);
}

TEST(opus_encoder, bitrate_change_shows_in_packet_sizes) {
    const std::vector<float> in = white_noise(2, 6);  // full-band: every bit is spent
    opus_encoder encoder;
    const auto bytes_for = [&](std::size_t from, std::size_t to) {
        std::size_t total = 0;
        for (std::size_t at = from; at < to; at += 960) {
            total += encoder.encode(std::span(in).subspan(at, 960)).size();
        }
        return total;
    };
    const std::size_t at_32k = bytes_for(0, 48000);
    encoder.set_bitrate(12000);
    EXPECT_EQ(encoder.options().bitrate, 12000);
    const std::size_t at_12k = bytes_for(48000, 96000);
    EXPECT_LT(at_12k, at_32k / 2);
}

TEST(opus_encoder, moved_encoder_keeps_encoding) {
    opus_encoder first;
    opus_encoder second(std::move(first));
    EXPECT_FALSE(second.encode(tone(440, 0.02)).empty());
}

TEST(opus_decoder, counts_corrupt_packets_and_never_throws) {
    opus_decoder decoder;
    std::vector<float> out(max_frame_samples);
    EXPECT_EQ(decoder.decode({}, out), 0);
    const packet garbage{0xFF, 0xFF};  // code 3 without a frame count
    EXPECT_EQ(decoder.decode(garbage, out), 0);
    EXPECT_EQ(decoder.corrupt_packets(), 2u);

    // A 20 ms packet does not fit in 10 ms of output.
    const packet valid = opus_encoder().encode(tone(440, 0.02));
    std::vector<float> small(480);
    EXPECT_EQ(decoder.decode(valid, small), 0);
    EXPECT_EQ(decoder.corrupt_packets(), 3u);
    EXPECT_EQ(decoder.decode(valid, out), 960);

    EXPECT_EQ(decoder.conceal(out, 100), 0);    // not a multiple of 2.5 ms
    EXPECT_EQ(decoder.conceal(small, 960), 0);  // does not fit
    EXPECT_EQ(decoder.conceal(out, 120), 120);
    decoder.reset();
    EXPECT_EQ(decoder.decode(valid, out), 960);
}

}  // namespace
}  // namespace tolk::codec
