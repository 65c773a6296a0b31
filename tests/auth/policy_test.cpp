// The access policy: every role, with and without credentials, demo or not, loopback or not.
#include "server/auth/policy.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tolk::auth {
namespace {

using namespace std::chrono_literals;

verification outcome(refusal error, role who = role::booth) {
    verification v;
    v.error = error;
    v.claims.who = who;
    v.claims.subject = "FR booth A";
    return v;
}

const verification valid_booth = outcome(refusal::none, role::booth);
const verification valid_technician = outcome(refusal::none, role::technician);
const verification valid_listener = outcome(refusal::none, role::listener);

constexpr event_access demo{true, false};
constexpr event_access event{false, false};
constexpr event_access private_event{false, true};

credential bearer(const verification& v) { return {credential_kind::bearer_token, &v, false}; }
credential cookie(const verification& v) { return {credential_kind::cookie_token, &v, false}; }
credential passcode(bool ok) { return {credential_kind::passcode, nullptr, ok}; }
const credential nothing{};

struct row {
    const char* what;
    event_access event;
    access_role role;
    bool loopback;
    credential presented;
    bool allowed;
    std::optional<close_code> code;
    std::string_view reason_code;
};

TEST(Policy, DecidesEveryCaseWithItsCodeAndReason) {
    const verification expired = outcome(refusal::expired);
    const verification tampered = outcome(refusal::bad_signature);
    const verification other_channel = outcome(refusal::wrong_channel);
    const verification technician_as_booth = outcome(refusal::wrong_role, role::technician);
    const verification booth_as_technician = outcome(refusal::wrong_role, role::booth);
    const verification revoked = outcome(refusal::revoked);
    const verification other_event = outcome(refusal::wrong_event);
    const auto U = close_code::unauthorized, F = close_code::forbidden, X = close_code::token_expired;
    const row rows[] = {
        {"demo booth from loopback without token", demo, access_role::booth, true, nothing, true, {}, "demo_loopback"},
        {"demo booth from the LAN without token", demo, access_role::booth, false, nothing, false, U, "no_token"},
        {"event booth from loopback without token", event, access_role::booth, true, nothing, false, U, "no_token"},
        {"booth with its token", event, access_role::booth, false, bearer(valid_booth), true, {}, "token"},
        {"booth token as a cookie", event, access_role::booth, false, cookie(valid_booth), false, U,
         "cookie_not_booth_token"},
        {"booth with a passcode", event, access_role::booth, false, passcode(true), false, U,
         "passcode_not_booth_token"},
        {"booth, expired token", event, access_role::booth, false, bearer(expired), false, X, "expired"},
        {"booth, tampered token", demo, access_role::booth, true, bearer(tampered), false, U, "bad_signature"},
        {"booth, other channel", event, access_role::booth, false, bearer(other_channel), false, F, "wrong_channel"},
        {"booth, technician token", event, access_role::booth, false, bearer(technician_as_booth), false, F,
         "wrong_role"},
        {"booth, revoked token", event, access_role::booth, false, bearer(revoked), false, U, "revoked"},
        {"booth, other event", event, access_role::booth, false, bearer(other_event), false, F, "wrong_event"},
        {"technician without token from the LAN", demo, access_role::technician, false, nothing, false, U, "no_token"},
        {"technician without token, event, loopback", event, access_role::technician, true, nothing, true, {},
         "loopback"},
        {"technician without token, demo, loopback", demo, access_role::technician, true, nothing, true, {},
         "loopback"},
        {"technician, expired cookie, loopback", event, access_role::technician, true, cookie(expired), true, {},
         "loopback"},
        {"technician cookie", event, access_role::technician, false, cookie(valid_technician), true, {}, "token"},
        {"technician bearer", event, access_role::technician, false, bearer(valid_technician), true, {}, "token"},
        {"booth token as technician", event, access_role::technician, false, bearer(booth_as_technician), false, F,
         "wrong_role"},
        {"metrics from loopback", event, access_role::metrics, true, nothing, true, {}, "loopback"},
        {"metrics from the LAN", event, access_role::metrics, false, nothing, false, U, "no_token"},
        {"metrics with a bearer token", event, access_role::metrics, false, bearer(valid_technician), true, {},
         "token"},
        {"metrics with a booth token", event, access_role::metrics, false, bearer(booth_as_technician), false, F,
         "wrong_role"},
        {"listener, public event", event, access_role::listener, false, nothing, true, {}, "public_event"},
        {"listener, public event, junk token", event, access_role::listener, false, bearer(tampered), true, {},
         "public_event"},
        {"listener, private, nothing", private_event, access_role::listener, false, nothing, false, U,
         "passcode_required"},
        {"listener, private, right passcode", private_event, access_role::listener, false, passcode(true), true, {},
         "passcode"},
        {"listener, private, wrong passcode", private_event, access_role::listener, false, passcode(false), false, U,
         "wrong_passcode"},
        {"listener, private, token in the link", private_event, access_role::listener, false, bearer(valid_listener),
         true, {}, "token"},
        {"listener, private, expired token", private_event, access_role::listener, false, bearer(expired), false, X,
         "expired"},
        {"listener, private, loopback is no key", private_event, access_role::listener, true, nothing, false, U,
         "passcode_required"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.what);
        const decision d = decide(r.event, {r.role, r.loopback, r.presented});
        EXPECT_EQ(d.allowed, r.allowed);
        EXPECT_EQ(d.code, r.code);
        EXPECT_EQ(d.reason_code, r.reason_code);
        EXPECT_FALSE(d.reason.empty());
        EXPECT_LT(d.reason.size(), 123u);  // fits a WebSocket close frame
    }
}

TEST(Policy, TheReasonForAWrongRoleNamesBoth) {
    const verification booth_as_technician = outcome(refusal::wrong_role, role::booth);
    const auto d = decide(event, {access_role::technician, false, bearer(booth_as_technician)});
    EXPECT_EQ(d.reason, "a booth token does not open technician");
}

TEST(Policy, ATokenKindWithoutOutcomeIsRefused) {
    const auto d = decide(event, {access_role::booth, true, {credential_kind::bearer_token, nullptr, false}});
    EXPECT_FALSE(d);
    EXPECT_EQ(d.code, close_code::unauthorized);
}

TEST(Policy, TokenExpectations) {
    const auto booth = token_expectation(access_role::booth, "e", "fr");
    EXPECT_EQ(booth.event, "e");
    EXPECT_EQ(booth.channel, "fr");
    EXPECT_TRUE(booth.roles.contains(role::booth));
    EXPECT_FALSE(booth.roles.contains(role::technician));
    const auto listener = token_expectation(access_role::listener, "e", "fr");
    EXPECT_TRUE(listener.roles.contains(role::listener));
    EXPECT_TRUE(listener.roles.contains(role::technician));
    EXPECT_TRUE(listener.roles.contains(role::booth)) << "a booth's console hears the floor";
    for (auto r : {access_role::technician, access_role::metrics}) {
        const auto t = token_expectation(r, "e", "fr");
        EXPECT_TRUE(t.roles.contains(role::technician));
        EXPECT_FALSE(t.roles.contains(role::listener));
        EXPECT_TRUE(t.channel.empty());
    }
}

TEST(CloseCodes, NewNumbersNamesAndHttpStatuses) {
    std::set<std::uint16_t> numbers;
    std::set<std::string_view> names;
    for (auto c : {close_code::unauthorized, close_code::forbidden, close_code::token_expired, close_code::replaced}) {
        const auto n = static_cast<std::uint16_t>(c);
        EXPECT_GE(n, 4006);  // 4000-4005 are taken
        EXPECT_LT(n, 4100);
        numbers.insert(n);
        names.insert(name(c));
    }
    EXPECT_EQ(numbers.size(), 4u);
    EXPECT_EQ(names.size(), 4u);
    EXPECT_EQ(http_status(close_code::unauthorized), 401);
    EXPECT_EQ(http_status(close_code::forbidden), 403);
    EXPECT_EQ(http_status(close_code::token_expired), 401);
}

}  // namespace
}  // namespace tolk::auth
