// The booth console's server side (issue 12): two consoles of one booth on one channel, one
// live and one passive; handovers at a frame boundary that listeners cannot hear (one
// continuous sequence, no discontinuity, no off-air flip); a request that times out; a
// technician's forced handover; both consoles live flagged to both; the cough key; interlock
// and override; chat to its addressees only; source, A/B output, audience and slow-down; a
// listener sending a booth's message refused with a reason.

#include "booth_console_fixture.hpp"

#include <cmath>

namespace tolk::test {
namespace {

using namespace booth;
using booth_console_test = booth_console_fixture;

namespace cc = protocol::close_code;

struct heard_frame {
    protocol::frame_header header;
    std::int64_t at_us;
    int who() const { return static_cast<int>(header.capture_us & 1); }
};

std::vector<heard_frame> frames_of(const std::vector<received>& messages, std::uint16_t channel) {
    std::vector<heard_frame> out;
    for (const auto& m : messages) {
        if (m.text)
            continue;
        auto f = protocol::parse_audio_frame({reinterpret_cast<const std::uint8_t*>(m.data.data()), m.data.size()});
        if (f && f->header.channel == channel)
            out.push_back({f->header, m.at_us});
    }
    return out;
}

// Who was heard, run by run: {0, 1, 0, 1} for A, B, A, B.
std::vector<int> speakers(const std::vector<heard_frame>& frames) {
    std::vector<int> runs;
    for (const auto& f : frames)
        if (runs.empty() || runs.back() != f.who())
            runs.push_back(f.who());
    return runs;
}

TEST_F(booth_console_test, three_handovers_are_one_continuous_channel_for_listeners) {
    start_with();
    auto listener = listen("en");
    console a(join("anna"), 0, 440);
    ASSERT_TRUE(a.wait_state([](const json& s) { return s["live"] == true && s["mic"] == true; }));
    console b(join("bruno"), 1, 660);
    ASSERT_TRUE(b.wait_state([](const json& s) { return s["live"] == false && s["partners"] == 1; }));
    ASSERT_TRUE(wait_frames(*listener, 15));

    hand_over(a, b, *listener);
    hand_over(b, a, *listener);
    hand_over(a, b, *listener);
    a.stop();
    b.stop();

    const auto frames = frames_of(listener->messages(), english);
    EXPECT_EQ(speakers(frames), (std::vector<int>{0, 1, 0, 1}));
    std::size_t discontinuities = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        discontinuities += frames[i].header.has(protocol::frame_flag::discontinuity);
        if (i == 0)
            continue;
        // One sequence, no frame missing nor repeated: no gap, no overlap, nothing to reset.
        EXPECT_EQ(frames[i].header.sequence, frames[i - 1].header.sequence + 1) << "frame " << i;
        if (frames[i].who() != frames[i - 1].who()) {
            // At a switch, the incoming console's first frame was captured about one frame after
            // the outgoing one's last: never a frame's worth of audio twice, never one missing
            // (generous bounds for a loaded machine's pacing).
            const auto step = frames[i].header.capture_us - frames[i - 1].header.capture_us;
            EXPECT_GT(step, -20'000) << "overlap at frame " << i;
            EXPECT_LT(step, 60'000) << "gap at frame " << i;
        }
    }
    EXPECT_EQ(discontinuities, 1u);  // the booth's very first frame only
    EXPECT_FALSE(heard_off_air(*listener, "en"));
    EXPECT_TRUE(listener->texts_of("resync").empty());
    const auto heard = decode_heard(listener->messages(), english);
    EXPECT_EQ(heard.missing, 0u);
    EXPECT_NE(metrics().find("tolk_booth_handovers_total 3\n"), std::string::npos);
}

TEST_F(booth_console_test, an_unanswered_request_takes_over_after_the_timeout) {
    start_with([](auto& c) { c.booths.handover_timeout_ms = 400; });
    auto listener = listen("en");
    console a(join("anna"), 0, 440);
    console b(join("bruno"), 1, 660);
    ASSERT_TRUE(wait_frames(*listener, 10));
    send(b.client(), protocol::handover{"request"});
    // The live console does not answer: after 400 ms the passive one is live by itself.
    ASSERT_TRUE(b.wait_state([](const json& s) { return s["live"] == true; }));
    ASSERT_TRUE(a.wait_state([](const json& s) { return s["live"] == false; }));
    const auto before = listener_frames(*listener, english);
    ASSERT_TRUE(wait_frames(*listener, before + 10));
    a.stop();
    b.stop();
    EXPECT_EQ(speakers(frames_of(listener->messages(), english)), (std::vector<int>{0, 1}));
    EXPECT_FALSE(heard_off_air(*listener, "en"));
}

TEST_F(booth_console_test, a_technician_forces_a_handover) {
    start_with([](auto& c) { c.booths.handover_timeout_ms = 0; });  // never by itself
    auto listener = listen("en");
    console a(join("anna"), 0, 440);
    console b(join("bruno"), 1, 660);
    ASSERT_TRUE(wait_frames(*listener, 10));
    const auto forced = http_request(endpoint_, {"POST", "/api/tech/booths/handover?channel=en", {}, {}, {}, {}});
    EXPECT_EQ(forced.status, 200) << forced.body;
    ASSERT_TRUE(b.wait_state([](const json& s) { return s["live"] == true; }));
    const auto before = listener_frames(*listener, english);
    ASSERT_TRUE(wait_frames(*listener, before + 10));
    a.stop();
    b.stop();
    EXPECT_EQ(speakers(frames_of(listener->messages(), english)), (std::vector<int>{0, 1}));
    // A channel with one console has no one to hand over to: refused with a reason.
    const auto none = http_request(endpoint_, {"POST", "/api/tech/booths/handover?channel=fr", {}, {}, {}, {}});
    EXPECT_EQ(none.status, 409) << none.body;
    EXPECT_NE(none.body.find("no_partner"), std::string::npos);
    // GET is not a way to hand over.
    EXPECT_EQ(http_get("/api/tech/booths/handover?channel=en").first, 405);
}

TEST_F(booth_console_test, both_consoles_live_is_an_error_shown_to_both_and_only_one_is_heard) {
    start_with();
    auto listener = listen("en");
    console a(join("anna"), 0, 440);
    console b(join("bruno"), 1, 660, /*always=*/true);  // its microphone stays open
    EXPECT_TRUE(a.wait_state([](const json& s) { return s["both_live"] == true; }));
    EXPECT_TRUE(b.wait_state([](const json& s) { return s["both_live"] == true && s["live"] == false; }));
    ASSERT_TRUE(wait_frames(*listener, 30));
    b.stop();
    // Once the passive console stops, the error clears.
    EXPECT_TRUE(a.wait_state([](const json& s) { return s["both_live"] == false; }));
    a.stop();
    EXPECT_EQ(speakers(frames_of(listener->messages(), english)), (std::vector<int>{0}));
    const auto m = metrics();
    EXPECT_NE(m.find("tolk_booth_both_live_total 1\n"), std::string::npos);
    EXPECT_EQ(m.find("tolk_booth_passive_frames_total 0\n"), std::string::npos);
}

double rms(const std::vector<float>& pcm, std::size_t from, std::size_t to) {
    double sum = 0;
    for (std::size_t i = from; i < to && i < pcm.size(); ++i)
        sum += double(pcm[i]) * pcm[i];
    return std::sqrt(sum / double(std::max<std::size_t>(1, std::min(to, pcm.size()) - from)));
}

TEST_F(booth_console_test, the_cough_key_gives_listeners_silence_and_keeps_the_channel_on_air) {
    start_with();
    auto listener = listen("en");
    console a(join("anna", ""), 0, 440);  // a booth of one console
    ASSERT_TRUE(wait_frames(*listener, 25));
    send(a.client(), protocol::cough{true});
    ASSERT_TRUE(a.wait_state([](const json& s) { return s["coughing"] == true; }));
    const auto cough_from = listener_frames(*listener, english);
    ASSERT_TRUE(wait_frames(*listener, cough_from + 25));
    send(a.client(), protocol::cough{false});
    ASSERT_TRUE(a.wait_state([](const json& s) { return s["coughing"] == false; }));
    const auto cough_to = listener_frames(*listener, english);
    ASSERT_TRUE(wait_frames(*listener, cough_to + 25));
    a.stop();

    const auto heard = decode_heard(listener->messages(), english);
    EXPECT_EQ(heard.missing, 0u);
    EXPECT_EQ(heard.discontinuities, 1u);
    EXPECT_FALSE(heard_off_air(*listener, "en"));
    // Frames [cough_from + 5, cough_to) were certainly coughed (the first few may have been in
    // flight); before and after, the tone is loud.
    const double before = rms(heard.pcm, 5 * 960, 20 * 960);
    const double during = rms(heard.pcm, (cough_from + 5) * 960, cough_to * 960);
    const double after = rms(heard.pcm, (cough_to + 10) * 960, (cough_to + 25) * 960);
    EXPECT_GT(before, 0.1);
    EXPECT_LT(during, 0.001) << "the cough key must give silence";
    EXPECT_GT(after, 0.1);
}

TEST_F(booth_console_test, a_console_that_reconnects_takes_its_own_place_in_the_booth) {
    start_with();
    auto listener = listen("en");
    console a(join("anna"), 0, 440);
    auto bruno = join("bruno");
    ASSERT_TRUE(wait_frames(*listener, 10));
    // The live console's laptop reconnects (same name) while its old link is still open: the new
    // connection is live at once, the old one is closed 4009, the channel never goes off air.
    console again(join("anna"), 1, 660);
    EXPECT_EQ(a.client().wait_closed(), cc::replaced);
    EXPECT_TRUE(again.wait_state([](const json& s) { return s["live"] == true && s["partners"] == 1; }));
    const auto before = listener_frames(*listener, english);
    ASSERT_TRUE(wait_frames(*listener, before + 10));
    a.stop();
    again.stop();
    EXPECT_FALSE(heard_off_air(*listener, "en"));
    EXPECT_TRUE(bruno->wait_for([](auto& m) {
        const auto s = latest_state(m);
        return s["live"] == false && s["partners"] == 1;
    }));
    EXPECT_EQ(speakers(frames_of(listener->messages(), english)), (std::vector<int>{0, 1}));
}

TEST_F(booth_console_test, interlock_refuses_a_second_booth_while_the_channel_is_held) {
    start_with();
    auto a = join("anna", "EN");
    auto other = connect("/ws/booth?channel=en&name=carla&booth=FR");
    EXPECT_EQ(other->wait_closed(), cc::channel_taken);
    EXPECT_NE(other->close_reason().find("already has a booth on air"), std::string::npos) << other->close_reason();
    EXPECT_TRUE(a->texts_of("error").empty());
}

TEST_F(booth_console_test, override_lets_the_newcomer_take_the_channel_and_tells_the_previous_booth) {
    start_with([](auto& c) { c.booths.policy = server::booth_policy::override; });
    auto listener = listen("en");
    console a(join("anna", "EN"), 0, 440);
    console partner(join("bruno", "EN"), 0, 440);
    ASSERT_TRUE(wait_frames(*listener, 10));
    console c(join("carla", "RELAY"), 1, 660);
    EXPECT_EQ(a.client().wait_closed(), cc::overridden);
    EXPECT_NE(a.client().close_reason().find("overridden"), std::string::npos) << a.client().close_reason();
    EXPECT_EQ(partner.client().wait_closed(), cc::overridden);  // the whole booth yields
    const auto before = listener_frames(*listener, english);
    ASSERT_TRUE(wait_frames(*listener, before + 10));
    a.stop();
    partner.stop();
    c.stop();
    EXPECT_EQ(speakers(frames_of(listener->messages(), english)), (std::vector<int>{0, 1}));
    EXPECT_FALSE(heard_off_air(*listener, "en"));
    EXPECT_NE(metrics().find("tolk_booths_overridden_total 1\n"), std::string::npos);
}

TEST_F(booth_console_test, chat_reaches_only_its_addressees) {
    start_with();
    auto anna = join("anna", "EN");
    auto bruno = join("bruno", "EN");
    auto carla = join("carla", "FR", "fr");
    auto listener = listen("en");
    auto chats = [](test_client& c) { return c.texts_of("chat"); };

    send(*anna, protocol::chat{"partner", "water please", {}, {}, {}});
    ASSERT_TRUE(bruno->wait_for([](auto& m) { return test_client::of_type(m, "chat").size() == 1; }));
    const auto got = json::parse(chats(*bruno).at(0));
    EXPECT_EQ(got["text"], "water please");
    EXPECT_EQ(got["from"], "anna");
    EXPECT_EQ(got["from_booth"], "EN");
    EXPECT_EQ(got["to"], "partner");

    send(*anna, protocol::chat{"booths", "break in 5", {}, {}, {}});
    ASSERT_TRUE(carla->wait_for([](auto& m) { return test_client::of_type(m, "chat").size() == 1; }));
    ASSERT_TRUE(bruno->wait_for([](auto& m) { return test_client::of_type(m, "chat").size() == 2; }));
    EXPECT_EQ(json::parse(chats(*carla).at(0))["text"], "break in 5");

    send(*anna, protocol::chat{"technician", "speaker too fast", {}, {}, {}});
    bool in_inbox = false;
    for (int i = 0; i < 100 && !in_inbox; ++i) {  // bounded: the message is read by the server's shard
        in_inbox = http_get("/api/tech/booths").second.find("speaker too fast") != std::string::npos;
        if (!in_inbox)
            anna->wait_for([](auto&) { return false; }, 20ms);
    }
    EXPECT_TRUE(in_inbox);
    // A ping round trip after all three: anything else addressed to them would have come first.
    for (auto* c : {bruno.get(), carla.get(), listener.get()}) {
        c->send_text(protocol::serialize(protocol::ping{1}));
        EXPECT_TRUE(c->wait_for([](auto& m) { return !test_client::of_type(m, "pong").empty(); }));
    }
    EXPECT_EQ(chats(*bruno).size(), 2u);  // partner + booths, not the technician's
    EXPECT_EQ(chats(*carla).size(), 1u);  // booths only
    EXPECT_TRUE(chats(*anna).empty());    // never its own
    EXPECT_TRUE(chats(*listener).empty());
}

TEST_F(booth_console_test, a_listener_sending_a_booths_messages_is_refused_with_a_reason) {
    start_with();
    auto listener = listen("en");
    send(*listener, protocol::cough{true});
    send(*listener, protocol::handover{"request"});
    send(*listener, protocol::chat{"booths", "hello booths", {}, {}, {}});
    ASSERT_TRUE(listener->wait_for([](auto& m) { return test_client::of_type(m, "error").size() >= 3; }));
    for (const auto& e : listener->texts_of("error")) {
        const auto j = json::parse(e);
        EXPECT_EQ(j["code"], "wrong_role");
        EXPECT_NE(j["reason"].get<std::string>().find("a listener cannot send it"), std::string::npos) << e;
    }
    EXPECT_NE(metrics().find("tolk_control_wrong_role_total 3\n"), std::string::npos);
    // Still connected and listening.
    listener->send_text(protocol::serialize(protocol::ping{1}));
    EXPECT_TRUE(listener->wait_for([](auto& m) { return !test_client::of_type(m, "pong").empty(); }));
}

TEST_F(booth_console_test, source_audience_slow_down_and_the_a_b_output) {
    start_with([](auto& c) { c.booths.outputs["EN"] = {"en", "fr"}; });
    auto en = listen("en");
    auto fr = listen("fr");
    console a(join("anna", "EN"), 0, 440);
    ASSERT_TRUE(a.wait_state([](const json& s) {
        return s["outputs"] == json::array({"en", "fr"}) && s["audience"] == 1;
    }));  // the live console sees its audience
    send(a.client(), protocol::source_select{"floor"});
    ASSERT_TRUE(a.wait_state([](const json& s) { return s["source"] == "floor"; }));
    EXPECT_EQ(json::parse(http_get("/api/channels").second)["channels"][english]["source"], "floor");
    // Listeners see it in the channel list (sent within the list interval).
    EXPECT_TRUE(en->wait_for([](auto& m) {
        for (const auto& t : test_client::of_type(m, "channels"))
            if (json::parse(t)["channels"][english].value("source", "") == "floor")
                return true;
        return false;
    }));
    send(a.client(), protocol::source_select{"nowhere"});
    ASSERT_TRUE(a.client().wait_for([](auto& m) { return !test_client::of_type(m, "error").empty(); }));

    send(a.client(), protocol::slow_down{});
    bool signalled = false;
    for (int i = 0; i < 100 && !signalled; ++i) {
        const auto view = json::parse(http_get("/api/tech/booths").second);
        signalled = view["slow_downs"].value("en", 0) == 1;
        if (!signalled)
            a.client().wait_for([](auto&) { return false; }, 20ms);
    }
    EXPECT_TRUE(signalled);

    ASSERT_TRUE(wait_frames(*en, 10));
    send(a.client(), protocol::output_select{"fr"});
    ASSERT_TRUE(a.wait_state([](const json& s) { return s["channel"] == "fr"; }));
    ASSERT_TRUE(wait_frames(*fr, 10, french));
    send(a.client(), protocol::output_select{"es"});  // not one of its outputs
    ASSERT_TRUE(a.client().wait_for([](auto& m) { return test_client::of_type(m, "error").size() >= 2; }));
    EXPECT_NE(a.client().texts_of("error").back().find("not one of this booth's outputs"), std::string::npos);
    a.stop();
}

}  // namespace
}  // namespace tolk::test
