#include "tests/bench/tools/http_head.hpp"

namespace tolk::bench::raw {

// ---- HTTP bits --------------------------------------------------------------------------

std::size_t find_head_end(std::string_view bytes) {
    const auto at = bytes.find("\r\n\r\n");
    return at == std::string_view::npos ? at : at + 4;
}

int http_status(std::string_view head) {
    // "HTTP/1.1 101 ..." or "HTTP/1.0 200 OK" (Icecast also answers "ICY 200 OK")
    const auto space = head.find(' ');
    if (space == std::string_view::npos || head.size() < space + 4)
        return 0;
    int code = 0;
    for (std::size_t i = space + 1; i < space + 4; ++i) {
        if (head[i] < '0' || head[i] > '9')
            return 0;
        code = code * 10 + (head[i] - '0');
    }
    return code;
}

std::string_view first_line(std::string_view head) { return head.substr(0, head.find('\r')); }

std::string base64(std::span<const std::uint8_t> bytes) {
    static constexpr char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    unsigned v = 0;
    int bits = -6;
    for (std::uint8_t c : bytes) {
        v = (v << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out.push_back(abc[(v >> bits) & 0x3f]);
            bits -= 6;
        }
    }
    if (bits > -6)
        out.push_back(abc[((v << 8) >> (bits + 8)) & 0x3f]);
    while (out.size() % 4)
        out.push_back('=');
    return out;
}

}  // namespace tolk::bench::raw
