#include "server/ws_frame_reader.hpp"

#include <algorithm>
#include <cstring>

namespace tolk::server {

namespace {
constexpr std::uint16_t protocol_violation = 1002;
constexpr std::uint16_t too_big = 1009;

bool valid_close_code(std::uint16_t c) {
    return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1011) || (c >= 3000 && c <= 4999);
}
}  // namespace

std::span<std::uint8_t> ws_frame_reader::prepare(std::size_t n) {
    if (begin_ > 0) {  // move the unparsed rest to the front
        std::memmove(in_.data(), in_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (in_.size() < end_ + n)
        in_.resize(end_ + n);
    else if (in_.size() > 4 * (end_ + n) && in_.size() > 65536)
        in_.resize(end_ + n), in_.shrink_to_fit();  // a large frame once: not kept for life
    return {in_.data() + end_, n};
}

ws_frame_reader::event ws_frame_reader::fail(std::uint16_t code, std::string reason) {
    failed_ = true;
    event e;
    e.what = event::kind::error;
    e.code = code;
    e.reason = std::move(reason);
    return e;
}

ws_frame_reader::event ws_frame_reader::control(int opcode, std::span<std::uint8_t> payload) {
    event e;
    if (opcode == 0x9 || opcode == 0xa) {
        e.what = opcode == 0x9 ? event::kind::ping : event::kind::pong;
        e.payload = payload;
        return e;
    }
    e.what = event::kind::close;
    e.code = 1005;
    if (payload.size() == 1)
        return fail(protocol_violation, "close frame with a 1-byte payload");
    if (payload.size() >= 2) {
        e.code = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
        if (!valid_close_code(e.code))
            return fail(protocol_violation, "invalid close code " + std::to_string(e.code));
        e.reason.assign(payload.begin() + 2, payload.end());
    }
    return e;
}

std::optional<ws_frame_reader::event> ws_frame_reader::read_header(header& h) {
    const std::uint8_t* p = in_.data() + begin_;
    const std::size_t have = end_ - begin_;
    h = {};
    if (have < 2)
        return std::nullopt;
    h.fin = p[0] & 0x80;
    h.opcode = p[0] & 0x0f;
    if (p[0] & 0x70)
        return fail(protocol_violation, "reserved bits set");
    if (!(p[1] & 0x80))
        return fail(protocol_violation, "client frames must be masked");
    if ((h.opcode > 0x2 && h.opcode < 0x8) || h.opcode > 0xa)
        return fail(protocol_violation, "unknown opcode " + std::to_string(h.opcode));
    const bool is_control = h.opcode >= 0x8;
    std::uint64_t len = p[1] & 0x7f;
    if (is_control && (!h.fin || len > 125))
        return fail(protocol_violation, "control frames must be whole and at most 125 bytes");
    const std::size_t extra = len == 126 ? 2 : len == 127 ? 8 : 0;  // extended length bytes
    if (have < 2 + extra)
        return std::nullopt;
    if (extra > 0)
        len = 0;
    for (std::size_t i = 0; i < extra; ++i)
        len = len << 8 | p[2 + i];
    if (!is_control) {
        if (h.opcode == 0 && message_opcode_ == 0)
            return fail(protocol_violation, "continuation outside a fragmented message");
        if (h.opcode != 0 && message_opcode_ != 0)
            return fail(protocol_violation, "new message inside a fragmented message");
        if (len > max_message_ || message_.size() + len > max_message_)
            return fail(too_big, "message over " + std::to_string(max_message_) + " bytes");
    }
    h.length = len;
    h.size = 2 + extra + 4;
    return std::nullopt;
}

ws_frame_reader::event ws_frame_reader::data(const header& h, std::span<std::uint8_t> payload) {
    event e;
    if (h.opcode != 0 && h.fin) {  // a whole message in one frame: no copy
        e.what = h.opcode == 0x1 ? event::kind::text : event::kind::binary;
        e.payload = payload;
        return e;
    }
    if (h.opcode != 0)
        message_opcode_ = h.opcode;
    message_.insert(message_.end(), payload.begin(), payload.end());
    if (h.fin) {
        e.what = message_opcode_ == 0x1 ? event::kind::text : event::kind::binary;
        e.payload = message_;
        message_opcode_ = 0;
        message_done_ = true;
    }
    return e;
}

ws_frame_reader::event ws_frame_reader::next() {
    if (message_done_) {
        message_.clear();
        message_done_ = false;
    }
    while (!failed_) {
        header h;
        if (auto refused = read_header(h))
            return std::move(*refused);
        if (h.size == 0 || end_ - begin_ < h.size + h.length)
            return {};
        const std::uint8_t* mask = in_.data() + begin_ + h.size - 4;
        std::span<std::uint8_t> payload{in_.data() + begin_ + h.size, static_cast<std::size_t>(h.length)};
        for (std::size_t i = 0; i < payload.size(); ++i)
            payload[i] ^= mask[i % 4];
        begin_ += h.size + payload.size();
        if (h.opcode >= 0x8)
            return control(h.opcode, payload);
        if (auto e = data(h, payload); e.what != event::kind::none)
            return e;
    }
    return {};
}

}  // namespace tolk::server
