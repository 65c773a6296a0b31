#include "server/query.hpp"

namespace tolk::server {
namespace {

int hex(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string decode(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out += ' ';
        } else if (in[i] == '%' && i + 2 < in.size() &&
                   hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
            out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
            i += 2;
        } else {
            out += in[i];
        }
    }
    return out;
}

}  // namespace

std::string_view target_path(std::string_view target) {
    return target.substr(0, target.find('?'));
}

std::optional<std::string> query_param(std::string_view target, std::string_view key) {
    auto q = target.find('?');
    if (q == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view item = rest.substr(0, amp);
        auto eq = item.find('=');
        if (decode(item.substr(0, eq)) == key)
            return eq == std::string_view::npos ? std::string() : decode(item.substr(eq + 1));
        if (amp == std::string_view::npos)
            break;
        rest = rest.substr(amp + 1);
    }
    return std::nullopt;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        if (auto item = text.substr(0, comma); !item.empty())
            out.emplace_back(item);
        if (comma == std::string_view::npos)
            break;
        text = text.substr(comma + 1);
    }
    return out;
}

}  // namespace tolk::server
