#pragma once
// What every node knows of the others: each node publishes its own share of the event (its
// booths on air, its listener counts, what its listeners report hearing) on the status subject
// every status interval; the board keeps the latest status of each other node and forgets a
// node that has gone quiet (and with it everything it said: stale figures go with it).
//
// Thread-safety: one mutex; update() from libnats threads, the queries from any thread.

#include "server/event_bus.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::cluster {

struct channel_status {
    std::string id;
    bool on_air = false;      // a booth of this node holds the channel
    std::uint32_t listeners = 0;  // this node's listeners of it
    std::string booth;        // the booth's name
    std::string identity;     // the booth's identity key
    server::heard_summary heard;  // what this node's listeners report hearing
    server::channel_figures tech;  // what this node's technician view knows (figures_wire.hpp)
};

struct node_status {
    std::string node;
    std::string instance;
    std::vector<channel_status> channels;
    std::string public_url;  // where phones may connect ("": not said)
    std::uint32_t refused = 0;  // as parsed: parts of it not believed (figures out of range)
};

std::string serialize(const node_status& s);
std::optional<node_status> parse_node_status(std::string_view text);

struct remote_booth {
    std::string node;
    std::string booth;
    std::string identity;
};

class node_board {
public:
    using clock = std::chrono::steady_clock;

    // Returns whether which channels are on air where changed.
    bool update(node_status status, clock::time_point now);
    // Forgets nodes not heard from for `max_age`; returns whether any was forgotten.
    bool forget_older(clock::time_point now, clock::duration max_age);

    // The other nodes' listeners of `channel`.
    std::uint32_t listeners(const std::string& channel) const;
    // What the other nodes' listeners of `channel` report, one share per node that has any.
    std::vector<server::heard_summary> heard(const std::string& channel) const;
    // The booth on air on `channel` at another node, if any.
    std::optional<remote_booth> on_air(const std::string& channel) const;
    // What the other nodes' technician views know of `channel`, one entry per node with any
    // figures, each with how long ago its status came.
    std::vector<server::node_figures> figures(const std::string& channel, clock::time_point now) const;
    std::vector<node_status> nodes() const;

private:
    struct seen {
        node_status status;
        clock::time_point at;
    };
    mutable std::mutex mutex_;
    std::map<std::string, seen> nodes_;  // by instance
};

}  // namespace tolk::cluster
