#pragma once
// The single-node event_bus: the channels of one event and who is on them.
//
// Ownership: owned by the server, outlives every session. Sessions are held as weak_ptrs;
// a session unsubscribes and leaves when it closes, nothing here keeps it alive.
// Thread-safety: one mutex per channel (publisher, subscribers, on-air state) and one for the
// set of all listeners; never held across I/O, never nested in the other order.
// Fan-out: publish() hands the same frame_ref to each subscriber's queue.
// Listener-count changes are coalesced and broadcast at most once per `list_interval`.

#include "server/event_bus.hpp"
#include "server/config.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <unordered_map>

namespace tolk::server {

class local_hub final : public event_bus {
public:
    local_hub(boost::asio::any_io_executor executor, const server_config& config,
              std::chrono::milliseconds list_interval = std::chrono::seconds(1));

    // Starts the periodic channel-list broadcast; stop() ends it.
    void start();
    void stop();

    std::optional<std::uint16_t> find(std::string_view id) const override;
    std::size_t channel_count() const override { return channels_.size(); }
    const std::string& channel_id(std::uint16_t channel) const override;

    claim_result claim(std::uint16_t channel, std::uint64_t booth) override;
    void release(std::uint16_t channel, std::uint64_t booth) override;
    void set_clock_offset(std::uint16_t channel, std::int64_t offset_us) override;
    void publish(const frame_ref& frame) override;

    void subscribe(std::uint16_t channel, const std::shared_ptr<listener_link>& l) override;
    void unsubscribe(std::uint16_t channel, const listener_link* l) override;
    void join(const std::shared_ptr<listener_link>& l) override;
    void leave(const listener_link* l) override;

    protocol::channel_list channels() const override;
    std::vector<channel_report> reports() const override;

private:
    struct channel_state {
        protocol::channel_info info;  // id, number, language, label are fixed
        mutable std::mutex mutex;     // guards the rest
        std::uint64_t booth = 0;      // 0: off air
        std::vector<std::weak_ptr<listener_link>> subscribers;
    };

    void broadcast(std::shared_ptr<const std::string> text);
    void on_air_changed(channel_state& ch, bool on_air, std::int64_t offset);

    const server_config& config_;
    std::string event_name_;
    std::vector<std::unique_ptr<channel_state>> channels_;

    mutable std::mutex listeners_mutex_;
    std::unordered_map<const listener_link*, std::weak_ptr<listener_link>> listeners_;

    std::atomic<bool> list_dirty_{false};
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds list_interval_;
};

}  // namespace tolk::server
