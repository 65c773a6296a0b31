#include "tests/bench/tools/ws_fleet.hpp"

#include "protocol/control_message.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tolk::bench {

namespace {

constexpr int stalled_receive_buffer = 4096;  // bytes; the kernel may round it up
constexpr const char* client_name = "tolk-loadgen/0.1";
constexpr int quick_pings = 3;                // 100 ms apart (the driver's tick), then:
constexpr std::int64_t ping_interval_us = 2'000'000;

raw::fleet_plan plan_for(const load_options& o) {
    raw::fleet_plan p;
    p.connections = static_cast<std::size_t>(std::max(o.listeners, 0));
    p.max_connecting = o.max_connecting;
    p.duration_s = o.duration_s;
    p.watch_pid = o.watch_pid;
    p.connect_timeout = std::chrono::seconds(10);
    p.log_name = "loadgen";
    return p;
}

}  // namespace

bool is_stalled_listener(std::size_t i, std::size_t n, double stall_fraction) {
    if (n == 0)
        return false;
    const auto stalled = static_cast<std::size_t>(std::clamp(stall_fraction, 0.0, 1.0) * static_cast<double>(n) + 0.5);
    return stalled > 0 && (i * stalled) / n != ((i + 1) * stalled) / n;
}

ws_fleet::ws_fleet(const load_options& options)
    : options_(options),
      driver_(plan_for(options)),
      random_(std::random_device{}()),
      mask_state_(random_() | 1) {
    if (options_.channels.empty() || options_.channels.size() > 0xFFFF)
        throw std::invalid_argument("tolk-loadgen: between 1 and 65535 channels");
    target_ = options_.server.endpoint("/ws/listen");
    hello_ = protocol::serialize(protocol::hello{client_name, 1, {}});
    for (const auto& id : options_.channels)
        subscribe_.push_back(protocol::serialize(protocol::subscribe{{id}}));
    const std::size_t n = driver_.plan().connections;
    listeners_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        listeners_[i].channel = static_cast<std::uint16_t>(i % options_.channels.size());
        listeners_[i].stall = is_stalled_listener(i, n, options_.stall_fraction);
        if (options_.use_clock_offset)
            listeners_[i].clock = std::make_unique<protocol::clock_sync>();
    }
}

ws_fleet::~ws_fleet() {
    for (auto& l : listeners_)
        if (l.fd >= 0)
            ::close(l.fd);
}

nlohmann::json ws_fleet::run() {
    address_ = raw::resolve_tcp(options_.server.host, options_.server.port, &resolve_error_);
    const load_run run = driver_.run(*this);
    std::vector<listener_result> results;
    results.reserve(run.attempted);
    for (std::size_t i = 0; i < run.attempted; ++i)
        results.push_back({&listeners_[i].stats, listeners_[i].stall});
    const run_description description{options_.server.authority(), options_.listeners, options_.channels,
                                      options_.use_clock_offset ? "ping/pong offset" : "shared steady clock",
                                      options_.watch_pid};
    return make_load_report(description, results, run);
}

// ---- the driver's engine interface ------------------------------------------------------

void ws_fleet::launch(std::size_t i, std::int64_t now_us) {
    listener& l = listeners_[i];
    l.attempt_started_us = now_us;
    if (!address_) {
        lose(l, 0, resolve_error_);
        return;
    }
    std::string error;
    l.fd = raw::open_connecting(*address_, l.stall ? stalled_receive_buffer : 0, &error);
    if (l.fd < 0) {
        lose(l, 0, "cannot connect to " + options_.server.authority() + ": " + error);
        return;
    }
    l.state = phase::connecting;
    if (!driver_.events().add(l.fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, i))
        lose(l, 0, std::string("epoll_ctl: ") + std::strerror(errno));
}

void ws_fleet::on_ready(std::uint64_t tag, std::uint32_t events) {
    listener& l = listeners_[tag];
    if (l.state == phase::connecting) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (const int error = raw::socket_error(l.fd)) {
            lose(l, 0, "cannot connect to " + options_.server.authority() + ": " + std::strerror(error));
            return;
        }
        on_connected(l);
        return;
    }
    if (l.state != phase::upgrading && l.state != phase::open)
        return;  // paused listeners are out of the set; closed ones have no socket
    if ((events & EPOLLOUT) && !l.unsent.empty())
        flush(l);
    if (l.state == phase::upgrading || l.state == phase::open) {
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            read_all(l);
    }
}

void ws_fleet::on_tick(std::int64_t now_us) {
    if (options_.use_clock_offset)
        send_pings(now_us);
    if (!driver_.connecting())
        return;
    for (std::size_t i = 0; i < driver_.attempted(); ++i) {
        listener& l = listeners_[i];
        if ((l.state != phase::connecting && l.state != phase::upgrading) ||
            !driver_.attempt_expired(l.attempt_started_us, now_us))
            continue;
        lose(l, 0,
             (l.state == phase::connecting ? "timed out connecting to " : "timed out waiting for the upgrade of ") +
                 options_.server.authority() + target_);
    }
}

