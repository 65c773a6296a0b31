#include "server/metrics_cluster.hpp"

namespace tolk::server {
namespace {

std::string label(const std::string& v) {
    std::string out;
    for (const char c : v) {
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        if (c == '\\' || c == '"')
            out += '\\';
        out += c;
    }
    return out;
}

void header(std::string& out, const char* name, const char* help, const char* type = "gauge") {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
    header(out, name, help, "counter");
    out += std::string(name) + " " + std::to_string(value) + "\n";
}

}  // namespace

std::string cluster_metrics(const std::vector<node_load>& nodes, const cluster_counters& counters) {
    if (nodes.empty())
        return {};
    std::string out;
    counter(out, "tolk_cluster_frames_received_total", "audio frames this node received from other nodes",
            counters.frames_received);
    counter(out, "tolk_cluster_frames_bad_total", "frames from other nodes that did not parse (dropped)",
            counters.frames_bad);
    counter(out, "tolk_cluster_figures_refused_total",
            "parts of other nodes' statuses not believed (out of range or mistyped; dropped)", counters.figures_refused);
    header(out, "tolk_cluster_nodes", "tolk nodes of the event this node hears from, itself included");
    out += "tolk_cluster_nodes " + std::to_string(nodes.size()) + "\n";
    header(out, "tolk_cluster_node_up", "1 for each node of the event this node hears from (max by node across scrapes)");
    for (const auto& n : nodes)
        out += "tolk_cluster_node_up{node=\"" + label(n.node) + "\"} 1\n";
    header(out, "tolk_cluster_listeners",
           "each node's listeners by channel, as this node sees them (max by (node, channel) across scrapes)");
    for (const auto& n : nodes)
        for (const auto& c : n.channels)
            out += "tolk_cluster_listeners{node=\"" + label(n.node) + "\",channel=\"" + label(c.channel) + "\"} " +
                   std::to_string(c.listeners) + "\n";
    header(out, "tolk_cluster_booth_connected",
           "1 where the channel's booth is connected (max by (node, channel) across scrapes)");
    for (const auto& n : nodes)
        for (const auto& c : n.channels)
            out += "tolk_cluster_booth_connected{node=\"" + label(n.node) + "\",channel=\"" + label(c.channel) +
                   "\"} " + (c.on_air ? "1" : "0") + "\n";
    return out;
}

}  // namespace tolk::server
