#pragma once
// The booth console tests' own parts (booth_console_test.cpp, booth_relay_test.cpp): a console
// that sends its tone while the server says its microphone is open, and a fixture that joins
// consoles to booths of the demo event (floor, en, fr, es).

#include "server_fixture.hpp"
#include "http_probe.hpp"

#include "codec/opus_encoder.hpp"
#include "codec/signals.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <thread>

namespace tolk::test::booth {

using namespace std::chrono_literals;
using json = nlohmann::json;
constexpr std::uint16_t english = 1;  // the demo event: floor, en, fr, es
constexpr std::uint16_t french = 2;

inline std::int64_t steady_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The latest booth_state a console was sent (null json: none yet).
inline json latest_state(const std::vector<received>& messages) {
    json last;
    for (const auto& t : test_client::of_type(messages, "booth_state"))
        last = json::parse(t);
    return last;
}

// A booth console as the browser's or tolk-booth's: sends a 20 ms frame of its tone, paced in
// real time, whenever the server says its microphone is open (booth_state.mic), unless
// `always` (a console whose microphone stays open: both live). Its frames' capture_us are its
// send times with the lowest bit naming it (0: even console, 1: odd), so that a listener can
// tell who it heard and when that audio was captured.
class console {
public:
    console(std::shared_ptr<test_client> client, int who, double hz, bool always = false)
        : client_(std::move(client)), who_(who), always_(always) {
        codec::encoder_options o;
        codec::opus_encoder enc(o);
        const auto signal = codec::tone(hz, 1.0);
        for (std::size_t i = 0; i + 960 <= signal.size(); i += 960)
            packets_.push_back(enc.encode(std::span<const float>(signal).subspan(i, 960)));
        thread_ = std::thread([this] { run(); });
    }
    ~console() { stop(); }
    void stop() {
        stop_ = true;
        if (thread_.joinable())
            thread_.join();
    }
    test_client& client() { return *client_; }
    std::size_t sent() const { return sent_; }
    bool wait_state(const std::function<bool(const json&)>& want) {
        return client_->wait_for([&](auto& m) {
            const auto s = latest_state(m);
            return !s.is_null() && want(s);
        });
    }

private:
    void run() {
        auto next = std::chrono::steady_clock::now();
        std::uint32_t seq = 0;
        std::size_t i = 0;
        while (!stop_) {
            next += 20ms;
            std::this_thread::sleep_until(next);  // a real-time source's pace, not a wait for something
            const auto s = latest_state(client_->messages());
            if (!always_ && (s.is_null() || !s.value("mic", false)))
                continue;
            protocol::frame_header h;
            h.sequence = seq++;
            h.capture_us = (steady_us() & ~std::int64_t{1}) | who_;
            client_->send_binary(protocol::serialize_audio_frame(h, packets_[i++ % packets_.size()]));
            ++sent_;
        }
    }

    std::shared_ptr<test_client> client_;
    int who_;
    bool always_;
    std::vector<std::vector<std::uint8_t>> packets_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> sent_{0};
    std::thread thread_;
};

class booth_console_fixture : public server_fixture {
protected:
    void start_with(std::function<void(server::server_config&)> edit = {}) {
        auto c = test_config();
        if (edit)
            edit(c);
        start(c);
    }
    // A console of booth `booth` on `channel` (the demo event: a name, no token).
    std::shared_ptr<test_client> join(const std::string& name, const std::string& booth = "EN",
                                      const std::string& channel = "en") {
        auto b = connect("/ws/booth?channel=" + channel + "&name=" + name + (booth.empty() ? "" : "&booth=" + booth));
        EXPECT_TRUE(b->wait_for([](auto& m) { return !latest_state(m).is_null(); })) << b->close_reason();
        return b;
    }
    void send(test_client& c, const protocol::control_message& m) { c.send_text(protocol::serialize(m)); }
    std::string metrics() { return http_get("/metrics").second; }
    std::size_t listener_frames(test_client& l, std::uint16_t channel) { return count_frames(l.messages(), channel); }
    bool wait_frames(test_client& l, std::size_t n, std::uint16_t channel = english) {
        return l.wait_for([&](auto& m) { return count_frames(m, channel) >= n; });
    }
    // One handover: `from` (live) is asked by `to`, accepts, and `to` is heard.
    void hand_over(console& from, console& to, test_client& listener) {
        send(to.client(), protocol::handover{"request"});
        ASSERT_TRUE(from.wait_state([](const json& s) { return s["handover"] == "requested"; }));
        send(from.client(), protocol::handover{"accept"});
        ASSERT_TRUE(to.wait_state([](const json& s) { return s["live"] == true; }));
        ASSERT_TRUE(from.wait_state([](const json& s) { return s["live"] == false && s["mic"] == false; }));
        const auto before = listener_frames(listener, english);
        ASSERT_TRUE(wait_frames(listener, before + 15));  // 300 ms of the new console
    }
};

}  // namespace tolk::test::booth
