// Extreme JSON from the wire (issue 11, test 7), end to end: each message gets an `error` reply,
// the connection and what it hears survive, and /api/channels stays valid JSON with sane numbers.
// The protocol suite checks each parse; this checks what the server does with the refusals. Run
// under ASan + UBSan (no recovery) in ./tolk test: any undefined behaviour fails it.

#include "server_fixture.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace tolk::test {
namespace {

using json = nlohmann::json;

// Every number in `j`, recursively, with its path.
void collect_numbers(const json& j, const std::string& path, std::vector<std::pair<std::string, double>>& out) {
    if (j.is_number())
        out.emplace_back(path, j.get<double>());
    else if (j.is_object())
        for (const auto& [k, v] : j.items())
            collect_numbers(v, path + "." + k, out);
    else if (j.is_array())
        for (std::size_t i = 0; i < j.size(); ++i)
            collect_numbers(j[i], path + "[" + std::to_string(i) + "]", out);
}

class extreme_json : public server_fixture {};

TEST_F(extreme_json, each_gets_an_error_and_the_channel_list_stays_sane) {
    auto config = test_config();
    config.limits.max_protocol_errors = 100;  // the refusals are counted, not a reason to close here
    start(config);
    const std::vector<std::string> extreme = {
        R"({"type":"ping","t0":1e300})",
        R"({"type":"hello","protocol":4294967297})",
        R"({"type":"stats","channel":"en","delay_ms":1e308})",
        R"({"type":"stats","channel":"en","interruptions":18446744073709551615})",
        R"({"type":"stats","channel":"en","interruptions":18446744073709551615})",
        std::string(10'000, '['),
        R"({"type":"subscribe","channels":)" + std::string(5'000, '[') + std::string(5'000, ']') + "}",
    };
    // Two listeners send them all ("twice": a sum of two counters at the top of the range).
    auto a = listen("en");
    auto b = listen("en");
    for (auto& l : {a, b}) {
        for (const auto& text : extreme)
            l->send_text(text);
        ASSERT_TRUE(l->wait_for([&](auto& m) { return test_client::of_type(m, "error").size() >= extreme.size(); }))
            << "errors: " << l->texts_of("error").size() << " of " << extreme.size();
        // Then what a real phone sends: stored, and answered (a pong proves it was read).
        protocol::listener_stats stats;
        stats.channel = "en";
        stats.delay_ms = 60;
        stats.latency_ms = 95;
        stats.interruptions = 4294967295u;  // the top of the accepted range
        l->send_text(protocol::serialize(stats));
        l->send_text(R"({"type":"ping","t0":7})");
        ASSERT_TRUE(l->wait_for([](auto& m) { return !test_client::of_type(m, "pong").empty(); }));
        EXPECT_FALSE(l->wait_closed(std::chrono::milliseconds(0)).has_value()) << l->close_reason();
    }
    for (const auto& e : a->texts_of("error"))
        EXPECT_EQ(json::parse(e)["type"], "error") << e;

    const auto [status, body] = http_get("/api/channels");
    ASSERT_EQ(status, 200);
    const auto channels = json::parse(body, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(channels.is_discarded()) << body;
    std::vector<std::pair<std::string, double>> numbers;
    collect_numbers(channels, "", numbers);
    ASSERT_FALSE(numbers.empty());
    for (const auto& [path, x] : numbers) {
        EXPECT_TRUE(std::isfinite(x)) << path;
        EXPECT_LT(std::fabs(x), 1e12) << path << " = " << x;
    }
    const auto en = channels["channels"][1];
    ASSERT_EQ(en["id"], "en") << body;
    EXPECT_EQ(en["heard"]["reporting"], 2);
    EXPECT_EQ(en["heard"]["interruptions"].get<std::uint64_t>(), 2ull * 4294967295u)
        << "the refused counters were not summed, the two real ones were";
    EXPECT_DOUBLE_EQ(en["heard"]["delay_ms_median"].get<double>(), 60.0);
}

}  // namespace
}  // namespace tolk::test
