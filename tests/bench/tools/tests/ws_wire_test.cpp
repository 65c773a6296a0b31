// The hand-written WebSocket client's wire format (ws_wire) and the HTTP bits (http_head).
#include "tests/bench/tools/tests/test_peer.hpp"

#include "protocol/control_message.hpp"

#include <gtest/gtest.h>

#include <array>

namespace tolk::test {
namespace {

namespace ws = bench::ws_wire;

TEST(raw_ws, parses_7_16_and_64_bit_lengths) {
    for (std::size_t n : {0u, 5u, 125u, 126u, 300u, 65535u, 65536u, 70000u}) {
        const bytes payload(n, 0x42);
        const bytes wire = ws::server_frame(ws::opcode::binary, payload);
        EXPECT_EQ(wire.size() - n, n < 126 ? 2u : n <= 0xFFFF ? 4u : 10u) << n;
        ws::frame f;
        ASSERT_EQ(ws::parse_server_frame(wire, f, 1 << 20), ws::parse_status::complete) << n;
        EXPECT_EQ(f.opcode, ws::opcode::binary);
        EXPECT_TRUE(f.fin);
        EXPECT_EQ(f.payload.size(), n);
        EXPECT_EQ(f.size, wire.size());
        // Any prefix is incomplete, never misread.
        for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{9}, wire.size() - 1}) {
            if (cut >= wire.size())
                continue;
            EXPECT_EQ(ws::parse_server_frame(std::span(wire).first(cut), f, 1 << 20), ws::parse_status::incomplete)
                << n << " cut at " << cut;
        }
    }
}

TEST(raw_ws, rejects_what_a_server_must_not_send) {
    ws::frame f;
    bytes masked = ws::server_frame(ws::opcode::text, to_bytes("hi"));
    masked[1] |= 0x80;
    EXPECT_EQ(ws::parse_server_frame(masked, f, 1000), ws::parse_status::invalid);
    bytes rsv = ws::server_frame(ws::opcode::text, to_bytes("hi"));
    rsv[0] |= 0x40;  // permessage-deflate was not negotiated
    EXPECT_EQ(ws::parse_server_frame(rsv, f, 1000), ws::parse_status::invalid);
    EXPECT_EQ(ws::parse_server_frame(ws::server_frame(ws::opcode::ping, bytes(126, 1)), f, 1000),
              ws::parse_status::invalid);  // control frames carry at most 125 bytes
    EXPECT_EQ(ws::parse_server_frame(ws::server_frame(ws::opcode::binary, bytes(2000, 1)), f, 1000),
              ws::parse_status::invalid);  // over the limit
}

TEST(raw_ws, client_frames_are_masked) {
    const std::string text = protocol::serialize(protocol::subscribe{{"en"}});
    for (std::size_t n : {text.size(), std::size_t{200}}) {
        const std::string payload = n == text.size() ? text : std::string(n, 'x');
        bytes out;
        ws::append_client_frame(out, ws::opcode::text, payload, 0xA1B2C3D4);
        ASSERT_GE(out.size(), 6u);
        EXPECT_EQ(out[0], 0x81);                  // FIN, text
        EXPECT_TRUE(out[1] & 0x80);               // mask bit
        const std::size_t header = n < 126 ? 2 : 4;
        if (n >= 126) {
            EXPECT_EQ((out[2] << 8) | out[3], static_cast<int>(n));
        }
        EXPECT_EQ(out.size(), header + 4 + n);
        EXPECT_EQ(out[header], 0xA1);
        bytes body(out.begin() + static_cast<long>(header + 4), out.end());
        EXPECT_NE(std::string(body.begin(), body.end()), payload);
        ws::unmask(body, 0xA1B2C3D4);
        EXPECT_EQ(std::string(body.begin(), body.end()), payload);
    }
}

TEST(raw_ws, upgrade_request_and_response_head) {
    std::array<std::uint8_t, 16> key{};
    for (std::size_t i = 0; i < key.size(); ++i)
        key[i] = static_cast<std::uint8_t>(i);
    const std::string r = ws::upgrade_request("127.0.0.1:8080", "/ws/listen", key, "test");
    EXPECT_EQ(r.rfind("GET /ws/listen HTTP/1.1\r\n", 0), 0u);
    for (const char* line : {"Host: 127.0.0.1:8080\r\n", "Upgrade: websocket\r\n", "Connection: Upgrade\r\n",
                             "Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODw==\r\n"})
        EXPECT_NE(r.find(line), std::string::npos) << line;
    EXPECT_EQ(r.substr(r.size() - 4), "\r\n\r\n");
    const std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nrest";
    EXPECT_EQ(bench::raw::find_head_end(head), head.size() - 4);
    EXPECT_EQ(bench::raw::http_status(head), 101);
    EXPECT_EQ(bench::raw::http_status("HTTP/1.0 404 Not Found\r\n\r\n"), 404);
    EXPECT_EQ(bench::raw::http_status("garbage"), 0);
    EXPECT_EQ(bench::raw::find_head_end("HTTP/1.1 101 OK\r\n"), std::string_view::npos);
}
}  // namespace
}  // namespace tolk::test
