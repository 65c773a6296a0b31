#pragma once
// The technician's view of the channels, wrapped around the hub: an event_bus that forwards
// every call to the hub and watches what goes through.  Each published frame is decoded once
// per channel (on the publishing thread, under that channel's own lock: never per listener)
// by the channel's channel_monitor, timed by its link_monitor and handed to the recorder's
// queue (the recorder writes files on its own thread).  Claims and releases start and end
// recording segments and go to the event log.  A timer (250 ms, on one I/O shard) feeds the
// listeners' stats to each channel's listener_aggregator, runs the alarm engine, and
// publishes an immutable tech_state that /api/tech, /ws/tech and /metrics read.
//
// Several nodes (server/channel_watch_share.hpp): once a second the timer hands this node's
// figures of each channel (its booth's, its listeners') to the bus for the other nodes, and
// each tech_state carries what the other nodes said of each channel.  A booth connected to
// another node is not measured here: frames from NATS reach the hub past this watch.
//
// Ownership: owned by the server next to the hub, which it references and must not outlive.
// Threads: every event_bus member may be called from any thread (as the hub's).  The alarm
// engine, the aggregators and the timer's bookkeeping are touched only by the timer.

#include "server/config.hpp"
#include "server/event_bus.hpp"
#include "server/metrics.hpp"
#include "server/monitor/alarm_engine.hpp"
#include "server/monitor/recorder.hpp"
#include "server/tech_state.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace tolk::server {

class channel_watch final : public event_bus {
public:
    // `connections`: how many connections are open (for the server figures).
    channel_watch(event_bus& hub, const server_config& config, metrics& counters,
                  boost::asio::any_io_executor timer_executor,
                  std::function<std::int64_t()> connections);
    ~channel_watch() override;

    void start();
    void stop();
    bool stopped() const { return stopped_.load(std::memory_order_relaxed); }

    // The latest view (never null once constructed).  Any thread.
    std::shared_ptr<const tech_state> state() const;
    // The same as JSON text (what /api/tech answers and /ws/tech pushes).  Any thread.
    std::shared_ptr<const std::string> state_json() const;

    // event_bus: forwarded to the hub.
    std::optional<std::uint16_t> find(std::string_view id) const override { return hub_.find(id); }
    std::size_t channel_count() const override { return hub_.channel_count(); }
    const std::string& channel_id(std::uint16_t channel) const override { return hub_.channel_id(channel); }
    claim_outcome claim(std::uint16_t channel, std::uint64_t booth, const booth_identity& who) override;
    void release(std::uint16_t channel, std::uint64_t booth) override;
    void set_clock_offset(std::uint16_t channel, std::int64_t offset_us) override {
        hub_.set_clock_offset(channel, offset_us);
    }
    void publish(const frame_ref& frame) override;
    void set_source(std::uint16_t channel, std::string source) override { hub_.set_source(channel, std::move(source)); }
    void subscribe(std::uint16_t channel, const std::shared_ptr<listener_link>& l) override;
    void unsubscribe(std::uint16_t channel, const listener_link* l) override;
    void join(const std::shared_ptr<listener_link>& l) override { hub_.join(l); }
    void leave(const listener_link* l) override { hub_.leave(l); }
    protocol::channel_list channels() const override { return hub_.channels(); }
    // The hub's own summary (/api/channels); the range-checked aggregate is in state().
    std::vector<channel_report> reports() const override { return hub_.reports(); }
    std::vector<node_load> nodes() const override { return hub_.nodes(); }
    cluster_counters remote_counters() const override { return hub_.remote_counters(); }

private:
    struct watched;

    void tick();
    void feed_listener_stats(monitor::time_point now);
    std::vector<monitor::channel_input> inputs(monitor::time_point now);
    void note(std::string channel, std::string text);
    void drain_notes();
    void publish_state(monitor::time_point now, const std::vector<monitor::channel_input>& in);
    void hand_over_figures(const std::vector<monitor::channel_input>& in);
    void add_elsewhere(std::uint16_t channel, tech_channel& c) const;
    server_figures figures(monitor::time_point now);

    event_bus& hub_;
    const server_config& config_;
    metrics& counters_;
    std::function<std::int64_t()> connections_;
    std::vector<std::unique_ptr<watched>> channels_;
    std::unique_ptr<monitor::recorder> recorder_;  // null: recording off

    std::mutex notes_mutex_;  // guards notes_: on/off air from the network threads
    std::vector<std::pair<std::string, std::string>> notes_;

    // The timer's own.
    monitor::alarm_engine alarms_;
    boost::asio::steady_timer timer_;
    unsigned ticks_ = 0;
    struct usage_sample {
        monitor::time_point at;
        double cpu_seconds = 0;
        std::uint64_t frames_in = 0, frames_out = 0;
    } last_usage_;
    server_figures last_figures_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

    std::atomic<bool> stopped_{false};
    mutable std::mutex state_mutex_;  // guards state_ and json_
    std::shared_ptr<const tech_state> state_;
    std::shared_ptr<const std::string> json_;
};

}  // namespace tolk::server
