#pragma once
// A listener: subscribes to one channel of a tolk server, feeds the frames into a playout
// buffer and plays it at the real-time rate into an audio sink (clients/common/paced_playout).
// Measures delivery latency (server ingress -> receipt) and end-to-end latency (booth capture
// -> playout) with the clock offsets of protocol/PROTOCOL.md "Clocks", counts sequence gaps,
// and reports to the server every 5 s.  Reconnects by itself; on an event of several nodes it
// starts on the node the server suggests and moves to another node when its own goes away
// (listener_nodes.cpp).
//
// Threading: everything runs on the one io_context thread given at construction; the sink
// writes on its own thread.  Only the constructor may throw.

#include "clients/common/audio_sink.hpp"
#include "clients/common/backoff.hpp"
#include "clients/common/connection_handler.hpp"
#include "clients/common/latency_histogram.hpp"
#include "clients/common/paced_playout.hpp"
#include "clients/common/playout_choice.hpp"
#include "clients/common/sequence_tracker.hpp"
#include "clients/common/ws_connection.hpp"
#include "clients/listen/node_list.hpp"
#include "codec/playout_buffer.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tolk::listen {

struct listen_options {
    client::ws_url server;
    std::string channel;
    std::string output;        // see clients/common/audio_sink.hpp
    double duration_s = 0;     // 0: until stopped
    std::string stats_path;    // "" : no stats file
    client::playout_choice playout;
    std::string profile = "listener";  // playout profile of the adaptive buffer (codec/playout_profile.hpp)
    bool follow_nodes = true;  // several nodes: start where /api/nodes suggests, move when ours goes
};

// Moving to another node: the first attempt soon after the loss (a phone-length gap, not a
// reconnect storm: jittered), then doubling per failed attempt up to 4 s.
inline const client::backoff_options failover_schedule{std::chrono::milliseconds(100), std::chrono::milliseconds(4000),
                                                       2.0, 0.5};
// /ws/listen on `server`, as tolk-listen connects.
client::connection_options connection_for(const client::ws_url& server);

class listener final : public client::connection_handler {
public:
    listener(boost::asio::io_context& io, const listen_options& options);

    void start(std::function<void()> on_done);
    // Closes the output (the WAV is final), writes the stats file, closes the connection.
    void stop();
    int exit_code() const { return exit_code_; }
    // What --stats writes.
    nlohmann::json report() const;

private:
    void on_open() override;
    void on_control(const protocol::control_message& message) override;
    void on_binary(std::span<const std::uint8_t> bytes, std::int64_t receipt_us) override;
    bool on_close(const client::close_info& info) override;
    void on_stopped() override;

    boost::asio::awaitable<void> stats_loop();
    void on_block(const codec::playout_info& info, std::int64_t play_us);
    void update_channel(const protocol::channel_info& info);
    void restart_stream();
    protocol::listener_stats stats_message() const;
    void write_stats_file() const;

    // Nodes (listener_nodes.cpp).
    boost::asio::awaitable<void> begin();
    boost::asio::awaitable<void> move_on();
    boost::asio::awaitable<void> refresh_nodes_loop();
    void connect_to(const client::ws_url& url);

    listen_options options_;
    boost::asio::io_context& io_;
    std::unique_ptr<client::audio_sink> sink_;
    std::unique_ptr<codec::playout_buffer> playout_;
    std::shared_ptr<client::ws_connection> connection_;
    client::paced_playout player_;
    boost::asio::steady_timer stats_timer_;
    boost::asio::steady_timer duration_timer_;
    std::function<void()> on_done_;

    // Nodes
    node_list nodes_;
    client::backoff failover_backoff_;
    boost::asio::steady_timer failover_timer_;
    boost::asio::steady_timer refresh_timer_;
    bool connection_running_ = false;  // connection_ started and not yet stopped
    bool switching_ = false;           // between a lost node and the next attempt
    std::uint64_t node_switches_ = 0;

    // Stream state
    std::optional<std::uint16_t> channel_number_;
    std::int64_t channel_offset_us_ = 0;  // server clock minus booth clock
    bool on_air_ = false;
    bool restart_pending_ = true;  // the next frame resets the playout buffer

    // Measurements
    client::sequence_tracker sequence_;
    client::latency_histogram delivery_;
    client::latency_histogram end_to_end_;
    std::int64_t last_end_to_end_us_ = -1;
    std::uint64_t resyncs_ = 0, resync_dropped_ = 0, reconnects_ = 0, bad_frames_ = 0;
    std::uint64_t frames_before_clock_ = 0;

    bool stopped_ = false;
    int exit_code_ = 0;
};

}  // namespace tolk::listen