void ws_fleet::send_pings(std::int64_t now_us) {
    for (std::size_t i = 0; i < driver_.attempted(); ++i) {
        listener& l = listeners_[i];
        if (l.state != phase::open || now_us < l.next_ping_us)
            continue;
        send_frame(l, ws_wire::opcode::text, protocol::serialize(protocol::ping{client::steady_now_us()}));
        l.next_ping_us = now_us + (++l.pings_sent < quick_pings ? 0 : ping_interval_us);
    }
}

void ws_fleet::close_all() {
    const std::uint8_t normal[2] = {0x03, 0xE8};  // 1000 normal closure
    auto send_close = [&](listener& l) {
        if (!l.unsent.empty())
            return;
        scratch_.clear();
        ws_wire::append_client_frame(scratch_, ws_wire::opcode::close, normal, next_mask());
        raw::send_some(l.fd, scratch_);
    };
    // Stalled listeners first: has the server given up on them (4005)?  Its FIN waits behind
    // the data they never read, but our close frame reaches a closed socket, which answers
    // with a reset (on loopback before send() returns).
    for (std::size_t i = 0; i < driver_.attempted(); ++i)
        if (listeners_[i].state == phase::paused)
            send_close(listeners_[i]);
    for (std::size_t i = 0; i < driver_.attempted(); ++i) {
        listener& l = listeners_[i];
        switch (l.state) {
        case phase::open:
            send_close(l);  // best effort; then the socket goes
            break;
        case phase::paused: {
            pollfd p{l.fd, POLLRDHUP, 0};
            if (::poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
                const int error = raw::socket_error(l.fd);
                l.stats.closed_by_server = true;
                l.stats.close_reason = error ? std::string("close failed: ") + std::strerror(error)
                                             : "connection closed by the server while stalled";
            }
            break;
        }
        case phase::idle:
        case phase::connecting:
        case phase::upgrading:
            l.stats.close_reason = "stopped";
            break;
        case phase::closed:
            break;
        }
        release(l);
    }
}

// ---- one listener -----------------------------------------------------------------------

void ws_fleet::on_connected(listener& l) {
    l.state = phase::upgrading;
    std::array<std::uint8_t, 16> key{};
    for (std::size_t i = 0; i < key.size(); i += 8) {
        const std::uint64_t r = random_();
        std::memcpy(key.data() + i, &r, 8);
    }
    const std::string request = ws_wire::upgrade_request(options_.server.authority(), target_, key, client_name);
    write_out(l, {reinterpret_cast<const std::uint8_t*>(request.data()), request.size()});
}

// ---- writing ----------------------------------------------------------------------------

void ws_fleet::send_frame(listener& l, std::uint8_t op, std::span<const std::uint8_t> payload) {
    scratch_.clear();
    ws_wire::append_client_frame(scratch_, op, payload, next_mask());
    write_out(l, scratch_);
}

void ws_fleet::send_frame(listener& l, std::uint8_t op, std::string_view payload) {
    send_frame(l, op, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
}

void ws_fleet::write_out(listener& l, std::span<const std::uint8_t> bytes) {
    std::size_t sent = 0;
    if (l.unsent.empty()) {
        const long n = raw::send_some(l.fd, bytes);
        if (n < 0) {
            lose(l, 0, std::string("write: ") + std::strerror(errno));
            return;
        }
        sent = static_cast<std::size_t>(n);
    }
    l.unsent.insert(l.unsent.end(), bytes.begin() + static_cast<std::ptrdiff_t>(sent), bytes.end());
}

void ws_fleet::flush(listener& l) {
    const long n = raw::send_some(l.fd, l.unsent);
    if (n < 0) {
        lose(l, 0, std::string("write: ") + std::strerror(errno));
        return;
    }
    l.unsent.erase(l.unsent.begin(), l.unsent.begin() + n);
}

std::uint32_t ws_fleet::next_mask() {
    // xorshift64*: cheap, and client masks need not be cryptographic for a load generator.
    mask_state_ ^= mask_state_ >> 12;
    mask_state_ ^= mask_state_ << 25;
    mask_state_ ^= mask_state_ >> 27;
    return static_cast<std::uint32_t>((mask_state_ * 0x2545F4914F6CDD1DULL) >> 32);
}

// ---- ending -----------------------------------------------------------------------------

void ws_fleet::lose(listener& l, std::uint16_t code, std::string reason) {
    if (l.state == phase::closed)
        return;
    if (l.state == phase::idle || l.state == phase::connecting || l.state == phase::upgrading) {
        l.stats.close_reason = std::move(reason);
        driver_.attempt_done();
    } else {
        l.stats.closed_by_server = true;
        l.stats.close_code = code;
        l.stats.close_reason = std::move(reason);
    }
    release(l);
    driver_.socket_closed();
}

void ws_fleet::release(listener& l) {
    if (l.fd >= 0)
        ::close(l.fd);  // also leaves the epoll set
    l.fd = -1;
    l.state = phase::closed;
    std::vector<std::uint8_t>().swap(l.pending);
    std::vector<std::uint8_t>().swap(l.unsent);
}

}  // namespace tolk::bench
