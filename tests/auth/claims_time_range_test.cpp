// Claims whose times the system clock cannot hold are malformed (found by tests/fuzz token:
// "nbf":"4052-11-18T08:00:00Z" overflowed the nanosecond comparison with now in verify()).
// The crashing input is kept in tests/fuzz/corpus/token/.
#include "server/auth/claims.hpp"
#include "server/auth/key_store.hpp"
#include "server/auth/tokens.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tolk::auth {
namespace {

std::string claims_with_nbf(const std::string& nbf) {
    return R"({"iss":"committee day","sub":"FR booth A","role":"listener","channels":["*"],)"
           R"("iat":"2026-11-18T08:00:00Z","nbf":")" + nbf +
           R"(","exp":"2026-11-18T20:00:00Z","jti":"0123456789abcdef0123456789abcdef"})";
}

TEST(ClaimsTimeRange, TimesBeyondTheClockAreMalformed) {
    EXPECT_TRUE(claims_from_json(claims_with_nbf("2261-12-31T23:59:59Z")));
    EXPECT_FALSE(claims_from_json(claims_with_nbf("2262-04-12T00:00:00Z")));
    EXPECT_FALSE(claims_from_json(claims_with_nbf("4052-11-18T08:00:00Z")));
    EXPECT_FALSE(claims_from_json(claims_with_nbf("9999-12-31T23:59:59Z")));
    EXPECT_FALSE(claims_from_json(claims_with_nbf("1677-01-01T00:00:00Z")));
}

TEST(ClaimsTimeRange, ASignedTokenFromYear4052IsRefusedAsMalformed) {
    const auto key = signing_key::generate();
    const key_ring ring(key);
    const auto token = key.sign(claims_with_nbf("4052-11-18T08:00:00Z"), R"({"kid":")" + key.key_id() + R"("})");
    const auto v = verify(token, ring, nullptr, {"committee day", role::listener, "fr"}, clock::now());
    EXPECT_EQ(v.error, refusal::malformed);
}

}  // namespace
}  // namespace tolk::auth
