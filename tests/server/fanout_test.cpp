// End to end through an in-process server: booths publish, listeners hear their own channel.

#include "server_fixture.hpp"

#include "codec/signal_compare.hpp"
#include "codec/signals.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tolk::test {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto frame_interval = std::chrono::microseconds(20'000);

bool has_frames(const std::vector<received>& m, std::uint16_t channel, std::size_t n) {
    return count_frames(m, channel) >= n;
}

class fanout : public server_fixture {};

TEST_F(fanout, each_listener_hears_its_own_booth_and_not_the_others) {
    start();
    const std::vector<std::string> ids{"en", "fr", "es"};
    std::vector<std::vector<float>> signals;
    std::vector<std::shared_ptr<test_client>> listeners, booths;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        signals.push_back(codec::speech_like(2.0, static_cast<std::uint32_t>(11 + i)));
        listeners.push_back(listen(ids[i]));
    }
    std::vector<std::future<void>> sent;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        booths.push_back(connect("/ws/booth?channel=" + ids[i]));
        sent.push_back(booths[i]->stream(make_frames(signals[i], 32'000), frame_interval));
    }
    for (auto& s : sent)
        ASSERT_EQ(s.wait_for(10s), std::future_status::ready);

    // The channel list shows all three on air, with one listener each.
    auto [status, body] = http_get("/api/channels");
    ASSERT_EQ(status, 200);
    auto api = json::parse(body);
    for (const auto& c : api["channels"]) {
        const bool booth_channel = c["id"] != "floor";
        EXPECT_EQ(c["on_air"].get<bool>(), booth_channel) << c.dump();
        EXPECT_EQ(c["listeners"].get<int>(), booth_channel ? 1 : 0) << c.dump();
        EXPECT_EQ(c["label"].get<std::string>().empty(), false);
    }

    const auto frames = signals[0].size() / 960;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto number = static_cast<std::uint16_t>(i + 1);  // floor is 0
        ASSERT_TRUE(listeners[i]->wait_for([&](auto& m) { return has_frames(m, number, frames); }))
            << ids[i] << " heard " << count_frames(listeners[i]->messages(), number) << " of " << frames;
        auto heard = decode_heard(listeners[i]->messages(), number);
        EXPECT_EQ(heard.missing, 0u);
        EXPECT_EQ(heard.discontinuities, 1u) << "the first frame of a booth starts a new source";
        for (std::size_t j = 0; j < ids.size(); ++j) {
            auto a = codec::align(signals[j], heard.pcm, -2000, 2000);
            if (i == j) {
                EXPECT_GT(a.correlation, 0.9) << ids[i] << " should sound like its own booth";
            } else {
                EXPECT_LT(std::abs(a.correlation), 0.3) << ids[i] << " should not sound like " << ids[j];
            }
        }
        // Only its own channel reached it.
        for (std::uint16_t other = 0; other < 4; ++other) {
            if (other != number) {
                EXPECT_EQ(count_frames(listeners[i]->messages(), other), 0u);
            }
        }
    }
}

TEST_F(fanout, booth_disconnect_goes_off_air_and_reconnect_resumes_with_discontinuity) {
    start();
    auto listener = listen("fr");
    auto booth = connect("/ws/booth?channel=fr");
    auto signal = codec::speech_like(0.4, 5);
    ASSERT_EQ(booth->stream(make_frames(signal, 32'000), frame_interval).wait_for(5s),
              std::future_status::ready);
    ASSERT_TRUE(listener->wait_for([](auto& m) { return has_frames(m, 2, 20); }));

    booth->close();
    ASSERT_TRUE(listener->wait_for([](auto& m) {
        for (const auto& t : test_client::of_type(m, "on_air"))
            if (t.find("\"on_air\":false") != std::string::npos)
                return true;
        return false;
    })) << "listeners are told the channel went off air";
    EXPECT_FALSE(json::parse(http_get("/api/channels").second)["channels"][2]["on_air"].get<bool>());

    auto again = connect("/ws/booth?channel=fr");
    ASSERT_EQ(again->stream(make_frames(signal, 32'000, 20), frame_interval).wait_for(5s),
              std::future_status::ready);
    ASSERT_TRUE(listener->wait_for([](auto& m) { return has_frames(m, 2, 40); }));
    auto heard = decode_heard(listener->messages(), 2);
    EXPECT_EQ(heard.discontinuities, 2u) << "the reconnect is flagged so jitter buffers reset";
    EXPECT_EQ(heard.missing, 0u);
    EXPECT_TRUE(json::parse(http_get("/api/channels").second)["channels"][2]["on_air"].get<bool>());
}

TEST_F(fanout, a_second_booth_or_an_unknown_channel_is_refused_with_a_reason) {
    start();
    auto first = connect("/ws/booth?channel=en");
    ASSERT_TRUE(first->wait_for([](auto& m) { return !m.empty(); }));  // welcome
    auto second = connect("/ws/booth?channel=en");
    EXPECT_EQ(second->wait_closed(), 4001);
    EXPECT_NE(second->close_reason().find("already has a booth"), std::string::npos)
        << second->close_reason();
    auto unknown = connect("/ws/booth?channel=de");
    EXPECT_EQ(unknown->wait_closed(), 4002);
    EXPECT_NE(unknown->close_reason().find("\"de\""), std::string::npos) << unknown->close_reason();
    // The first booth is still the one on air.
    EXPECT_TRUE(json::parse(http_get("/api/channels").second)["channels"][1]["on_air"].get<bool>());
}

}  // namespace
}  // namespace tolk::test
