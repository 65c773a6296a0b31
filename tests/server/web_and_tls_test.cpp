// The phone app's files, the join sheet, and HTTPS/WSS on the same port as plain HTTP.

#include "server_fixture.hpp"

#include "server/join_sheet.hpp"
#include "server/tls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <fstream>

namespace tolk::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path temp_dir(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("tolk_web_test_" + name + "_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir;
}

class web_and_tls : public server_fixture {};

TEST_F(web_and_tls, serves_the_phone_app_with_gzip_and_the_right_types) {
    auto root = temp_dir("app");
    std::ofstream(root / "index.html") << "<title>tolk listen</title>";
    std::ofstream(root / "index.html.gz") << "pretend-gzip";
    fs::create_directories(root / "assets");
    std::ofstream(root / "assets" / "app-1a2b.js") << "console.log(1)";
    std::ofstream(root / "assets" / "core.wasm") << "\0asm";
    auto config = test_config();
    config.web_root = root.string();
    start(config);

    auto [status, body] = http_get("/");
    EXPECT_EQ(status, 200);
    EXPECT_EQ(body, "<title>tolk listen</title>") << "no Accept-Encoding: the plain file";
    EXPECT_EQ(http_get("/assets/app-1a2b.js").second, "console.log(1)");
    EXPECT_EQ(http_get("/assets/missing.js").first, 404);
    EXPECT_EQ(http_get("/../etc/passwd").first, 404);
    // The status page moved to /status; the API still answers.
    EXPECT_NE(http_get("/status").second.find("Français"), std::string::npos);
    EXPECT_EQ(http_get("/api/channels").first, 200);
}

TEST(web_assets, content_types_and_gzip) {
    EXPECT_EQ(server::content_type_for("a.wasm"), "application/wasm");
    EXPECT_EQ(server::content_type_for("manifest.webmanifest"), "application/manifest+json");
    EXPECT_EQ(server::content_type_for("x.js"), "text/javascript; charset=utf-8");
    auto root = temp_dir("assets");
    std::ofstream(root / "index.html") << "hi";
    std::ofstream(root / "index.html.gz") << "gz";
    server::web_assets web(root);
    ASSERT_NE(web.find("/"), nullptr);
    EXPECT_EQ(web.find("/")->gzip.value_or(""), "gz");
    EXPECT_EQ(web.find("/index.html.gz"), nullptr) << "compressed siblings are not files of their own";
    EXPECT_TRUE(server::web_assets(root / "nope").empty());
}

TEST_F(web_and_tls, join_sheet_has_a_code_and_a_link_per_channel) {
    auto config = test_config();
    config.public_url = "https://tolk.venue.example:8443";
    start(config);
    auto [status, page] = http_get("/join");
    ASSERT_EQ(status, 200);
    std::size_t codes = 0;
    for (auto p = page.find("<svg"); p != std::string::npos; p = page.find("<svg", p + 1))
        ++codes;
    EXPECT_EQ(codes, 5u) << "one for the event and one per channel";
    EXPECT_NE(page.find("https://tolk.venue.example:8443/?channel=es"), std::string::npos);
    EXPECT_NE(page.find("Español"), std::string::npos);
    auto custom = http_get("/join?base=http://10.1.2.3:8080").second;
    EXPECT_NE(custom.find("http://10.1.2.3:8080/?channel=fr"), std::string::npos);
}

TEST(join_sheet, qr_codes_grow_with_their_text_and_links_are_deep) {
    auto small = server::qr_svg("http://a/");
    auto large = server::qr_svg("https://a-much-longer-host-name.example.org:8443/?channel=floor-original");
    EXPECT_EQ(small.rfind("<svg", 0), 0u);
    EXPECT_GT(large.size(), small.size());
    EXPECT_EQ(server::channel_url("http://h:1/", "en"), "http://h:1/?channel=en");
}

TEST_F(web_and_tls, https_and_wss_work_beside_plain_http) {
    auto dir = temp_dir("tls");
    server::make_self_signed(dir / "cert.pem", dir / "key.pem", {"127.0.0.1", "localhost"});
    auto config = test_config();
    config.tls_cert = (dir / "cert.pem").string();
    config.tls_key = (dir / "key.pem").string();
    start(config);

    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.load_verify_file((dir / "cert.pem").string());  // trust exactly our self-signed certificate
    tls.set_verify_mode(asio::ssl::verify_peer);
    auto result = asio::co_spawn(
        client_ioc_,
        [&]() -> asio::awaitable<std::pair<std::string, std::string>> {
            // HTTPS GET
            beast::ssl_stream<beast::tcp_stream> s(co_await asio::this_coro::executor, tls);
            beast::get_lowest_layer(s).expires_after(5s);
            co_await beast::get_lowest_layer(s).async_connect(endpoint_, asio::use_awaitable);
            co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
            http::request<http::empty_body> req{http::verb::get, "/api/channels", 11};
            req.set(http::field::host, "127.0.0.1");
            co_await http::async_write(s, req, asio::use_awaitable);
            beast::flat_buffer buffer;
            http::response<http::string_body> res;
            co_await http::async_read(s, buffer, res, asio::use_awaitable);

            // WSS listener: the first message is the welcome.
            beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(co_await asio::this_coro::executor, tls);
            beast::get_lowest_layer(ws).expires_after(5s);
            co_await beast::get_lowest_layer(ws).async_connect(endpoint_, asio::use_awaitable);
            co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
            beast::get_lowest_layer(ws).expires_never();
            co_await ws.async_handshake("127.0.0.1", "/ws/listen", asio::use_awaitable);
            beast::flat_buffer wbuf;
            co_await ws.async_read(wbuf, asio::use_awaitable);
            std::string welcome = beast::buffers_to_string(wbuf.data());
            co_await ws.async_close(beast::websocket::close_code::normal, asio::use_awaitable);
            co_return std::pair{res.body(), welcome};
        },
        asio::use_future);
    ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
    auto [api, welcome] = result.get();
    EXPECT_NE(api.find("\"Español\""), std::string::npos);
    EXPECT_NE(welcome.find("\"welcome\""), std::string::npos);
    // Plain HTTP still answers on the same port.
    EXPECT_EQ(http_get("/healthz").first, 200);
}

TEST(tls, a_missing_certificate_is_a_clear_configuration_error) {
    try {
        server::make_tls_context("/nonexistent/cert.pem", "/nonexistent/key.pem");
        FAIL() << "expected a config_error";
    } catch (const server::config_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace tolk::test
