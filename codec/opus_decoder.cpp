#include "codec/opus_decoder.hpp"

#include <opus.h>

#include <algorithm>
#include <limits>
#include <string>

namespace tolk::codec {

void opus_decoder::deleter::operator()(OpusDecoder* decoder) const {
    opus_decoder_destroy(decoder);
}

opus_decoder::opus_decoder() {
    int error = OPUS_OK;
    decoder_.reset(opus_decoder_create(sample_rate, 1, &error));
    if (error != OPUS_OK || !decoder_) {
        throw codec_error(std::string("opus decoder: cannot create: ") + opus_strerror(error));
    }
}

int opus_decoder::decode(std::span<const std::uint8_t> packet, std::span<float> out) {
    const auto capacity = static_cast<int>(std::min<std::size_t>(out.size(), max_frame_samples));
    const int decoded = packet.empty() ? -1 : run(packet, out, capacity, false);
    if (decoded < 0) {
        ++corrupt_packets_;
        return 0;
    }
    return decoded;
}

int opus_decoder::conceal(std::span<float> out, int samples) {
    if (!valid_request(out, samples)) {
        return 0;
    }
    return std::max(run({}, out, samples, false), 0);
}

int opus_decoder::decode_fec(std::span<const std::uint8_t> next_packet, std::span<float> out,
                             int samples) {
    if (!valid_request(out, samples)) {
        return 0;
    }
    // A corrupt next packet is concealed here and counted when it is decoded normally.
    const int recovered = next_packet.empty() ? -1 : run(next_packet, out, samples, true);
    return recovered >= 0 ? recovered : std::max(run({}, out, samples, false), 0);
}

void opus_decoder::reset() {
    opus_decoder_ctl(decoder_.get(), OPUS_RESET_STATE);
}

int opus_decoder::run(std::span<const std::uint8_t> packet, std::span<float> out, int samples,
                      bool fec) {
    if (packet.size() > static_cast<std::size_t>(std::numeric_limits<opus_int32>::max())) {
        return OPUS_INVALID_PACKET;
    }
    return opus_decode_float(decoder_.get(), packet.empty() ? nullptr : packet.data(),
                             static_cast<opus_int32>(packet.size()), out.data(), samples,
                             fec ? 1 : 0);
}

bool opus_decoder::valid_request(std::span<float> out, int samples) {
    return samples > 0 && samples % min_frame_samples == 0 && samples <= max_frame_samples &&
           static_cast<std::size_t>(samples) <= out.size();
}

}  // namespace tolk::codec
