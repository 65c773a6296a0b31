#include "server/http_session.hpp"
#include "server/as_tuple.hpp"

#include "server/booth_session.hpp"
#include "server/http_api.hpp"
#include "server/icecast/icecast_routes.hpp"
#include "server/listener_session.hpp"
#include "server/log.hpp"
#include "server/origin_check.hpp"
#include "server/query.hpp"
#include "server/access_control.hpp"
#include "server/request_credentials.hpp"
#include "server/tech_api.hpp"
#include "server/tech_login.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace tolk::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

http_session::http_session(asio::ip::tcp::socket&& socket, connection_slot slot, server_context& ctx)
    : stream_(std::in_place_index<0>, std::move(socket)), ctx_(ctx), slot_(std::move(slot)) {}

beast::tcp_stream& http_session::tcp() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); }, stream_);
}

void http_session::start() {
    asio::co_spawn(tcp().get_executor(), [self = shared_from_this()] { return self->run(); },
                   log_exception(log("http"), "HTTP session"));
}

asio::awaitable<bool> http_session::start_tls_if_asked() {
    if (!ctx_.tls)
        co_return true;
    tcp().expires_after(std::chrono::milliseconds(ctx_.config.limits.header_timeout_ms));
    auto [ec, is_tls] = co_await beast::async_detect_ssl(tcp(), buffer_, as_tuple);
    if (ec)
        co_return false;
    if (!is_tls)
        co_return true;
    beast::tcp_stream plain(std::move(std::get<0>(stream_)));
    auto& tls = stream_.emplace<1>(std::move(plain), *ctx_.tls);
    auto [hec, used] = co_await tls.async_handshake(asio::ssl::stream_base::server, buffer_.data(), as_tuple);
    if (hec) {
        log("http")->debug("TLS handshake failed: {}", hec.message());
        co_return false;
    }
    buffer_.consume(used);
    co_return true;
}

asio::awaitable<void> http_session::refuse_websocket(const http_request& req, std::uint16_t code,
                                                    std::string reason) {
    ws_stream ws(std::move(stream_));
    ws.configure(4096, std::chrono::seconds(5), std::chrono::seconds(5));
    auto [ec] = co_await ws.accept(req);
    if (!ec)
        co_await ws.close(websocket::close_reason(static_cast<websocket::close_code>(code), reason));
}

asio::ip::address http_session::peer_address() {
    boost::system::error_code ec;
    const auto peer = tcp().socket().remote_endpoint(ec);
    return ec ? asio::ip::address{} : peer.address();
}

asio::awaitable<std::optional<http_request>> http_session::read_request() {
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(8 * 1024);
    tcp().expires_after(std::chrono::milliseconds(ctx_.config.limits.header_timeout_ms));
    // The header first: an Icecast source's body streams until it closes (icecast_routes).
    auto [ec, n] = co_await std::visit(
        [&](auto& s) { return http::async_read_header(s, buffer_, parser, as_tuple); }, stream_);
    if (!ec && !icecast::wants(parser.get()))
        std::tie(ec, n) = co_await std::visit(
            [&](auto& s) { return http::async_read(s, buffer_, parser, as_tuple); }, stream_);
    if (!ec)
        co_return parser.release();
    if (ec != http::error::end_of_stream && ec != beast::error::timeout && ec != asio::error::connection_reset &&
        ec != asio::error::eof && ec != asio::ssl::error::stream_truncated) {
        ++ctx_.counters.http_bad_requests;
        log("http")->debug("bad request: {}", ec.message());
        auto res = error_response(http_request{}, http::status::bad_request, "bad request: " + ec.message());
        res.keep_alive(false);
        co_await write(res);
    }
    co_return std::nullopt;
}

// The event's allowed_origins, and, on several nodes, the other nodes' public URLs: a phone whose
// page came from node B moves to node A when B goes away (deploy/README.md, "Several nodes").
std::vector<std::string> http_session::allowed_origins(const http_request& req) const {
    auto allowed = ctx_.config.allowed_origins;
    if (check_origin(req, allowed).allowed)
        return allowed;
    for (const auto& node : ctx_.bus.nodes())
        if (!node.public_url.empty())
            allowed.push_back(node.public_url);
    return allowed;
}

asio::awaitable<bool> http_session::take_websocket(http_request& req) {
    const auto path = target_path(req.target());
    if (const auto origin = check_origin(req, allowed_origins(req)); !origin.allowed) {
        ++ctx_.counters.origin_refused;
        log("http")->info("WebSocket upgrade from {} refused: {}", peer_address().to_string(), origin.reason);
        auto res = error_response(req, http::status::forbidden, origin.reason);
        res.keep_alive(false);
        co_await write(res);
        co_return true;
    }
    if (const auto why = admit(req, role_of(req)); why != admission::admit) {
        co_await refuse_websocket(req, websocket::close_code::policy_error, std::string(refusal_reason(why)));
        co_return true;
    }
    if (path == "/ws/booth") {
        std::make_shared<booth_session>(std::move(stream_), std::move(req), std::move(slot_), ctx_)->start();
        co_return true;
    }
    if (path == "/ws/listen") {
        co_await admit_listener(req);
        co_return true;
    }
    if (path != "/ws/tech" || !ctx_.watch)
        co_return false;
    const auto outcome = ctx_.access->technician(credentials_of(req), from_this_machine(req, peer_address()));
    if (!outcome) {
        const auto& d = outcome.decision;
        co_await refuse_websocket(req, static_cast<std::uint16_t>(*d.code), std::string(d.reason_code) + ": " + d.reason);
        co_return true;
    }
    start_tech_feed(std::move(stream_), std::move(req), *ctx_.watch);
    co_return true;
}

