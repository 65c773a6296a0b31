#pragma once
// The seam between sessions and "the channels of this event". Sessions talk only to this
// interface: booths claim a channel and publish frames, listeners subscribe. local_hub is the
// single-node implementation; a multi-node backend (frames carried between servers over a
// messaging engine) implements the same interface around a local_hub.
//
// Thread-safety: every member may be called from any thread. Frames reach a listener on its
// own executor (listener_link::deliver); subscribe() called there takes effect at once.

#include "protocol/control_message.hpp"
#include "server/channel_watch_share.hpp"
#include "server/frame_ref.hpp"
#include "server/listener_link.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::server {

// replaced: the channel was held by a session of the same booth identity (a booth whose link
// dropped and that reconnected before its old session was declared lost); the claim took it
// over, and the caller closes the old session (claim_outcome::previous).
// overridden: the channel was held by another booth and the event's policy is override
// (config booths.policy); the claim took it, and the caller closes the previous holder
// (claim_outcome::previous) with close_code::overridden.
enum class claim_result { ok, replaced, taken, unknown_channel, overridden };

// Who a booth is: `key` names it across reconnects (its token id; on the demo event its
// `?name=`; empty: anonymous, never replaces), `name` is what technicians see (the token's
// subject), `address` where it connects from.
struct booth_identity {
    std::string key;
    std::string name;
    std::string address;
};

struct claim_outcome {
    claim_result result = claim_result::unknown_channel;
    std::uint64_t previous = 0;  // replaced, overridden: the session that held the channel
    bool on_air() const {
        return result == claim_result::ok || result == claim_result::replaced || result == claim_result::overridden;
    }
};

// Aggregated from the latest `stats` reports of a channel's listeners.
struct heard_summary {
    std::uint32_t reporting = 0;
    double delay_ms_median = 0;
    double latency_ms_median = -1;
    double concealed_ratio_mean = 0;
    std::uint64_t interruptions = 0;
};

struct channel_report {
    protocol::channel_info info;
    heard_summary heard;
};

// One node of a multi-node event (server/cluster), as /api/nodes and /metrics list it.
struct node_share {  // the node's share of one channel
    std::string channel;
    std::uint32_t listeners = 0;
    bool on_air = false;  // the channel's booth is connected to this node
};
// Several nodes: what this node received from the others, and what of it it did not believe
// (server/cluster/nats_bus); counters since start, on /metrics.
struct cluster_counters {
    std::uint64_t frames_received = 0;   // audio frames from other nodes
    std::uint64_t frames_bad = 0;        // ... that did not parse
    std::uint64_t figures_refused = 0;   // parts of other nodes' statuses out of range or mistyped
};
struct node_load {
    std::string node;
    std::string public_url;  // where phones may connect to it ("": not said)
    std::uint32_t listeners = 0;
    std::uint32_t booths = 0;
    bool self = false;  // the node answering
    std::vector<node_share> channels;
};

class event_bus {
public:
    virtual ~event_bus() = default;

    virtual std::optional<std::uint16_t> find(std::string_view id) const = 0;
    virtual std::size_t channel_count() const = 0;
    virtual const std::string& channel_id(std::uint16_t channel) const = 0;

    // One booth per channel: the single place where the on-air decision is made. A booth of the
    // same identity key as the one on air replaces it; another booth is refused (interlock) or
    // takes the channel (override), by the event's booths.policy.
    virtual claim_outcome claim(std::uint16_t channel, std::uint64_t booth, const booth_identity& who) = 0;
    virtual void release(std::uint16_t channel, std::uint64_t booth) = 0;
    virtual void set_clock_offset(std::uint16_t channel, std::int64_t offset_us) = 0;
    virtual void publish(const frame_ref& frame) = 0;
    // What the booth on air says it hears ("floor", a channel id; "" unknown): channel_info.source.
    virtual void set_source(std::uint16_t /*channel*/, std::string /*source*/) {}

    virtual void subscribe(std::uint16_t channel, const std::shared_ptr<listener_link>& l) = 0;
    virtual void unsubscribe(std::uint16_t channel, const listener_link* l) = 0;
    // Every connected listener hears channel-list and on-air changes, subscribed or not.
    virtual void join(const std::shared_ptr<listener_link>& l) = 0;
    virtual void leave(const listener_link* l) = 0;

    virtual protocol::channel_list channels() const = 0;
    virtual std::vector<channel_report> reports() const = 0;
    // The event's nodes with their load; empty when this server is the whole event.
    virtual std::vector<node_load> nodes() const { return {}; }
    virtual cluster_counters remote_counters() const { return {}; }
    // Where phones reach this node (http(s)://host:port), known once the server is bound; the
    // other nodes list it on /api/nodes.
    virtual void set_public_url(std::string /*url*/) {}
    // Several nodes (server/channel_watch_share.hpp): the technician view's figures of every
    // channel (index: channel number), handed over about once a second for the other nodes;
    // and what the other nodes last said of `channel`, one entry per node that said anything.
    virtual void share_figures(std::vector<channel_figures> /*per_channel*/) {}
    virtual std::vector<node_figures> figures_elsewhere(std::uint16_t /*channel*/) const { return {}; }
    // This node's name in a multi-node event; "" when this server is the whole event.
    virtual std::string node_name() const { return {}; }
};

}  // namespace tolk::server
