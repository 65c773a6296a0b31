// Signed roles on /ws/booth: a booth goes on air only with a booth token for its channel of
// this event (or, on the demo event, without one from this machine); every other case is
// refused with its own close code and reason, and counted on /metrics.

#include "booth_auth_fixture.hpp"

namespace tolk::test {
namespace {

TEST_F(booth_auth_test, a_booth_token_puts_the_booth_on_air_from_query_header_or_hello) {
    start_event();
    // One booth, three ways of presenting its token. Each connection closes before the next
    // opens, but the server may not have seen the close yet: the same token then replaces it.
    const std::string t = booth_token();
    EXPECT_EQ(outcome("/ws/booth?channel=en&token=" + t), std::nullopt);
    test_client::options bearer;
    bearer.bearer = t;
    EXPECT_EQ(outcome("/ws/booth?channel=en", bearer), std::nullopt);
    EXPECT_EQ(outcome("/ws/booth?channel=en", {}, t), std::nullopt);
}

TEST_F(booth_auth_test, each_bad_token_is_refused_with_its_own_code_and_reason) {
    start_event();
    const std::string good = booth_token();
    std::string tampered = good;
    // A character of the signed payload, swapped for another base64url character (so that the
    // token still decodes and only its signature is wrong).
    char& c = tampered[tampered.find('.', 10) - 5];
    c = c == 'A' ? 'B' : 'A';
    std::string wrong_header = good;
    wrong_header.replace(0, 3, "v3.");
    auto revoked = token(auth::role::booth, {"en"});
    auth::revocation_list(dir_ / "state" / auth::revocation_file).revoke(revoked.claims.token_id, "test");

    struct refused_case {
        std::string name, token;
        std::uint16_t code;
        std::string reason;
    };
    const std::vector<refused_case> cases = {
        {"no token (hello without one)", "", cc::unauthorized, "no_token"},
        {"tampered", tampered, cc::unauthorized, "bad_signature"},
        {"truncated", good.substr(0, good.size() - 20), cc::unauthorized, "malformed"},
        {"wrong header", wrong_header, cc::unauthorized, "wrong_header"},
        {"expired", token(auth::role::booth, {"en"}, event_name, auth::clock::now() - 2h).token, cc::token_expired, "expired"},
        {"not yet valid", token(auth::role::booth, {"en"}, event_name, auth::clock::now() + 2h).token, cc::unauthorized, "not_yet_valid"},
        {"wrong event", token(auth::role::booth, {"en"}, "another event").token, cc::forbidden, "wrong_event"},
        {"wrong channel", booth_token("fr"), cc::forbidden, "wrong_channel"},
        {"wrong role", token(auth::role::technician, {"*"}).token, cc::forbidden, "wrong_role"},
        {"revoked", revoked.token, cc::unauthorized, "revoked"},
    };
    for (const auto& c : cases) {
        // No token goes through the hello (the server waits for it); the rest through ?token=.
        const auto code = c.token.empty() ? outcome("/ws/booth?channel=en", {}, std::string())
                                          : outcome("/ws/booth?channel=en&token=" + c.token);
        EXPECT_EQ(code, c.code) << c.name << ": " << last_reason_;
        EXPECT_NE(last_reason_.find(c.reason), std::string::npos) << c.name << ": " << last_reason_;
    }
    const auto m = metrics();
    for (const auto& c : cases)
        EXPECT_NE(m.find("tolk_access_refused_total{role=\"booth\",reason=\"" + c.reason + "\"} 1"), std::string::npos)
            << c.reason << "\n" << m;
    // Audio first, without a hello: refused for want of a token, too.
    auto b = connect("/ws/booth?channel=en");
    b->send_binary(std::vector<std::uint8_t>(40, 0));
    EXPECT_EQ(b->wait_closed(), cc::unauthorized);
    // Refusals cost nothing: the real booth still goes on air.
    EXPECT_EQ(outcome("/ws/booth?channel=en&token=" + good), std::nullopt);
}

TEST_F(booth_auth_test, the_demo_event_takes_booths_without_a_token_from_loopback_only) {
    start();
    EXPECT_EQ(outcome("/ws/booth?channel=en"), std::nullopt);
    test_client::options elsewhere;
    elsewhere.local_address = "127.0.0.2";  // policy: only 127.0.0.1 and ::1 are this machine
    EXPECT_EQ(outcome("/ws/booth?channel=en", elsewhere, std::string()), cc::unauthorized);
    EXPECT_NE(last_reason_.find("no_token"), std::string::npos) << last_reason_;
}

}  // namespace
}  // namespace tolk::test
