#include "clients/common/ws_url.hpp"

#include <charconv>

namespace tolk::client {
namespace {

std::optional<ws_url> fail(std::string* error, std::string why) {
    if (error)
        *error = std::move(why);
    return std::nullopt;
}

// A host as authority() writes it back: a name or IPv4 address of letters, digits and "-._~",
// or, in brackets, an IPv6 address of hex digits, ':' and '.' (with a ':', or it would be
// written without brackets). Anything else ("[[1]", a space, a CR) is refused (found by fuzzing).
bool valid_host(std::string_view host, bool bracketed) {
    if (bracketed && host.find(':') == std::string_view::npos)
        return false;
    for (const char c : host) {
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        const bool alnum = hex || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (bracketed ? !(hex || c == ':' || c == '.') : !(alnum || c == '-' || c == '.' || c == '_' || c == '~'))
            return false;
    }
    return true;
}

}  // namespace

std::string ws_url::endpoint(std::string_view path) const {
    return prefix + std::string(path);
}

std::string ws_url::authority() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<ws_url> parse_ws_url(std::string_view text, std::string* error) {
    constexpr std::string_view scheme = "ws://";
    if (text.starts_with("wss://"))
        return fail(error, "wss:// is not supported by the native clients yet; use ws://");
    if (!text.starts_with(scheme))
        return fail(error, "the server URL must start with ws:// (e.g. ws://127.0.0.1:8080)");
    text.remove_prefix(scheme.size());

    const auto slash = text.find_first_of("/?#");
    std::string_view authority = text.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? "" : text.substr(slash);
    if (path.find_first_of("?#") != std::string_view::npos)
        return fail(error, "the server URL must not carry a query or fragment");
    while (!path.empty() && path.back() == '/')
        path.remove_suffix(1);

    ws_url url;
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return fail(error, "unterminated [ in an IPv6 address");
        url.host = authority.substr(1, close - 1);
        std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return fail(error, "expected :PORT after ]");
            port_text = rest.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        url.host = authority.substr(0, colon);
        if (colon != std::string_view::npos)
            port_text = authority.substr(colon + 1);
        if (url.host.find(':') != std::string::npos)
            return fail(error, "an IPv6 address must be written in brackets: ws://[::1]:8080");
    }
    if (url.host.empty())
        return fail(error, "the server URL has no host");
    if (!valid_host(url.host, authority.starts_with('[')))
        return fail(error, "\"" + url.host + "\" is not a host name or address");
    if (!port_text.empty() || authority.ends_with(':')) {
        unsigned port = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535)
            return fail(error, "bad port \"" + std::string(port_text) + "\"");
        url.port = static_cast<std::uint16_t>(port);
    }
    url.prefix = path;
    return url;
}

std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

}  // namespace tolk::client
