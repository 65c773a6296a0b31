// The event file's [auth] table and the default state directory.
#include "server/auth/password.hpp"
#include "server/auth/settings.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace tolk::auth {
namespace {

const std::string hash =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$qlSWcZjAsqjNUtMpaZbHUkA9r1TJFhm5c8H4yq1KBzE";

std::string message_of(const std::string& text) {
    try {
        parse_settings(text, "/etc/tolk/event.toml");
    } catch (const settings_error& e) {
        return e.what();
    }
    return "accepted";
}

TEST(Settings, NoAuthTableGivesDefaults) {
    const auto s = parse_settings("[event]\nname = \"x\"\n", "/etc/tolk/event.toml");
    EXPECT_EQ(s.state_dir, default_state_dir());
    EXPECT_FALSE(s.private_listeners());
    EXPECT_TRUE(s.technicians.empty());
}

TEST(Settings, EverySettingIsRead) {
    const auto s = parse_settings("[auth]\nstate_dir = \"state\"\nlistener_passcode = \"" + hash +
                                      "\"\ntrusted_keys = [\"k4.public.Hrnbu7wEfAP9cGBOAHHwmH4Wsot1ciXBHwBBXQ4gsaI\"]\n"
                                      "[[auth.technicians]]\nname = \"alice\"\npassword = \"" + hash + "\"\n",
                                  "/etc/tolk/event.toml");
    EXPECT_EQ(s.state_dir, "/etc/tolk/state");  // relative to the event file
    EXPECT_TRUE(s.private_listeners());
    EXPECT_EQ(s.listener_passcode_hash, hash);
    ASSERT_EQ(s.technicians.size(), 1u);
    EXPECT_EQ(s.technicians[0].name, "alice");
    EXPECT_EQ(s.trusted_keys.size(), 1u);
    EXPECT_EQ(parse_settings("[auth]\nstate_dir = \"/var/lib/tolk\"\n", "e.toml").state_dir, "/var/lib/tolk");
}

TEST(Settings, MistakesAreNamedWithTheirLine) {
    auto m = message_of("[auth]\nstate_dri = \"x\"\n");
    EXPECT_NE(m.find("unknown key \"state_dri\""), std::string::npos) << m;
    EXPECT_NE(m.find("2"), std::string::npos) << m;  // the line
    m = message_of("[auth]\nlistener_passcode = \"secret\"\n");
    EXPECT_NE(m.find("not an Argon2id hash"), std::string::npos) << m;
    EXPECT_NE(m.find("tolk-server password hash"), std::string::npos) << m;
    m = message_of("[auth]\ntrusted_keys = [\"k4.secret.AAAA\"]\n");
    EXPECT_NE(m.find("not a k4.public key"), std::string::npos) << m;
    m = message_of("[[auth.technicians]]\nname = \"bob\"\n");
    EXPECT_NE(m.find("needs a name and a password"), std::string::npos) << m;
    m = message_of("[auth]\nstate_dir = 5\n");
    EXPECT_NE(m, "accepted");
}

TEST(Settings, DefaultStateDirFollowsSystemd) {
    ::setenv("STATE_DIRECTORY", "/var/lib/tolk-x:/var/lib/other", 1);
    EXPECT_EQ(default_state_dir(), "/var/lib/tolk-x");
    ::unsetenv("STATE_DIRECTORY");
    EXPECT_FALSE(default_state_dir().empty());
    EXPECT_TRUE(default_state_dir().is_absolute());
}

}  // namespace
}  // namespace tolk::auth
