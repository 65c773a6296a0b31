// Cross-site WebSocket hijacking (issue 11, test 1): a page from another site cannot make an
// attendee's browser open a connection to tolk. Upgrades carrying an Origin that is neither this
// site (the Host header) nor in allowed_origins get 403 before any upgrade; native clients (no
// Origin) are judged by their token as before. CORS only on the read-only public JSON.

#include "http_probe.hpp"
#include "server_fixture.hpp"

#include "server/origin_check.hpp"

#include <filesystem>
#include <fstream>

namespace tolk::test {
namespace {

constexpr const char* evil = "https://evil.example";
constexpr const char* console_site = "https://console.example.org";

// A WebSocket handshake request sent as plain HTTP, so that a refusal's status and body show.
http_reply upgrade(const boost::asio::ip::tcp::endpoint& server, const std::string& target, const std::string& origin) {
    header_list headers{{"Connection", "Upgrade"},
                        {"Upgrade", "websocket"},
                        {"Sec-WebSocket-Version", "13"},
                        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    if (!origin.empty())
        headers.emplace_back("Origin", origin);
    return http_request(server, {"GET", target, headers});
}

class origin_test : public server_fixture {
protected:
    void SetUp() override {
        auto c = test_config();
        c.allowed_origins = {console_site};
        start(c);
    }
    std::string same_site() const { return "http://127.0.0.1:" + std::to_string(endpoint_.port()); }
};

TEST_F(origin_test, another_sites_page_gets_403_on_every_websocket_path) {
    for (const char* path : {"/ws/listen?channels=en", "/ws/booth?channel=en", "/ws/tech"}) {
        const auto r = upgrade(endpoint_, path, evil);
        EXPECT_EQ(r.status, 403) << path;
        EXPECT_NE(r.body.find("origin refused"), std::string::npos) << path << ": " << r.body;
        EXPECT_NE(r.body.find(evil), std::string::npos) << "the reason names the refused origin: " << r.body;
    }
    // Look-alikes of this site are other sites too.
    EXPECT_EQ(upgrade(endpoint_, "/ws/listen", "http://127.0.0.1.evil.example").status, 403);
    EXPECT_EQ(upgrade(endpoint_, "/ws/listen", "http://127.0.0.1:1").status, 403);
    EXPECT_EQ(upgrade(endpoint_, "/ws/listen", "null").status, 403);
    EXPECT_EQ(metric_value(http_get("/metrics").second, "tolk_origin_refused_total"), 6);
}

TEST_F(origin_test, this_site_allowed_origins_and_native_clients_get_in) {
    EXPECT_TRUE(ws_try(endpoint_, "/ws/listen?channels=en", {{"Origin", same_site()}}).admitted);
    EXPECT_TRUE(ws_try(endpoint_, "/ws/listen?channels=en", {{"Origin", console_site}}).admitted);
    EXPECT_TRUE(ws_try(endpoint_, "/ws/listen?channels=en", {{"Origin", "HTTPS://Console.Example.org:443"}}).admitted)
        << "origins compare without case and default port";
    EXPECT_TRUE(ws_try(endpoint_, "/ws/listen?channels=en").admitted) << "no Origin: a native client";
    // A booth from this site's page is still judged by its token: the demo event lets loopback in.
    EXPECT_TRUE(ws_try(endpoint_, "/ws/booth?channel=en", {{"Origin", same_site()}}, {},
                       R"({"type":"hello","role":"booth","protocol":1,"client":"test"})")
                    .admitted);
    EXPECT_EQ(metric_value(http_get("/metrics").second, "tolk_origin_refused_total"), 0);
}

TEST_F(origin_test, cors_only_on_the_public_json) {
    const auto ok = [&](const std::string& target) { return http_request(endpoint_, {"GET", target}); };
    EXPECT_EQ(ok("/api/channels").header("access-control-allow-origin"), "*");
    EXPECT_EQ(ok("/healthz").header("access-control-allow-origin"), "*");
    for (const char* target : {"/", "/status", "/metrics", "/join", "/api/tech", "/nowhere"}) {
        const auto r = ok(target);
        EXPECT_NE(r.status, 0) << target;
        EXPECT_EQ(r.header("access-control-allow-origin"), "") << target;
    }
}

TEST(origin_config, allowed_origins_are_read_and_checked) {
    char pattern[] = "/tmp/tolk-origin-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(pattern);
    const auto write = [&](const std::string& origins) {
        std::ofstream(dir / "event.toml") << "[server]\nallowed_origins = [" << origins
                                          << "]\n[[channels]]\nid = \"en\"\n";
        return dir / "event.toml";
    };
    EXPECT_EQ(server::load_config(write(R"("https://a.example", "http://b.example:8080")")).allowed_origins,
              (std::vector<std::string>{"https://a.example", "http://b.example:8080"}));
    EXPECT_THROW(server::load_config(write(R"("a.example")")), server::config_error);
    EXPECT_THROW(server::load_config(write(R"("https://a.example/path")")), server::config_error);
    EXPECT_THROW(server::load_config(write(R"("*")")), server::config_error);
    EXPECT_EQ(server::normalize_origin("HTTP://Host:80/"), "http://host");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tolk::test
