#pragma once
// A media player listening to one channel over plain HTTP: GET /stream/ID.ogg (or .opus). The
// answer is a live Ogg Opus stream from the live edge (ogg_opus_pager: headers first, one page
// per frame, a chained logical stream after each discontinuity) until the player goes away.
//
// A listener of the channel like any other: subscribed on the bus (it counts in the channel's
// listeners), frames delivered on its own shard into the same bounded outbox as a WebSocket
// listener (audio beyond listener_queue_ms is dropped to the live edge and counted), and the same
// stall watchdog: a write pending longer than stall_timeout_ms closes it. A slow player costs
// the others nothing: the hub only queues into its outbox.
//
// Ownership: owns itself (its coroutines hold shared_from_this); the hub and the session
// registry hold weak_ptrs. Everything runs on the connection's I/O shard; the outbox has its own
// mutex. One writer coroutine (while there is something to write) and one reader (which only
// notices the player going away) per connection.

#include "server/icecast/ogg_opus_pager.hpp"
#include "server/listener_link.hpp"
#include "server/outbox.hpp"
#include "server/server_context.hpp"
#include "server/session_registry.hpp"
#include "server/ws_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tolk::server::icecast {

class stream_listener final : public listener_link,
                              public closable,
                              public std::enable_shared_from_this<stream_listener> {
public:
    // `head`: the HTTP response head, written before the stream.
    stream_listener(any_stream&& stream, connection_slot slot, server_context& ctx, std::uint16_t channel,
                    std::string head, codec::ogg_opus_tags tags);
    ~stream_listener() override;

    void start();  // on the shard

    boost::asio::any_io_executor executor() const override { return executor_; }
    void deliver(const frame_ref& frame) override;
    void notify(std::shared_ptr<const std::string>) override {}  // players get audio only
    std::optional<protocol::listener_stats> last_stats() const override { return std::nullopt; }
    void request_close(std::uint16_t code, std::string reason) override;  // any thread

private:
    boost::asio::awaitable<void> write_loop();
    boost::asio::awaitable<void> read_loop();
    // Pages for what the outbox held; returns the number of audio frames in them.
    std::uint64_t encode(std::vector<outbox::entry>& batch);
    void wake();
    void arm_watchdog(std::chrono::steady_clock::duration after);
    void check_stall();
    void teardown();
    boost::beast::tcp_stream& tcp();

    any_stream stream_;
    boost::asio::any_io_executor executor_;
    connection_slot slot_;
    server_context& ctx_;
    std::shared_ptr<spdlog::logger> log_;
    std::uint16_t channel_;
    std::string head_;
    outbox outbox_;
    ogg_opus_pager pager_;
    boost::asio::steady_timer watchdog_;
    std::vector<std::uint8_t> out_;  // the bytes being written
    std::uint64_t id_ = 0;
    std::uint64_t frames_ = 0;
    bool running_ = false;
    bool writing_ = false;
    bool watchdog_armed_ = false;
    bool done_ = false;
    std::chrono::steady_clock::time_point write_started_;
};

}  // namespace tolk::server::icecast
