#pragma once
// The several-node part of /metrics (deploy/README.md, "Several nodes: metrics"). Every node
// shows the whole event, one series per node and channel with a `node` label:
//   tolk_cluster_nodes                            nodes this node hears from (itself included)
//   tolk_cluster_node_up{node}                    1 for each of them
//   tolk_cluster_listeners{node,channel}          that node's listeners of the channel
//   tolk_cluster_booth_connected{node,channel}    1 where the channel's booth is connected
// These repeat the same figures on every node: a Prometheus that scrapes every node aggregates
// them with `max by (node, channel)` before summing, never a plain sum. The additive figures are
// the per-node ones without a node label (tolk_channel_listeners is this node's own listeners
// on several nodes): `sum by (channel)` over the scraped nodes counts each listener once.
// Pure function.

#include "server/event_bus.hpp"

#include <string>
#include <vector>

namespace tolk::server {

// Empty when `nodes` is (a single server).  `counters`: this node's own (additive across nodes):
//   tolk_cluster_frames_received_total, tolk_cluster_frames_bad_total, tolk_cluster_figures_refused_total
std::string cluster_metrics(const std::vector<node_load>& nodes, const cluster_counters& counters = {});

}  // namespace tolk::server
