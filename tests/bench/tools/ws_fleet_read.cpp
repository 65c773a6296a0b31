// ws_fleet's reading side: the upgrade response, then server frames, control messages and
// audio (see ws_fleet.hpp).  Runs on the loop's thread.
#include "tests/bench/tools/ws_fleet.hpp"

#include "protocol/audio_frame.hpp"
#include "protocol/control_message.hpp"
#include "tests/bench/tools/http_head.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tolk::bench {

namespace {

constexpr std::uint64_t max_message = 1 << 20;      // larger server frames are a protocol error
constexpr std::size_t max_response_head = 16 * 1024;
constexpr std::size_t keep_pending_capacity = 16 * 1024;  // shrink leftovers' memory above this

}  // namespace

void ws_fleet::read_all(listener& l) {
    const auto ended = driver_.drain(l.fd, [&](std::span<const std::uint8_t> bytes, const raw::rx_result& rx) {
        consume(l, bytes, rx);
        return l.state == phase::upgrading || l.state == phase::open;
    });
    if (!ended)
        return;
    if (*ended != 0)
        lose(l, 0, std::string("read: ") + std::strerror(*ended));
    else
        lose(l, 0, l.state == phase::upgrading ? "connection closed during the WebSocket upgrade"
                                               : "connection closed without a close frame");
}

void ws_fleet::consume(listener& l, std::span<const std::uint8_t> bytes, const raw::rx_result& rx) {
    // Parse straight from the shared buffer unless an incomplete frame is waiting.
    std::span<const std::uint8_t> in = bytes;
    const bool buffered = !l.pending.empty();
    if (buffered) {
        l.pending.insert(l.pending.end(), bytes.begin(), bytes.end());
        in = l.pending;
    }
    std::size_t used = 0;
    if (l.state == phase::upgrading) {
        used = on_upgrade(l, in);
        if (used == 0) {
            if (l.state == phase::upgrading && !buffered)
                l.pending.assign(bytes.begin(), bytes.end());
            return;
        }
        send_frame(l, ws_wire::opcode::text, hello_);
        if (l.state != phase::open)
            return;
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

std::size_t ws_fleet::on_upgrade(listener& l, std::span<const std::uint8_t> in) {
    const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
    const std::size_t end = raw::find_head_end(text);
    if (end == std::string_view::npos) {
        if (in.size() > max_response_head)
            lose(l, 0, "WebSocket upgrade: response head over 16 KiB");
        return 0;
    }
    const std::string_view head = text.substr(0, end);
    if (raw::http_status(head) != 101) {
        lose(l, 0, "WebSocket handshake with " + options_.server.authority() + target_ + " failed (" +
                       std::string(raw::first_line(head)) + ")");
        return 0;
    }
    l.state = phase::open;
    l.stats.connected = true;
    driver_.attempt_done();
    return end;
}

bool ws_fleet::on_frame(listener& l, const ws_wire::frame& f, const raw::rx_result& rx) {
    if (!f.fin || f.opcode == ws_wire::opcode::continuation) {
        ++l.stats.bad_frames;  // fragmented: neither server under test sends these
        return true;
    }
    switch (f.opcode) {
    case ws_wire::opcode::binary:
        on_audio(l, f.payload, rx);
        break;
    case ws_wire::opcode::text:
        on_text(l, {reinterpret_cast<const char*>(f.payload.data()), f.payload.size()}, rx);
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

void ws_fleet::on_text(listener& l, std::string_view text, const raw::rx_result& rx) {
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
    } else if (const auto* p = std::get_if<protocol::pong>(&message.value())) {
        if (l.clock)
            l.clock->add({p->t0, p->t1, p->t2, rx.receipt_us});
    }
}

void ws_fleet::on_audio(listener& l, std::span<const std::uint8_t> bytes, const raw::rx_result& rx) {
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
        ++l.stats.window_frames;
        if (!l.clock || l.clock->valid()) {  // with clock sync: once the first pong is in
            l.stats.latency.record(rx.receipt_us + (l.clock ? l.clock->offset_us() : 0) - h.ingress_us);
            driver_.frame_timed(rx.kernel_time);
        }
    }
    if (l.stall)
        pause(l);
}

void ws_fleet::pause(listener& l) {
    // Out of the epoll set and never read again: the 4 KiB window fills, the server's writes
    // back up and its stall handling (queue limit, 4005 after the stall timeout) kicks in.
    driver_.events().remove(l.fd);
    l.state = phase::paused;
    std::vector<std::uint8_t>().swap(l.pending);
}

}  // namespace tolk::bench
