// require_tls (issue 11, test 8): with a certificate, plain HTTP and ws:// no longer carry
// anything an on-path attacker could rewrite: plain requests are redirected to HTTPS (but
// /healthz from this machine), booths and technicians are refused on plain connections, and
// HTTPS answers carry HSTS. 127.0.0.2 stands in for another machine.

#include "http_probe.hpp"
#include "server_fixture.hpp"

#include "server/tls.hpp"

#include <filesystem>

namespace tolk::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* elsewhere = "127.0.0.2";

class require_tls_test : public server_fixture {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/tolk-require-tls-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        server::make_self_signed(dir_ / "cert.pem", dir_ / "key.pem", {"127.0.0.1"});
        auto c = test_config();
        c.tls_cert = (dir_ / "cert.pem").string();
        c.tls_key = (dir_ / "key.pem").string();
        c.require_tls = true;
        start(c);
    }
    void TearDown() override {
        server_fixture::TearDown();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    http_reply plain(const std::string& target, header_list headers = {}, const std::string& from = elsewhere) {
        return http_request(endpoint_, {"GET", target, std::move(headers), {}, from, {}});
    }
    http_reply secure(const std::string& target) {
        return http_request(endpoint_, {"GET", target, {}, {}, {}, (dir_ / "cert.pem").string()});
    }
    std::string authority() const { return "127.0.0.1:" + std::to_string(endpoint_.port()); }

    fs::path dir_;
};

const header_list upgrade_headers{{"Connection", "Upgrade"},
                                  {"Upgrade", "websocket"},
                                  {"Sec-WebSocket-Version", "13"},
                                  {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};

TEST_F(require_tls_test, plain_requests_are_redirected_to_https) {
    const auto r = plain("/?channel=en");
    EXPECT_EQ(r.status, 308);
    EXPECT_EQ(r.header("location"), "https://" + authority() + "/?channel=en");
    EXPECT_EQ(plain("/healthz").status, 308) << "from another machine";
    EXPECT_EQ(plain("/healthz", {}, "127.0.0.1").status, 200) << "this machine's health check stays plain";
    EXPECT_EQ(r.header("strict-transport-security"), "") << "HSTS only over HTTPS";
}

TEST_F(require_tls_test, booths_and_technicians_are_refused_on_plain_connections) {
    for (const char* path : {"/ws/booth?channel=en", "/ws/tech"}) {
        const auto r = plain(path, upgrade_headers, "127.0.0.1");
        EXPECT_EQ(r.status, 403) << path;
        EXPECT_NE(r.body.find("TLS required"), std::string::npos) << r.body;
    }
    const auto booth = ws_try(endpoint_, "/ws/booth?channel=en", {}, "127.0.0.1",
                              R"({"type":"hello","role":"booth","protocol":1,"client":"test"})");
    EXPECT_FALSE(booth.admitted);
    EXPECT_EQ(booth.http_status, 403);
}

TEST_F(require_tls_test, https_answers_carry_hsts) {
    const auto r = secure("/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.header("strict-transport-security").find("max-age="), std::string::npos);
}

TEST(require_tls_config, needs_a_certificate) {
    auto c = server::demo_config();
    c.require_tls = true;
    EXPECT_THROW(server::validate(c), server::config_error);
}

}  // namespace
}  // namespace tolk::test
