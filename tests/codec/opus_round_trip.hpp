#pragma once
// Test helper: a signal through the Opus encoder and decoder, frame by frame, as a booth's
// audio reaches the server's channel monitor.

#include "codec/opus_decoder.hpp"
#include "codec/opus_encoder.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace tolk::codec::testing {

// The Opus packets of `pcm` (trailing samples that do not fill a frame are dropped).
inline std::vector<std::vector<std::uint8_t>> encode_all(std::span<const float> pcm,
                                                         const encoder_options& options = {}) {
    opus_encoder encoder(options);
    const auto frame = static_cast<std::size_t>(encoder.frame_samples());
    std::vector<std::vector<std::uint8_t>> packets;
    for (std::size_t at = 0; at + frame <= pcm.size(); at += frame) {
        packets.push_back(encoder.encode(pcm.subspan(at, frame)));
    }
    return packets;
}

inline std::vector<float> decode_all(const std::vector<std::vector<std::uint8_t>>& packets) {
    opus_decoder decoder;
    std::vector<float> out;
    std::vector<float> frame(max_frame_samples);
    for (const auto& packet : packets) {
        const int n = decoder.decode(packet, frame);
        out.insert(out.end(), frame.begin(), frame.begin() + n);
    }
    return out;
}

inline std::vector<float> opus_round_trip(std::span<const float> pcm,
                                          const encoder_options& options = {}) {
    return decode_all(encode_all(pcm, options));
}

}  // namespace tolk::codec::testing
