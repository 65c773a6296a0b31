// tolk-loadgen's epoll engine (raw_fleet) and its pieces: the WebSocket frame parser and
// client frames (raw_ws), the kernel receive timestamps and clock conversion (raw_socket),
// the engine against an in-test peer that plays the server byte by byte (handshake, split
// frames, 16/64-bit lengths, ping -> pong, close, HTTP 404), the Icecast listeners against an
// in-test Icecast, and end to end against the real tolk-server + tolk-booth executables.
// Everything listens on 127.0.0.1 port 0; every wait is bounded (poll timeouts, child_process);
// nothing sleeps to wait.
#include "child_process.hpp"

#include "clients/common/monotonic_clock.hpp"
#include "clients/loadgen/icecast_raw.hpp"
#include "clients/loadgen/ogg_pages.hpp"
#include "clients/loadgen/raw_fleet.hpp"
#include "clients/loadgen/raw_socket.hpp"
#include "clients/loadgen/raw_ws.hpp"
#include "protocol/audio_frame.hpp"
#include "protocol/control_message.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tolk::test {
namespace {

namespace fs = std::filesystem;
namespace ws = loadgen::ws_wire;
using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;

#ifdef TOLK_BIN_DIR
const fs::path bin_dir = TOLK_BIN_DIR;
#else
const fs::path bin_dir;
#endif

bytes to_bytes(std::string_view s) { return {s.begin(), s.end()}; }

bytes audio_frame(std::uint16_t channel, std::uint32_t sequence, std::size_t payload_size = 60) {
    protocol::frame_header h;
    h.channel = channel;
    h.sequence = sequence;
    h.capture_us = client::steady_now_us();
    h.ingress_us = client::steady_now_us();
    const bytes opus(payload_size, 0x5a);
    return protocol::serialize_audio_frame(h, opus);
}

// ---- the frame parser and client frames -------------------------------------------------

TEST(raw_ws, parses_7_16_and_64_bit_lengths) {
    for (std::size_t n : {0u, 5u, 125u, 126u, 300u, 65535u, 65536u, 70000u}) {
        const bytes payload(n, 0x42);
        const bytes wire = ws::server_frame(ws::opcode::binary, payload);
        EXPECT_EQ(wire.size() - n, n < 126 ? 2u : n <= 0xFFFF ? 4u : 10u) << n;
        ws::frame f;
        ASSERT_EQ(ws::parse_server_frame(wire, f, 1 << 20), ws::parse_status::complete) << n;
        EXPECT_EQ(f.opcode, ws::opcode::binary);
        EXPECT_TRUE(f.fin);
        EXPECT_EQ(f.payload.size(), n);
        EXPECT_EQ(f.size, wire.size());
        // Any prefix is incomplete, never misread.
        for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{9}, wire.size() - 1}) {
            if (cut >= wire.size())
                continue;
            EXPECT_EQ(ws::parse_server_frame(std::span(wire).first(cut), f, 1 << 20), ws::parse_status::incomplete)
                << n << " cut at " << cut;
        }
    }
}

TEST(raw_ws, rejects_what_a_server_must_not_send) {
    ws::frame f;
    bytes masked = ws::server_frame(ws::opcode::text, to_bytes("hi"));
    masked[1] |= 0x80;
    EXPECT_EQ(ws::parse_server_frame(masked, f, 1000), ws::parse_status::invalid);
    bytes rsv = ws::server_frame(ws::opcode::text, to_bytes("hi"));
    rsv[0] |= 0x40;  // permessage-deflate was not negotiated
    EXPECT_EQ(ws::parse_server_frame(rsv, f, 1000), ws::parse_status::invalid);
    EXPECT_EQ(ws::parse_server_frame(ws::server_frame(ws::opcode::ping, bytes(126, 1)), f, 1000),
              ws::parse_status::invalid);  // control frames carry at most 125 bytes
    EXPECT_EQ(ws::parse_server_frame(ws::server_frame(ws::opcode::binary, bytes(2000, 1)), f, 1000),
              ws::parse_status::invalid);  // over the limit
}

