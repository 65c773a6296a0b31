#pragma once
// The binary audio frame: a fixed 28-byte big-endian header and one Opus packet.
// See protocol/PROTOCOL.md for the layout. Pure functions; any thread.

#include "protocol/parse_error.hpp"
#include "protocol/version.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tolk::protocol {

inline constexpr std::size_t frame_header_size = 28;
// Largest Opus payload a frame may carry (Opus allows 1275 bytes per frame, up to 3 per packet).
inline constexpr std::size_t max_opus_payload = 3825;
inline constexpr std::size_t max_frame_size = frame_header_size + max_opus_payload;

namespace frame_flag {
inline constexpr std::uint8_t discontinuity = 0x01;   // new source or reconnect: reset jitter buffers
inline constexpr std::uint8_t end_of_segment = 0x02;  // the booth stops talking after this frame
inline constexpr std::uint8_t known_mask = 0x03;
}  // namespace frame_flag

struct frame_header {
    std::uint8_t version = protocol_version;
    std::uint8_t flags = 0;
    std::uint16_t channel = 0;       // channel number, from the server's channel list
    std::uint32_t sequence = 0;      // per source, +1 per frame, wraps
    std::int64_t capture_us = 0;     // booth clock, µs
    std::int64_t ingress_us = 0;     // server clock, µs; 0 until the server stamps it
    std::uint16_t payload_size = 0;  // bytes of Opus after the header

    bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
    friend bool operator==(const frame_header&, const frame_header&) = default;
};

// A parsed frame; `opus` points into the buffer given to parse_audio_frame.
struct audio_frame_view {
    frame_header header;
    std::span<const std::uint8_t> opus;
};

parse_result<audio_frame_view> parse_audio_frame(std::span<const std::uint8_t> bytes);

void write_frame_header(const frame_header& header, std::span<std::uint8_t, frame_header_size> out);

// header.payload_size is taken from opus.size(); returns header + payload.
std::vector<std::uint8_t> serialize_audio_frame(frame_header header,
                                                std::span<const std::uint8_t> opus);

// The same into caller-owned memory (out.size() >= header + payload); returns bytes written.
std::size_t serialize_audio_frame(frame_header header, std::span<const std::uint8_t> opus,
                                  std::span<std::uint8_t> out);

}  // namespace tolk::protocol
