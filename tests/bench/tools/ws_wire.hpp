#pragma once
// The client side of WebSocket (RFC 6455) as far as ws_fleet needs it, written by hand:
// the upgrade request, server->client frame parsing (unmasked; 7/16/64-bit lengths) and
// masked client frames.  No extensions (tolk-server and the bench's Node server negotiate
// none).  Fragmented messages are not reassembled (neither server fragments; the parser
// reports frame::fin and the caller decides).
//
// Pure functions over caller-owned bytes; any thread.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::bench::ws_wire {

namespace opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace opcode

struct frame {
    std::uint8_t opcode = 0;
    bool fin = true;
    std::span<const std::uint8_t> payload;  // into the parsed bytes
    std::size_t size = 0;                   // header + payload: where the next frame starts
};

enum class parse_status {
    complete,    // `out` holds the first frame
    incomplete,  // need more bytes (nothing is consumed)
    invalid,     // masked, reserved bits set, bad control frame, or over max_payload
};

// The frame at the front of `bytes`, as sent by a server.
parse_status parse_server_frame(std::span<const std::uint8_t> bytes, frame& out, std::uint64_t max_payload);

// Appends one masked client frame (FIN set) to `out`.
void append_client_frame(std::vector<std::uint8_t>& out, std::uint8_t op, std::span<const std::uint8_t> payload,
                         std::uint32_t mask_key);
inline void append_client_frame(std::vector<std::uint8_t>& out, std::uint8_t op, std::string_view payload,
                                std::uint32_t mask_key) {
    append_client_frame(out, op, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, mask_key);
}

// A server frame (unmasked), for tests and in-test peers.
std::vector<std::uint8_t> server_frame(std::uint8_t op, std::span<const std::uint8_t> payload, bool fin = true);

// Unmasks a client frame's payload in place (tests and in-test peers).
void unmask(std::span<std::uint8_t> payload, std::uint32_t mask_key);

// "GET target HTTP/1.1" with Host, Upgrade, Connection, Sec-WebSocket-Version: 13 and
// Sec-WebSocket-Key (base64 of `key`).
std::string upgrade_request(std::string_view host, std::string_view target, const std::array<std::uint8_t, 16>& key,
                            std::string_view user_agent);

// The close frame payload: code (0 when absent) and reason.
struct close_payload {
    std::uint16_t code = 0;
    std::string reason;
};
close_payload parse_close(std::span<const std::uint8_t> payload);

}  // namespace tolk::bench::ws_wire
