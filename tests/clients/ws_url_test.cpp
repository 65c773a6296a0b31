#include "clients/common/ws_url.hpp"

#include <gtest/gtest.h>

namespace tolk::client {
namespace {

struct good_case {
    const char* text;
    const char* host;
    std::uint16_t port;
    const char* prefix;
};

TEST(ws_url, parses_what_people_type) {
    const good_case cases[] = {
        {"ws://127.0.0.1:8080", "127.0.0.1", 8080, ""},
        {"ws://127.0.0.1:8080/", "127.0.0.1", 8080, ""},
        {"ws://localhost", "localhost", 80, ""},
        {"ws://tolk.example.org/tolk/", "tolk.example.org", 80, "/tolk"},
        {"ws://[::1]:9000", "::1", 9000, ""},
        {"ws://[fe80::1]/x", "fe80::1", 80, "/x"},
        {"ws://h:65535", "h", 65535, ""},
    };
    for (const auto& c : cases) {
        std::string error;
        const auto url = parse_ws_url(c.text, &error);
        ASSERT_TRUE(url) << c.text << ": " << error;
        EXPECT_EQ(url->host, c.host) << c.text;
        EXPECT_EQ(url->port, c.port) << c.text;
        EXPECT_EQ(url->prefix, c.prefix) << c.text;
    }
}

TEST(ws_url, refuses_with_a_reason) {
    const char* bad[] = {"", "127.0.0.1:8080", "http://h:80", "wss://h", "ws://", "ws://:80",
                         "ws://h:", "ws://h:0", "ws://h:65536", "ws://h:80x", "ws://h:-1",
                         "ws://[::1", "ws://[::1]x", "ws://::1:80", "ws://h/p?q=1", "ws://h#f"};
    for (const char* text : bad) {
        std::string error;
        EXPECT_FALSE(parse_ws_url(text, &error)) << text;
        EXPECT_FALSE(error.empty()) << text;
    }
    std::string error;
    parse_ws_url("wss://h", &error);
    EXPECT_NE(error.find("wss"), std::string::npos);
}

TEST(ws_url, builds_endpoints_and_authority) {
    const auto plain = parse_ws_url("ws://127.0.0.1:8080");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->endpoint("/ws/listen"), "/ws/listen");
    EXPECT_EQ(plain->authority(), "127.0.0.1:8080");
    const auto proxied = parse_ws_url("ws://[::1]:80/tolk");
    ASSERT_TRUE(proxied);
    EXPECT_EQ(proxied->endpoint("/ws/booth?channel=en"), "/tolk/ws/booth?channel=en");
    EXPECT_EQ(proxied->authority(), "[::1]:80");
}

TEST(ws_url, encodes_query_values) {
    EXPECT_EQ(url_encode("en"), "en");
    EXPECT_EQ(url_encode("a-b_c.d~e"), "a-b_c.d~e");
    EXPECT_EQ(url_encode("a b&c=d"), "a%20b%26c%3Dd");
    EXPECT_EQ(url_encode("ç"), "%C3%A7");
}

}  // namespace
}  // namespace tolk::client