// A private event's listener: a token (the join link's ?token=, a bearer token, the login
// cookie) or the passcode, whose Argon2id check runs off this thread.
asio::awaitable<void> http_session::admit_listener(http_request& req) {
    auto& access = *ctx_.access;
    const auto presented = credentials_of(req);
    std::optional<bool> passcode_ok;
    if (access.event().private_listeners && presented.query_token.empty() && presented.bearer.empty() &&
        !presented.passcode.empty()) {
        passcode_ok = co_await access.check_passcode(presented.passcode);
        if (!passcode_ok) {
            co_await refuse_websocket(req, websocket::close_code::try_again_later,
                                      "busy: too many passcodes at once, try again");
            co_return;
        }
    }
    const auto outcome = access.listener(presented, passcode_ok);
    if (!outcome) {
        const auto& d = outcome.decision;
        log("http")->info("listener from {} refused: {} ({})", peer_address().to_string(), d.reason_code, d.reason);
        co_await refuse_websocket(req, static_cast<std::uint16_t>(*d.code), std::string(d.reason_code) + ": " + d.reason);
        co_return;
    }
    std::vector<std::string> channels;  // empty: every channel
    if (!outcome.hears(auth::all_channels))
        channels = outcome.claims.channels;
    std::make_shared<listener_session>(std::move(stream_), std::move(req), std::move(slot_), ctx_, std::move(channels))
        ->start();
}

// require_tls on a plain connection: booths and technicians are refused (403 before any
// upgrade), other requests are redirected to HTTPS, but /healthz from this machine. nullopt: go on.
std::optional<http_response> http_session::plain_refusal(const http_request& req) {
    if (!ctx_.config.require_tls || stream_.index() == 1)
        return std::nullopt;
    const auto path = target_path(req.target());
    if (websocket::is_upgrade(req)) {
        if (path != "/ws/booth" && path != "/ws/tech")
            return std::nullopt;
        return error_response(req, http::status::forbidden,
                              "TLS required: booths and technicians connect with wss:// only");
    }
    if (path == "/healthz" && is_loopback(peer_address()))
        return std::nullopt;
    const auto host = req[http::field::host];
    if (host.empty() || host.size() > 255 || host.find_first_of("/\\ \r\n") != std::string_view::npos)
        return error_response(req, http::status::bad_request, "TLS required: use https://");
    return redirect_response(req, "https://" + std::string(host) + std::string(req.target()));
}

asio::awaitable<http_response> http_session::answer(const http_request& req) {
    if (const auto why = admit(req, role_of(req)); why != admission::admit)
        co_return admission_refusal(req, why);
    if (is_login_request(req))
        co_return co_await handle_login(req, ctx_, client());
    co_return handle_http(req, ctx_, client());
}

asio::awaitable<bool> http_session::write(http_response& res) {
    if (ctx_.config.require_tls && stream_.index() == 1)
        res.set(http::field::strict_transport_security, "max-age=31536000");
    const bool keep_alive = res.keep_alive();
    auto [ec, n] = co_await std::visit([&](auto& s) { return http::async_write(s, res, as_tuple); }, stream_);
    co_return !ec && keep_alive;
}

http_response http_session::admission_refusal(const http_request& req, admission why) {
    auto res = error_response(req,
                              why == admission::address_full ? http::status::too_many_requests
                                                             : http::status::service_unavailable,
                              std::string(refusal_reason(why)));
    res.keep_alive(false);
    return res;
}

connection_role http_session::role_of(const http_request& req) {
    const auto path = target_path(req.target());
    const bool icecast_source = icecast::wants(req) && req.method() != http::verb::get && req.method() != http::verb::head;
    if (path == "/ws/booth" || icecast_source)
        return connection_role::booth;
    if (is_login_request(req) || scope_of(path) != path_scope::open)
        return connection_role::technician;
    return connection_role::public_client;
}

// The request named the client (behind a trusted proxy) and the role: the limits of admission.hpp.
admission http_session::admit(const http_request& req, connection_role role) {
    if (admitted_ && role == connection_role::public_client)
        return admission::admit;  // a kept-alive connection is not refused for who came after it
    slot_.rebind(client_address(slot_.address(), req["X-Forwarded-For"], ctx_.config.trusted_proxies));
    const auto why = admit_request(ctx_.config.limits, role, ctx_.connections.open(),
                                   is_this_machine(slot_.address()) ? 0 : ctx_.connections.open_from(slot_.address()));
    if (why != admission::admit) {
        ++ctx_.counters.connections_refused;
        if (why == admission::address_full)
            ++ctx_.counters.connections_refused_per_address;
        log("http")->debug("{} from {} refused: {}", target_path(req.target()), slot_.address().to_string(),
                           refusal_reason(why));
    }
    admitted_ = why == admission::admit;
    return why;
}

asio::awaitable<void> http_session::run() {
    if (!co_await start_tls_if_asked())
        co_return;
    for (;;) {
        auto req = co_await read_request();
        if (!req)
            break;
        if (auto refusal = plain_refusal(*req)) {
            refusal->keep_alive(false);
            co_await write(*refusal);
            break;
        }
        if (websocket::is_upgrade(*req) && co_await take_websocket(*req))
            co_return;
        if (icecast::wants(*req)) {
            if (const auto why = admit(*req, role_of(*req)); why != admission::admit) {
                auto res = admission_refusal(*req, why);
                co_await write(res);
                break;
            }
            icecast::take_over(std::move(stream_), std::move(buffer_), std::move(*req), std::move(slot_), ctx_);
            co_return;
        }
        auto res = co_await answer(*req);
        if (!co_await write(res))
            break;
    }
    beast::error_code ec;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace tolk::server
