// Hosts that authority() could not write back are refused (found by tests/fuzz query_url:
// "ws://[[[[1]:8" parsed, with the host "[[[1", into a URL whose own spelling did not parse).
// The crashing input is kept in tests/fuzz/corpus/query_url/.
#include "clients/common/ws_url.hpp"

#include <gtest/gtest.h>

namespace tolk::client {
namespace {

TEST(ws_url_host, odd_characters_in_a_host_are_refused_with_a_reason) {
    for (const char* text : {"ws://[[[[1]:8", "ws://[1]:8080", "ws://[::1%eth0]:8080", "ws://a b:8080",
                             "ws://evil\r\nX-Injected: 1:80", "ws://user@host:80", "ws://h[1]:80"}) {
        std::string error;
        EXPECT_FALSE(parse_ws_url(text, &error)) << text;
        EXPECT_FALSE(error.empty()) << text;
    }
}

TEST(ws_url_host, what_parses_parses_again_from_its_own_spelling) {
    for (const char* text : {"ws://127.0.0.1:8080", "ws://[::1]:8443/tolk", "ws://tolk.venue-1.example",
                             "ws://[2001:db8::1.2.3.4]", "ws://my_host~1:9"}) {
        const auto url = parse_ws_url(text);
        ASSERT_TRUE(url) << text;
        const auto again = parse_ws_url("ws://" + url->authority() + url->prefix);
        ASSERT_TRUE(again) << url->authority();
        EXPECT_EQ(*again, *url) << text;
    }
}

}  // namespace
}  // namespace tolk::client