TEST(raw_ws, client_frames_are_masked) {
    const std::string text = protocol::serialize(protocol::subscribe{{"en"}});
    for (std::size_t n : {text.size(), std::size_t{200}}) {
        const std::string payload = n == text.size() ? text : std::string(n, 'x');
        bytes out;
        ws::append_client_frame(out, ws::opcode::text, payload, 0xA1B2C3D4);
        ASSERT_GE(out.size(), 6u);
        EXPECT_EQ(out[0], 0x81);                  // FIN, text
        EXPECT_TRUE(out[1] & 0x80);               // mask bit
        const std::size_t header = n < 126 ? 2 : 4;
        if (n >= 126) {
            EXPECT_EQ((out[2] << 8) | out[3], static_cast<int>(n));
        }
        EXPECT_EQ(out.size(), header + 4 + n);
        EXPECT_EQ(out[header], 0xA1);
        bytes body(out.begin() + static_cast<long>(header + 4), out.end());
        EXPECT_NE(std::string(body.begin(), body.end()), payload);
        ws::unmask(body, 0xA1B2C3D4);
        EXPECT_EQ(std::string(body.begin(), body.end()), payload);
    }
}

TEST(raw_ws, upgrade_request_and_response_head) {
    std::array<std::uint8_t, 16> key{};
    for (std::size_t i = 0; i < key.size(); ++i)
        key[i] = static_cast<std::uint8_t>(i);
    const std::string r = ws::upgrade_request("127.0.0.1:8080", "/ws/listen", key, "test");
    EXPECT_EQ(r.rfind("GET /ws/listen HTTP/1.1\r\n", 0), 0u);
    for (const char* line : {"Host: 127.0.0.1:8080\r\n", "Upgrade: websocket\r\n", "Connection: Upgrade\r\n",
                             "Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODw==\r\n"})
        EXPECT_NE(r.find(line), std::string::npos) << line;
    EXPECT_EQ(r.substr(r.size() - 4), "\r\n\r\n");
    const std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nrest";
    EXPECT_EQ(loadgen::raw::find_head_end(head), head.size() - 4);
    EXPECT_EQ(loadgen::raw::http_status(head), 101);
    EXPECT_EQ(loadgen::raw::http_status("HTTP/1.0 404 Not Found\r\n\r\n"), 404);
    EXPECT_EQ(loadgen::raw::http_status("garbage"), 0);
    EXPECT_EQ(loadgen::raw::find_head_end("HTTP/1.1 101 OK\r\n"), std::string_view::npos);
}

// ---- kernel receive timestamps ----------------------------------------------------------

// A connected loopback TCP pair: {client, server}; the client has receive timestamps on.
std::pair<int, int> tcp_pair() {
    const int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(l, 1) != 0 ||
        ::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("listen failed");
    loadgen::raw::address to;
    std::memcpy(&to.storage, &a, sizeof(a));
    to.length = sizeof(a);
    std::string error;
    const int c = loadgen::raw::open_connecting(to, 0, &error);
    if (c < 0)
        throw std::runtime_error(error);
    pollfd p{l, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1)
        throw std::runtime_error("accept timed out");
    const int s = ::accept4(l, nullptr, nullptr, SOCK_CLOEXEC);
    ::close(l);
    pollfd w{c, POLLOUT, 0};
    if (::poll(&w, 1, 5000) != 1 || loadgen::raw::socket_error(c) != 0)
        throw std::runtime_error("connect failed");
    return {c, s};
}

TEST(raw_socket, rx_clock_maps_realtime_to_monotonic) {
    loadgen::raw::rx_clock clock;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const std::int64_t mono = client::steady_now_us();
    EXPECT_LT(std::abs(clock.monotonic_us(now) - mono), 1000);
}

TEST(raw_socket, tcp_reads_carry_the_kernel_receive_time) {
    const auto [c, s] = tcp_pair();
    loadgen::raw::rx_clock clock;
    bytes buffer(1024);
    // The kernel switches receive timestamps on for the whole stack when the first socket
    // asks (and off after the last one closed), from a work item: the first segments may still
    // come without one (the engines count those as fallbacks).  So: rounds until 3 are stamped.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    int rounds = 0, stamped = 0;
    for (; stamped < 3 && std::chrono::steady_clock::now() < deadline; ++rounds) {
        const std::int64_t before = client::steady_now_us();
        ASSERT_EQ(::send(s, "hello", 5, 0), 5);
        pollfd p{c, POLLIN, 0};
        ASSERT_EQ(::poll(&p, 1, 5000), 1);
        const auto rx = loadgen::raw::receive(c, buffer, clock);
        const std::int64_t after = client::steady_now_us();
        ASSERT_EQ(rx.bytes, 5);
        EXPECT_GE(rx.receipt_us, before - 1000);  // the clock conversion is good to well under 1 ms
        EXPECT_LE(rx.receipt_us, after + 1000);
        stamped += rx.kernel_time;
    }
    EXPECT_EQ(stamped, 3) << "no SO_TIMESTAMPNS control message on TCP reads in " << rounds << " rounds";
    const auto empty = loadgen::raw::receive(c, buffer, clock);
    EXPECT_LT(empty.bytes, 0);
    EXPECT_EQ(empty.error, EAGAIN);
    ::close(c);
    ::close(s);
}

