#include "server/request_credentials.hpp"

#include "server/access_control.hpp"
#include "server/query.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

namespace tolk::server {

namespace http = boost::beast::http;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// "http://host:port" -> "host:port" (what the Host header says for the same site).
std::string_view origin_host(std::string_view origin) {
    const auto scheme = origin.find("://");
    return scheme == std::string_view::npos ? std::string_view{} : origin.substr(scheme + 3);
}

}  // namespace

std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto semicolon = header.find(';');
        const auto pair = trim(header.substr(0, semicolon));
        header = semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name)
            return std::string(trim(pair.substr(eq + 1)));
    }
    return {};
}

presented_credentials credentials_of(const http_request& request) {
    presented_credentials c;
    const auto authorization = request[http::field::authorization];
    constexpr std::string_view bearer = "Bearer ";
    if (authorization.size() > bearer.size() && boost::beast::iequals(authorization.substr(0, bearer.size()), bearer))
        c.bearer = std::string(trim(authorization.substr(bearer.size())));
    c.cookie = cookie_value(request[http::field::cookie], technician_cookie);
    c.query_token = query_param(request.target(), "token").value_or("");
    c.passcode = query_param(request.target(), "passcode").value_or("");
    return c;
}

bool from_this_machine(const http_request& request, const boost::asio::ip::address& peer) {
    if (!is_loopback(peer))
        return false;
    if (request.count(http::field::forwarded) || request.count("X-Forwarded-For") || request.count("X-Real-IP"))
        return false;
    const auto origin = request[http::field::origin];
    return origin.empty() || boost::beast::iequals(origin_host(origin), request[http::field::host]);
}

}  // namespace tolk::server
