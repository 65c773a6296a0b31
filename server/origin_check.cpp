#include "server/origin_check.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <cctype>

namespace tolk::server {

namespace http = boost::beast::http;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// "host:443" -> "host" when 443 is the scheme's default port (browsers leave it out).
std::string without_default_port(std::string authority, bool secure) {
    const std::string_view port = secure ? ":443" : ":80";
    if (authority.size() > port.size() && authority.ends_with(port) && authority.back() != ']')
        authority.resize(authority.size() - port.size());
    return authority;
}

bool valid_authority(std::string_view a) {
    if (a.empty() || a.front() == ':')
        return false;
    return std::all_of(a.begin(), a.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
    });
}

}  // namespace

std::string normalize_origin(std::string_view text) {
    auto s = lower(text);
    if (s.ends_with('/'))
        s.pop_back();
    bool secure = false;
    if (s.starts_with("https://"))
        secure = true;
    else if (!s.starts_with("http://"))
        return {};
    const auto authority = s.substr(secure ? 8 : 7);
    if (!valid_authority(authority))
        return {};
    return (secure ? "https://" : "http://") + without_default_port(authority, secure);
}

origin_verdict check_origin(const http_request& request, const std::vector<std::string>& allowed_origins) {
    if (request.count(http::field::origin) == 0)
        return {};  // not a browser: the token decides
    const std::string_view raw = request[http::field::origin];
    const auto origin = normalize_origin(raw);
    if (!origin.empty()) {
        const bool secure = origin.starts_with("https://");
        const auto authority = origin.substr(secure ? 8 : 7);
        const auto host = without_default_port(lower(request[http::field::host]), secure);
        if (!host.empty() && authority == host)
            return {};
        for (const auto& allowed : allowed_origins)
            if (normalize_origin(allowed) == origin)
                return {};
    }
    const auto shown = std::string(raw.substr(0, 200));
    return {false, "origin refused: a page from \"" + shown +
                       "\" may not connect here (not this site, nor in the event's allowed_origins)"};
}

}  // namespace tolk::server
