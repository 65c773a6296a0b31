#include "codec/opus_packet.hpp"

#include <opus.h>

namespace tolk::codec {
namespace {

// The LBRR flag follows one VAD bit per 20 ms SILK frame at the start of the first Opus frame;
// both are coded with probability 1/2, so they are the leading bits of its first byte
// (as in opus_packet_has_lbrr of libopus 1.5).
bool first_frame_has_lbrr(std::uint8_t toc, const unsigned char* frame, opus_int16 size) {
    const int config = toc >> 3;
    const bool celt_only = config >= 16;
    if (celt_only || size == 0) {
        return false;
    }
    const int frame_samples = opus_packet_get_samples_per_frame(&toc, sample_rate);
    const int silk_frames = frame_samples > 960 ? frame_samples / 960 : 1;
    bool lbrr = ((frame[0] >> (7 - silk_frames)) & 1) != 0;
    if (opus_packet_get_nb_channels(&toc) == 2) {
        lbrr = lbrr || ((frame[0] >> (6 - 2 * silk_frames)) & 1) != 0;
    }
    return lbrr;
}

packet_check refuse(packet_error error) {
    packet_check check;
    check.error = error;
    return check;
}

}  // namespace

std::string_view to_string(packet_error error) {
    switch (error) {
    case packet_error::none:
        return "none";
    case packet_error::empty:
        return "empty packet";
    case packet_error::too_large:
        return "packet too large";
    case packet_error::invalid:
        return "invalid opus packet";
    case packet_error::bad_duration:
        return "bad packet duration";
    }
    return "unknown packet error";
}

packet_check check_packet(std::span<const std::uint8_t> packet, std::size_t max_bytes) {
    if (packet.empty()) {
        return refuse(packet_error::empty);
    }
    if (packet.size() > max_bytes || packet.size() > 0x7fffffff) {
        return refuse(packet_error::too_large);
    }
    const auto length = static_cast<opus_int32>(packet.size());
    const int frames = opus_packet_get_nb_frames(packet.data(), length);
    if (frames < 0) {
        return refuse(packet_error::invalid);
    }
    const int samples = frames * opus_packet_get_samples_per_frame(packet.data(), sample_rate);
    if (frames == 0 || samples > max_frame_samples) {
        return refuse(packet_error::bad_duration);
    }
    unsigned char toc = 0;
    const unsigned char* frame_data[48] = {};
    opus_int16 frame_sizes[48] = {};
    if (opus_packet_parse(packet.data(), length, &toc, frame_data, frame_sizes, nullptr) !=
        frames) {
        return refuse(packet_error::invalid);
    }
    packet_check check;
    check.samples = samples;
    check.frames = frames;
    check.has_fec = first_frame_has_lbrr(toc, frame_data[0], frame_sizes[0]);
    return check;
}

}  // namespace tolk::codec
