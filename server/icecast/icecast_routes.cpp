#include "server/icecast/icecast_routes.hpp"
#include "server/as_tuple.hpp"

#include "server/access_control.hpp"
#include "server/http_api.hpp"
#include "server/icecast/source_session.hpp"
#include "server/icecast/stream_listener.hpp"
#include "server/log.hpp"
#include "server/query.hpp"
#include "server/request_credentials.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

namespace tolk::server::icecast {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::string_view ingest_prefix = "/ingest/";
constexpr std::string_view stream_prefix = "/stream/";

bool ends_with(std::string_view s, std::string_view end) {
    return s.size() > end.size() && s.substr(s.size() - end.size()) == end;
}

// "fr" from "fr.ogg" / "fr.opus" (with `m3u`: "fr.m3u" too); empty otherwise.
std::string_view strip_extension(std::string_view name, bool m3u) {
    for (std::string_view ext : {".ogg", ".opus", ".m3u"})
        if (ends_with(name, ext) && (m3u || ext != ".m3u"))
            return name.substr(0, name.size() - ext.size());
    return {};
}

bool is_source_method(const http_request& r) {
    return r.method() == http::verb::put || (r.method() == http::verb::unknown && r.method_string() == "SOURCE");
}

// The channel a source publishes; empty when the path is not a source's.
std::string source_channel(std::string_view path) {
    if (path.starts_with(ingest_prefix)) {
        const auto rest = path.substr(ingest_prefix.size());
        const auto bare = strip_extension(rest, false);
        return std::string(bare.empty() ? rest : bare);
    }
    if (path.size() > 1 && path.find('/', 1) == std::string_view::npos)
        return std::string(strip_extension(path.substr(1), false));
    return {};
}

std::string base_url(const http_request& req, const server_context& ctx, bool secure) {
    if (!ctx.public_url.empty())
        return ctx.public_url;
    return std::string(secure ? "https://" : "http://") + std::string(req[http::field::host]);
}

http_response playlist(const http_request& req, const server_context& ctx, std::uint16_t channel, bool secure) {
    const auto& id = ctx.bus.channel_id(channel);
    std::string label = id;
    for (const auto& c : ctx.bus.channels().channels)
        if (c.number == channel && !c.label.empty())
            label = c.label;
    std::string url = stream_url(base_url(req, ctx, secure), id);
    if (const auto q = req.target().find('?'); q != std::string_view::npos)
        url += std::string(req.target().substr(q));  // a private event's token or passcode
    http_response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "audio/x-mpegurl; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = "#EXTM3U\n#EXTINF:-1," + label + "\n" + url + "\n";
    res.keep_alive(false);
    res.prepare_payload();
    return res;
}

std::string stream_head(const std::string& label) {
    std::string name;
    for (char c : label)
        name += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
    return "HTTP/1.0 200 OK\r\nContent-Type: audio/ogg\r\nCache-Control: no-cache, no-store\r\n"
           "Connection: close\r\nicy-name: " + name + "\r\n\r\n";
}

struct connection {
    any_stream stream;
    http_request request;
    connection_slot slot;
};

asio::awaitable<void> write(any_stream& stream, http_response res) {
    res.keep_alive(false);
    co_await std::visit([&](auto& s) { return http::async_write(s, res, as_tuple); }, stream);
    std::visit([](auto& s) {
        beast::error_code ec;
        beast::get_lowest_layer(s).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    }, stream);
}

// The playlist or the stream of one channel, after the private event's check.
asio::awaitable<void> serve_listener(std::shared_ptr<connection> c, server_context& ctx) {
    const auto& req = c->request;
    const bool secure = c->stream.index() == 1;
    const auto name = target_path(req.target()).substr(stream_prefix.size());
    const bool m3u = ends_with(name, ".m3u");
    const auto id = strip_extension(name, true);
    const auto channel = ctx.bus.find(id);
    if (!channel) {
        co_await write(c->stream, error_response(req, http::status::not_found,
                                                 "no channel \"" + std::string(id.substr(0, 64)) + "\" in this event"));
        co_return;
    }
    auto& access = *ctx.access;
    const auto presented = credentials_of(req);
    std::optional<bool> passcode_ok;
    if (access.event().private_listeners && presented.query_token.empty() && presented.bearer.empty() &&
        !presented.passcode.empty()) {
        passcode_ok = co_await access.check_passcode(presented.passcode);
        if (!passcode_ok) {
            co_await write(c->stream, error_response(req, http::status::service_unavailable,
                                                     "busy: too many passcodes at once, try again"));
            co_return;
        }
    }
    auto outcome = access.listener(presented, passcode_ok);
    if (outcome && !outcome.hears(id)) {
        outcome.decision = {false, auth::close_code::forbidden, "channel",
                            "your listener token does not cover channel \"" + std::string(id.substr(0, 64)) + "\""};
    }
    if (!outcome) {
        log("icecast")->info("HTTP listener refused on channel {}: {} ({})", id.substr(0, 64),
                             outcome.decision.reason_code, outcome.decision.reason);
        co_await write(c->stream, refusal_response(req, outcome.decision, outcome.had_token));
        co_return;
    }
    if (m3u) {
        co_await write(c->stream, playlist(req, ctx, *channel, secure));
        co_return;
    }
    std::string label(id);
    for (const auto& info : ctx.bus.channels().channels)
        if (info.number == *channel && !info.label.empty())
            label = info.label;
    auto head = stream_head(label);
    if (req.method() == http::verb::head) {
        co_await std::visit([&](auto& s) { return asio::async_write(s, asio::buffer(head), as_tuple); }, c->stream);
        co_return;
    }
    codec::ogg_opus_tags tags;
    tags.comments = {{"TITLE", label}, {"CHANNEL", std::string(id)}};
    std::make_shared<stream_listener>(std::move(c->stream), std::move(c->slot), ctx, *channel, std::move(head),
                                      std::move(tags))
        ->start();
}

}  // namespace

bool wants(const http_request& request) {
    const auto path = target_path(request.target());
    if (is_source_method(request))
        return !source_channel(path).empty();
    if (request.method() != http::verb::get && request.method() != http::verb::head)
        return false;
    return path.starts_with(stream_prefix) && !strip_extension(path.substr(stream_prefix.size()), true).empty();
}

void take_over(any_stream&& stream, beast::flat_buffer&& buffer, http_request&& request, connection_slot slot,
               server_context& ctx) {
    if (is_source_method(request)) {
        auto channel = source_channel(target_path(request.target()));
        std::make_shared<source_session>(std::move(stream), std::move(buffer), std::move(request), std::move(slot),
                                         ctx, std::move(channel))
            ->start();
        return;
    }
    auto c = std::make_shared<connection>(connection{std::move(stream), std::move(request), std::move(slot)});
    const auto executor = std::visit([](auto& s) { return beast::get_lowest_layer(s).get_executor(); }, c->stream);
    asio::co_spawn(executor, serve_listener(std::move(c), ctx), log_exception(log("icecast"), "HTTP listener"));
}

std::string stream_url(std::string_view base, std::string_view id) {
    std::string url(base);
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url + std::string(stream_prefix) + std::string(id) + ".ogg";
}

}  // namespace tolk::server::icecast
