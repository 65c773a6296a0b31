#pragma once
// An Opus decoder for one 48 kHz mono stream, with packet-loss concealment (PLC) and in-band
// FEC recovery.  It never throws on packet data: a packet libopus refuses decodes to nothing
// and is counted in corrupt_packets().
// Owned by one thread at a time (one per listener stream); not thread-safe.  Non-copyable,
// movable (a moved-from decoder may only be destroyed or assigned to).

#include "codec/audio_format.hpp"
#include "codec/codec_error.hpp"

#include <cstdint>
#include <memory>
#include <span>

struct OpusDecoder;

namespace tolk::codec {

class opus_decoder {
public:
    // Throws codec_error if libopus cannot create the decoder.
    opus_decoder();

    // Decodes one packet into `out` and returns the number of samples written.  `out` should
    // hold max_frame_samples (120 ms); a packet that does not fit, an empty or a corrupt
    // packet returns 0 and counts as corrupt.
    int decode(std::span<const std::uint8_t> packet, std::span<float> out);

    // Opus PLC: writes `samples` concealed samples (a positive multiple of 2.5 ms, at most
    // out.size()) continuing from the last decoded audio.  Returns `samples`, or 0 when the
    // request is not a valid duration.
    int conceal(std::span<float> out, int samples);

    // Recovers the lost frame before `next_packet` from its in-band FEC data and writes
    // `samples` samples (the lost duration, same rules as conceal()).  Falls back to PLC when
    // the packet carries no FEC or is corrupt.  Decode `next_packet` normally afterwards (a
    // corrupt one is counted then, not here).
    int decode_fec(std::span<const std::uint8_t> next_packet, std::span<float> out, int samples);

    // Forgets the stream's history (a new source or a reconnect).
    void reset();

    std::uint64_t corrupt_packets() const { return corrupt_packets_; }

private:
    struct deleter {
        void operator()(OpusDecoder* decoder) const;
    };

    // opus_decode_float: samples decoded, or a negative libopus error.  An empty packet is PLC.
    int run(std::span<const std::uint8_t> packet, std::span<float> out, int samples, bool fec);
    static bool valid_request(std::span<float> out, int samples);

    std::unique_ptr<OpusDecoder, deleter> decoder_;
    std::uint64_t corrupt_packets_ = 0;
};

}  // namespace tolk::codec
