#include "protocol/control_message.hpp"
#include "round_trip.hpp"

#include <gtest/gtest.h>

namespace tolk::protocol {
namespace {

using test::round_trip;

TEST(control_message, round_trips_every_type) {
    EXPECT_EQ(round_trip(hello{"tolk-listen/0.1", 1, "secret"}).token, "secret");
    auto w = round_trip(welcome{"s1", 1, "booth", "Committee day", 123, "fr", 2, 48000});
    EXPECT_EQ(w.channel, "fr");
    EXPECT_EQ(w.bitrate, 48000);
    EXPECT_EQ(w.channel_number, 2);
    EXPECT_EQ(w.server_time_us, 123);

    channel_info fr{"fr", 2, "fr", "Français", true, 17, -5000, {}};
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

TEST(control_message, channel_labels_by_ui_language_are_optional) {
    channel_info floor{"floor", 0, "mul", "Floor / original", true, 3, 0, {}};
    EXPECT_EQ(serialize(channel_list{"e", {floor}}).find("labels"), std::string::npos)
        << "no labels: the field is left out, as before";
    floor.labels = {{"es", "Sala / original"}, {"fr", "Salle / original"}};
    EXPECT_EQ(round_trip(channel_list{"e", {floor}}).channels.at(0), floor);
    auto old = parse_control(R"({"type":"channels","event":"e","channels":[{"id":"en","number":1}]})");
    ASSERT_TRUE(old);
    EXPECT_TRUE(std::get<channel_list>(old.value()).channels.at(0).labels.empty());
    auto bad = parse_control(R"({"type":"channels","channels":[{"id":"en","number":1,"labels":{"fr":3}}]})");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, parse_errc::malformed);
}

TEST(control_message, stats_carry_time_scaling_concealment_classes_and_clock_figures) {
    listener_stats st;
    st.channel = "es";
    st.time_scale_operations = 4;
    st.concealments_under_40ms = 3;
    st.concealments_40_to_150ms = 2;
    st.concealments_over_150ms = 1;
    st.profile = "listener";
    st.clock_offset_us = -1795903802077;
    st.rtt_us = 700;
    const auto back = round_trip(st);
    EXPECT_EQ(back.time_scale_operations, 4u);
    EXPECT_EQ(back.concealments_under_40ms, 3u);
    EXPECT_EQ(back.concealments_40_to_150ms, 2u);
    EXPECT_EQ(back.concealments_over_150ms, 1u);
    EXPECT_EQ(back.profile, "listener");
    EXPECT_EQ(back.clock_offset_us, -1795903802077);
    EXPECT_EQ(back.rtt_us, 700);
    // An older client's stats stay valid: the new fields take their defaults.
    auto old = parse_control(R"({"type":"stats","channel":"es","delay_ms":20,"interruptions":2})");
    ASSERT_TRUE(old);
    const auto& o = std::get<listener_stats>(old.value());
    EXPECT_EQ(o.interruptions, 2u);
    EXPECT_EQ(o.time_scale_operations, 0u);
    EXPECT_EQ(o.rtt_us, -1);
    EXPECT_TRUE(o.profile.empty());
    EXPECT_FALSE(parse_control(R"({"type":"stats","channel":"es","profile":")" + std::string(33, 'x') + "\"}"));
}

}  // namespace
}  // namespace tolk::protocol
