// Numbers from the wire (issue 11): every number in a control message is range-checked before
// it is converted, so extreme JSON is a typed parse error naming the field, never undefined
// behaviour (a double cast out of an integer's range), a silent wrap (4294967297 read as 1) or a
// counter that overflows a sum. Run under UBSan in the sanitizer builds and the fuzz smoke.
#include "protocol/control_message.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tolk::protocol {
namespace {

// Parses `text`, expects an invalid_value error whose detail names `field`.
void expect_refused(const std::string& text, const std::string& field,
                    parse_errc code = parse_errc::invalid_value) {
    const auto parsed = parse_control(text);
    ASSERT_FALSE(parsed) << text << " was accepted";
    EXPECT_EQ(parsed.error().code, code) << text << " -> " << parsed.error().message();
    EXPECT_NE(parsed.error().detail.find("\"" + field + "\""), std::string::npos)
        << text << " -> " << parsed.error().message();
}

TEST(wire_numbers, a_huge_float_time_is_refused_not_cast) {
    expect_refused(R"({"type":"ping","t0":1e300})", "t0");
    expect_refused(R"({"type":"ping","t0":-1e300})", "t0");
    expect_refused(R"({"type":"pong","t0":1,"t1":2,"t2":9.3e18})", "t2");
    expect_refused(R"({"type":"ping","t0":1.5})", "t0");
}

TEST(wire_numbers, a_protocol_version_beyond_int_is_refused_not_wrapped) {
    expect_refused(R"({"type":"hello","protocol":4294967297})", "protocol");
    expect_refused(R"({"type":"hello","protocol":-1})", "protocol");
    expect_refused(R"({"type":"welcome","session":"s","role":"booth","server_time_us":0,"protocol":4294967297})",
                   "protocol");
}

TEST(wire_numbers, stats_delays_out_of_range_are_refused) {
    expect_refused(R"({"type":"stats","channel":"en","delay_ms":1e308})", "delay_ms");
    expect_refused(R"({"type":"stats","channel":"en","target_delay_ms":-3})", "target_delay_ms");
    expect_refused(R"({"type":"stats","channel":"en","latency_ms":-1e9})", "latency_ms");
}

TEST(wire_numbers, stats_counters_that_would_overflow_a_sum_are_refused) {
    expect_refused(R"({"type":"stats","channel":"en","interruptions":18446744073709551615})", "interruptions");
    expect_refused(R"({"type":"stats","channel":"en","frames_received":4294967296})", "frames_received");
    expect_refused(R"({"type":"stats","channel":"en","frames_missing":-1})", "frames_missing");
}

TEST(wire_numbers, narrow_integers_do_not_wrap) {
    expect_refused(R"({"type":"channels","channels":[{"id":"en","number":65536}]})", "number");
    expect_refused(R"({"type":"channels","channels":[{"id":"en","number":1,"listeners":-1}]})", "listeners");
    expect_refused(R"({"type":"resync","channel":"en","dropped_frames":4294967296})", "dropped_frames");
    expect_refused(R"({"type":"clock","offset_us":1,"rtt_us":-1})", "rtt_us");
    expect_refused(R"({"type":"on_air","channel":"en","on_air":true,"clock_offset_us":1e19})", "clock_offset_us");
}

TEST(wire_numbers, beyond_a_double_is_not_json) {
    const auto parsed = parse_control(R"({"type":"ping","t0":1e400})");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, parse_errc::malformed);
}

TEST(wire_numbers, arrays_nested_ten_thousand_deep_are_a_parse_error) {
    // 10,000 opening brackets fit in a 16 KiB message; closed nesting 8,000 deep too.
    const std::string open = std::string(10'000, '[');
    const std::string closed = std::string(8'000, '[') + std::string(8'000, ']');
    for (const std::string& text : {open, closed, R"({"type":"ping","t0":)" + open + "}",
                                    R"({"type":"subscribe","channels":)" + closed + "}"}) {
        const auto parsed = parse_control(text);
        ASSERT_FALSE(parsed);
        EXPECT_EQ(parsed.error().code, parse_errc::malformed) << parsed.error().message();
    }
    // Brackets inside strings are text, not nesting.
    const auto in_string = parse_control(R"({"type":"hello","client":")" + std::string(1000, '[') + "\"}");
    ASSERT_TRUE(in_string) << in_string.error().message();
}

TEST(wire_numbers, the_edges_of_each_range_are_accepted) {
    auto ping_t0 = parse_control(R"({"type":"ping","t0":9007199254740992})");
    ASSERT_TRUE(ping_t0) << ping_t0.error().message();
    EXPECT_EQ(std::get<ping>(ping_t0.value()).t0, 9007199254740992);
    auto whole = parse_control(R"({"type":"ping","t0":1700000000000000.0})");  // a JS number
    ASSERT_TRUE(whole) << whole.error().message();
    EXPECT_EQ(std::get<ping>(whole.value()).t0, 1700000000000000);
    auto st = parse_control(
        R"({"type":"stats","channel":"en","delay_ms":600000,"latency_ms":-1,"interruptions":4294967295})");
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_EQ(std::get<listener_stats>(st.value()).interruptions, 4294967295u);
    // A latency a little below 0 (clock estimates are off by a few ms) is "unknown", not an error.
    auto early = parse_control(R"({"type":"stats","channel":"en","latency_ms":-3})");
    ASSERT_TRUE(early) << early.error().message();
    auto h = parse_control(R"({"type":"hello","protocol":65535})");
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(std::get<hello>(h.value()).protocol, 65535);
}

}  // namespace
}  // namespace tolk::protocol
