#include "clients/loadgen/raw_fleet.hpp"

#include "clients/common/log.hpp"
#include "clients/loadgen/raw_ws.hpp"
#include "protocol/audio_frame.hpp"
#include "protocol/control_message.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tolk::loadgen {

namespace {

constexpr std::size_t read_buffer_bytes = 64 * 1024;
constexpr int stalled_receive_buffer = 4096;        // bytes; the kernel may round it up
constexpr std::uint64_t max_message = 1 << 20;      // larger server frames are a protocol error
constexpr std::size_t max_response_head = 16 * 1024;
constexpr std::size_t keep_pending_capacity = 16 * 1024;  // shrink leftovers' memory above this
constexpr const char* client_name = "tolk-loadgen/0.1";

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

raw_fleet::raw_fleet(const load_options& options)
    : options_(options),
      driver_(plan_for(options)),
      buffer_(read_buffer_bytes),
      random_(std::random_device{}()),
      mask_state_(random_() | 1) {
    if (options_.use_clock_offset)
        throw std::invalid_argument(
            "--clock-sync is not supported by --engine raw: it times frames with kernel receive "
            "timestamps against the server's clock on this machine; use --engine beast");
    if (options_.channels.empty() || options_.channels.size() > 0xFFFF)
        throw std::invalid_argument("raw engine: between 1 and 65535 channels");
    target_ = options_.server.endpoint("/ws/listen");
    hello_ = protocol::serialize(protocol::hello{client_name, 1, {}});
    for (const auto& id : options_.channels)
        subscribe_.push_back(protocol::serialize(protocol::subscribe{{id}}));
    const std::size_t n = driver_.plan().connections;
    listeners_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        listeners_[i].channel = static_cast<std::uint16_t>(i % options_.channels.size());
        listeners_[i].stall = is_stalled_listener(i, n, options_.stall_fraction);
    }
}

raw_fleet::~raw_fleet() {
    for (auto& l : listeners_)
        if (l.fd >= 0)
            ::close(l.fd);
}

nlohmann::json raw_fleet::run() {
    address_ = raw::resolve_tcp(options_.server.host, options_.server.port, &resolve_error_);
    const load_run run = driver_.run(*this);
    std::vector<listener_result> results;
    results.reserve(run.attempted);
    for (std::size_t i = 0; i < run.attempted; ++i)
        results.push_back({&listeners_[i].stats, listeners_[i].stall});
    nlohmann::json report = make_load_report(options_, results, run);
    report["latency_source"] = fallback_frames_ == 0 ? "kernel receive timestamp"
                               : kernel_frames_ == 0
                                   ? "user-space receipt time"
                                   : "kernel receive timestamp, some frames user-space receipt time";
    report["latency_kernel_frames"] = kernel_frames_;
    report["latency_fallback_frames"] = fallback_frames_;
    return report;
}

// ---- the driver's engine interface ------------------------------------------------------

