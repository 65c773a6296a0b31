// The plain-TCP listener's frame reader: what a client may send, split anywhere, and what it
// must not (each refused with the RFC 6455 close code), plus random bytes that must never
// crash it or make it report a message bigger than allowed.

#include "server/ws_frame_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace tolk::server {
namespace {

using kind = ws_frame_reader::event::kind;

// A masked client frame.
std::vector<std::uint8_t> frame(int opcode, const std::string& payload, bool fin = true,
                                std::uint8_t extra_bits = 0) {
    std::vector<std::uint8_t> out{static_cast<std::uint8_t>((fin ? 0x80 : 0) | extra_bits | opcode)};
    const std::size_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<std::uint8_t>(0x80 | n));
    } else if (n <= 0xffff) {
        out.insert(out.end(), {0x80 | 126, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    } else {
        out.push_back(0x80 | 127);
        for (int i = 7; i >= 0; --i)
            out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(n) >> (8 * i)));
    }
    const std::uint8_t mask[4] = {0x12, 0x34, 0x56, 0x78};
    out.insert(out.end(), mask, mask + 4);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(static_cast<std::uint8_t>(payload[i]) ^ mask[i % 4]);
    return out;
}

struct seen {
    kind what;
    std::string payload;
    std::uint16_t code;
};

// Feeds `bytes` in pieces of `step` and collects every event.
std::vector<seen> feed(ws_frame_reader& r, const std::vector<std::uint8_t>& bytes, std::size_t step) {
    std::vector<seen> out;
    for (std::size_t at = 0; at < bytes.size(); at += step) {
        const auto n = std::min(step, bytes.size() - at);
        auto room = r.prepare(n);
        std::memcpy(room.data(), bytes.data() + at, n);
        r.commit(n);
        for (auto e = r.next(); e.what != kind::none; e = r.next()) {
            std::string p(e.payload.begin(), e.payload.end());
            if (e.what == kind::close || e.what == kind::error)
                p = e.reason;
            out.push_back({e.what, p, e.code});
        }
    }
    return out;
}

std::vector<std::uint8_t> join(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

TEST(ws_frame_reader, reads_messages_and_control_frames_split_at_any_byte) {
    const std::string big(70'000, 'b');  // a 64-bit length
    const auto bytes = join({frame(1, "{\"type\":\"ping\"}"), frame(9, "p1"), frame(2, std::string(300, 'x')),
                             frame(1, "frag", false), frame(9, "mid"), frame(0, "ment", false), frame(0, "ed"),
                             frame(10, ""), frame(2, big), frame(8, std::string("\x03\xe8" "bye", 5))});
    for (std::size_t step : {1u, 2u, 3u, 7u, 1000u, 200'000u}) {
        ws_frame_reader r(100'000);
        const auto events = feed(r, bytes, step);
        ASSERT_EQ(events.size(), 8u) << "step " << step;
        EXPECT_EQ(events[0].what, kind::text);
        EXPECT_EQ(events[0].payload, "{\"type\":\"ping\"}");
        EXPECT_EQ(events[1].what, kind::ping);
        EXPECT_EQ(events[1].payload, "p1");
        EXPECT_EQ(events[2].what, kind::binary);
        EXPECT_EQ(events[2].payload, std::string(300, 'x'));
        EXPECT_EQ(events[3].what, kind::ping) << "a ping inside a fragmented message comes first";
        EXPECT_EQ(events[3].payload, "mid");
        EXPECT_EQ(events[4].what, kind::text);
        EXPECT_EQ(events[4].payload, "fragmented");
        EXPECT_EQ(events[5].what, kind::pong);
        EXPECT_EQ(events[6].payload, big);
        EXPECT_EQ(events[7].what, kind::close);
        EXPECT_EQ(events[7].code, 1000);
        EXPECT_EQ(events[7].payload, "bye");
    }
}

TEST(ws_frame_reader, a_close_without_a_code_reads_as_1005) {
    ws_frame_reader r(1000);
    const auto events = feed(r, frame(8, ""), 100);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].code, 1005);
}

TEST(ws_frame_reader, refuses_what_rfc_6455_forbids_with_the_right_code) {
    auto unmasked = frame(1, "hi");
    unmasked[1] &= 0x7f;
    const std::vector<std::pair<std::vector<std::uint8_t>, std::uint16_t>> cases{
        {unmasked, 1002},
        {frame(1, "x", true, 0x40), 1002},              // reserved bit
        {frame(3, "x"), 1002},                          // unknown data opcode
        {frame(0xb, "x"), 1002},                        // unknown control opcode
        {frame(0, "x"), 1002},                          // continuation of nothing
        {join({frame(1, "a", false), frame(2, "b")}), 1002},  // new message inside one
        {frame(9, "x", false), 1002},                   // fragmented control frame
        {frame(9, std::string(126, 'p')), 1002},        // control frame over 125 bytes
        {frame(8, "x"), 1002},                          // 1-byte close payload
        {frame(8, std::string("\x03\xed", 2)), 1002},   // close code 1005 may not be sent
        {frame(2, std::string(1001, 'x')), 1009},       // over the message limit
        {join({frame(2, std::string(600, 'x'), false), frame(0, std::string(600, 'x'))}), 1009},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        ws_frame_reader r(1000);
        const auto events = feed(r, join({cases[i].first, frame(1, "after")}), 3);
        ASSERT_EQ(events.size(), 1u) << "case " << i << ": nothing is read after an error";
        EXPECT_EQ(events[0].what, kind::error) << "case " << i;
        EXPECT_EQ(events[0].code, cases[i].second) << "case " << i << ": " << events[0].payload;
    }
}

TEST(ws_frame_reader, random_bytes_never_crash_it_or_exceed_the_limit) {
    std::mt19937 rng(9);
    for (int round = 0; round < 2000; ++round) {
        std::vector<std::uint8_t> bytes(rng() % 600);
        for (auto& b : bytes)
            b = static_cast<std::uint8_t>(rng());
        if (!bytes.empty() && round % 2 == 0)
            bytes[1 % bytes.size()] |= 0x80;  // masked, so that parsing goes further
        ws_frame_reader r(256);
        for (const auto& e : feed(r, bytes, 1 + rng() % 64)) {
            EXPECT_LE(e.payload.size(), 256u);
            if (e.what == kind::error) {
                EXPECT_TRUE(e.code == 1002 || e.code == 1009);
            }
        }
    }
}

}  // namespace
}  // namespace tolk::server
