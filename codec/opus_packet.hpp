#pragma once
// Opus packet validation without decoding: the server runs check_packet() on every frame a
// booth sends before fanning it out.  Reads only the TOC and frame lengths (opus_packet_parse),
// keeps no state and never allocates; callable from any thread.

#include "codec/audio_format.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tolk::codec {

enum class packet_error {
    none,
    empty,         // zero bytes
    too_large,     // more than the allowed size
    invalid,       // the TOC / frame lengths do not describe a valid packet (truncated, garbage)
    bad_duration,  // a frame count of 0, or more than 120 ms of audio
};

std::string_view to_string(packet_error error);

struct packet_check {
    packet_error error = packet_error::none;
    int samples = 0;       // at 48 kHz
    int frames = 0;        // Opus frames in the packet
    bool has_fec = false;  // the first frame carries LBRR (in-band FEC) for the previous one
    explicit operator bool() const { return error == packet_error::none; }
};

// Accepts packets of 2.5 to 120 ms.  has_fec is what opus_packet_has_lbrr() of libopus 1.5
// reports (libopus 1.3.1 lacks the function): the LBRR flag bit of the first SILK frame.
packet_check check_packet(std::span<const std::uint8_t> packet,
                          std::size_t max_bytes = max_packet_bytes);

}  // namespace tolk::codec