// ---- an in-test WebSocket server peer ---------------------------------------------------

// One listening socket on 127.0.0.1:0 and, after accept(), one blocking connection with
// bounded reads.  Used from the peer's own thread.
class peer {
public:
    peer() {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(a);
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(listen_fd_, 16) != 0 ||
            ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("peer: listen failed");
        port_ = ntohs(a.sin_port);
    }
    ~peer() {
        if (fd_ >= 0)
            ::close(fd_);
        ::close(listen_fd_);
    }
    std::uint16_t port() const { return port_; }
    void close_connection() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

    bool accept(std::chrono::milliseconds timeout) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
            return false;
        fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        const int on = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
        return fd_ >= 0;
    }
    bool write(const bytes& b) { return write(std::string_view(reinterpret_cast<const char*>(b.data()), b.size())); }
    bool write(std::string_view s) {
        while (!s.empty()) {
            const long n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    // Reads until `enough(buffer)` says how much to take (> 0), within the timeout.
    std::optional<bytes> read(const std::function<std::size_t(const bytes&)>& enough,
                              std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (const std::size_t n = enough(in_)) {
                bytes out(in_.begin(), in_.begin() + static_cast<long>(n));
                in_.erase(in_.begin(), in_.begin() + static_cast<long>(n));
                return out;
            }
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1)
                return std::nullopt;
            char buf[65536];
            const long n = ::recv(fd_, buf, sizeof(buf), 0);
            if (n <= 0)
                return std::nullopt;
            in_.insert(in_.end(), buf, buf + n);
        }
    }
    std::optional<std::string> read_request_head() {
        auto head = read([](const bytes& b) {
            const auto end = loadgen::raw::find_head_end({reinterpret_cast<const char*>(b.data()), b.size()});
            return end == std::string_view::npos ? 0 : end;
        });
        if (!head)
            return std::nullopt;
        return std::string(head->begin(), head->end());
    }
    struct client_frame {
        std::uint8_t opcode = 0;
        bool masked = false;
        bytes payload;  // unmasked
    };
    // One client frame (must be masked), unmasked.
    std::optional<client_frame> read_frame() {
        auto raw = read([](const bytes& b) -> std::size_t {
            if (b.size() < 2)
                return 0;
            std::size_t n = b[1] & 0x7F, header = 2;
            if (n == 126) {
                if (b.size() < 4)
                    return 0;
                n = (std::size_t{b[2]} << 8) | b[3];
                header = 4;
            }
            if (b[1] & 0x80)
                header += 4;
            return b.size() >= header + n ? header + n : 0;
        });
        if (!raw)
            return std::nullopt;
        client_frame f;
        f.opcode = (*raw)[0] & 0x0F;
        f.masked = ((*raw)[1] & 0x80) != 0;
        std::size_t header = ((*raw)[1] & 0x7F) == 126 ? 4 : 2;
        std::uint32_t key = 0;
        if (f.masked) {
            for (int i = 0; i < 4; ++i)
                key = (key << 8) | (*raw)[header + static_cast<std::size_t>(i)];
            header += 4;
        }
        f.payload.assign(raw->begin() + static_cast<long>(header), raw->end());
        if (f.masked)
            ws::unmask(f.payload, key);
        return f;
    }
    std::optional<client_frame> read_frame_of(std::uint8_t opcode) {
        for (int i = 0; i < 16; ++i) {
            auto f = read_frame();
            if (!f || f->opcode == opcode)
                return f;
        }
        return std::nullopt;
    }

private:
    int listen_fd_ = -1;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    bytes in_;
};

