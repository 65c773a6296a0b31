#include "codec/opus_encoder.hpp"

#include <opus.h>

#include <algorithm>
#include <string>

namespace tolk::codec {
namespace {

int to_opus(opus_application application) {
    switch (application) {
    case opus_application::voip:
        return OPUS_APPLICATION_VOIP;
    case opus_application::audio:
        return OPUS_APPLICATION_AUDIO;
    case opus_application::restricted_low_delay:
        return OPUS_APPLICATION_RESTRICTED_LOWDELAY;
    }
    throw codec_error("opus encoder: unknown application");
}

void check_range(const char* name, int value, int low, int high) {
    if (value < low || value > high) {
        throw codec_error("opus encoder: " + std::string(name) + " " + std::to_string(value) +
                          " is outside " + std::to_string(low) + ".." + std::to_string(high));
    }
}

void validate(const encoder_options& options) {
    if (options.frame_ms != 10 && options.frame_ms != 20 && options.frame_ms != 40) {
        throw codec_error("opus encoder: frame_ms " + std::to_string(options.frame_ms) +
                          " is not 10, 20 or 40");
    }
    check_range("bitrate", options.bitrate, 6000, 510000);
    check_range("complexity", options.complexity, 0, 10);
    check_range("expected_loss_percent", options.expected_loss_percent, 0, 100);
}

void check_ctl(int result, const char* what) {
    if (result != OPUS_OK) {
        throw codec_error(std::string("opus encoder: ") + what + ": " + opus_strerror(result));
    }
}

}  // namespace

void opus_encoder::deleter::operator()(OpusEncoder* encoder) const {
    opus_encoder_destroy(encoder);
}

opus_encoder::opus_encoder(const encoder_options& options) : options_(options) {
    validate(options_);
    int error = OPUS_OK;
    encoder_.reset(opus_encoder_create(sample_rate, 1, to_opus(options_.application), &error));
    if (error != OPUS_OK || !encoder_) {
        throw codec_error(std::string("opus encoder: cannot create: ") + opus_strerror(error));
    }
    OpusEncoder* e = encoder_.get();
    check_ctl(opus_encoder_ctl(e, OPUS_SET_BITRATE(options_.bitrate)), "bitrate");
    check_ctl(opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(options_.complexity)), "complexity");
    check_ctl(opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(options_.inband_fec ? 1 : 0)), "inband fec");
    check_ctl(opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(options_.expected_loss_percent)),
              "expected loss");
}

std::size_t opus_encoder::encode(std::span<const float> pcm, std::span<std::uint8_t> out) {
    if (pcm.size() != static_cast<std::size_t>(frame_samples())) {
        throw codec_error("opus encoder: got " + std::to_string(pcm.size()) +
                          " samples, a frame is " + std::to_string(frame_samples()));
    }
    const auto capacity = static_cast<opus_int32>(std::min(out.size(), max_packet_bytes));
    const opus_int32 bytes =
        opus_encode_float(encoder_.get(), pcm.data(), frame_samples(), out.data(), capacity);
    if (bytes < 0) {
        throw codec_error(std::string("opus encoder: encode failed: ") + opus_strerror(bytes));
    }
    return static_cast<std::size_t>(bytes);
}

std::vector<std::uint8_t> opus_encoder::encode(std::span<const float> pcm) {
    std::vector<std::uint8_t> packet(max_packet_bytes);
    packet.resize(encode(pcm, packet));
    return packet;
}

void opus_encoder::set_bitrate(int bps) {
    check_range("bitrate", bps, 6000, 510000);
    check_ctl(opus_encoder_ctl(encoder_.get(), OPUS_SET_BITRATE(bps)), "bitrate");
    options_.bitrate = bps;
}

}  // namespace tolk::codec
