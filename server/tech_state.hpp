#pragma once
// What the technician sees, as one immutable value: every channel's figures, the alarms, the
// event log's tail and the server's own figures.  channel_watch builds one a few times a
// second; /api/tech, /ws/tech and /metrics read the latest (shared, never modified).

#include "server/channel_watch_share.hpp"
#include "server/monitor/alarm_engine.hpp"
#include "server/monitor/recorder.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tolk::server {

struct tech_channel {
    std::string id;
    std::string language;
    std::string label;
    bool on_air = false;
    std::uint64_t booth = 0;        // the booth session on air (0: none)
    std::string booth_name;         // its name (token subject; "booth N" without a token)
    std::string booth_address;      // where it connects from
    std::uint32_t listeners = 0;    // subscribed now
    bool recorded = false;          // switched on in [recording]
    monitor::channel_snapshot audio;  // this on-air segment
    monitor::link_snapshot link;      // since the server started
    monitor::listener_summary heard;
    std::uint64_t clipped_samples_total = 0;  // every segment since the server started
    std::uint64_t corrupt_packets_total = 0;
    // Several nodes: the booth is connected to another node, whose figures these are (its
    // name, address, levels, link and alarms; figures.booth is set). This node measures
    // nothing of that booth: `audio` and `link` above stay this node's (empty).
    std::optional<node_figures> booth_elsewhere;
    // The other nodes' listeners of the channel, per node (figures.heard is set); `heard`
    // above is this node's own.
    std::vector<node_figures> heard_elsewhere;
};

struct server_figures {
    double uptime_seconds = 0;
    double cpu_ratio = 0;            // CPU time / wall time over the last second (1 = one core)
    std::uint64_t memory_bytes = 0;  // resident set
    std::int64_t connections = 0;
    double frames_in_per_second = 0;
    double frames_out_per_second = 0;
    std::uint64_t frames_in = 0;
    std::uint64_t frames_out = 0;
    std::uint64_t frames_dropped = 0;
    std::uint64_t listener_resyncs = 0;
};

struct tech_state {
    monitor::time_point at;
    std::string event;
    std::string node;  // this node's name in a multi-node event ("": the whole event)
    std::vector<tech_channel> channels;
    std::vector<monitor::alarm> active;
    std::vector<monitor::alarm> cleared;  // the latest few, oldest first
    std::vector<monitor::event> events;   // the event log's tail, oldest first
    server_figures server;
    bool recording_enabled = false;
    monitor::recorder_status recording;
};

}  // namespace tolk::server
