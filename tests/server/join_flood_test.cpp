// /join under attack (issue 11, test 5): a base too long for a QR code is refused with a reason
// (and stays out of the log), and a flood of /join requests costs a listener no audio: the sheet
// is drawn once per distinct base, not once per request.

#include "http_probe.hpp"
#include "log_capture.hpp"
#include "server_fixture.hpp"

#include "codec/signals.hpp"
#include "server/join_sheet_cache.hpp"

#include <atomic>
#include <thread>

namespace tolk::test {
namespace {

using namespace std::chrono_literals;

class join_flood : public server_fixture {
protected:
    log_capture log_;
};

TEST_F(join_flood, a_base_of_3000_characters_gets_400_and_stays_out_of_the_log) {
    start();
    log_.set_level(spdlog::level::debug);
    const std::string payload = "https://x.example/" + std::string(2982, 'Q');
    ASSERT_EQ(payload.size(), 3000u);
    const auto r = http_request(endpoint_, {"GET", "/join?base=" + payload});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("at most 256"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("QQQQQQQQ"), std::string::npos) << "the reason does not echo the payload";
    // The server still answers a sane base.
    const auto ok = http_request(endpoint_, {"GET", "/join?base=https://tolk.example.org"});
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("https://tolk.example.org/?channel=en"), std::string::npos);
    server_->stop();
    ASSERT_TRUE(server_->wait_closed(5s));
    const auto text = log_.text();
    EXPECT_EQ(text.find("QQQQQQQQ"), std::string::npos) << text.substr(0, 2000);
}

TEST_F(join_flood, a_flood_of_join_requests_costs_a_listener_no_frame) {
    start();
    auto listener = listen("en");
    auto booth = connect("/ws/booth?channel=en");
    const auto frames = make_frames(codec::white_noise(3.0, 3, 0.5f), 32'000);

    std::atomic<bool> streaming{true};
    std::atomic<int> answered{0}, failed{0};
    std::vector<std::thread> flood;
    for (int t = 0; t < 4; ++t)
        flood.emplace_back([&, t] {
            while (streaming) {
                const auto r = http_request(endpoint_, {"GET", "/join?base=https://site" + std::to_string(t % 2) + ".example"});
                ++(r.status == 200 ? answered : failed);
            }
        });
    const auto sent = booth->stream(frames, std::chrono::microseconds(20'000)).wait_for(10s);
    streaming = false;
    for (auto& t : flood)
        t.join();
    ASSERT_EQ(sent, std::future_status::ready);
    ASSERT_TRUE(listener->wait_for([&](auto& m) { return count_frames(m, 1) >= frames.size(); }))
        << "the listener heard " << count_frames(listener->messages(), 1) << " of " << frames.size();
    const auto heard = decode_heard(listener->messages(), 1);
    EXPECT_EQ(heard.missing, 0u);
    EXPECT_EQ(failed, 0);
    EXPECT_GE(answered, 20) << "a flood: tens of /join requests during 3 s of audio";
    // Two distinct bases: two sheets drawn, the rest from the cache (four threads' first requests may
    // miss at once and each draw one).
    EXPECT_LE(server_->join_sheets().drawn(), 4u) << answered << " requests";
}

TEST(join_sheet_cache, is_bounded_and_forgets_the_oldest) {
    server::join_sheet_cache cache(2);
    protocol::channel_list event;
    event.event = "e";
    const auto a = cache.page(event, "https://a.example", nullptr);
    EXPECT_EQ(cache.page(event, "https://a.example", nullptr), a) << "the same sheet, not drawn again";
    cache.page(event, "https://b.example", nullptr);
    cache.page(event, "https://c.example", nullptr);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(cache.drawn(), 3u);
    cache.page(event, "https://a.example", nullptr);
    EXPECT_EQ(cache.drawn(), 4u) << "a was the oldest: forgotten, drawn again";
}

}  // namespace
}  // namespace tolk::test
