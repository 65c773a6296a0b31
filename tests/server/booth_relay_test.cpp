// Auto-relay (issue 12): the event lists the languages each booth works from; when the floor
// language (set by a technician, or declared by the floor booth) is not one of them, the booth's
// console is told to relay the pivot channel (booth_state.auto_source) and back to the floor
// afterwards. A console that follows the suggestion switches its source, which listeners see.
// Only the floor booth's live console may declare the floor language.

#include "booth_console_fixture.hpp"

#include "server/booth_desks_relay.hpp"

namespace tolk::test {
namespace {

using namespace booth;

class booth_relay_test : public booth_console_fixture {
protected:
    void start_relay() {
        start_with([](auto& c) {
            c.booths.works_from["FR"] = {"en", "es"};
            c.booths.pivot = "en";
        });
    }
    json channels() { return json::parse(http_get("/api/channels").second)["channels"]; }
    http_reply post(const std::string& target) { return http_request(endpoint_, {"POST", target, {}, {}, {}, {}}); }
    // What tolk-booth and the browser's console do: follow auto_source by sending `source`.
    bool follow(console& c, const std::string& want) {
        if (!c.wait_state([&](const json& s) { return s["auto_source"] == want; }))
            return false;
        send(c.client(), protocol::source_select{want});
        return c.wait_state([&](const json& s) { return s["source"] == want; });
    }
};

TEST_F(booth_relay_test, a_floor_language_the_booth_does_not_work_from_switches_it_to_the_pivot_and_back) {
    start_relay();
    console floor(join("fiona", "FLOOR", "floor"), 0, 330);
    console fr(join("anna", "FR", "fr"), 1, 440);
    ASSERT_TRUE(fr.wait_state([](const json& s) {
        return s["floor_language"] == "" && s["auto_source"] == "" &&
               s["auto_reason"].get<std::string>().find("unknown") != std::string::npos;
    }));
    // The technician says the floor speaks German: FR works from en, es only, so relay from en.
    const auto set = post("/api/tech/floor?language=de");
    EXPECT_EQ(set.status, 200) << set.body;
    ASSERT_TRUE(follow(fr, "en"));
    EXPECT_NE(latest_state(fr.client().messages())["auto_reason"].get<std::string>().find(
                  "floor is de; FR works from en, es"),
              std::string::npos);
    auto list = channels();
    EXPECT_EQ(list[0]["floor_language"], "de");
    EXPECT_EQ(list[french]["source"], "en");  // listeners and technicians see the relay
    EXPECT_FALSE(list[french].contains("floor_language"));
    // The floor booth's live console declares English: FR works from it, back to the floor.
    send(floor.client(), protocol::floor_language{"en"});
    ASSERT_TRUE(follow(fr, "floor"));
    EXPECT_EQ(channels()[0]["floor_language"], "en");
    EXPECT_EQ(latest_state(floor.client().messages())["floor_language"], "en");  // every console is told
    // Spanish (es-ES is es): still the floor. Then unknown: no suggestion.
    EXPECT_EQ(post("/api/tech/floor?language=es-ES").status, 200);
    ASSERT_TRUE(fr.wait_state([](const json& s) { return s["floor_language"] == "es-ES" && s["auto_source"] == "floor"; }));
    EXPECT_EQ(post("/api/tech/floor").status, 200);
    ASSERT_TRUE(fr.wait_state([](const json& s) { return s["floor_language"] == "" && s["auto_source"] == ""; }));
    EXPECT_NE(metrics().find("tolk_booth_floor_language_changes_total 4\n"), std::string::npos);
    floor.stop();
    fr.stop();
}

TEST_F(booth_relay_test, only_the_floor_booths_live_console_declares_the_floor_language) {
    start_relay();
    auto listener = listen("en");
    console floor(join("fiona", "FLOOR", "floor"), 0, 330);
    console fr(join("anna", "FR", "fr"), 1, 440);
    // A listener: wrong role.
    send(*listener, protocol::floor_language{"de"});
    ASSERT_TRUE(listener->wait_for([](auto& m) { return !test_client::of_type(m, "error").empty(); }));
    EXPECT_EQ(json::parse(listener->texts_of("error").back())["code"], "wrong_role");
    // Another booth: refused, with the reason.
    send(fr.client(), protocol::floor_language{"de"});
    ASSERT_TRUE(fr.client().wait_for([](auto& m) { return !test_client::of_type(m, "error").empty(); }));
    const auto refused = json::parse(fr.client().texts_of("error").back());
    EXPECT_EQ(refused["code"], "refused");
    EXPECT_NE(refused["reason"].get<std::string>().find("only the booth on the floor channel (floor)"), std::string::npos)
        << refused.dump();
    // The floor booth's passive console: refused too.
    auto passive = join("felix", "FLOOR", "floor");
    send(*passive, protocol::floor_language{"de"});
    ASSERT_TRUE(passive->wait_for([](auto& m) { return !test_client::of_type(m, "error").empty(); }));
    EXPECT_NE(passive->texts_of("error").back().find("only the live console"), std::string::npos);
    EXPECT_EQ(channels()[0]["floor_language"], "");  // nothing changed
    // A technician's bad language is refused with a reason; GET reads it.
    const auto bad = post("/api/tech/floor?language=de%22");
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_NE(bad.body.find("bad_language"), std::string::npos);
    EXPECT_EQ(json::parse(http_get("/api/tech/floor").second)["floor_channel"], "floor");
    floor.stop();
    fr.stop();
}

TEST(auto_relay, decided_in_one_place) {
    server::booths_config b;
    b.works_from["FR"] = {"en", "es"};
    b.works_from["EN"] = {"fr", "de"};
    b.pivot = "en";
    b.pivots["EN"] = "fr";
    using server::decide_auto_relay;
    EXPECT_EQ(decide_auto_relay(b, "FR", "fr", "floor", "de").source, "en");
    EXPECT_EQ(decide_auto_relay(b, "FR", "fr", "floor", "EN-gb").source, "floor");
    EXPECT_EQ(decide_auto_relay(b, "EN", "en", "floor", "es").source, "fr");  // its own pivot
    EXPECT_EQ(decide_auto_relay(b, "EN", "en", "floor", "de").source, "floor");
    EXPECT_EQ(decide_auto_relay(b, "IT", "it", "floor", "de").source, "");     // not listed: no suggestion
    EXPECT_EQ(decide_auto_relay(b, "IT", "it", "floor", "de").reason, "");
    EXPECT_EQ(decide_auto_relay(b, "FR", "floor", "floor", "de").source, "");  // the floor itself
    b.pivots["EN"] = "en";
    EXPECT_NE(decide_auto_relay(b, "EN", "en", "floor", "es").reason.find("its own channel"), std::string::npos);
    b.pivot.clear();
    EXPECT_NE(decide_auto_relay(b, "FR", "fr", "floor", "de").reason.find("no pivot"), std::string::npos);
}

}  // namespace
}  // namespace tolk::test
