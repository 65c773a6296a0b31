#pragma once
// An Opus encoder for one 48 kHz mono stream (a booth's microphone, a test signal).
// Owned by one thread at a time; not thread-safe.  Non-copyable, movable (a moved-from
// encoder may only be destroyed or assigned to).

#include "codec/audio_format.hpp"
#include "codec/codec_error.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct OpusEncoder;

namespace tolk::codec {

enum class opus_application { voip, audio, restricted_low_delay };

struct encoder_options {
    int bitrate = 32000;  // bit/s, 6000..510000
    int complexity = 10;  // 0..10
    int frame_ms = 20;    // 10, 20 or 40
    opus_application application = opus_application::audio;
    bool inband_fec = false;        // LBRR: a low-rate copy of the previous frame (SILK/hybrid)
    int expected_loss_percent = 0;  // 0..100; FEC is only spent when this is above 0
};

class opus_encoder {
public:
    // Throws codec_error when an option is out of range or libopus refuses it.
    explicit opus_encoder(const encoder_options& options = {});

    int frame_samples() const { return options_.frame_ms * samples_per_ms; }

    // Encodes one frame: pcm.size() must equal frame_samples() (throws codec_error otherwise,
    // a programming error).  Writes the Opus packet to `out` (max_packet_bytes is always
    // enough) and returns its size in bytes.
    std::size_t encode(std::span<const float> pcm, std::span<std::uint8_t> out);
    std::vector<std::uint8_t> encode(std::span<const float> pcm);

    // Throws codec_error outside 6000..510000 bit/s.
    void set_bitrate(int bps);

    const encoder_options& options() const { return options_; }

private:
    struct deleter {
        void operator()(OpusEncoder* encoder) const;
    };

    encoder_options options_;
    std::unique_ptr<OpusEncoder, deleter> encoder_;
};

}  // namespace tolk::codec
