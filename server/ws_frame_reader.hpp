#pragma once
// Client-to-server WebSocket frames (RFC 6455 section 5) read from bytes: what a plain-TCP
// listener's reader uses instead of Beast's, so that Beast never writes on that socket after
// the handshake (Beast answers pings and closes by itself, with writes of its own that could
// land inside one of ours). The reader only parses; every answer (pong, close) is written by
// the listener's one writer, in order with the audio.
//
// Checks what RFC 6455 requires of a client frame: masked, no reserved bits, known opcodes,
// control frames whole and at most 125 bytes, continuations only inside a fragmented message,
// valid close codes; messages bounded by `max_message`. Text is not checked for UTF-8 here (the
// JSON parser refuses invalid text). Pure and single-threaded; fuzzed by tests/fuzz
// (ws_frame_reader_fuzz.cpp) and tested in tests/server.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tolk::server {

class ws_frame_reader {
public:
    explicit ws_frame_reader(std::size_t max_message) : max_message_(max_message) {}

    struct event {
        enum class kind { none, text, binary, ping, pong, close, error } what = kind::none;
        // text, binary, ping, pong: valid until the next call to next() or prepare().
        std::span<const std::uint8_t> payload;
        std::uint16_t code = 0;  // close: the peer's code (1005: none given); error: ours to send
        std::string reason;      // close: the peer's reason; error: what was wrong
    };

    // Room for up to n received bytes; commit(k) says k of them were filled.
    std::span<std::uint8_t> prepare(std::size_t n);
    void commit(std::size_t n) { end_ += n; }

    // The next whole message or control frame in what was received, or kind::none when more
    // bytes are needed. After an error, every call returns none.
    event next();

private:
    struct header {
        bool fin = false;
        int opcode = 0;
        std::uint64_t length = 0;  // of the payload
        std::size_t size = 0;      // of the header with its mask; 0: more bytes needed
    };
    // The header of the frame at begin_ (size 0 when incomplete), or the error it earns.
    std::optional<event> read_header(header& h);
    event fail(std::uint16_t code, std::string reason);
    event control(int opcode, std::span<std::uint8_t> payload);
    event data(const header& h, std::span<std::uint8_t> payload);  // kind::none: more fragments

    std::size_t max_message_;
    std::vector<std::uint8_t> in_;
    std::size_t begin_ = 0, end_ = 0;     // the unparsed bytes of in_
    std::vector<std::uint8_t> message_;  // a fragmented message so far
    int message_opcode_ = 0;             // 0: not inside a fragmented message
    bool message_done_ = false;          // message_ was handed out: clear it first
    bool failed_ = false;
};

}  // namespace tolk::server