loadgen::load_options options_for(std::uint16_t port, int listeners, std::vector<std::string> channels,
                                   double duration_s) {
    loadgen::load_options o;
    o.server = client::ws_url{"127.0.0.1", port, ""};
    o.listeners = listeners;
    o.channels = std::move(channels);
    o.duration_s = duration_s;
    o.max_connecting = 64;
    o.engine = loadgen::load_engine::raw;
    return o;
}

bytes text_frame(const protocol::control_message& m) {
    return ws::server_frame(ws::opcode::text, to_bytes(protocol::serialize(m)));
}

TEST(raw_fleet, speaks_websocket_to_a_byte_exact_peer) {
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
        // 101 and welcome in one write: the client parses frames after the head in one read.
        bytes first = to_bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Accept: x\r\n\r\n");
        protocol::welcome w;
        w.session = "1";
        w.role = "listener";
        const bytes welcome = text_frame(w);
        first.insert(first.end(), welcome.begin(), welcome.end());
        server.write(first);
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

    loadgen::raw_fleet fleet(options_for(server.port(), 1, {"en"}, 20));
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

    const loadgen::listener_stats& s = fleet.stats(0);
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
    EXPECT_EQ(report["engine"], "raw");
    // Kernel timestamps (or, right after the kernel switched them on, the fallback: see
    // raw_socket.tcp_reads_carry_the_kernel_receive_time), one of the two for every frame.
    EXPECT_EQ(report["latency_kernel_frames"].get<int>() + report["latency_fallback_frames"].get<int>(), frames);
    EXPECT_EQ(report["active"]["closed_by_server"], 1);
    EXPECT_EQ(report["close_reasons"]["4005 stalled"], 1);
}

