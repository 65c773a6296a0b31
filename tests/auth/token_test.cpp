// tolk's tokens: issue() then verify() under every refusal the issue lists, each with its own
// refusal value and code.
#include "server/auth/encoding.hpp"
#include "server/auth/paserk.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/tokens.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace tolk::auth {
namespace {

using namespace std::chrono_literals;

class Tokens : public ::testing::Test {
protected:
    signing_key key_ = signing_key::generate();
    key_ring ring_{key_};
    clock::time_point now_ = clock::now();

    std::string booth_token(std::vector<std::string> channels = {"fr"}, std::chrono::seconds ttl = 12h) {
        return issue(key_, {"committee day", "FR booth A", role::booth, std::move(channels), ttl}, now_).token;
    }
    verification as_booth(const std::string& token, std::string_view channel = "fr",
                          std::chrono::seconds later = 0s, const revocation_list* revoked = nullptr) {
        return verify(token, ring_, revoked, {"committee day", role::booth, channel}, now_ + later);
    }
};

TEST_F(Tokens, AnIssuedBoothTokenVerifiesWithItsClaims) {
    const auto issued = issue(key_, {"committee day", "FR booth A", role::booth, {"fr", "floor"}, 12h}, now_);
    EXPECT_TRUE(issued.token.starts_with("v4.public."));
    const auto v = as_booth(issued.token);
    ASSERT_TRUE(v) << code(v.error);
    EXPECT_EQ(v.claims.issuer, "committee day");
    EXPECT_EQ(v.claims.subject, "FR booth A");
    EXPECT_EQ(v.claims.who, role::booth);
    EXPECT_EQ(v.claims.channels, (std::vector<std::string>{"fr", "floor"}));
    EXPECT_EQ(v.claims.token_id, issued.claims.token_id);
    EXPECT_EQ(v.claims.expires - v.claims.issued_at, 12h);
    EXPECT_TRUE(as_booth(issued.token, "floor"));
}

TEST_F(Tokens, ClaimsAndFooterAreTheDocumentedJson) {
    const auto token = booth_token();
    const auto footer = base64url_decode(token.substr(token.rfind('.') + 1));
    ASSERT_TRUE(footer);
    EXPECT_EQ(nlohmann::json::parse(*footer), (nlohmann::json{{"kid", key_.key_id()}}));
    const auto opened = v4_public_verify(key_.public_key(), token);
    ASSERT_TRUE(opened);
    const auto claims = nlohmann::json::parse(opened.message);
    for (const char* field : {"iss", "sub", "role", "channels", "exp", "nbf", "iat", "jti"})
        EXPECT_TRUE(claims.contains(field)) << field;
    EXPECT_EQ(claims.at("role"), "booth");
    EXPECT_TRUE(parse_rfc3339(claims.at("exp").get<std::string>()));
    EXPECT_TRUE(claims.at("exp").get<std::string>().ends_with("Z"));
}

TEST_F(Tokens, EveryTokenHasItsOwnId) {
    std::set<std::string> ids;
    for (int i = 0; i < 100; ++i)
        ids.insert(issue(key_, {"e", "b", role::booth, {"fr"}, 1h}, now_).claims.token_id);
    EXPECT_EQ(ids.size(), 100u);
    for (const auto& id : ids)  // 32 hex digits: never read as an option by `token revoke`
        EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_EQ(ids.begin()->size(), 32u);
}

TEST_F(Tokens, NoToken) { EXPECT_EQ(as_booth("").error, refusal::no_token); }

TEST_F(Tokens, TamperedSignature) {
    std::string token = booth_token();
    const auto dot = token.rfind('.');
    token[dot - 5] = token[dot - 5] == 'A' ? 'B' : 'A';  // in the signature
    EXPECT_EQ(as_booth(token).error, refusal::bad_signature);
}

TEST_F(Tokens, TamperedClaims) {
    // Re-encode the message with another channel, keep the signature and footer.
    const std::string token = booth_token();
    const auto dot = token.rfind('.');
    auto payload = *base64url_decode(token.substr(v4_public_header.size(), dot - v4_public_header.size()));
    const auto at = payload.find("\"fr\"");
    ASSERT_NE(at, std::string::npos);
    payload.replace(at, 4, "\"en\"");
    const std::string forged = std::string(v4_public_header) + base64url_encode(payload) + token.substr(dot);
    EXPECT_EQ(as_booth(forged, "en").error, refusal::bad_signature);
}

TEST_F(Tokens, TruncatedAnywhere) {
    const std::string token = booth_token();
    for (std::size_t n = 1; n < token.size(); ++n) {
        const auto v = as_booth(token.substr(0, n));
        EXPECT_FALSE(v) << n;
        if (n > v4_public_header.size() + 1) {
            EXPECT_EQ(v.error, refusal::malformed) << "length " << n << ": " << code(v.error);
        }
    }
}

TEST_F(Tokens, WrongVersionOrPurposeHeader) {
    const std::string token = booth_token();
    const std::string body = token.substr(v4_public_header.size());
    for (const char* header : {"v4.local.", "v3.public.", "v2.public."})
        EXPECT_EQ(as_booth(header + body).error, refusal::wrong_header) << header;
    EXPECT_EQ(as_booth("not a token").error, refusal::malformed);
}

TEST_F(Tokens, Expired) {
    const auto token = booth_token({"fr"}, 1h);
    EXPECT_TRUE(as_booth(token, "fr", 59min));
    EXPECT_EQ(as_booth(token, "fr", 1h).error, refusal::expired);
    EXPECT_EQ(as_booth(token, "fr", 48h).error, refusal::expired);
}

TEST_F(Tokens, NotYetValid) {
    const auto token = booth_token();
    EXPECT_TRUE(as_booth(token, "fr", -20s));  // within the leeway for clocks
    EXPECT_EQ(as_booth(token, "fr", -5min).error, refusal::not_yet_valid);
}

TEST_F(Tokens, WrongEvent) {
    const auto token = booth_token();
    EXPECT_EQ(verify(token, ring_, nullptr, {"another event", role::booth, "fr"}, now_).error, refusal::wrong_event);
}

TEST_F(Tokens, WrongChannel) {
    EXPECT_EQ(as_booth(booth_token(), "en").error, refusal::wrong_channel);
}

TEST_F(Tokens, WrongRoleBothWays) {
    const auto technician = issue(key_, {"committee day", "alice", role::technician, {}, 1h}, now_).token;
    EXPECT_EQ(as_booth(technician).error, refusal::wrong_role);
    const auto v = verify(booth_token(), ring_, nullptr, {"committee day", role::technician, {}}, now_);
    EXPECT_EQ(v.error, refusal::wrong_role);
    EXPECT_EQ(v.claims.who, role::booth);  // the signature held: the claims name the token
}

TEST_F(Tokens, Revoked) {
    test::temp_dir dir;
    revocation_list revoked(dir.path() / "revoked-tokens");
    const auto issued = issue(key_, {"committee day", "FR booth A", role::booth, {"fr"}, 1h}, now_);
    EXPECT_TRUE(as_booth(issued.token, "fr", 0s, &revoked));
    revoked.revoke(issued.claims.token_id);
    EXPECT_EQ(as_booth(issued.token, "fr", 0s, &revoked).error, refusal::revoked);
    EXPECT_TRUE(as_booth(booth_token(), "fr", 0s, &revoked));  // others still pass
}

TEST_F(Tokens, UnknownKeyId) {
    const signing_key other = signing_key::generate();
    const auto token = issue(other, {"committee day", "FR booth A", role::booth, {"fr"}, 1h}, now_).token;
    EXPECT_EQ(as_booth(token).error, refusal::unknown_key);
    ring_.add(other.public_paserk());  // a trusted node's key: verify-only
    EXPECT_TRUE(as_booth(token));
}

TEST_F(Tokens, AnotherKeyUnderTheSameIdIsABadSignature) {
    const signing_key other = signing_key::generate();
    const auto claims = issue(key_, {"committee day", "FR booth A", role::booth, {"fr"}, 1h}, now_).claims;
    const auto forged = other.sign(to_json(claims), nlohmann::json{{"kid", key_.key_id()}}.dump());
    EXPECT_EQ(as_booth(forged).error, refusal::bad_signature);
}

TEST_F(Tokens, AFooterWithoutKeyIdIsMalformed) {
    const auto claims = issue(key_, {"committee day", "FR booth A", role::booth, {"fr"}, 1h}, now_).claims;
    EXPECT_EQ(as_booth(key_.sign(to_json(claims), "")).error, refusal::malformed);
    EXPECT_EQ(as_booth(key_.sign(to_json(claims), "{\"kid\":7}")).error, refusal::malformed);
}

TEST_F(Tokens, SignedButMeaninglessClaimsAreMalformed) {
    const std::string footer = nlohmann::json{{"kid", key_.key_id()}}.dump();
    EXPECT_EQ(as_booth(key_.sign("{\"iss\":\"committee day\"}", footer)).error, refusal::malformed);
    EXPECT_EQ(as_booth(key_.sign("not json", footer)).error, refusal::malformed);
}

TEST_F(Tokens, WildcardCoversEveryChannelButNeverForABooth) {
    const auto listener = issue(key_, {"committee day", "guest", role::listener, {}, 1h}, now_);
    EXPECT_EQ(listener.claims.channels, (std::vector<std::string>{"*"}));
    EXPECT_TRUE(verify(listener.token, ring_, nullptr, {"committee day", role::listener, "es"}, now_));
    EXPECT_THROW(issue(key_, {"committee day", "b", role::booth, {"*"}, 1h}, now_), std::invalid_argument);
    EXPECT_THROW(issue(key_, {"committee day", "b", role::booth, {}, 1h}, now_), std::invalid_argument);
    EXPECT_THROW(issue(key_, {"committee day", "", role::booth, {"fr"}, 1h}, now_), std::invalid_argument);
    EXPECT_THROW(issue(key_, {"committee day", "b", role::booth, {"fr"}, 0s}, now_), std::invalid_argument);
    claims forged = listener.claims;  // even a signed booth claim with "*" covers nothing
    forged.who = role::booth;
    EXPECT_FALSE(forged.allows_channel("fr"));
}

TEST(Refusals, EachHasItsOwnStableCode) {
    std::set<std::string_view> codes;
    for (refusal r : all_refusals) {
        EXPECT_TRUE(codes.insert(code(r)).second) << code(r);
        EXPECT_FALSE(describe(r).empty());
    }
    EXPECT_EQ(codes.size(), 11u);
    EXPECT_EQ(code(refusal::bad_signature), "bad_signature");
}

TEST(Rfc3339, FormatsAndParses) {
    using namespace std::chrono;
    const sys_seconds t = sys_days{2026y / November / 28} + 23h + 50min + 51s;
    EXPECT_EQ(format_rfc3339(t), "2026-11-28T23:50:51Z");
    EXPECT_EQ(parse_rfc3339("2026-11-28T23:50:51Z"), t);
    EXPECT_EQ(parse_rfc3339("2026-11-29T00:50:51+01:00"), t);
    EXPECT_EQ(parse_rfc3339("2026-11-28T22:20:51.123-01:30"), t);
    EXPECT_EQ(parse_rfc3339("2022-01-01T00:00:00+00:00"), sys_seconds{sys_days{2022y / January / 1}});
    for (const char* bad : {"", "2026-11-28", "2026-11-28T23:50:51", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                            "2026-11-28T24:00:00Z", "2026-11-28T23:50:51Zjunk", "2026-11-28T23:50:51.Z"})
        EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

}  // namespace
}  // namespace tolk::auth
