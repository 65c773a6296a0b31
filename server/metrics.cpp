#include "server/metrics.hpp"

namespace tolk::server {
namespace {

void line(std::string& out, const char* name, const char* type, const char* help, std::uint64_t v) {
    out += "# HELP tolk_";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE tolk_";
    out += name;
    out += ' ';
    out += type;
    out += "\ntolk_";
    out += name;
    out += ' ';
    out += std::to_string(v);
    out += '\n';
}

}  // namespace

std::string metrics::prometheus(std::int64_t connections_open) const {
    std::string out;
    auto c = [&](const char* name, const counter& v, const char* help) {
        line(out, name, "counter", help, v.load(std::memory_order_relaxed));
    };
    c("connections_accepted_total", connections_accepted, "TCP connections accepted");
    c("connections_refused_total", connections_refused, "connections refused over a limit (all reasons)");
    c("connections_refused_per_address_total", connections_refused_per_address,
      "connections refused over max_connections_per_address");
    c("accept_errors_total", accept_errors, "accept() failures (e.g. out of file descriptors)");
    line(out, "connections_open", "gauge", "connections open now",
         static_cast<std::uint64_t>(std::max<std::int64_t>(0, connections_open)));
    c("http_requests_total", http_requests, "HTTP requests served");
    c("http_bad_requests_total", http_bad_requests, "malformed HTTP requests");
    c("origin_refused_total", origin_refused, "WebSocket upgrades refused: Origin not this site nor allowed");
    c("booth_sessions_total", booth_sessions, "booth connections that went on air");
    c("booth_refused_taken_total", booth_refused_taken, "booths refused: channel already on air");
    c("booth_refused_unknown_total", booth_refused_unknown, "booths refused: unknown channel");
    c("frames_in_total", frames_in, "audio frames accepted from booths");
    c("frames_bad_total", frames_bad, "audio frames refused as malformed");
    c("messages_oversized_total", messages_oversized, "messages refused as too big");
    c("booths_rate_limited_total", booths_rate_limited, "booths closed for publishing faster than real time allows");
    c("booths_replaced_total", booths_replaced, "stale booth sessions replaced by the same booth reconnecting");
    c("booths_overridden_total", booths_overridden, "booths closed because another booth took their channel (override)");
    c("booth_handovers_total", booth_handovers, "switches of the live console within a booth");
    c("booth_passive_frames_total", booth_passive_frames, "frames from passive consoles, not published");
    c("booth_both_live_total", booth_both_live, "times a passive console kept sending while another was live");
    c("booth_chats_total", booth_chats, "chat messages sent by booths");
    c("booth_slow_downs_total", booth_slow_downs, "slow-down signals sent by booths");
    c("booth_floor_language_changes_total", booth_floor_language_changes,
      "floor language changes (auto-relay), by a technician or the floor booth");
    c("booth_requests_refused_total", booth_requests_refused, "booth console requests refused");
    c("control_wrong_role_total", control_wrong_role, "booth-only control messages from listeners, refused");
    c("booth_links_lost_total", booth_links_lost, "booths gone quiet past the link timeout (channel off air)");
    c("booth_hello_timeouts_total", booth_hello_timeouts, "booths closed for sending no hello with a token in time");
    c("listener_sessions_total", listener_sessions, "listener connections");
    c("frames_out_total", frames_out, "audio frames written to listeners");
    c("frames_dropped_total", frames_dropped, "audio frames dropped for slow listeners");
    c("listener_resyncs_total", listener_resyncs, "slow listeners resynchronised to the live edge");
    c("listeners_stalled_total", listeners_stalled, "listeners closed for not reading");
    c("listeners_lost_total", listeners_lost, "quiet listeners closed for not answering a ping");
    c("protocol_errors_total", protocol_errors, "malformed control messages");
    c("protocol_closes_total", protocol_closes, "connections closed for repeated protocol errors");
    c("icecast_sources_total", icecast_sources, "Icecast sources (PUT or SOURCE) that went on air");
    c("icecast_sources_refused_total", icecast_sources_refused, "Icecast sources refused (credentials, channel, format)");
    c("icecast_sources_corrupt_total", icecast_sources_corrupt, "Icecast sources closed for a corrupt page or packet");
    c("icecast_source_gaps_total", icecast_source_gaps, "holes in Icecast sources' Ogg page sequences (pages lost upstream)");
    c("stream_listeners_total", stream_listeners, "HTTP Ogg Opus listeners (/stream/ID.ogg)");
    return out;
}

}  // namespace tolk::server
