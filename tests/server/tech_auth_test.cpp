// Signed roles over HTTP: the technician's endpoints (open to this machine, otherwise a
// technician token as bearer or login cookie), password login, the roles kept apart (a booth
// token is no technician's, a technician's login is no booth token), and a private event's
// listeners (passcode or listener token). 127.0.0.2 stands in for another machine.

#include "http_probe.hpp"
#include "server_fixture.hpp"

#include "server/auth/key_store.hpp"
#include "server/auth/password.hpp"
#include "server/auth/tokens.hpp"
#include "server/tls.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <filesystem>
#include <fstream>

namespace tolk::test {
namespace {

namespace fs = std::filesystem;
namespace cc = protocol::close_code;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* event_name = "tech auth test";
constexpr const char* elsewhere = "127.0.0.2";
constexpr const char* passcode = "river 42+x";
constexpr const char* password = "correct horse";

class tech_auth_test : public server_fixture {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/tolk-tech-auth-XXXXXX";
        dir_ = ::mkdtemp(pattern);
    }
    void TearDown() override {
        server_fixture::TearDown();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    void start_event(bool private_event, bool tls = false) {
        std::ofstream(dir_ / "event.toml")
            << "[event]\nname = \"" << event_name
            << "\"\n[[channels]]\nid = \"en\"\nlanguage = \"en\"\nlabel = \"English\"\n"
               "[[channels]]\nid = \"fr\"\nlanguage = \"fr\"\nlabel = \"Français\"\n"
               "[auth]\nstate_dir = \"state\"\n"
            << (private_event ? "listener_passcode = \"" + auth::hash_password(passcode) + "\"\n" : std::string())
            << "[[auth.technicians]]\nname = \"alice\"\npassword = \"" << auth::hash_password(password) << "\"\n";
        auto c = server::load_config(dir_ / "event.toml");
        c.listen_address = "127.0.0.1";
        c.listen_port = 0;
        c.io_threads = 2;
        if (tls) {
            server::make_self_signed(dir_ / "cert.pem", dir_ / "key.pem", {"127.0.0.1"});
            c.tls_cert = (dir_ / "cert.pem").string();
            c.tls_key = (dir_ / "key.pem").string();
        }
        start(c);
        key_ = std::make_unique<auth::signing_key>(auth::signing_key::load_or_create(dir_ / "state"));
    }
    std::string token(auth::role who, std::vector<std::string> channels) {
        auth::token_request r{event_name, "someone", who, std::move(channels), 1h};
        return auth::issue(*key_, r, auth::clock::now()).token;
    }
    http_reply get(const std::string& target, header_list headers = {}, const std::string& from = elsewhere) {
        return http_request(endpoint_, {"GET", target, std::move(headers), {}, from});
    }
    http_reply login(const std::string& body, const std::string& type = "application/json") {
        return http_request(endpoint_, {"POST", "/api/login", {{"Content-Type", type}}, body, elsewhere});
    }
    ws_outcome ws(const std::string& target, header_list headers = {}, const std::string& from = elsewhere,
                  const std::string& first = {}) {
        return ws_try(endpoint_, target, headers, from, first);
    }
    static std::string error_of(const http_reply& r) {
        const auto j = json::parse(r.body, nullptr, false);
        return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "(no error in " + r.body + ")";
    }
    std::string metrics() { return get("/metrics", {}, "127.0.0.1").body; }

    fs::path dir_;
    std::unique_ptr<auth::signing_key> key_;
};

TEST_F(tech_auth_test, technician_endpoints_need_a_token_from_another_machine_and_take_bearer_or_cookie) {
    start_event(false);
    for (const char* path : {"/api/tech", "/status", "/join", "/metrics"}) {
        const auto r = get(path);
        EXPECT_EQ(r.status, 401) << path;
        EXPECT_EQ(error_of(r), "no_token") << path;
        EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"tolk\"") << path;
        EXPECT_EQ(get(path, {}, "127.0.0.1").status, 200) << path << " from this machine";
    }
    const auto feed = ws("/ws/tech");
    EXPECT_FALSE(feed.admitted);
    EXPECT_EQ(feed.close_code, cc::unauthorized);
    EXPECT_NE(feed.close_reason.find("no_token"), std::string::npos) << feed.close_reason;
    // What stays open to everyone.
    EXPECT_EQ(get("/healthz").status, 200);
    EXPECT_EQ(get("/api/channels").status, 200);
    EXPECT_TRUE(ws("/ws/listen").admitted);

