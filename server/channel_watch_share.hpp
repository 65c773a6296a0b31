#pragma once
// What one node's technician view knows of a channel that the technicians of the other nodes of
// a multi-node event need (deploy/README.md, "Several nodes"): channel_watch hands it to the
// event_bus (event_bus::share_figures), the cluster layer puts it into the node's status, and
// another node's channel_watch reads it back (event_bus::figures_elsewhere).
//
// Why carried and not measured again: a node without the booth does not decode the channel's
// frames (frames from NATS go straight to its local_hub, past channel_watch, and arrive only
// while it has listeners of its own), and the booth's link can only be measured where the
// booth is connected.  So the booth's node sends its own figures, about once a second.
//
// Plain values, copied between threads.

#include "server/monitor/alarm_engine.hpp"
#include "server/monitor/channel_monitor.hpp"
#include "server/monitor/link_monitor.hpp"
#include "server/monitor/listener_aggregator.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tolk::server {

// The booth on air on this node's channel: who it is, its link, the latest levels and the
// channel's active alarms.
struct booth_figures {
    std::string name;     // the booth's name (token subject)
    std::string address;  // where it connects from
    monitor::channel_snapshot audio;  // this on-air segment (packets/bytes/corrupt not carried)
    monitor::link_snapshot link;
    std::uint64_t clipped_samples_total = 0;
    std::vector<monitor::alarm_kind> alarms;  // active on the channel at the booth's node
};

// One channel as this node's technician view sees it.
struct channel_figures {
    std::optional<booth_figures> booth;               // its booth is connected to this node
    std::optional<monitor::listener_summary> heard;   // this node's listeners report (reporting > 0)
    bool empty() const { return !booth && !heard; }
};

// Another node's figures of one channel, as last heard from it.
struct node_figures {
    std::string node;
    channel_figures figures;
    std::chrono::milliseconds age{0};  // since its status arrived (dropped with the node's status)
};

}  // namespace tolk::server