TEST(raw_fleet, a_refused_upgrade_is_a_failure_with_its_reason) {
    peer server;
    std::thread peer_thread([&] {
        if (server.accept(5s) && server.read_request_head())
            server.write(std::string_view("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        // The client closes; reading to the end keeps the peer's side tidy.
        server.read([](const bytes&) { return std::size_t{0}; }, 5s);
    });
    loadgen::raw_fleet fleet(options_for(server.port(), 1, {"en"}, 20));
    const nlohmann::json report = fleet.run();
    peer_thread.join();
    EXPECT_EQ(report["connected"], 0);
    EXPECT_EQ(report["failed"], 1);
    ASSERT_EQ(report["close_reasons"].size(), 1u) << report["close_reasons"].dump();
    const std::string reason = report["close_reasons"].begin().key();
    EXPECT_NE(reason.find("404"), std::string::npos) << reason;
    EXPECT_LT(report["measured_s"].get<double>(), 1.0);  // nothing left to measure: over at once
}

TEST(raw_fleet, connection_refused_is_a_failure_with_its_reason) {
    std::uint16_t port = 0;
    {
        peer closed;  // a port that nothing listens on once this is gone
        port = closed.port();
    }
    loadgen::raw_fleet fleet(options_for(port, 3, {"en"}, 20));
    const nlohmann::json report = fleet.run();
    EXPECT_EQ(report["failed"], 3);
    ASSERT_EQ(report["close_reasons"].size(), 1u) << report["close_reasons"].dump();
    EXPECT_NE(report["close_reasons"].begin().key().find("refused"), std::string::npos)
        << report["close_reasons"].dump();
}

TEST(raw_fleet, refuses_clock_sync_and_stops_on_interrupt) {
    auto o = options_for(1, 1, {"en"}, 20);
    o.use_clock_offset = true;
    EXPECT_THROW(loadgen::raw_fleet{o}, std::invalid_argument);

    peer server;  // accepts (backlog) but never answers the upgrade
    loadgen::raw_fleet fleet(options_for(server.port(), 2, {"en"}, 20));
    std::thread stopper([&] { fleet.interrupt(); });  // from another thread, maybe before run()
    stopper.join();
    const auto started = std::chrono::steady_clock::now();
    const nlohmann::json report = fleet.run();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_EQ(report["measured_s"].get<double>(), 0.0);
}

// ---- the Icecast listeners against an in-test Icecast -----------------------------------

TEST(icecast_fleet, reads_pages_and_times_them_by_the_kernel) {
    peer server;
    loadgen::icecast_options o;
    o.host = "127.0.0.1";
    o.port = server.port();
    o.mounts = {"floor"};
    o.listeners = 1;
    o.duration_s = 20;
    constexpr std::size_t pages = 30;
    std::vector<std::unique_ptr<loadgen::icecast::mount_clock>> clocks;
    clocks.push_back(std::make_unique<loadgen::icecast::mount_clock>());
    std::vector<loadgen::icecast::listener_result> results(1);
    loadgen::icecast::icecast_fleet fleet(o, clocks, results);
    std::string request;
    std::thread peer_thread([&] {
        struct hang_up {  // the end of the stream ends the run (no listener left)
            peer& p;
            ~hang_up() { p.close_connection(); }
        } bye{server};
        if (!server.accept(5s))
            return;
        if (auto head = server.read_request_head())
            request = *head;
        bytes stream = to_bytes("HTTP/1.0 200 OK\r\nContent-Type: audio/ogg\r\n\r\n");
        auto add = [&](const bytes& page) { stream.insert(stream.end(), page.begin(), page.end()); };
        add(loadgen::ogg_page(loadgen::opus_head(loadgen::icecast::pre_skip), loadgen::ogg_bos, 0, 7, 0));
        server.write(stream);
        for (std::size_t k = 0; k < pages; ++k) {
            const std::int64_t granule = loadgen::icecast::pre_skip +
                                         static_cast<std::int64_t>(k + 1) * loadgen::icecast::frame_samples;
            const bytes page = loadgen::ogg_page(bytes(70, 0x33), 0, granule, 7, static_cast<std::uint32_t>(k + 1));
            clocks[0]->written_us[k].store(client::steady_now_us(), std::memory_order_release);
            // Split each page in two writes: the reader keeps the incomplete part.
            server.write(bytes(page.begin(), page.begin() + 30));
            server.write(bytes(page.begin() + 30, page.end()));
        }
    });
    const auto started = std::chrono::steady_clock::now();
    const loadgen::load_run run = fleet.run();
    peer_thread.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    EXPECT_EQ(request.rfind("GET /floor HTTP/1.0\r\n", 0), 0u) << request;
    const auto& r = results[0];
    EXPECT_TRUE(r.connected);
    EXPECT_EQ(r.sequence.received(), pages);
    EXPECT_EQ(r.sequence.missing(), 0u);
    EXPECT_EQ(r.window_frames, pages);
    EXPECT_EQ(r.latency.count(), r.window_frames);
    EXPECT_GE(r.latency.min_us(), 0);
    EXPECT_LT(r.latency.max_us(), 1'000'000);
    EXPECT_TRUE(r.closed_by_server);
    EXPECT_EQ(fleet.kernel_frames() + fleet.fallback_frames(), r.window_frames);
    EXPECT_EQ(run.attempted, 1u);
}

// ---- end to end: the real tolk-server and booths ----------------------------------------

class raw_fleet_e2e : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : {"tolk-server", "tolk-booth"})
            if (bin_dir.empty() || !fs::exists(bin_dir / name))
                GTEST_SKIP() << name << " is not built";
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

TEST_F(raw_fleet_e2e, all_listeners_get_every_frame_and_stalled_ones_stop) {
    booth("en", 440);
    booth("fr", 550);
    constexpr int n = 200;
    auto o = options_for(port_, n, {"en", "fr"}, 2.0);
    o.stall_fraction = 0.05;
    loadgen::raw_fleet fleet(o);
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
    EXPECT_LT(l["p50_ms"].get<double>(), 20.0);
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
    std::printf("[ measured ] raw engine, %d listeners: %.0f frames/s, delivery p50 %.3f ms, p99 %.3f ms\n", n,
                a["frames_per_second"].get<double>(), l["p50_ms"].get<double>(), l["p99_ms"].get<double>());
}

TEST_F(raw_fleet_e2e, a_wrong_path_is_refused_with_http_404) {
    auto o = options_for(port_, 5, {"en"}, 2.0);
    o.server.prefix = "/nope";
    loadgen::raw_fleet fleet(o);
    const nlohmann::json report = fleet.run();
    EXPECT_EQ(report["connected"], 0);
    EXPECT_EQ(report["failed"], 5);
    ASSERT_EQ(report["close_reasons"].size(), 1u) << report["close_reasons"].dump();
    const std::string reason = report["close_reasons"].begin().key();
    EXPECT_NE(reason.find("404"), std::string::npos) << reason;
    EXPECT_NE(reason.find("/nope/ws/listen"), std::string::npos) << reason;
}

}  // namespace
}  // namespace tolk::test
