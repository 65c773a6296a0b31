#include "server/http_api.hpp"

#include "server/metrics_cluster.hpp"

#include "server/booth_desks.hpp"

#include "server/access_control.hpp"

#include "server/channel_watch.hpp"
#include "server/html.hpp"
#include "server/tech_api.hpp"
#include "server/join_sheet.hpp"
#include "server/join_sheet_cache.hpp"
#include "server/query.hpp"
#include "server/request_credentials.hpp"
#include "server/web_assets.hpp"

#include <boost/beast/version.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace tolk::server {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

http_response make(const http_request& req, http::status status, std::string content_type,
                   std::string body) {
    http_response res{status, req.version()};
    res.set(http::field::server, "tolk");
    res.set(http::field::content_type, std::move(content_type));
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    if (req.method() == http::verb::head)
        res.body().clear();  // Content-Length stays that of the GET answer
    return res;
}

// The read-only public JSON (/api/channels, /healthz): any site's page may read it (CORS).
// Nothing else carries Access-Control-Allow-Origin.
http_response public_json(const http_request& req, std::string body) {
    auto res = make(req, http::status::ok, "application/json", std::move(body));
    res.set(http::field::access_control_allow_origin, "*");
    return res;
}

// `full`: false for a private event's anonymous visitor, who learns only the event's name (for
// the passcode prompt): no channels, no listener counts.
json channels_json(server_context& ctx, bool full) {
    const bool private_event = ctx.access && ctx.access->event().private_listeners;
    json channels = json::array();
    const auto reports = full ? ctx.bus.reports() : std::vector<channel_report>{};
    for (const auto& r : reports) {
        const auto& c = r.info;
        channels.push_back({{"id", c.id},
                            {"number", c.number},
                            {"language", c.language},
                            {"label", c.label},
                            {"on_air", c.on_air},
                            {"listeners", c.listeners},
                            {"clock_offset_us", c.clock_offset_us},
                            {"heard",
                             {{"reporting", r.heard.reporting},
                              {"delay_ms_median", r.heard.delay_ms_median},
                              {"latency_ms_median", r.heard.latency_ms_median},
                              {"concealed_ratio_mean", r.heard.concealed_ratio_mean},
                              {"interruptions", r.heard.interruptions}}}});
        if (!c.source.empty())  // what the booth on air hears: "floor" or the channel it relays
            channels.back()["source"] = c.source;
        if (ctx.desks && c.id == ctx.desks->floor_channel())  // auto-relay: what the floor speaks now
            channels.back()["floor_language"] = ctx.desks->floor_language();
    }
    return {{"event", ctx.config.event_name}, {"private", private_event}, {"channels", std::move(channels)}};
}

// The nodes, and the one a new listener should use: the least loaded that says its address.
json nodes_json(const std::vector<node_load>& nodes) {
    json list = json::array();
    const node_load* suggested = nullptr;
    for (const auto& n : nodes) {
        list.push_back({{"node", n.node}, {"public_url", n.public_url}, {"listeners", n.listeners},
                        {"booths", n.booths}, {"self", n.self}});
        if (!n.public_url.empty() && (!suggested || n.listeners < suggested->listeners))
            suggested = &n;
    }
    return {{"nodes", std::move(list)}, {"suggested", suggested ? json(suggested->public_url) : json(nullptr)}};
}

// On several nodes tolk_channel_listeners is this node's own share (additive across scraped
// nodes) and cluster_metrics() adds the whole event by node (server/metrics_cluster.hpp).
std::string channel_gauges(server_context& ctx) {
    std::string out =
        "# HELP tolk_channel_on_air 1 while a booth is on air\n# TYPE tolk_channel_on_air gauge\n";
    const auto list = ctx.bus.channels();
    for (const auto& c : list.channels)
        out += "tolk_channel_on_air{channel=\"" + c.id + "\"} " + (c.on_air ? "1" : "0") + "\n";
    const auto nodes = ctx.bus.nodes();
    const auto self = std::find_if(nodes.begin(), nodes.end(), [](const node_load& n) { return n.self; });
    out += "# HELP tolk_channel_listeners listeners subscribed to this node\n# TYPE tolk_channel_listeners gauge\n";
    for (const auto& c : list.channels) {
        auto n = c.listeners;
        if (self != nodes.end())
            for (const auto& share : self->channels)
                if (share.channel == c.id)
                    n = share.listeners;
        out += "tolk_channel_listeners{channel=\"" + c.id + "\"} " + std::to_string(n) + "\n";
    }
    return out + cluster_metrics(nodes, ctx.bus.remote_counters());
}

