#include "server/tech_login.hpp"

#include "server/access_control.hpp"
#include "server/query.hpp"
#include "server/request_credentials.hpp"

#include <nlohmann/json.hpp>

namespace tolk::server {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

struct login_form {
    std::string name, password;
};

// JSON or application/x-www-form-urlencoded; nullopt when neither holds both fields.
std::optional<login_form> parse_form(const http_request& req) {
    const auto type = req[http::field::content_type];
    login_form f;
    if (type.starts_with("application/json")) {
        const auto j = json::parse(req.body(), nullptr, false);
        if (!j.is_object() || !j.contains("name") || !j.contains("password") || !j["name"].is_string() ||
            !j["password"].is_string())
            return std::nullopt;
        f.name = j["name"].get<std::string>();
        f.password = j["password"].get<std::string>();
        return f;
    }
    const std::string query = "?" + req.body();
    auto name = query_param(query, "name");
    auto password = query_param(query, "password");
    if (!name || !password)
        return std::nullopt;
    return login_form{std::move(*name), std::move(*password)};
}

std::string cookie(std::string_view value, std::chrono::seconds max_age, bool secure) {
    return std::string(technician_cookie) + "=" + std::string(value) + "; Path=/; Max-Age=" +
           std::to_string(max_age.count()) + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

http_response logout(const http_request& req, const http_client& client) {
    auto res = json_response(req, http::status::ok, json{{"logged_out", true}}.dump());
    res.set(http::field::set_cookie, cookie("", std::chrono::seconds(0), client.secure));
    return res;
}

}  // namespace

bool is_login_request(const http_request& req) {
    const auto path = target_path(req.target());
    return req.method() == http::verb::post && (path == "/api/login" || path == "/api/logout");
}

boost::asio::awaitable<http_response> handle_login(const http_request& req, server_context& ctx,
                                                   const http_client& client) {
    ++ctx.counters.http_requests;
    if (target_path(req.target()) == "/api/logout")
        co_return logout(req, client);
    auto form = parse_form(req);
    if (!form || form->name.empty() || form->password.empty())
        co_return json_response(req, http::status::bad_request,
                                json{{"error", "bad_request"},
                                     {"reason", "give a name and a password (JSON or a form)"}}.dump());
    auto outcome = co_await ctx.access->login(std::move(form->name), std::move(form->password), client.peer);
    if (!outcome.token)
        co_return json_response(req, static_cast<http::status>(outcome.status),
                                json{{"error", outcome.reason_code}, {"reason", outcome.reason}}.dump());
    const auto& c = outcome.token->claims;
    auto res = json_response(req, http::status::ok,
                             json{{"token", outcome.token->token},
                                  {"name", c.subject},
                                  {"expires", auth::format_rfc3339(c.expires)},
                                  {"jti", c.token_id}}.dump());
    res.set(http::field::set_cookie, cookie(outcome.token->token, technician_login_ttl, client.secure));
    res.erase(http::field::access_control_allow_origin);
    co_return res;
}

}  // namespace tolk::server
