// libFuzzer target: server::ws_frame_reader, the RFC 6455 frame reader of plain-TCP listeners
// (every byte a phone sends after the handshake). Input: one byte choosing the message bound,
// one byte seeding how the rest is cut into reads, then the bytes as they come off the socket.
// The same bytes read whole and read in pieces must give the same events; no message is over
// the bound, no control payload over 125 bytes, a close code is one a peer may send; after an
// error the reader says nothing more, whatever else arrives.
#include "server/ws_frame_reader.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using tolk::server::ws_frame_reader;
using kind = ws_frame_reader::event::kind;

struct seen {
    kind what;
    std::string bytes;  // the payload, or a close's or an error's reason
    std::uint16_t code;
    bool operator==(const seen&) const = default;
};

void check(const ws_frame_reader::event& e, std::size_t max_message) {
    const bool message = e.what == kind::text || e.what == kind::binary;
    const bool control = e.what == kind::ping || e.what == kind::pong;
    if ((message && e.payload.size() > max_message) || (control && e.payload.size() > 125))
        std::abort();
    // RFC 6455 7.4: 1004-1006 and 1015 are never sent; 1005 is the reader's "no code given".
    const std::uint16_t c = e.code;
    const bool sendable = (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
    if (e.what == kind::close && c != 1005 && !sendable)
        std::abort();
    if (e.what == kind::error && (e.reason.empty() || (e.code != 1002 && e.code != 1009)))
        std::abort();  // every refusal says why, with the close code to send
}

// Reads `wire` in pieces (whole when seed is 0): room for more than a piece is asked for at
// times, and less than asked for is committed. Returns every event, in order.
std::vector<seen> read_all(const std::uint8_t* wire, std::size_t size, std::size_t max_message,
                           std::uint8_t seed) {
    ws_frame_reader reader(max_message);
    std::vector<seen> out;
    std::uint32_t state = seed;
    bool failed = false;
    for (std::size_t at = 0; at < size;) {
        std::size_t piece = size - at;
        if (seed != 0) {
            state = state * 1103515245u + 12345u;
            piece = std::min<std::size_t>(piece, 1 + (state >> 16) % 97);
        }
        auto room = reader.prepare(piece + (state >> 8) % 3);
        if (room.size() < piece)
            std::abort();
        std::memcpy(room.data(), wire + at, piece);
        reader.commit(piece);
        at += piece;
        for (auto e = reader.next(); e.what != kind::none; e = reader.next()) {
            if (failed)
                std::abort();  // nothing after an error
            check(e, max_message);
            failed = e.what == kind::error;
            const bool text = e.what == kind::close || e.what == kind::error;
            out.push_back({e.what, text ? e.reason : std::string(e.payload.begin(), e.payload.end()), e.code});
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    const std::size_t max_message = 16 + std::size_t{data[0]} * 64;  // 16 .. 16,336 bytes
    const auto whole = read_all(data + 2, size - 2, max_message, 0);
    const auto pieces = read_all(data + 2, size - 2, max_message, data[1] == 0 ? 1 : data[1]);
    if (whole != pieces)
        std::abort();  // where the reads split must not matter
    return 0;
}
