#pragma once
// A media player listening to one channel over plain HTTP: GET /stream/ID.ogg (or .opus). The
// answer is a live Ogg Opus stream from the live edge until the player goes away: the channel's
// own pages (channel_pages: built once per frame, the same bytes for every player), preceded by
// the OpusHead and OpusTags of the stream it joins (as Icecast does for a listener joining a
// mount: ogg_opus_pager.hpp) and, after a discontinuity, by the ended stream's EOS page and the
// new stream's headers.
//
// A listener of the channel like any other: subscribed on the bus (it counts in the channel's
// listeners), frames delivered on its own shard to the same listener_writer as a WebSocket
// listener, in bytes mode (written at once when the socket is idle; else queued in the bounded
// outbox, audio beyond listener_queue_ms dropped to the live edge and counted; the same stall
// watchdog). A slow player costs the others nothing. The response head and the stream headers
// go through the writer's text() (never dropped); a page the player misses shows as a gap in
// page numbers, which players conceal.
//
// Ownership: owns itself (its coroutines and its writer's hold shared_from_this); the hub and
// the session registry hold weak_ptrs. Everything runs on the connection's I/O shard. One
// writer (listener_writer) and one reader (which only notices the player going away).

#include "server/icecast/ogg_opus_pager.hpp"
#include "server/listener_link.hpp"
#include "server/listener_writer.hpp"
#include "server/server_context.hpp"
#include "server/session_registry.hpp"
#include "server/ws_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include <memory>
#include <string>

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
    boost::asio::awaitable<void> read_loop();
    // Before `page`: what this player needs to read it (headers of a stream it is not in yet).
    void enter_stream(const ogg_stream_page& page);
    void teardown();
    boost::beast::tcp_stream& tcp();

    any_stream stream_;
    boost::asio::any_io_executor executor_;
    connection_slot slot_;
    server_context& ctx_;
    std::shared_ptr<spdlog::logger> log_;
    std::uint16_t channel_;
    std::string head_;
    codec::ogg_opus_tags tags_;
    listener_writer writer_;
    std::uint64_t stream_no_ = 0;  // the channel's logical stream this player is in (0: none yet)
    std::uint64_t id_ = 0;
    bool done_ = false;
};

}  // namespace tolk::server::icecast
