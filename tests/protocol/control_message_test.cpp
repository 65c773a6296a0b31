#include "protocol/control_message.hpp"

#include <gtest/gtest.h>

namespace tolk::protocol {
namespace {

template <class T>
T round_trip(const T& message) {
    auto text = serialize(message);
    auto parsed = parse_control(text);
    EXPECT_TRUE(parsed) << text << " -> " << (parsed ? "" : parsed.error().message());
    if (!parsed)
        return {};
    EXPECT_TRUE(std::holds_alternative<T>(parsed.value())) << text;
    return std::get<T>(parsed.value());
}

TEST(control_message, round_trips_every_type) {
    EXPECT_EQ(round_trip(hello{"tolk-listen/0.1", 1, "secret"}).token, "secret");
    auto w = round_trip(welcome{"s1", 1, "booth", "Committee day", 123, "fr", 2, 48000});
    EXPECT_EQ(w.channel, "fr");
    EXPECT_EQ(w.bitrate, 48000);
    EXPECT_EQ(w.channel_number, 2);
    EXPECT_EQ(w.server_time_us, 123);

    channel_info fr{"fr", 2, "fr", "Français", true, 17, -5000};
    auto list = round_trip(channel_list{"Committee day", {fr}});
    ASSERT_EQ(list.channels.size(), 1u);
    EXPECT_EQ(list.channels[0], fr);  // UTF-8 labels survive

    EXPECT_EQ(round_trip(subscribe{{"floor", "en"}}).channels,
              (std::vector<std::string>{"floor", "en"}));
    EXPECT_EQ(round_trip(unsubscribe{{"en"}}).channels, std::vector<std::string>{"en"});
    EXPECT_EQ(round_trip(subscribed{{fr}}).channels.at(0), fr);
    auto air = round_trip(on_air_change{"es", true, 99});
    EXPECT_TRUE(air.on_air);
    EXPECT_EQ(air.clock_offset_us, 99);
    EXPECT_EQ(round_trip(resync{"en", 12}).dropped_frames, 12u);
    EXPECT_EQ(round_trip(ping{-7}).t0, -7);
    auto p = round_trip(pong{1, 2, 3});
    EXPECT_EQ(p.t2, 3);
    EXPECT_EQ(round_trip(clock_report{-300, 900}).rtt_us, 900);
    listener_stats st;
    st.channel = "en";
    st.delay_ms = 42.5;
    st.concealed_ratio = 0.01;
    st.frames_missing = 3;
    auto st2 = round_trip(st);
    EXPECT_DOUBLE_EQ(st2.delay_ms, 42.5);
    EXPECT_EQ(st2.frames_missing, 3u);
    EXPECT_EQ(round_trip(error_message{"channel_taken", "fr has a booth"}).code, "channel_taken");
}

TEST(control_message, type_names_are_the_wire_names) {
    EXPECT_EQ(type_name(on_air_change{}), "on_air");
    EXPECT_EQ(type_name(channel_list{}), "channels");
    EXPECT_NE(serialize(ping{5}).find("\"type\":\"ping\""), std::string::npos);
}

struct bad_case {
    const char* text;
    parse_errc expected;
};

TEST(control_message, refuses_bad_input_with_a_typed_error) {
    const bad_case cases[] = {
        {"", parse_errc::malformed},
        {"{", parse_errc::malformed},
        {"[1,2]", parse_errc::malformed},
        {"\"subscribe\"", parse_errc::malformed},
        {"{}", parse_errc::malformed},
        {R"({"type":7})", parse_errc::malformed},
        {R"({"type":"dance"})", parse_errc::unknown_type},
        {R"({"type":"subscribe"})", parse_errc::malformed},
        {R"({"type":"subscribe","channels":"en"})", parse_errc::malformed},
        {R"({"type":"subscribe","channels":[]})", parse_errc::invalid_value},
        {R"({"type":"subscribe","channels":[""]})", parse_errc::invalid_value},
        {R"({"type":"subscribe","channels":[1]})", parse_errc::malformed},
        {R"({"type":"ping","t0":"soon"})", parse_errc::malformed},
        {R"({"type":"clock","offset_us":1,"rtt_us":-1})", parse_errc::invalid_value},
        {R"({"type":"stats","channel":"en","concealed_ratio":2})", parse_errc::invalid_value},
        {R"({"type":"channels","channels":{}})", parse_errc::malformed},
        {R"({"type":"channels","channels":[{"number":1}]})", parse_errc::malformed},
    };
    for (const auto& c : cases) {
        auto parsed = parse_control(c.text);
        ASSERT_FALSE(parsed) << c.text;
        EXPECT_EQ(parsed.error().code, c.expected) << c.text << " -> " << parsed.error().message();
    }
}

TEST(control_message, refuses_oversized_messages_before_parsing) {
    std::string huge = R"({"type":"hello","client":")" + std::string(max_control_size, 'x') + "\"}";
    auto parsed = parse_control(huge);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, parse_errc::oversized);
}

TEST(control_message, ignores_unknown_fields_for_forward_compatibility) {
    auto parsed = parse_control(R"({"type":"ping","t0":5,"future":"field"})");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(std::get<ping>(parsed.value()).t0, 5);
}

}  // namespace
}  // namespace tolk::protocol