void raw_fleet::launch(std::size_t i, std::int64_t now_us) {
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

void raw_fleet::on_ready(std::uint64_t tag, std::uint32_t events) {
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

void raw_fleet::check_timeouts(std::int64_t now_us) {
    const std::int64_t limit_us =
        std::chrono::duration_cast<std::chrono::microseconds>(driver_.plan().connect_timeout).count();
    for (std::size_t i = 0; i < driver_.attempted(); ++i) {
        listener& l = listeners_[i];
        if ((l.state != phase::connecting && l.state != phase::upgrading) || now_us - l.attempt_started_us <= limit_us)
            continue;
        lose(l, 0,
             (l.state == phase::connecting ? "timed out connecting to " : "timed out waiting for the upgrade of ") +
                 options_.server.authority() + target_);
    }
}

void raw_fleet::close_all() {
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
    // with a reset (on loopback before send() returns) — what the Beast engine sees as
    // "close failed" when it closes them.
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

void raw_fleet::on_connected(listener& l) {
    l.state = phase::upgrading;
    std::array<std::uint8_t, 16> key{};
    for (std::size_t i = 0; i < key.size(); i += 8) {
        const std::uint64_t r = random_();
        std::memcpy(key.data() + i, &r, 8);
    }
    const std::string request = ws_wire::upgrade_request(options_.server.authority(), target_, key, client_name);
    write_out(l, {reinterpret_cast<const std::uint8_t*>(request.data()), request.size()});
}

void raw_fleet::read_all(listener& l) {
    for (;;) {
        const raw::rx_result rx = raw::receive(l.fd, buffer_, driver_.clock());
        if (rx.bytes > 0) {
            consume(l, {buffer_.data(), static_cast<std::size_t>(rx.bytes)}, rx);
            if (l.state != phase::upgrading && l.state != phase::open)
                return;
            continue;  // edge-triggered: on until EAGAIN
        }
        if (rx.bytes == 0) {
            lose(l, 0, l.state == phase::upgrading ? "connection closed during the WebSocket upgrade"
                                                   : "connection closed without a close frame");
            return;
        }
        if (rx.error == EINTR)
            continue;
        if (rx.error == EAGAIN || rx.error == EWOULDBLOCK)
            return;
        lose(l, 0, std::string("read: ") + std::strerror(rx.error));
        return;
    }
}

void raw_fleet::consume(listener& l, std::span<const std::uint8_t> bytes, const raw::rx_result& rx) {
    // Parse straight from the shared buffer unless an incomplete frame is waiting.
    std::span<const std::uint8_t> in = bytes;
    const bool buffered = !l.pending.empty();
    if (buffered) {
        l.pending.insert(l.pending.end(), bytes.begin(), bytes.end());
        in = l.pending;
    }
    std::size_t used = 0;
    if (l.state == phase::upgrading) {
        const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
        const std::size_t end = raw::find_head_end(text);
        if (end == std::string_view::npos) {
            if (in.size() > max_response_head)
                lose(l, 0, "WebSocket upgrade: response head over 16 KiB");
            else if (!buffered)
                l.pending.assign(bytes.begin(), bytes.end());
            return;
        }
        const std::string_view head = text.substr(0, end);
        if (raw::http_status(head) != 101) {
            lose(l, 0, "WebSocket handshake with " + options_.server.authority() + target_ + " failed (" +
                           std::string(raw::first_line(head)) + ")");
            return;
        }
        l.state = phase::open;
        l.stats.connected = true;
        driver_.attempt_done();
        send_frame(l, ws_wire::opcode::text, hello_);
        if (l.state != phase::open)
            return;
        used = end;
    }
    while (used < in.size()) {
        ws_wire::frame f;
        const auto status = ws_wire::parse_server_frame(in.subspan(used), f, max_message);
        if (status == ws_wire::parse_status::incomplete)
            break;
        if (status == ws_wire::parse_status::invalid) {
            ++l.stats.bad_frames;
            lose(l, 0, "protocol error: invalid WebSocket frame from the server");
            return;
        }
        used += f.size;
        if (!on_frame(l, f, rx))
            return;  // closed or paused: `in` may be gone
    }
    if (buffered) {
        l.pending.erase(l.pending.begin(), l.pending.begin() + static_cast<std::ptrdiff_t>(used));
        if (l.pending.empty() && l.pending.capacity() > keep_pending_capacity)
            std::vector<std::uint8_t>().swap(l.pending);
    } else if (used < in.size()) {
        l.pending.assign(in.begin() + static_cast<std::ptrdiff_t>(used), in.end());
    }
}

bool raw_fleet::on_frame(listener& l, const ws_wire::frame& f, const raw::rx_result& rx) {
    if (!f.fin || f.opcode == ws_wire::opcode::continuation) {
        ++l.stats.bad_frames;  // fragmented: neither server under test sends these
        return true;
    }
    switch (f.opcode) {
    case ws_wire::opcode::binary:
        on_audio(l, f.payload, rx);
        break;
    case ws_wire::opcode::text:
        on_text(l, {reinterpret_cast<const char*>(f.payload.data()), f.payload.size()});
        break;
    case ws_wire::opcode::ping:
        send_frame(l, ws_wire::opcode::pong, f.payload);
        break;
    case ws_wire::opcode::pong:
        break;
    case ws_wire::opcode::close: {
        auto c = ws_wire::parse_close(f.payload);
        scratch_.clear();  // echo the code (best effort), then the socket goes
        ws_wire::append_client_frame(scratch_, ws_wire::opcode::close,
                                     f.payload.first(std::min<std::size_t>(f.payload.size(), 2)), next_mask());
        if (l.unsent.empty())
            raw::send_some(l.fd, scratch_);
        lose(l, c.code, std::move(c.reason));
        return false;
    }
    default:
        ++l.stats.bad_frames;
        break;
    }
    return l.state == phase::open;
}

void raw_fleet::on_text(listener& l, std::string_view text) {
    const auto message = protocol::parse_control(text);
    if (!message)
        return;
    const std::string& mine = options_.channels[l.channel];
    if (std::holds_alternative<protocol::welcome>(message.value())) {
        send_frame(l, ws_wire::opcode::text, subscribe_[l.channel]);
    } else if (const auto* s = std::get_if<protocol::subscribed>(&message.value())) {
        for (const auto& info : s->channels)
            if (info.id == mine) {
                l.channel_number = info.number;
                l.stats.subscribed = true;
            }
    } else if (const auto* r = std::get_if<protocol::resync>(&message.value())) {
        if (r->channel == mine) {
            ++l.stats.resyncs;
            l.stats.resync_dropped += r->dropped_frames;
            l.stats.sequence.reset();
        }
    }
}

void raw_fleet::on_audio(listener& l, std::span<const std::uint8_t> bytes, const raw::rx_result& rx) {
    const auto frame = protocol::parse_audio_frame(bytes);
    if (!frame) {
        ++l.stats.bad_frames;
        return;
    }
    const protocol::frame_header& h = frame->header;
    if (l.channel_number < 0 || h.channel != static_cast<std::uint16_t>(l.channel_number))
        return;
    l.stats.sequence.observe(h.sequence, h.has(protocol::frame_flag::discontinuity));
    if (driver_.window_open()) {
        l.stats.latency.record(rx.receipt_us - h.ingress_us);
        ++l.stats.window_frames;
        ++(rx.kernel_time ? kernel_frames_ : fallback_frames_);
    }
    if (l.stall)
        pause(l);
}

void raw_fleet::pause(listener& l) {
    // Out of the epoll set and never read again: the 4 KiB window fills, the server's writes
    // back up and its stall handling (queue limit, 4005 after the stall timeout) kicks in.
    driver_.events().remove(l.fd);
    l.state = phase::paused;
    std::vector<std::uint8_t>().swap(l.pending);
}

// ---- writing ----------------------------------------------------------------------------

void raw_fleet::send_frame(listener& l, std::uint8_t op, std::span<const std::uint8_t> payload) {
    scratch_.clear();
    ws_wire::append_client_frame(scratch_, op, payload, next_mask());
    write_out(l, scratch_);
}

void raw_fleet::send_frame(listener& l, std::uint8_t op, std::string_view payload) {
    send_frame(l, op, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
}

void raw_fleet::write_out(listener& l, std::span<const std::uint8_t> bytes) {
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

void raw_fleet::flush(listener& l) {
    const long n = raw::send_some(l.fd, l.unsent);
    if (n < 0) {
        lose(l, 0, std::string("write: ") + std::strerror(errno));
        return;
    }
    l.unsent.erase(l.unsent.begin(), l.unsent.begin() + n);
}

std::uint32_t raw_fleet::next_mask() {
    // xorshift64*: cheap, and client masks need not be cryptographic for a load generator.
    mask_state_ ^= mask_state_ >> 12;
    mask_state_ ^= mask_state_ << 25;
    mask_state_ ^= mask_state_ >> 27;
    return static_cast<std::uint32_t>((mask_state_ * 0x2545F4914F6CDD1DULL) >> 32);
}

// ---- ending -----------------------------------------------------------------------------

void raw_fleet::lose(listener& l, std::uint16_t code, std::string reason) {
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

void raw_fleet::release(listener& l) {
    if (l.fd >= 0)
        ::close(l.fd);  // also leaves the epoll set
    l.fd = -1;
    l.state = phase::closed;
    std::vector<std::uint8_t>().swap(l.pending);
    std::vector<std::uint8_t>().swap(l.unsent);
}

}  // namespace tolk::loadgen
