#pragma once
// The multi-node event_bus: a layer over this node's local_hub that carries the event between
// tolk nodes over NATS (deploy/README.md, "Several nodes").
//
// - Audio: a local booth's frame goes to the local hub (this node's listeners) and is published
//   once to NATS on `tolk.<event>.audio.<channel>`, its already-serialised bytes as the payload.
//   A node subscribes to a channel's subject only while it has listeners of that channel here
//   (interest follows listeners); a received frame is handed to the local hub exactly as a local
//   booth's frame, so the per-listener path is the same.
// - One booth per channel across the cluster: claim_store (JetStream KV, TTL renewed here).
// - Channel state: each node publishes its share (node_board); a booth on air at another node is
//   held in the local hub by a stand-in ("proxy") so that local listeners see it on air, and
//   /api/channels counts every node's listeners.
// - Technician figures: channel_watch hands this node's figures of each channel over
//   (share_figures); the status carries the booth's figures for the channels whose claim this
//   node holds and this node's listeners' percentiles; another node's channel_watch reads them
//   back (figures_elsewhere), range-checked, gone when that node's status expires.
// - NATS down: local booths keep reaching local listeners (claims made then are confirmed when
//   NATS is back, or the booth is closed if another node got the channel meanwhile); remote
//   channels go off air here until NATS is back.
//
// Ownership: owned by the server (bus_layer_factory), destroyed before the hub it wraps.
// Threads: event_bus members from any thread (I/O shards); NATS callbacks on libnats threads
// hand frames to local_hub::publish, which is safe from any thread (it posts to the shards);
// one worker thread of its own renews claims, publishes status, places and lifts proxies.
// Locks: state_mutex_ (owned claims and proxies; held across a booth's claim request to NATS,
// at most ~1 s) before the hub's own; interest_mutex_ (subscriptions) alone; never the other order.

#include "server/cluster/claim_store.hpp"
#include "server/cluster/nats_link.hpp"
#include "server/cluster/node_board.hpp"
#include "server/local_hub.hpp"
#include "server/server.hpp"
#include "server/session_registry.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

struct __natsSubscription;

namespace tolk::cluster {

class nats_bus final : public server::event_bus {
public:
    nats_bus(server::local_hub& hub, server::session_registry& sessions, const server::server_config& config);
    ~nats_bus() override;

    std::optional<std::uint16_t> find(std::string_view id) const override { return hub_.find(id); }
    std::size_t channel_count() const override { return hub_.channel_count(); }
    const std::string& channel_id(std::uint16_t channel) const override { return hub_.channel_id(channel); }

    server::claim_outcome claim(std::uint16_t channel, std::uint64_t booth, const server::booth_identity& who) override;
    void release(std::uint16_t channel, std::uint64_t booth) override;
    void set_clock_offset(std::uint16_t channel, std::int64_t offset_us) override {
        hub_.set_clock_offset(channel, offset_us);
    }
    void set_source(std::uint16_t channel, std::string source) override { hub_.set_source(channel, std::move(source)); }
    void publish(const server::frame_ref& frame) override;

    void subscribe(std::uint16_t channel, const std::shared_ptr<server::listener_link>& l) override;
    void unsubscribe(std::uint16_t channel, const server::listener_link* l) override;
    void join(const std::shared_ptr<server::listener_link>& l) override { hub_.join(l); }
    void leave(const server::listener_link* l) override { hub_.leave(l); }

    protocol::channel_list channels() const override;
    std::vector<server::channel_report> reports() const override;
    std::vector<server::node_load> nodes() const override;
    server::cluster_counters remote_counters() const override {
        return {frames_received_.load(), frames_bad_.load(), figures_refused_.load()};
    }
    void set_public_url(std::string url) override;
    void share_figures(std::vector<server::channel_figures> per_channel) override;
    std::vector<server::node_figures> figures_elsewhere(std::uint16_t channel) const override;
    std::string node_name() const override { return node_; }

    struct route {  // a channel's audio subscription callback's closure
        nats_bus* bus;
        std::uint16_t channel;
    };
    // A frame from NATS (libnats thread).
    void receive(std::uint16_t channel, const void* data, int size);
    // A node status from NATS (libnats thread).
    void receive_status(std::string_view text);

private:
    struct owned_claim {
        std::uint64_t booth = 0;
        claim_value value;
        std::uint64_t revision = 0;
        bool confirmed = false;  // false: claimed while NATS was down, not yet in the bucket
    };

    // Worker (nats_bus_worker.cpp).
    void run();
    void renew_claims();
    void publish_status();
    void place_proxies();
    void evict(std::uint16_t channel, std::uint64_t booth, const std::string& holder);
    void wake();

    void follow_interest(std::uint16_t channel);
    static void end_subscription(__natsSubscription* sub);
    claim_value value_for(const server::booth_identity& who) const;

    server::local_hub& hub_;
    server::session_registry& sessions_;
    const server::cluster_config config_;
    std::string node_, instance_, prefix_;
    std::vector<std::string> audio_subjects_;
    // The worker's queue (before link_: the link's callbacks use it from the start).
    std::mutex work_mutex_;
    std::condition_variable work_;
    bool stopping_ = false;
    bool status_due_ = true;
    bool relink_ = false;  // the link came back: recheck the bucket
    std::vector<std::pair<std::string, std::uint64_t>> drops_;  // released claims to delete
    node_board board_;
    nats_link link_;
    claim_store claims_;

    mutable std::mutex state_mutex_;
    std::map<std::uint16_t, owned_claim> owned_;  // this node's booths on air
    std::string public_url_;  // where phones reach this node (set once the server is bound)
    std::mutex figures_mutex_;  // guards figures_ alone
    std::vector<server::channel_figures> figures_;  // this node's, per channel (share_figures)
    std::vector<std::string> proxy_identity_;  // per channel; set: a remote booth stands in the hub
    std::unique_ptr<std::atomic<bool>[]> remote_feed_;  // per channel: frames from NATS go to the hub
    std::unique_ptr<std::atomic<bool>[]> local_air_;    // per channel: a local booth holds the claim

    std::mutex interest_mutex_;
    std::vector<__natsSubscription*> audio_subs_;  // per channel; null: no local interest
    std::vector<std::unique_ptr<route>> routes_;
    __natsSubscription* status_sub_ = nullptr;

    std::atomic<std::uint64_t> frames_received_{0}, frames_unfed_{0}, frames_bad_{0};
    std::atomic<std::uint64_t> figures_refused_{0};  // parts of other nodes' statuses not believed
    std::thread worker_;
};

// For server::server: a nats_bus when the event has a [cluster] NATS URL, else nothing.
server::bus_layer_factory cluster_layer(const server::server_config& config);

// The proxy ids the hub holds for remote booths: never a session id.
constexpr std::uint64_t proxy_booth(std::uint16_t channel) { return (std::uint64_t{1} << 63) | channel; }
// "Conference 2026" -> "conference_2026": a subject token and a bucket name.
std::string event_slug(const std::string& event_name);

}  // namespace tolk::cluster