    const std::string technician = token(auth::role::technician, {"*"});
    for (const header_list& h : {header_list{{"Authorization", "Bearer " + technician}},
                                 header_list{{"Cookie", "theme=dark; tolk_tech=" + technician}}}) {
        for (const char* path : {"/api/tech", "/status", "/join", "/metrics"})
            EXPECT_EQ(get(path, h).status, 200) << path << " with " << h.front().first;
        const auto with_token = ws("/ws/tech", h);
        EXPECT_TRUE(with_token.admitted) << with_token.close_reason;
        EXPECT_TRUE(json::parse(with_token.first_text).contains("channels"));
    }
    const auto tampered = get("/api/tech", {{"Authorization", "Bearer " + technician.substr(0, technician.size() - 30)}});
    EXPECT_EQ(tampered.status, 401);
    EXPECT_EQ(tampered.header("www-authenticate"), "Bearer realm=\"tolk\", error=\"invalid_token\"");
    const auto m = metrics();
    EXPECT_NE(m.find("tolk_access_refused_total{role=\"technician\",reason=\"no_token\"} 4"), std::string::npos) << m;
    EXPECT_NE(m.find("tolk_access_refused_total{role=\"metrics\",reason=\"no_token\"} 1"), std::string::npos) << m;
}

TEST_F(tech_auth_test, this_machine_means_loopback_not_a_proxy_on_it_nor_another_sites_page) {
    start_event(false);
    EXPECT_EQ(get("/api/tech", {}, "127.0.0.1").status, 200);
    EXPECT_EQ(get("/api/tech", {{"X-Forwarded-For", "192.0.2.7"}}, "127.0.0.1").status, 401);
    EXPECT_EQ(get("/api/tech", {{"Forwarded", "for=192.0.2.7"}}, "127.0.0.1").status, 401);
    EXPECT_EQ(get("/api/tech", {{"Origin", "http://evil.example"}}, "127.0.0.1").status, 401);
    const std::string self = "http://127.0.0.1:" + std::to_string(endpoint_.port());
    EXPECT_EQ(get("/api/tech", {{"Origin", self}}, "127.0.0.1").status, 200);
    const auto other_site = ws("/ws/tech", {{"Origin", "http://evil.example"}}, "127.0.0.1");
    EXPECT_FALSE(other_site.admitted);
    EXPECT_EQ(other_site.http_status, 403) << "refused before the upgrade (origin_test.cpp)";
    EXPECT_TRUE(ws("/ws/tech", {{"Origin", self}}, "127.0.0.1").admitted);
    // A technician's answer is not shared with other sites.
    EXPECT_EQ(get("/api/tech", {}, "127.0.0.1").header("access-control-allow-origin"), "");
    EXPECT_EQ(get("/api/channels").header("access-control-allow-origin"), "*");
}

TEST_F(tech_auth_test, password_login_right_and_wrong) {
    start_event(false);
    const auto wrong = login(R"({"name":"alice","password":"battery staple"})");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(error_of(wrong), "wrong_password");
    EXPECT_EQ(wrong.header("set-cookie"), "");
    const auto unknown = login(R"({"name":"mallory","password":"correct horse"})");
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(error_of(unknown), "wrong_password");
    EXPECT_EQ(login(R"({"name":"alice"})").status, 400);

    const auto right = login(R"({"name":"alice","password":"correct horse"})");
    ASSERT_EQ(right.status, 200) << right.body;
    const auto body = json::parse(right.body);
    EXPECT_EQ(body["name"], "alice");
    const std::string cookie = right.header("set-cookie");
    EXPECT_EQ(cookie, "tolk_tech=" + body["token"].get<std::string>() +
                          "; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict");  // no Secure over plain HTTP
    // The cookie for a browser, the same token as a bearer for scripts and Prometheus.
    const std::string jar = cookie.substr(0, cookie.find(';'));
    EXPECT_EQ(get("/api/tech", {{"Cookie", jar}}).status, 200);
    EXPECT_TRUE(ws("/ws/tech", {{"Cookie", jar}}).admitted);
    EXPECT_EQ(get("/metrics", {{"Authorization", "Bearer " + body["token"].get<std::string>()}}).status, 200);
    // An HTML form works as well.
    EXPECT_EQ(login("name=alice&password=correct+horse", "application/x-www-form-urlencoded").status, 200);

    const auto out = http_request(endpoint_, {"POST", "/api/logout", {{"Cookie", jar}}, {}, elsewhere});
    EXPECT_EQ(out.status, 200);
    EXPECT_EQ(out.header("set-cookie"), "tolk_tech=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    const auto m = metrics();
    EXPECT_NE(m.find("tolk_access_refused_total{role=\"technician\",reason=\"wrong_password\"} 2"), std::string::npos) << m;
}

TEST_F(tech_auth_test, a_flood_of_wrong_passwords_is_bounded_and_costs_the_others_nothing) {
    start_event(false);
    // 64 guesses at once: Argon2id runs off the I/O threads, at most 16 wait, the rest are told
    // "busy" at once; meanwhile the server answers everyone else.
    constexpr int guesses = 64;
    std::atomic<int> answered{0}, refused{0}, busy{0};
    std::vector<std::thread> attackers;
    for (int i = 0; i < guesses; ++i)
        attackers.emplace_back([&, i] {
            const auto r = http_request(endpoint_, {"POST", "/api/login", {{"Content-Type", "application/json"}},
                                                    R"({"name":"alice","password":"guess )" + std::to_string(i) + "\"}",
                                                    elsewhere},
                                        std::chrono::seconds(60));
            (r.status == 401 ? refused : r.status == 503 ? busy : answered) += 1;
        });
    const auto health = get("/healthz");
    const int done_by_then = refused + busy + answered;
    auto listener = connect("/ws/listen");
    EXPECT_TRUE(listener->wait_for([](auto& m) { return !test_client::of_type(m, "welcome").empty(); }));
    for (auto& t : attackers)
        t.join();
    EXPECT_EQ(health.status, 200);
    EXPECT_LT(done_by_then, guesses) << "the health check was answered while guesses were still being checked";
    EXPECT_EQ(answered, 0);
    EXPECT_EQ(refused + busy, guesses);
    EXPECT_GT(busy, 0) << "more than 16 at once are turned away";
    EXPECT_GE(refused, 16);
    listener->close();
    listener->wait_closed();
}

TEST_F(tech_auth_test, the_login_cookie_is_secure_over_https) {
    start_event(false, true);
    http_call call{"POST", "/api/login", {{"Content-Type", "application/json"}},
                   R"({"name":"alice","password":"correct horse"})", elsewhere, (dir_ / "cert.pem").string()};
    const auto https = http_request(endpoint_, call);
    ASSERT_EQ(https.status, 200) << https.body;
    EXPECT_TRUE(https.header("set-cookie").ends_with("; HttpOnly; SameSite=Strict; Secure")) << https.header("set-cookie");
    call.tls_ca.clear();  // the same port over plain HTTP: no Secure (the browser would drop the cookie)
    EXPECT_TRUE(http_request(endpoint_, call).header("set-cookie").ends_with("; HttpOnly; SameSite=Strict"));
}

TEST_F(tech_auth_test, a_booth_token_is_no_technicians_and_a_technicians_login_is_no_booth_token) {
    start_event(false);
    const std::string booth = token(auth::role::booth, {"en"});
    const auto as_technician = get("/api/tech", {{"Authorization", "Bearer " + booth}});
    EXPECT_EQ(as_technician.status, 403);
    EXPECT_EQ(error_of(as_technician), "wrong_role");
    EXPECT_EQ(get("/metrics", {{"Cookie", "tolk_tech=" + booth}}).status, 403);
    const auto feed = ws("/ws/tech", {{"Authorization", "Bearer " + booth}});
    EXPECT_EQ(feed.close_code, cc::forbidden);
    EXPECT_NE(feed.close_reason.find("wrong_role"), std::string::npos) << feed.close_reason;

    // A browser that logged in as technician does not publish by opening /ws/booth: the cookie
    // is not read as a booth token, and the technician's token itself is the wrong role.
    const auto logged_in = json::parse(login(R"({"name":"alice","password":"correct horse"})").body);
    const std::string technician = logged_in["token"];
    const std::string hello = protocol::serialize(protocol::hello{"browser", protocol::protocol_version, ""});
    for (const char* from : {elsewhere, "127.0.0.1"}) {
        const auto with_cookie = ws("/ws/booth?channel=en", {{"Cookie", "tolk_tech=" + technician}}, from, hello);
        EXPECT_FALSE(with_cookie.admitted) << from;
        EXPECT_EQ(with_cookie.close_code, cc::unauthorized) << from;
        EXPECT_NE(with_cookie.close_reason.find("no_token"), std::string::npos) << with_cookie.close_reason;
    }
    const auto as_booth = ws("/ws/booth?channel=en", {{"Authorization", "Bearer " + technician}});
    EXPECT_EQ(as_booth.close_code, cc::forbidden);
    EXPECT_NE(as_booth.close_reason.find("wrong_role"), std::string::npos) << as_booth.close_reason;
    EXPECT_EQ(ws("/ws/booth?channel=en&token=" + technician).close_code, cc::forbidden);
    // The booth's own token still puts it on air.
    EXPECT_TRUE(ws("/ws/booth?channel=en&token=" + booth).admitted);
}

TEST_F(tech_auth_test, a_private_events_listener_needs_the_passcode_or_a_listener_token) {
    start_event(true);
    const auto none = ws("/ws/listen?channels=en");
    EXPECT_EQ(none.close_code, cc::unauthorized);
    EXPECT_NE(none.close_reason.find("passcode_required"), std::string::npos) << none.close_reason;
    EXPECT_EQ(ws("/ws/listen", {}, "127.0.0.1").close_code, cc::unauthorized) << "loopback is no key";
    const auto wrong = ws("/ws/listen?passcode=river%2042");
    EXPECT_EQ(wrong.close_code, cc::unauthorized);
    EXPECT_NE(wrong.close_reason.find("wrong_passcode"), std::string::npos) << wrong.close_reason;
    // The right passcode (percent-encoded as the app sends it), twice: the second is remembered.
    for (int i = 0; i < 2; ++i) {
        const auto right = ws("/ws/listen?channels=en&passcode=river%2042%2Bx");
        EXPECT_TRUE(right.admitted) << right.close_reason;
        EXPECT_NE(right.first_text.find("welcome"), std::string::npos);
    }
    EXPECT_TRUE(ws("/ws/listen?token=" + token(auth::role::listener, {"*"})).admitted);
    EXPECT_TRUE(ws("/ws/listen", {{"Authorization", "Bearer " + token(auth::role::listener, {"*"})}}).admitted);
    EXPECT_TRUE(ws("/ws/listen", {{"Cookie", "tolk_tech=" + token(auth::role::technician, {"*"})}}).admitted);
    EXPECT_TRUE(ws("/ws/listen?token=" + token(auth::role::booth, {"en"})).admitted) << "a booth's console hears the floor";
    // A wrong token is not rescued by a right passcode beside it: the token is what was meant.
    EXPECT_EQ(ws("/ws/listen?passcode=river%2042%2Bx&token=nonsense").close_code, cc::unauthorized);

    // The channel list tells an anonymous visitor the event's name and that it is private, only.
    const auto anonymous = json::parse(get("/api/channels").body);
    EXPECT_EQ(anonymous["event"], event_name);
    EXPECT_EQ(anonymous["private"], true);
    EXPECT_TRUE(anonymous["channels"].empty());
    const auto listener = json::parse(get("/api/channels?token=" + token(auth::role::listener, {"*"})).body);
    EXPECT_EQ(listener["channels"].size(), 2u);
    EXPECT_EQ(json::parse(get("/api/channels", {}, "127.0.0.1").body)["channels"].size(), 2u);
    const auto m = metrics();
    EXPECT_NE(m.find("tolk_access_refused_total{role=\"listener\",reason=\"wrong_passcode\"} 1"), std::string::npos) << m;
    EXPECT_NE(m.find("tolk_access_refused_total{role=\"listener\",reason=\"passcode_required\"} 2"), std::string::npos) << m;
}

TEST_F(tech_auth_test, the_consoles_listen_in_gets_a_listener_token_on_a_private_event) {
    start_event(true);
    EXPECT_EQ(get("/api/tech/listener_token").status, 401);
    const auto answer = json::parse(get("/api/tech/listener_token", {}, "127.0.0.1").body);
    ASSERT_TRUE(answer["token"].is_string());
    EXPECT_TRUE(ws("/ws/listen?channels=en&token=" + answer["token"].get<std::string>()).admitted);
}

TEST_F(tech_auth_test, a_listener_token_for_one_channel_hears_that_channel_only) {
    start_event(true);
    auto c = connect("/ws/listen?token=" + token(auth::role::listener, {"fr"}));
    c->send_text(R"({"type":"subscribe","channels":["en","fr"]})");
    ASSERT_TRUE(c->wait_for([](auto& m) { return !test_client::of_type(m, "subscribed").empty(); }));
    const auto errors = c->texts_of("error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("forbidden"), std::string::npos) << errors[0];
    const auto subscribed = json::parse(c->texts_of("subscribed").back());
    ASSERT_EQ(subscribed["channels"].size(), 1u);
    EXPECT_EQ(subscribed["channels"][0]["id"], "fr");
    c->close();
    c->wait_closed();
}

// The interpreter's console hears the floor and the channels it relays from with the token it
// speaks with: a booth's token names its own channel, and opens every channel to listen.
TEST_F(tech_auth_test, a_booth_token_hears_every_channel_of_a_private_event) {
    start_event(true);
    auto c = connect("/ws/listen?token=" + token(auth::role::booth, {"en"}));
    c->send_text(R"({"type":"subscribe","channels":["en","fr"]})");
    ASSERT_TRUE(c->wait_for([](auto& m) { return !test_client::of_type(m, "subscribed").empty(); }));
    EXPECT_TRUE(c->texts_of("error").empty()) << c->texts_of("error").front();
    const auto subscribed = json::parse(c->texts_of("subscribed").back());
    EXPECT_EQ(subscribed["channels"].size(), 2u) << subscribed.dump();
    c->close();
    c->wait_closed();
}

TEST_F(tech_auth_test, the_join_sheet_of_a_private_event_carries_a_listener_token_that_opens_it) {
    start_event(true);
    EXPECT_EQ(get("/join").status, 401);
    const auto sheet = get("/join", {}, "127.0.0.1");
    ASSERT_EQ(sheet.status, 200);
    EXPECT_NE(sheet.body.find("tolk-server token revoke"), std::string::npos);
    // The French code's link (data-url holds what the QR code encodes) opens the event.
    const auto at = sheet.body.find("/?channel=fr&amp;token=");
    ASSERT_NE(at, std::string::npos);
    const auto start = at + std::string("/?channel=fr&amp;token=").size();
    const std::string minted = sheet.body.substr(start, sheet.body.find('"', start) - start);
    EXPECT_TRUE(ws("/ws/listen?channels=fr&token=" + minted).admitted);
    EXPECT_EQ(ws("/ws/listen?channels=fr&token=" + minted.substr(0, minted.size() - 4)).close_code, cc::unauthorized);
    const std::string given = token(auth::role::listener, {"*"});
    const auto with_given = get("/join?token=" + given, {}, "127.0.0.1");
    EXPECT_EQ(with_given.status, 200);
    EXPECT_EQ(get("/join?token=" + token(auth::role::booth, {"en"}), {}, "127.0.0.1").status, 400);
}

}  // namespace
}  // namespace tolk::test
