#include "tests/bench/tools/ws_wire.hpp"

#include "tests/bench/tools/http_head.hpp"

namespace tolk::bench::ws_wire {

parse_status parse_server_frame(std::span<const std::uint8_t> bytes, frame& out, std::uint64_t max_payload) {
    if (bytes.size() < 2)
        return parse_status::incomplete;
    const std::uint8_t b0 = bytes[0], b1 = bytes[1];
    if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0)  // RSV bits (no extensions), masked server frame
        return parse_status::invalid;
    out.fin = (b0 & 0x80) != 0;
    out.opcode = b0 & 0x0F;
    std::uint64_t length = b1 & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
        if (bytes.size() < 4)
            return parse_status::incomplete;
        length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
        header = 4;
    } else if (length == 127) {
        if (bytes.size() < 10)
            return parse_status::incomplete;
        length = 0;
        for (std::size_t i = 2; i < 10; ++i)
            length = (length << 8) | bytes[i];
        header = 10;
        if (length >> 63)
            return parse_status::invalid;
    }
    if ((out.opcode & 0x08) != 0 && (length > 125 || !out.fin))  // control frames: short, whole
        return parse_status::invalid;
    if (length > max_payload)
        return parse_status::invalid;
    if (bytes.size() - header < length)
        return parse_status::incomplete;
    out.payload = bytes.subspan(header, static_cast<std::size_t>(length));
    out.size = header + static_cast<std::size_t>(length);
    return parse_status::complete;
}

void append_client_frame(std::vector<std::uint8_t>& out, std::uint8_t op, std::span<const std::uint8_t> payload,
                         std::uint32_t mask_key) {
    out.push_back(static_cast<std::uint8_t>(0x80 | (op & 0x0F)));
    const std::uint64_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<std::uint8_t>(0x80 | n));
    } else if (n <= 0xFFFF) {
        out.push_back(0x80 | 126);
        out.push_back(static_cast<std::uint8_t>(n >> 8));
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        out.push_back(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<std::uint8_t>(n >> shift));
    }
    const std::uint8_t mask[4] = {static_cast<std::uint8_t>(mask_key >> 24),
                                  static_cast<std::uint8_t>(mask_key >> 16),
                                  static_cast<std::uint8_t>(mask_key >> 8), static_cast<std::uint8_t>(mask_key)};
    out.insert(out.end(), mask, mask + 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        out.push_back(payload[i] ^ mask[i % 4]);
}

std::vector<std::uint8_t> server_frame(std::uint8_t op, std::span<const std::uint8_t> payload, bool fin) {
    std::vector<std::uint8_t> out;
    out.push_back(static_cast<std::uint8_t>((fin ? 0x80 : 0) | (op & 0x0F)));
    const std::uint64_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else if (n <= 0xFFFF) {
        out.push_back(126);
        out.push_back(static_cast<std::uint8_t>(n >> 8));
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        out.push_back(127);
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<std::uint8_t>(n >> shift));
    }
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

void unmask(std::span<std::uint8_t> payload, std::uint32_t mask_key) {
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] ^= static_cast<std::uint8_t>(mask_key >> (8 * (3 - i % 4)));
}

std::string upgrade_request(std::string_view host, std::string_view target, const std::array<std::uint8_t, 16>& key,
                            std::string_view user_agent) {
    std::string r;
    r.reserve(256);
    r.append("GET ").append(target).append(" HTTP/1.1\r\n");
    r.append("Host: ").append(host).append("\r\n");
    r.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
    r.append("Sec-WebSocket-Key: ").append(raw::base64(key)).append("\r\n");
    r.append("User-Agent: ").append(user_agent).append("\r\n\r\n");
    return r;
}

close_payload parse_close(std::span<const std::uint8_t> payload) {
    close_payload c;
    if (payload.size() >= 2) {
        c.code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
        c.reason.assign(reinterpret_cast<const char*>(payload.data()) + 2, payload.size() - 2);
    }
    return c;
}

}  // namespace tolk::bench::ws_wire
