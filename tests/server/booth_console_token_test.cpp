// Booth consoles on a real event (booth tokens, issue 12): two interpreters, each with their own
// booth token for the channel, form one booth by its name; another booth is still refused
// (interlock); an A/B output switch is checked against the console's token.

#include "booth_auth_fixture.hpp"

#include <nlohmann/json.hpp>

namespace tolk::test {
namespace {

using json = nlohmann::json;

json latest_state(const std::vector<received>& messages) {
    json last;
    for (const auto& t : test_client::of_type(messages, "booth_state"))
        last = json::parse(t);
    return last;
}

class booth_console_token_test : public booth_auth_test {
protected:
    std::shared_ptr<test_client> console(const std::string& token, const std::string& booth) {
        auto c = connect("/ws/booth?channel=en&booth=" + booth + "&token=" + token);
        EXPECT_TRUE(c->wait_for([](auto& m) { return !latest_state(m).is_null(); })) << c->close_reason();
        return c;
    }
};

TEST_F(booth_console_token_test, two_tokens_of_one_booth_share_the_channel_and_a_token_bounds_the_outputs) {
    std::ofstream(dir_ / "event.toml", std::ios::app) << "[booths]\noutputs = { EN = [\"en\", \"fr\"] }\n";
    start_event();
    auto anna = console(booth_token("en"), "EN");   // its own token (its own jti)
    auto bruno = console(booth_token("en"), "EN");  // another token, same booth
    EXPECT_TRUE(anna->wait_for([](auto& m) {
        const auto s = latest_state(m);
        return s["live"] == true && s["partners"] == 1;
    }));
    EXPECT_EQ(latest_state(bruno->messages())["live"], false);
    EXPECT_TRUE(bruno->texts_of("error").empty());

    // Another booth, with a valid token for the channel, is refused while EN holds it.
    EXPECT_EQ(outcome("/ws/booth?channel=en&booth=RELAY&token=" + booth_token("en")), cc::channel_taken);

    // Output B (fr) is the booth's, but anna's token covers en only: refused with the reason.
    anna->send_text(protocol::serialize(protocol::output_select{"fr"}));
    ASSERT_TRUE(anna->wait_for([](auto& m) { return !test_client::of_type(m, "error").empty(); }));
    EXPECT_NE(anna->texts_of("error").front().find("output fr"), std::string::npos) << anna->texts_of("error").front();
    EXPECT_EQ(latest_state(anna->messages())["channel"], "en");
}

}  // namespace
}  // namespace tolk::test
