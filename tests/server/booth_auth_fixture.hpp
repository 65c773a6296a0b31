#pragma once
// A server running an event file with an [auth] table (state in a temporary folder), and the
// event's signing key to issue tokens with, for tests of signed roles on /ws/booth.

#include "server_fixture.hpp"

#include "server/auth/key_store.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/tokens.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tolk::test {

namespace fs = std::filesystem;
namespace cc = protocol::close_code;
using namespace std::chrono_literals;

inline constexpr const char* event_name = "auth wiring test";

class booth_auth_test : public server_fixture {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/tolk-booth-auth-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        std::ofstream(dir_ / "event.toml") << "[event]\nname = \"" << event_name
                                          << "\"\n[[channels]]\nid = \"en\"\nlanguage = \"en\"\nlabel = \"English\"\n"
                                             "[[channels]]\nid = \"fr\"\nlanguage = \"fr\"\nlabel = \"Français\"\n"
                                             "[auth]\nstate_dir = \"state\"\n";
    }
    void TearDown() override {
        server_fixture::TearDown();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    void start_event() {
        auto c = server::load_config(dir_ / "event.toml");
        c.listen_address = "127.0.0.1";
        c.listen_port = 0;
        c.io_threads = 2;
        start(c);
        key_ = std::make_unique<auth::signing_key>(auth::signing_key::load_or_create(dir_ / "state"));
    }
    auth::issued_token token(auth::role who, std::vector<std::string> channels, std::string event = event_name,
                             auth::clock::time_point at = auth::clock::now(), std::chrono::seconds ttl = 1h) {
        auth::token_request r;
        r.event = std::move(event);
        r.subject = "EN booth A";
        r.who = who;
        r.channels = std::move(channels);
        r.ttl = ttl;
        return auth::issue(*key_, r, at);
    }
    std::string booth_token(const std::string& channel = "en") { return token(auth::role::booth, {channel}).token; }

    // Connects a booth and returns its close code (nullopt: it went on air).
    std::optional<std::uint16_t> outcome(const std::string& target, test_client::options o = {},
                                         std::optional<std::string> hello_token = {}) {
        auto b = connect(target, o);
        if (hello_token)
            b->send_text(protocol::serialize(protocol::hello{"test booth", protocol::protocol_version, *hello_token}));
        const bool settled = b->wait_for([](auto& m) {
            return !test_client::of_type(m, "welcome").empty() || !test_client::of_type(m, "error").empty();
        });
        EXPECT_TRUE(settled) << target;
        if (!b->texts_of("welcome").empty()) {
            b->close();
            b->wait_closed();
            return std::nullopt;
        }
        last_reason_ = (b->wait_closed(), b->close_reason());
        return b->wait_closed();
    }
    std::string metrics() { return http_get("/metrics").second; }

    fs::path dir_;
    std::unique_ptr<auth::signing_key> key_;
    std::string last_reason_;
};

}  // namespace tolk::test
