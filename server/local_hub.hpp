#pragma once
// The single-node event_bus: the channels of one event and who is on them.
//
// Ownership: owned by the server, outlives every session. Sessions are held as weak_ptrs;
// a session unsubscribes and leaves when it closes, nothing here keeps it alive.
// Thread-safety: one mutex per channel (publisher, subscribers, on-air state) and one for the
// set of all listeners; never held across I/O, never nested in the other order.
// Fan-out: each channel's subscribers are also kept per I/O shard, in a list only that shard's
// thread touches. publish() hands a frame to every shard that has subscribers of its channel
// once (a post, or a direct call on the publisher's own shard); that shard then writes it to
// each of its subscribers in one go. No lock and no per-listener post on the audio path.
// Listener-count changes are coalesced and broadcast at most once per `list_interval`.

#include "server/event_bus.hpp"
#include "server/config.hpp"
#include "server/io_pool.hpp"
#include "server/metrics.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <unordered_map>

namespace tolk::server {

class local_hub final : public event_bus {
public:
    local_hub(io_pool& pool, metrics& counters, const server_config& config,
              std::chrono::milliseconds list_interval = std::chrono::seconds(1));

    // Starts the periodic channel-list broadcast; stop() ends it.
    void start();
    void stop();

    std::optional<std::uint16_t> find(std::string_view id) const override;
    std::size_t channel_count() const override { return channels_.size(); }
    const std::string& channel_id(std::uint16_t channel) const override;

    claim_outcome claim(std::uint16_t channel, std::uint64_t booth, const booth_identity& who) override;
    void release(std::uint16_t channel, std::uint64_t booth) override;
    void set_clock_offset(std::uint16_t channel, std::int64_t offset_us) override;
    void set_source(std::uint16_t channel, std::string source) override;
    void publish(const frame_ref& frame) override;

    void subscribe(std::uint16_t channel, const std::shared_ptr<listener_link>& l) override;
    void unsubscribe(std::uint16_t channel, const listener_link* l) override;
    void join(const std::shared_ptr<listener_link>& l) override;
    void leave(const listener_link* l) override;

    // This node's listeners of `channel` (any thread).
    std::size_t subscriber_count(std::uint16_t channel) const;

    protocol::channel_list channels() const override;
    std::vector<channel_report> reports() const override;

private:
    struct channel_state {
        protocol::channel_info info;  // id, number, language, label are fixed
        mutable std::mutex mutex;     // guards the rest
        std::uint64_t booth = 0;      // 0: off air
        std::string identity;         // the on-air booth's identity ("" anonymous)
        // Who is on (any shard), by address: joining and leaving are O(1), so a whole hall
        // reconnecting at once costs O(N), not O(N^2).
        std::unordered_map<const listener_link*, std::weak_ptr<listener_link>> subscribers;
        // How many subscribers each shard's fan-out list holds (written on that shard).
        std::unique_ptr<std::atomic<std::uint32_t>[]> on_shard;
    };
    // One shard's subscribers of one channel, touched only on that shard's thread: a vector to
    // walk per frame, and each entry's position so that removal is a swap with the last.
    struct fanout_list {
        struct entry {
            const listener_link* key;
            std::weak_ptr<listener_link> link;
        };
        std::vector<entry> entries;
        std::unordered_map<const listener_link*, std::size_t> position;

        bool add(const std::shared_ptr<listener_link>& l);
        bool remove(const listener_link* l);
        void remove_at(std::size_t i);
    };
    using shard_lists = std::vector<fanout_list>;  // per channel

    void deliver(std::size_t shard, const frame_ref& frame);
    std::size_t shard_of(const listener_link& l) const;

    void broadcast(std::shared_ptr<const std::string> text);
    void on_air_changed(channel_state& ch, bool on_air, std::int64_t offset);

    io_pool& pool_;
    metrics& counters_;
    const server_config& config_;
    std::string event_name_;
    std::vector<std::unique_ptr<channel_state>> channels_;
    std::vector<shard_lists> shards_;

    mutable std::mutex listeners_mutex_;
    std::unordered_map<const listener_link*, std::weak_ptr<listener_link>> listeners_;

    std::atomic<bool> list_dirty_{false};
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds list_interval_;
};

}  // namespace tolk::server
