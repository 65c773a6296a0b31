#pragma once
// Process-wide counters, one instance owned by the server and shared by reference with every
// session. Plain relaxed atomics: any thread increments, /metrics reads.

#include <atomic>
#include <cstdint>
#include <string>

namespace tolk::server {

struct metrics {
    using counter = std::atomic<std::uint64_t>;
    counter connections_accepted{0};
    counter connections_refused{0};   // over a connection limit (server/admission.hpp)
    counter connections_refused_per_address{0};  // of which: over max_connections_per_address
    counter accept_errors{0};         // EMFILE and friends
    counter http_requests{0};
    counter http_bad_requests{0};
    counter origin_refused{0};        // WebSocket upgrades from another site's page (403)
    counter booth_sessions{0};
    counter booth_refused_taken{0};
    counter booth_refused_unknown{0};
    counter frames_in{0};             // accepted from booths
    counter frames_bad{0};            // refused: unparsable frame or invalid Opus
    counter messages_oversized{0};
    counter booths_rate_limited{0};   // closed for publishing faster than real time allows
    counter booths_replaced{0};       // stale sessions closed by the same booth reconnecting
    counter booth_links_lost{0};      // booths gone quiet past booth_link_timeout_ms
    counter booth_hello_timeouts{0};  // booths that sent no hello (with a token) in time
    counter booths_overridden{0};     // booths closed because another took their channel (override)
    counter booth_handovers{0};       // switches of the live console within a booth
    counter booth_passive_frames{0};  // frames from a passive console: not published
    counter booth_both_live{0};       // times a passive console kept sending while another was live
    counter booth_chats{0};           // chat messages from booths
    counter booth_slow_downs{0};      // slow-down signals from booths
    counter booth_floor_language_changes{0};  // the floor language set (technician or floor booth)
    counter booth_requests_refused{0};  // booth messages refused (handover out of turn, A/B not allowed)
    counter control_wrong_role{0};    // booth-only messages from a listener, refused
    counter listener_sessions{0};
    counter frames_out{0};            // written to listeners
    counter frames_dropped{0};        // dropped from a slow listener's queue
    counter listener_resyncs{0};
    counter listeners_stalled{0};     // closed for not reading
    counter listeners_lost{0};        // closed for not answering a ping (left the Wi-Fi)
    counter protocol_errors{0};       // malformed control messages
    counter protocol_closes{0};       // closed after too many
    counter icecast_sources{0};          // Icecast sources (PUT / SOURCE) that went on air
    counter icecast_sources_refused{0};  // refused: credentials, channel, taken, not Ogg Opus
    counter icecast_sources_corrupt{0};  // closed for a corrupt Ogg page or Opus packet
    counter icecast_source_gaps{0};      // holes in a source's page sequence (pages lost upstream)
    counter stream_listeners{0};         // HTTP Ogg listeners (GET /stream/ID.ogg)

    // Prometheus text exposition of every counter (the per-channel gauges are added by the hub).
    std::string prometheus(std::int64_t connections_open) const;
};

}  // namespace tolk::server
