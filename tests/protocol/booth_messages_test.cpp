// The booth console's control messages (issue 12): each round-trips, each refuses what its
// fields do not allow with a reason naming the field, and the booth-only ones are flagged.
#include "protocol/control_message.hpp"
#include "round_trip.hpp"

#include <gtest/gtest.h>

namespace tolk::protocol {
namespace {

using test::round_trip;

std::string refusal(std::string_view text) {
    auto parsed = parse_control(text);
    EXPECT_FALSE(parsed) << text;
    return parsed ? std::string() : parsed.error().message();
}

TEST(booth_messages, round_trip) {
    EXPECT_EQ(round_trip(handover{"accept"}).action, "accept");
    EXPECT_TRUE(round_trip(cough{true}).on);
    EXPECT_FALSE(round_trip(cough{false}).on);
    EXPECT_EQ(round_trip(source_select{"floor"}).source, "floor");
    EXPECT_EQ(round_trip(output_select{"fr"}).channel, "fr");
    EXPECT_TRUE(std::holds_alternative<slow_down>(parse_control(serialize(slow_down{})).value()));
    const auto c = round_trip(chat{"partner", "water, please — merci", "Anna", "EN", "en"});
    EXPECT_EQ(c.text, "water, please — merci");
    EXPECT_EQ(c.from, "Anna");
    EXPECT_EQ(c.from_booth, "EN");
    EXPECT_EQ(c.channel, "en");
    booth_state s{"en", "EN", true, true, 1, "requested", true, false, 12, {"en", "fr"}, "floor",
                  "de", "es", "floor is de; EN works from fr, es"};
    EXPECT_EQ(round_trip(s), s);
    EXPECT_EQ(round_trip(floor_language{"pt-BR"}).language, "pt-BR");
    EXPECT_EQ(round_trip(floor_language{""}).language, "");  // unknown
    channel_info relay{"fr", 2, "fr", "Français", true, 3, 0, {}, "en"};
    EXPECT_EQ(round_trip(channel_list{"e", {relay}}).channels.at(0).source, "en");
}

TEST(booth_messages, refuse_what_their_fields_do_not_allow) {
    EXPECT_NE(refusal(R"({"type":"handover","action":"grab"})").find("\"action\" must be one of"), std::string::npos);
    EXPECT_NE(refusal(R"({"type":"handover"})").find("action"), std::string::npos);
    EXPECT_NE(refusal(R"({"type":"cough","on":"yes"})").find("\"on\""), std::string::npos);
    EXPECT_NE(refusal(R"({"type":"chat","to":"everyone","text":"hi"})").find("\"to\""), std::string::npos);
    EXPECT_NE(refusal(R"({"type":"chat","to":"booths","text":""})").find("1 to 1000"), std::string::npos);
    EXPECT_NE(refusal(R"({"type":"chat","to":"booths","text":")" + std::string(1001, 'x') + "\"}").find("1 to 1000"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"type":"source","source":""})").find("\"source\""), std::string::npos);
    EXPECT_NE(refusal(R"({"type":"output","channel":)" + std::string("\"") + std::string(65, 'x') + "\"}")
                  .find("\"channel\""),
              std::string::npos);
    EXPECT_NE(refusal(R"({"type":"booth_state","channel":"en","live":true,"audience":-1})").find("audience"),
              std::string::npos);
    EXPECT_NE(refusal(R"({"type":"floor_language"})").find("\"language\""), std::string::npos);
    EXPECT_NE(refusal(R"({"type":"floor_language","language":"de\"><"})").find("language code"), std::string::npos);
    EXPECT_NE(refusal(R"({"type":"floor_language","language":")" + std::string(36, 'a') + "\"}").find("35"),
              std::string::npos);
}

TEST(booth_messages, booth_only_are_the_consoles_requests) {
    for (const control_message& m : {control_message{handover{"request"}}, control_message{cough{}},
                                    control_message{source_select{"floor"}}, control_message{output_select{"fr"}},
                                    control_message{slow_down{}}, control_message{chat{"booths", "x", {}, {}, {}}},
                                    control_message{floor_language{"de"}}})
        EXPECT_TRUE(booth_only(m)) << type_name(m);
    for (const control_message& m : {control_message{ping{}}, control_message{hello{}},
                                    control_message{listener_stats{}}, control_message{subscribe{}}})
        EXPECT_FALSE(booth_only(m)) << type_name(m);
}

}  // namespace
}  // namespace tolk::protocol