http_response static_file(const http_request& req, const web_asset& asset) {
    const bool gzip_ok = asset.gzip && req[http::field::accept_encoding].find("gzip") != std::string::npos;
    auto res = make(req, http::status::ok, asset.content_type, gzip_ok ? *asset.gzip : asset.body);
    if (gzip_ok)
        res.set(http::field::content_encoding, "gzip");
    res.set(http::field::vary, "Accept-Encoding");
    res.set(http::field::cache_control, asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    return res;
}

std::string status_page(server_context& ctx, const http_request& req, bool secure) {
    const auto list = ctx.bus.channels();
    const std::string host{req[http::field::host].empty() ? "HOST:PORT" : req[http::field::host]};
    std::string rows;
    for (const auto& c : list.channels) {
        rows += "<li><b>" + escape_html(c.label) + "</b> <code>" + escape_html(c.id) + "</code> — " +
                (c.on_air ? "<span class=on>on air</span>" : "<span class=off>off air</span>") +
                ", " + std::to_string(c.listeners) + " listening</li>\n";
    }
    return "<!doctype html>\n<html><head><meta charset=utf-8>"
           "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
           "<title>" + escape_html(list.event) + " — tolk</title>"
           "<style>body{font:18px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;"
           "background:#111;color:#eee}code{color:#9cf}.on{color:#6f6}.off{color:#aaa}</style>"
           "</head><body><h1>" + escape_html(list.event) + "</h1><h2>Channels</h2><ul>\n" + rows +
           "</ul><h2>How to listen</h2><p>From a terminal with tolk installed:</p>"
           "<pre>tolk-listen --server " + std::string(secure ? "wss://" : "ws://") + escape_html(host) +
           " --channel en --output en.wav</pre>"
           "<p>Phones: open <a href=/>" + escape_html(ctx.public_url) + "</a> or scan a code on the "
           "<a href=/join>join sheet</a>.</p>"
           "<p>Machine-readable: <a href=/api/channels>/api/channels</a> · "
           "<a href=/metrics>/metrics</a> · <a href=/healthz>/healthz</a></p></body></html>\n";
}

constexpr std::size_t max_join_base = 256;

// /join (technician only): a private event's sheet carries a listener token, the one given as
// ?token= or one signed now for join_sheet_ttl.
http_response join_sheet(const http_request& req, server_context& ctx) {
    const auto base = query_param(req.target(), "base").value_or(ctx.public_url);
    if (base.size() > max_join_base)  // a QR code holds ~2,300 bytes; a link that long is no link
        return error_response(req, http::status::bad_request,
                              "?base= is " + std::to_string(base.size()) + " characters; at most " +
                                  std::to_string(max_join_base) + " (the URL phones open, e.g. https://tolk.example.org)");
    const auto given = query_param(req.target(), "token");
    std::optional<join_token> token;
    if (given) {
        const auto v = ctx.access->verify_listener_token(*given);
        if (!v)
            return error_response(req, http::status::bad_request,
                                  "?token= is not a listener token of this event: " + std::string(auth::describe(v.error)));
        token = join_token{*given, v.claims.token_id, auth::format_rfc3339(v.claims.expires)};
    } else if (ctx.access->event().private_listeners) {
        auto issued = ctx.access->issue_listener_token("join sheet", join_sheet_ttl);
        if (!issued)
            return error_response(req, http::status::internal_server_error, "no signing key to issue a listener token");
        token = join_token{issued->token, issued->claims.token_id, auth::format_rfc3339(issued->claims.expires)};
    }
    const auto event = ctx.bus.channels();
    const join_token* shown = token ? &*token : nullptr;
    return make(req, http::status::ok, "text/html; charset=utf-8",
                ctx.join_cache ? *ctx.join_cache->page(event, base, shown) : join_page(event, base, shown));
}

// POST /api/tech/floor?language=de: the technician sets the floor language (auto-relay);
// without language (or empty): unknown. GET: what it is now.
http_response floor_language_route(const http_request& req, server_context& ctx) {
    if (req.method() == http::verb::post) {
        const auto language = query_param(req.target(), "language").value_or("");
        if (!language.empty() && !is_language_tag(language))
            return json_response(req, http::status::bad_request,
                                 json{{"error", "bad_language"},
                                      {"reason", "language must be a language code (\"de\", \"pt-BR\") or empty"}}
                                     .dump());
        ctx.desks->set_floor_language(language, "a technician");
    }
    return json_response(
        req, http::status::ok,
        json{{"floor_channel", ctx.desks->floor_channel()}, {"floor_language", ctx.desks->floor_language()}}.dump());
}

http_response answer(const http_request& req, server_context& ctx, const http_client& client,
                     std::string_view path, const web_asset* asset) {
    if (path == "/join")
        return join_sheet(req, ctx);
    if (path == "/status")
        return make(req, http::status::ok, "text/html; charset=utf-8", status_page(ctx, req, client.secure));
    if (path == "/api/channels") {
        const bool full = !ctx.access->event().private_listeners ||
                          ctx.access->may_list_channels(credentials_of(req), from_this_machine(req, client.peer));
        return public_json(req, channels_json(ctx, full).dump());
    }
    if (path == "/api/nodes") {  // several nodes (deploy/README.md): where listeners may go
        const bool full = !ctx.access->event().private_listeners ||
                          ctx.access->may_list_channels(credentials_of(req), from_this_machine(req, client.peer));
        return public_json(req, nodes_json(full ? ctx.bus.nodes() : std::vector<node_load>{}).dump());
    }
    if (path == "/healthz") {
        const auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started);
        json j{{"status", "ok"},
               {"event", ctx.config.event_name},
               {"uptime_s", uptime.count()},
               {"connections", ctx.connections.open()}};
        return public_json(req, j.dump());
    }
    if (path == "/metrics")
        return make(req, http::status::ok, "text/plain; version=0.0.4",
                    ctx.counters.prometheus(ctx.connections.open()) + channel_gauges(ctx) + ctx.access->prometheus() +
                        (ctx.watch ? channel_metrics(*ctx.watch->state()) : std::string()));
    if (path == "/api/tech/listener_token") {  // null on a public event: listening needs nothing
        const auto issued = ctx.access->event().private_listeners
                                ? ctx.access->issue_listener_token("technician listen-in", std::chrono::hours(1))
                                : std::nullopt;
        return make(req, http::status::ok, "application/json",
                    json{{"token", issued ? json(issued->token) : json(nullptr)}}.dump());
    }
    if (path == "/api/tech" && ctx.watch)
        return make(req, http::status::ok, "application/json", *ctx.watch->state_json());
    if (path == "/api/tech/booths" && ctx.desks)
        return make(req, http::status::ok, "application/json", ctx.desks->tech_view().dump());
    if (path == "/api/tech/booths/handover" && ctx.desks) {  // POST ?channel=ID: the passive console takes over
        const auto channel = query_param(req.target(), "channel").value_or("");
        if (req.method() != http::verb::post)
            return json_response(req, http::status::method_not_allowed,
                                 json{{"error", "post_only"}, {"reason", "POST /api/tech/booths/handover?channel=ID"}}.dump());
        if (!ctx.desks->force_handover(channel))
            return json_response(req, http::status::conflict,
                                 json{{"error", "no_partner"},
                                      {"reason", "no booth with a second console on channel \"" + channel.substr(0, 64) + "\""}}
                                     .dump());
        return json_response(req, http::status::ok, json{{"channel", channel}, {"handover", "switching"}}.dump());
    }
    if (path == "/api/tech/floor" && ctx.desks)
        return floor_language_route(req, ctx);
    if (asset)
        return static_file(req, *asset);
    if (path == "/" || path == "/index.html")  // no phone app built: the status page
        return make(req, http::status::ok, "text/html; charset=utf-8", status_page(ctx, req, client.secure));
    return error_response(req, http::status::not_found, "not found: " + std::string(path.substr(0, 100)));
}

}  // namespace

