// tolk-loadgen's engine (ws_fleet): against an in-test peer that plays the server byte by byte
// (handshake, split frames, 16/64-bit lengths, ping -> pong, close, HTTP 404, a server clock
// ahead of ours), and end to end against the real tolk-server + tolk-booth executables, the
// engine in process and tolk-loadgen as a process.  A missing executable is a failure, not a
// skip.  Everything listens on 127.0.0.1 port 0; every wait is bounded (poll timeouts,
// child_process); nothing sleeps to wait.
#include "tests/bench/tools/ws_fleet.hpp"

#include "child_process.hpp"
#include "protocol/control_message.hpp"
#include "tests/bench/tools/tests/test_peer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

namespace tolk::test {
namespace {

namespace fs = std::filesystem;
namespace ws = bench::ws_wire;
using namespace std::chrono_literals;

const fs::path bin_dir = TOLK_BIN_DIR;

bench::load_options options_for(std::uint16_t port, int listeners, std::vector<std::string> channels,
                                   double duration_s) {
    bench::load_options o;
    o.server = client::ws_url{"127.0.0.1", port, ""};
    o.listeners = listeners;
    o.channels = std::move(channels);
    o.duration_s = duration_s;
    o.max_connecting = 64;
    return o;
}

bytes text_frame(const protocol::control_message& m) {
    return ws::server_frame(ws::opcode::text, to_bytes(protocol::serialize(m)));
}

// The server's first write: 101 and welcome together (the client parses frames after the head
// in the same read).
bytes upgrade_and_welcome() {
    bytes first = to_bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: x\r\n\r\n");
    protocol::welcome w;
    w.session = "1";
    w.role = "listener";
    const bytes welcome = text_frame(w);
    first.insert(first.end(), welcome.begin(), welcome.end());
    return first;
}

TEST(ws_fleet, speaks_websocket_to_a_byte_exact_peer) {
    peer server;
    struct seen {
        std::string request;
        std::string hello, subscribe;
        bool all_masked = true;
        bytes pong1, pong2;
        std::optional<std::uint16_t> close_echo;
        std::string failure;
    } got;
    constexpr std::uint16_t channel_number = 3;
    constexpr int frames = 40;
    std::thread peer_thread([&] {
        struct hang_up {  // however the peer ends, the client sees the connection go
            peer& p;
            ~hang_up() { p.close_connection(); }
        } bye{server};
        auto fail = [&](std::string why) { got.failure = std::move(why); };
        if (!server.accept(5s))
            return fail("no connection");
        auto head = server.read_request_head();
        if (!head)
            return fail("no upgrade request");
        got.request = *head;
        server.write(upgrade_and_welcome());
        for (int i = 0; i < 2; ++i) {  // hello, then subscribe (after welcome)
            auto f = server.read_frame();
            if (!f)
                return fail("no hello/subscribe");
            got.all_masked = got.all_masked && f->masked;
            (i == 0 ? got.hello : got.subscribe).assign(f->payload.begin(), f->payload.end());
        }
        protocol::subscribed s;
        s.channels.push_back({"en", channel_number, "en", "English", true, 1, 0});
        server.write(text_frame(s));
        std::uint32_t seq = 100;
        // 16-bit lengths: payloads over 125 bytes.
        for (int i = 0; i < frames / 2; ++i)
            server.write(ws::server_frame(ws::opcode::binary, audio_frame(channel_number, seq++, 200)));
        // A frame split across two reads: the first half goes out with ping 1, and once pong 1 is
        // back the client has read that half (one send, one segment, one read); then the rest.
        const bytes split = ws::server_frame(ws::opcode::binary, audio_frame(channel_number, seq++, 80));
        bytes part1 = ws::server_frame(ws::opcode::ping, to_bytes("one"));
        part1.insert(part1.end(), split.begin(), split.begin() + 17);
        server.write(part1);
        auto pong1 = server.read_frame_of(ws::opcode::pong);
        if (!pong1)
            return fail("no pong 1");
        got.all_masked = got.all_masked && pong1->masked;
        got.pong1 = pong1->payload;
        bytes part2(split.begin() + 17, split.end());
        const bytes ping2 = ws::server_frame(ws::opcode::ping, to_bytes("two"));
        part2.insert(part2.end(), ping2.begin(), ping2.end());
        server.write(part2);
        auto pong2 = server.read_frame_of(ws::opcode::pong);
        if (!pong2)
            return fail("no pong 2");
        got.pong2 = pong2->payload;
        // A 64-bit length text frame (not a control message: ignored), and audio after it,
        // written byte-split in odd chunks.
        bytes tail = ws::server_frame(ws::opcode::text, bytes(70000, ' '));
        for (int i = 0; i < frames / 2 - 1; ++i) {
            const bytes f = ws::server_frame(ws::opcode::binary, audio_frame(channel_number, seq++));
            tail.insert(tail.end(), f.begin(), f.end());
        }
        for (std::size_t at = 0; at < tail.size(); at += 997)
            server.write(bytes(tail.begin() + static_cast<long>(at),
                               tail.begin() + static_cast<long>(std::min(tail.size(), at + 997))));
        // A frame of another channel is not ours: not counted.
        server.write(ws::server_frame(ws::opcode::binary, audio_frame(channel_number + 1, 5)));
        bytes close_payload{0x0F, 0xA5};  // 4005
        const std::string reason = "stalled";
        close_payload.insert(close_payload.end(), reason.begin(), reason.end());
        server.write(ws::server_frame(ws::opcode::close, close_payload));
        auto echo = server.read_frame_of(ws::opcode::close);
        if (echo && echo->payload.size() >= 2)
            got.close_echo = static_cast<std::uint16_t>((echo->payload[0] << 8) | echo->payload[1]);
    });

    bench::ws_fleet fleet(options_for(server.port(), 1, {"en"}, 20));
    const auto started = std::chrono::steady_clock::now();
    const nlohmann::json report = fleet.run();  // ends early: its one connection is closed
    peer_thread.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    ASSERT_EQ(got.failure, "");

    EXPECT_EQ(got.request.rfind("GET /ws/listen HTTP/1.1\r\n", 0), 0u) << got.request;
    EXPECT_NE(got.request.find("Sec-WebSocket-Key: "), std::string::npos);
    EXPECT_TRUE(got.all_masked);
    const auto hello = protocol::parse_control(got.hello);
    ASSERT_TRUE(hello) << got.hello;
    EXPECT_TRUE(std::holds_alternative<protocol::hello>(hello.value()));
    const auto sub = protocol::parse_control(got.subscribe);
    ASSERT_TRUE(sub) << got.subscribe;
    ASSERT_TRUE(std::holds_alternative<protocol::subscribe>(sub.value()));
    EXPECT_EQ(std::get<protocol::subscribe>(sub.value()).channels, std::vector<std::string>{"en"});
    EXPECT_EQ(got.pong1, to_bytes("one"));
    EXPECT_EQ(got.pong2, to_bytes("two"));
    EXPECT_EQ(got.close_echo, std::optional<std::uint16_t>(4005));

    const bench::listener_stats& s = fleet.stats(0);
    EXPECT_TRUE(s.connected);
    EXPECT_TRUE(s.subscribed);
    EXPECT_EQ(s.sequence.received(), static_cast<std::uint64_t>(frames));
    EXPECT_EQ(s.sequence.missing(), 0u);
    EXPECT_EQ(s.bad_frames, 0u);
    EXPECT_EQ(s.window_frames, static_cast<std::uint64_t>(frames));
    EXPECT_TRUE(s.closed_by_server);
    EXPECT_EQ(s.close_code, 4005);
    EXPECT_EQ(s.close_reason, "stalled");
    EXPECT_EQ(s.latency.count(), static_cast<std::uint64_t>(frames));
    EXPECT_GE(s.latency.min_us(), 0);
    EXPECT_LT(s.latency.max_us(), 1'000'000);
    EXPECT_EQ(report["connected"], 1);
    EXPECT_EQ(report["failed"], 0);
    EXPECT_EQ(report["clock"], "shared steady clock");
    // Kernel timestamps (or, right after the kernel switched them on, the fallback: see
    // raw_socket.tcp_reads_carry_the_kernel_receive_time), one of the two for every frame.
    EXPECT_EQ(report["latency_kernel_frames"].get<int>() + report["latency_fallback_frames"].get<int>(), frames);
    EXPECT_EQ(report["active"]["closed_by_server"], 1);
    EXPECT_EQ(report["close_reasons"]["4005 stalled"], 1);
}

TEST(ws_fleet, a_refused_upgrade_is_a_failure_with_its_reason) {
    peer server;
    std::thread peer_thread([&] {
        if (server.accept(5s) && server.read_request_head())
            server.write(std::string_view("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        // The client closes; reading to the end keeps the peer's side tidy.
        server.read([](const bytes&) { return std::size_t{0}; }, 5s);
    });
    bench::ws_fleet fleet(options_for(server.port(), 1, {"en"}, 20));
    const nlohmann::json report = fleet.run();
    peer_thread.join();
    EXPECT_EQ(report["connected"], 0);
    EXPECT_EQ(report["failed"], 1);
    ASSERT_EQ(report["close_reasons"].size(), 1u) << report["close_reasons"].dump();
    const std::string reason = report["close_reasons"].begin().key();
    EXPECT_NE(reason.find("404"), std::string::npos) << reason;
    EXPECT_LT(report["measured_s"].get<double>(), 1.0);  // nothing left to measure: over at once
}

TEST(ws_fleet, connection_refused_is_a_failure_with_its_reason) {
    std::uint16_t port = 0;
    {
        peer closed;  // a port that nothing listens on once this is gone
        port = closed.port();
    }
    bench::ws_fleet fleet(options_for(port, 3, {"en"}, 20));
    const nlohmann::json report = fleet.run();
    EXPECT_EQ(report["failed"], 3);
    ASSERT_EQ(report["close_reasons"].size(), 1u) << report["close_reasons"].dump();
    EXPECT_NE(report["close_reasons"].begin().key().find("refused"), std::string::npos)
        << report["close_reasons"].dump();
}

TEST(ws_fleet, stops_on_interrupt) {
    peer server;  // accepts (backlog) but never answers the upgrade
    bench::ws_fleet fleet(options_for(server.port(), 2, {"en"}, 20));
    std::thread stopper([&] { fleet.interrupt(); });  // from another thread, maybe before run()
    stopper.join();
    const auto started = std::chrono::steady_clock::now();
    const nlohmann::json report = fleet.run();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_EQ(report["measured_s"].get<double>(), 0.0);
}

// Answers the client's pings on a clock `ahead_us` ahead of ours, `pongs` times.
std::optional<std::string> answer_pings(peer& server, std::int64_t ahead_us, int pongs) {
    while (pongs > 0) {
        auto f = server.read_frame_of(ws::opcode::text);
        if (!f)
            return "no ping";
        const auto m = protocol::parse_control({reinterpret_cast<const char*>(f->payload.data()), f->payload.size()});
        if (!m || !std::holds_alternative<protocol::ping>(m.value()))
            continue;
        const std::int64_t now = client::steady_now_us() + ahead_us;
        server.write(text_frame(protocol::pong{std::get<protocol::ping>(m.value()).t0, now, now}));
        --pongs;
    }
    return std::nullopt;
}

TEST(ws_fleet, clock_sync_times_frames_on_the_server_clock) {
    // The peer's clock is 5 s ahead of ours: its pongs and the frames' ingress_us say so.
    // Without the ping/pong offset every latency would read about -5 s.
    constexpr std::int64_t ahead_us = 5'000'000;
    constexpr std::uint16_t channel_number = 1;
    constexpr int frames = 20;
    peer server;
    std::string failure;
    std::thread peer_thread([&] {
        struct hang_up {  // the end of the connection ends the run
            peer& p;
            ~hang_up() { p.close_connection(); }
        } bye{server};
        if (!server.accept(5s) || !server.read_request_head())
            return void(failure = "no upgrade request");
        server.write(upgrade_and_welcome());
        if (!server.read_frame() || !server.read_frame())  // hello, subscribe
            return void(failure = "no hello/subscribe");
        protocol::subscribed s;
        s.channels.push_back({"en", channel_number, "en", "English", true, 1, 0});
        server.write(text_frame(s));
        if (auto error = answer_pings(server, ahead_us, 3))  // the client's quick pings
            return void(failure = *error);
        for (std::uint32_t seq = 0; seq < frames; ++seq)
            server.write(ws::server_frame(ws::opcode::binary, audio_frame(channel_number, seq, 60, ahead_us)));
    });
    auto o = options_for(server.port(), 1, {"en"}, 20);
    o.use_clock_offset = true;
    bench::ws_fleet fleet(o);
    const nlohmann::json report = fleet.run();
    peer_thread.join();
    ASSERT_EQ(failure, "");
    EXPECT_EQ(report["clock"], "ping/pong offset");
    const bench::listener_stats& st = fleet.stats(0);
    EXPECT_EQ(st.window_frames, static_cast<std::uint64_t>(frames));
    EXPECT_EQ(st.latency.count(), static_cast<std::uint64_t>(frames));
    // Timed on the server's clock through the ping/pong offset, whose own error is up to half a
    // round trip: a frame may read a few microseconds "before" it was sent on a loaded machine,
    // never a millisecond (an offset applied the wrong way round would be off by ahead_us).
    EXPECT_GE(st.latency.min_us(), -1'000);
    EXPECT_LT(st.latency.max_us(), 1'000'000);
}

// ---- end to end: the real tolk-server and booths ----------------------------------------

class ws_fleet_e2e : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : {"tolk-server", "tolk-booth", "tolk-loadgen"})
            if (!fs::exists(bin_dir / name))
                GTEST_FAIL() << (bin_dir / name) << " is missing: build it (cmake --build build --target " << name
                             << ")";
        server_ = std::make_unique<child_process>(
            std::vector<std::string>{(bin_dir / "tolk-server").string(), "--listen", "127.0.0.1:0", "--io-threads",
                                     "1", "--log-level", "warn"},
            child_process::capture{.out = true});
        const auto line = server_->wait_for_line(child_process::stream::out, "listening on", 10s);
        ASSERT_TRUE(line) << "tolk-server did not say where it listens";
        const std::string where = line->substr(line->rfind(' ') + 1);
        port_ = static_cast<std::uint16_t>(std::stoi(where.substr(where.rfind(':') + 1)));
    }
    void TearDown() override {
        booths_.clear();
        server_.reset();
    }
    void booth(const std::string& channel, int tone) {
        booths_.push_back(std::make_unique<child_process>(
            std::vector<std::string>{(bin_dir / "tolk-booth").string(), "--server",
                                     "ws://127.0.0.1:" + std::to_string(port_), "--channel", channel, "--input",
                                     "tone:" + std::to_string(tone), "--loop"},
            child_process::capture{.err = true}));
        ASSERT_TRUE(booths_.back()->wait_for_line(child_process::stream::err, "on air", 10s))
            << booths_.back()->output(child_process::stream::err);
    }

    std::unique_ptr<child_process> server_;
    std::vector<std::unique_ptr<child_process>> booths_;
    std::uint16_t port_ = 0;
};

TEST_F(ws_fleet_e2e, all_listeners_get_every_frame_and_stalled_ones_stop) {
    booth("en", 440);
    booth("fr", 550);
    constexpr int n = 200;
    auto o = options_for(port_, n, {"en", "fr"}, 2.0);
    o.stall_fraction = 0.05;
    bench::ws_fleet fleet(o);
    const nlohmann::json report = fleet.run();

    EXPECT_EQ(report["attempted"], n);
    EXPECT_EQ(report["connected"], n);
    EXPECT_EQ(report["subscribed"], n);
    EXPECT_EQ(report["failed"], 0) << report["close_reasons"].dump();
    const auto& a = report["active"];
    EXPECT_EQ(a["listeners"], n - 10);
    EXPECT_EQ(a["frames_missing"], 0);
    EXPECT_EQ(a["bad_frames"], 0);
    EXPECT_EQ(a["closed_by_server"], 0);
    // 50 frames/s per listener at the booths' steady rate.
    const double expected = 50.0 * (n - 10);
    EXPECT_NEAR(a["frames_per_second"].get<double>(), expected, 0.1 * expected);
    const auto& l = a["latency"];
    EXPECT_EQ(l["negative"], 0);
    EXPECT_GT(l["p50_ms"].get<double>(), 0.0);
    // Sanity bounds only (what a listener would notice); the figures belong to ./tolk bench fanout.
    EXPECT_LT(l["p99_ms"].get<double>(), 200.0);
    // The window opens after the ramp: the kernel has long switched receive timestamps on.
    const auto kernel = report["latency_kernel_frames"].get<std::uint64_t>();
    EXPECT_GT(kernel, 0u);
    EXPECT_LE(report["latency_fallback_frames"].get<std::uint64_t>(), kernel / 100) << report["latency_source"];

    std::size_t stalled = 0;
    for (std::size_t i = 0; i < fleet.size(); ++i) {
        const auto& s = fleet.stats(i);
        if (fleet.stalled(i)) {
            ++stalled;
            EXPECT_GE(s.sequence.received(), 1u) << i;
            EXPECT_LE(s.sequence.received(), 3u) << i;  // its first frame (and what came in the same read)
        } else {
            EXPECT_GE(s.sequence.received(), 80u) << i;  // 2 s at 50/s, and the ramp
        }
    }
    EXPECT_EQ(stalled, 10u);
    std::printf("[ measured ] ws_fleet, %d listeners: %.0f frames/s, delivery p50 %.3f ms, p99 %.3f ms\n", n,
                a["frames_per_second"].get<double>(), l["p50_ms"].get<double>(), l["p99_ms"].get<double>());
}

TEST_F(ws_fleet_e2e, a_wrong_path_is_refused_with_http_404) {
    auto o = options_for(port_, 5, {"en"}, 2.0);
    o.server.prefix = "/nope";
    bench::ws_fleet fleet(o);
    const nlohmann::json report = fleet.run();
    EXPECT_EQ(report["connected"], 0);
    EXPECT_EQ(report["failed"], 5);
    ASSERT_EQ(report["close_reasons"].size(), 1u) << report["close_reasons"].dump();
    const std::string reason = report["close_reasons"].begin().key();
    EXPECT_NE(reason.find("404"), std::string::npos) << reason;
    EXPECT_NE(reason.find("/nope/ws/listen"), std::string::npos) << reason;
}

// tolk-loadgen as a user runs it, here from "another machine": --clock-sync.
TEST_F(ws_fleet_e2e, loadgen_executable_with_clock_sync) {
    booth("en", 440);
    child_process loadgen({(bin_dir / "tolk-loadgen").string(), "--server", "ws://127.0.0.1:" + std::to_string(port_),
                           "--listeners", "50", "--duration", "2", "--channels", "en", "--clock-sync", "--json"},
                          child_process::capture{.out = true});
    const std::string text = loadgen.read_all(child_process::stream::out, 30s);
    EXPECT_EQ(loadgen.wait(10s), 0);
    const auto report = nlohmann::json::parse(text, nullptr, false);
    ASSERT_TRUE(report.is_object()) << text;
    EXPECT_EQ(report["connected"], 50);
    EXPECT_EQ(report["failed"], 0);
    EXPECT_EQ(report["clock"], "ping/pong offset");
    EXPECT_GT(report["active"]["frames_received"].get<int>(), 0);
    EXPECT_EQ(report["active"]["frames_missing"], 0);
    // Same machine: the estimated offset is about 0, so latencies are small either way.
    const auto& l = report["active"]["latency"];
    EXPECT_GT(l["count"].get<int>(), 0);
    EXPECT_LT(std::abs(l["p50_ms"].get<double>()), 200.0);
    std::printf("[ measured ] tolk-loadgen --clock-sync, 50 listeners: delivery p50 %.3f ms, p99 %.3f ms\n",
                l["p50_ms"].get<double>(), l["p99_ms"].get<double>());
}

}  // namespace
}  // namespace tolk::test
