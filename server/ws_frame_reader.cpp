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

ws_frame_reader::event ws_frame_reader::next() {
    if (message_done_) {
        message_.clear();
        message_done_ = false;
    }
    while (!failed_) {
        const std::uint8_t* p = in_.data() + begin_;
        const std::size_t have = end_ - begin_;
        if (have < 2)
            return {};
        const bool fin = p[0] & 0x80;
        const int opcode = p[0] & 0x0f;
        if (p[0] & 0x70)
            return fail(protocol_violation, "reserved bits set");
        if (!(p[1] & 0x80))
            return fail(protocol_violation, "client frames must be masked");
        const bool is_control = opcode >= 0x8;
        if ((opcode > 0x2 && opcode < 0x8) || opcode > 0xa)
            return fail(protocol_violation, "unknown opcode " + std::to_string(opcode));
        std::uint64_t len = p[1] & 0x7f;
        std::size_t header = 2;
        if (is_control && (!fin || len > 125))
            return fail(protocol_violation, "control frames must be whole and at most 125 bytes");
        if (len == 126) {
            if (have < 4)
                return {};
            len = std::uint64_t{p[2]} << 8 | p[3];
            header = 4;
        } else if (len == 127) {
            if (have < 10)
                return {};
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = len << 8 | p[2 + i];
            header = 10;
        }
        if (!is_control) {
            if (opcode == 0 && message_opcode_ == 0)
                return fail(protocol_violation, "continuation outside a fragmented message");
            if (opcode != 0 && message_opcode_ != 0)
                return fail(protocol_violation, "new message inside a fragmented message");
            if (len > max_message_ || message_.size() + len > max_message_)
                return fail(too_big, "message over " + std::to_string(max_message_) + " bytes");
        }
        if (have < header + 4 + len)
            return {};
        const std::uint8_t* mask = p + header;
        auto* payload = in_.data() + begin_ + header + 4;
        for (std::size_t i = 0; i < len; ++i)
            payload[i] ^= mask[i % 4];
        begin_ += header + 4 + len;
        std::span<std::uint8_t> bytes{payload, static_cast<std::size_t>(len)};
        if (is_control)
            return control(opcode, bytes);
        event e;
        if (opcode != 0 && fin) {  // a whole message in one frame: no copy
            e.what = opcode == 0x1 ? event::kind::text : event::kind::binary;
            e.payload = bytes;
            return e;
        }
        if (opcode != 0)
            message_opcode_ = opcode;
        message_.insert(message_.end(), bytes.begin(), bytes.end());
        if (fin) {
            e.what = message_opcode_ == 0x1 ? event::kind::text : event::kind::binary;
            e.payload = message_;
            message_opcode_ = 0;
            message_done_ = true;
            return e;
        }
    }
    return {};
}

}  // namespace tolk::server