http_response json_response(const http_request& req, http::status status, std::string body) {
    return make(req, status, "application/json", std::move(body));
}

http_response refusal_response(const http_request& req, const auth::decision& d, bool had_token) {
    const auto code = d.code.value_or(auth::close_code::unauthorized);
    auto res = json_response(req, static_cast<http::status>(auth::http_status(code)),
                             json{{"error", d.reason_code}, {"reason", d.reason}}.dump());
    if (res.result() == http::status::unauthorized)
        res.set(http::field::www_authenticate,
                had_token ? "Bearer realm=\"tolk\", error=\"invalid_token\"" : "Bearer realm=\"tolk\"");
    return res;
}

http_response redirect_response(const http_request& req, std::string location) {
    auto res = make(req, http::status::permanent_redirect, "text/plain; charset=utf-8", "use " + location + "\n");
    res.set(http::field::location, std::move(location));
    return res;
}

http_response error_response(const http_request& req, http::status status, std::string_view text) {
    return make(req, status, "text/plain; charset=utf-8", std::string(text) + "\n");
}

http_response handle_http(const http_request& req, server_context& ctx, const http_client& client) {
    ++ctx.counters.http_requests;
    const auto path = target_path(req.target());
    const bool tech_post =
        req.method() == http::verb::post && (path == "/api/tech/booths/handover" || path == "/api/tech/floor");
    if (req.method() != http::verb::get && req.method() != http::verb::head && !tech_post) {
        auto res = error_response(req, http::status::method_not_allowed, "only GET and HEAD");
        res.set(http::field::allow, "GET, HEAD");
        return res;
    }
    const web_asset* asset = ctx.web ? ctx.web->find(path) : nullptr;
    auto scope = scope_of(path);
    if (!asset && (path == "/" || path == "/index.html"))  // the status page stands in for the app
        scope = path_scope::technician;
    if (scope == path_scope::open)
        return answer(req, ctx, client, path, asset);
    const auto outcome = ctx.access->technician(
        credentials_of(req), from_this_machine(req, client.peer),
        scope == path_scope::metrics ? auth::access_role::metrics : auth::access_role::technician);
    if (!outcome)
        return refusal_response(req, outcome.decision, outcome.had_token);
    return answer(req, ctx, client, path, asset);
}

}  // namespace tolk::server
