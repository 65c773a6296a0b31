#include "protocol/audio_frame.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace tolk::protocol {
namespace {

frame_header sample_header() {
    frame_header h;
    h.flags = frame_flag::discontinuity;
    h.channel = 0x0203;
    h.sequence = 0xfffffffe;
    h.capture_us = 1'700'000'000'123'456;
    h.ingress_us = -42;  // two's complement survives the trip
    return h;
}

std::vector<std::uint8_t> payload(std::size_t n) {
    std::vector<std::uint8_t> p(n);
    std::iota(p.begin(), p.end(), std::uint8_t{7});
    return p;
}

TEST(audio_frame, round_trip_keeps_every_field) {
    const auto opus = payload(80);
    const auto bytes = serialize_audio_frame(sample_header(), opus);
    ASSERT_EQ(bytes.size(), frame_header_size + 80);
    auto parsed = parse_audio_frame(bytes);
    ASSERT_TRUE(parsed) << parsed.error().message();
    frame_header expected = sample_header();
    expected.payload_size = 80;
    EXPECT_EQ(parsed->header, expected);
    EXPECT_TRUE(std::equal(parsed->opus.begin(), parsed->opus.end(), opus.begin(), opus.end()));
}

TEST(audio_frame, byte_order_is_big_endian) {
    frame_header h;
    h.channel = 0x0102;
    h.sequence = 0x0a0b0c0d;
    h.capture_us = 0x1122334455667788;
    const auto bytes = serialize_audio_frame(h, payload(1));
    EXPECT_EQ(bytes[0], protocol_version);
    EXPECT_EQ(bytes[2], 0x01);
    EXPECT_EQ(bytes[3], 0x02);
    EXPECT_EQ(bytes[4], 0x0a);
    EXPECT_EQ(bytes[7], 0x0d);
    EXPECT_EQ(bytes[8], 0x11);
    EXPECT_EQ(bytes[15], 0x88);
    EXPECT_EQ(bytes[24], 0x00);
    EXPECT_EQ(bytes[25], 0x01);
}

struct malformed_case {
    const char* name;
    std::vector<std::uint8_t> bytes;
    parse_errc expected;
};

std::vector<malformed_case> malformed_cases() {
    const auto good = serialize_audio_frame(sample_header(), payload(20));
    auto with = [&](auto&& change) {
        auto b = good;
        change(b);
        return b;
    };
    return {
        {"empty", {}, parse_errc::truncated},
        {"header only partly there", std::vector<std::uint8_t>(good.begin(), good.begin() + 27),
         parse_errc::truncated},
        {"payload cut short", std::vector<std::uint8_t>(good.begin(), good.end() - 1),
         parse_errc::truncated},
        {"trailing garbage", with([](auto& b) { b.push_back(0); }), parse_errc::malformed},
        {"version 0", with([](auto& b) { b[0] = 0; }), parse_errc::wrong_version},
        {"version 2", with([](auto& b) { b[0] = 2; }), parse_errc::wrong_version},
        {"unknown flag", with([](auto& b) { b[1] = 0x80; }), parse_errc::malformed},
        {"reserved set", with([](auto& b) { b[27] = 1; }), parse_errc::malformed},
        {"empty payload", serialize_audio_frame(sample_header(), {}), parse_errc::invalid_value},
        {"oversized v1",
         with([](auto& b) { b.resize(max_frame_size + 1, 0); }), parse_errc::oversized},
        {"garbage text", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', ' ', 't', 'h',
                          'i', 's', ' ', 'i', 's', ' ', 'n', 'o', 't', ' ', 'a', 'u', 'd', 'i'},
         parse_errc::wrong_version},
    };
}

TEST(audio_frame, refuses_every_malformed_case_with_a_typed_error) {
    for (const auto& c : malformed_cases()) {
        auto parsed = parse_audio_frame(c.bytes);
        ASSERT_FALSE(parsed) << c.name;
        EXPECT_EQ(parsed.error().code, c.expected) << c.name << ": " << parsed.error().message();
        EXPECT_FALSE(parsed.error().detail.empty()) << c.name;
    }
}

TEST(audio_frame, every_truncation_of_a_valid_frame_is_refused) {
    const auto good = serialize_audio_frame(sample_header(), payload(60));
    for (std::size_t n = 0; n < good.size(); ++n) {
        std::span<const std::uint8_t> cut(good.data(), n);
        EXPECT_FALSE(parse_audio_frame(cut)) << "length " << n;
    }
}

}  // namespace
}  // namespace tolk::protocol
