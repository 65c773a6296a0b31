// A booth that drops is back on air at once (signed roles, issue 10): the same booth — its
// token — reconnecting replaces its own stale session with no off-air flap; anyone else is
// refused while the channel is held; a link that goes quiet without a FIN (a half-open TCP
// connection) is declared lost after booth_link_timeout_ms and the channel goes off air.

#include "booth_auth_fixture.hpp"
#include "tcp_proxy.hpp"

#include "codec/signals.hpp"

#include <nlohmann/json.hpp>

namespace tolk::test {
namespace {

using std::chrono::steady_clock;
constexpr std::uint16_t english = 0;  // the event file's first channel

bool welcomed(const std::vector<received>& m) { return !test_client::of_type(m, "welcome").empty(); }

class booth_reconnect_test : public booth_auth_test {
protected:
    // A booth on `en` with `token`, through `proxy` when given, that has sent `frames` frames
    // (sequence from `first_seq`) and has been heard by `listener`.
    std::shared_ptr<test_client> on_air_booth(const std::string& token, test_client& listener, tcp_proxy* proxy,
                                              std::uint32_t first_seq = 0, std::size_t heard_before = 0) {
        const std::string target = "/ws/booth?channel=en&token=" + token;
        auto b = proxy ? test_client::connect(client_ioc_, proxy->endpoint(), target) : connect(target);
        EXPECT_TRUE(b->wait_for(welcomed)) << b->close_reason();
        b->stream(make_frames(codec::tone(440, 0.5), 32'000, first_seq), 20ms).wait();
        EXPECT_TRUE(listener.wait_for(
            [&](auto& m) { return count_frames(m, english) >= heard_before + 25; }));
        return b;
    }
};

TEST_F(booth_reconnect_test, the_same_booth_reconnecting_replaces_its_stale_session_without_an_off_air_flap) {
    start_event();
    auto listener = listen("en");
    const std::string t = booth_token();
    auto first = on_air_booth(t, *listener, nullptr);

    // The same token again while the first connection is still open: it takes the channel over.
    auto second = on_air_booth(t, *listener, nullptr, 25, 25);
    EXPECT_EQ(first->wait_closed(), cc::replaced);
    EXPECT_NE(first->close_reason().find("replaced"), std::string::npos) << first->close_reason();
    EXPECT_TRUE(second->texts_of("error").empty());

    const auto heard = decode_heard(listener->messages(), english);
    EXPECT_EQ(heard.frames, 50u);
    EXPECT_EQ(heard.discontinuities, 2u);  // each booth session's first frame
    EXPECT_FALSE(heard_off_air(*listener, "en"));
    EXPECT_NE(metrics().find("tolk_booths_replaced_total 1\n"), std::string::npos);
    // The technician sees which booth is on air, by the name in its token, and where it is.
    const auto tech = nlohmann::json::parse(http_get("/api/tech").second);
    EXPECT_EQ(tech["channels"][0]["booth_name"], "EN booth A") << tech["channels"][0].dump();
    EXPECT_EQ(tech["channels"][0]["booth_address"], "127.0.0.1");
    bool logged = false;
    for (const auto& e : tech["events"])
        logged |= e.dump().find("EN booth A\\\" reconnected from 127.0.0.1") != std::string::npos;
    EXPECT_TRUE(logged) << tech["events"].dump();

    // Another booth, with a valid token of its own, is still refused while the channel is held.
    EXPECT_EQ(outcome("/ws/booth?channel=en&token=" + booth_token()), cc::channel_taken);
}

TEST_F(booth_reconnect_test, a_half_open_booth_is_replaced_by_its_reconnect_and_nobody_else_takes_the_channel) {
    start_event();
    auto listener = listen("en");
    const std::string t = booth_token();
    tcp_proxy proxy(endpoint_);
    auto first = on_air_booth(t, *listener, &proxy);
    proxy.black_hole();  // the booth's network is gone; the server has seen no FIN

    // A prankster grabs the moment: without a token, and with another booth's token.
    EXPECT_EQ(outcome("/ws/booth?channel=en", {}, std::string()), cc::unauthorized);
    EXPECT_EQ(outcome("/ws/booth?channel=en&token=" + booth_token()), cc::channel_taken);

    // The real booth reconnects (a new network path) and is on air at once.
    const auto reconnect = steady_clock::now();
    auto second = connect("/ws/booth?channel=en&token=" + t);
    ASSERT_TRUE(second->wait_for(welcomed)) << second->close_reason();
    EXPECT_LT(steady_clock::now() - reconnect, 1s);
    second->stream(make_frames(codec::tone(440, 0.5), 32'000, 25), 20ms).wait();
    ASSERT_TRUE(listener->wait_for([](auto& m) { return count_frames(m, english) >= 50; }));

    // The listener heard both halves, and the channel never went off air.
    const auto heard = decode_heard(listener->messages(), english);
    EXPECT_EQ(heard.frames, 50u);
    EXPECT_EQ(heard.missing, 0u);
    EXPECT_FALSE(heard_off_air(*listener, "en"));
}

TEST_F(booth_reconnect_test, a_half_open_booth_that_does_not_come_back_goes_off_air_after_the_link_timeout) {
    start_event();
    auto listener = listen("en");
    tcp_proxy proxy(endpoint_);
    auto booth = on_air_booth(booth_token(), *listener, &proxy);
    proxy.black_hole();
    const auto lost = steady_clock::now();
    ASSERT_TRUE(listener->wait_for(
        [](auto& m) {
            for (const auto& t : test_client::of_type(m, "on_air"))
                if (t.find("\"on_air\":false") != std::string::npos)
                    return true;
            return false;
        },
        15s));
    const auto after = steady_clock::now() - lost;
    EXPECT_GE(after, 2500ms) << "off air before the link timeout (3 s)";
    EXPECT_LT(after, 10s);  // the link timeout is 3 s; generous for a busy machine
    EXPECT_NE(metrics().find("tolk_booth_links_lost_total 1\n"), std::string::npos);
    // Now anyone with a valid token may take the channel.
    EXPECT_EQ(outcome("/ws/booth?channel=en&token=" + booth_token()), std::nullopt);
}

TEST_F(booth_reconnect_test, a_booth_that_sends_no_hello_with_a_token_is_closed_after_the_hello_timeout) {
    start_event();
    auto b = connect("/ws/booth?channel=en");  // no token, and then nothing at all
    EXPECT_EQ(b->wait_closed(15s), cc::unauthorized);
    EXPECT_NE(b->close_reason().find("no hello"), std::string::npos) << b->close_reason();
    EXPECT_NE(metrics().find("tolk_booth_hello_timeouts_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace tolk::test
