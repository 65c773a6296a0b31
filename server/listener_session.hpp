#pragma once
// A listener: /ws/listen[?channels=a,b]. Hears any number of channels at once.
//
// Owns its listener_writer, the only code that writes to its socket (audio, text, pongs, the
// close). The hub calls deliver() on the session's own shard and notify() from any thread;
// everything else runs on the shard. The latest `stats` report is guarded by its own mutex
// because the hub reads it from other threads for /api/channels.
//
// Reading: on plain TCP with our own frame reader (ws_frame_reader), which hands pings and
// closes to the writer, so that Beast never writes on the socket after the handshake and no
// byte can land inside one of the writer's frames (Beast answers pings by itself, with no way
// to route the answer through our writer). On TLS with Beast's reader, which answers pings
// itself; the writer then writes through Beast too, which keeps its own writes in order.

#include "server/listener_link.hpp"
#include "server/listener_writer.hpp"
#include "server/ws_frame_reader.hpp"
#include "server/ws_session.hpp"

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace tolk::server {

class listener_session final : public ws_session, public listener_link {
public:
    // `channels`: what the listener's token covers (empty: every channel; http_session admits
    // the listener first, see access_control::listener).
    listener_session(any_stream&& stream, http_request request, connection_slot slot,
                     server_context& ctx, std::vector<std::string> channels = {});

    boost::asio::any_io_executor executor() const override { return ws_session::executor(); }
    void deliver(const frame_ref& frame) override { writer_.deliver(frame); }
    void notify(std::shared_ptr<const std::string> text) override { writer_.text(std::move(text)); }
    std::optional<protocol::listener_stats> last_stats() const override;

private:
    void on_open() override;
    void on_text(std::string_view text, std::int64_t received_us) override;
    void on_binary(std::span<const std::uint8_t> data, std::int64_t received_us) override;
    void on_closed() override;
    boost::asio::awaitable<void> receive() override;
    void queue_text(std::shared_ptr<const std::string> text) override { writer_.text(std::move(text)); }
    void queue_close(std::uint16_t code, std::string reason) override;
    void on_teardown() override { writer_.stop(); }

    boost::asio::awaitable<void> read_frames();  // plain TCP
    // Plain TCP: a listener quiet for keepalive_seconds is pinged; still quiet after as long
    // again, it is gone (a phone that left the Wi-Fi, a half-open link) and is closed.
    void arm_liveness();
    void check_liveness();
    void handle(ws_frame_reader::event& e);
    void change(const std::vector<std::string>& ids, bool subscribe);
    std::shared_ptr<listener_session> self();

    listener_writer writer_;
    std::vector<std::string> allowed_;  // empty: every channel
    std::set<std::uint16_t> subscribed_;
    std::unique_ptr<boost::asio::steady_timer> liveness_;  // on the shard (plain TCP only)
    std::int64_t last_read_us_ = 0;                       // on the shard
    bool ping_outstanding_ = false;                       // on the shard
    mutable std::mutex stats_mutex_;
    std::optional<protocol::listener_stats> stats_;
};

}  // namespace tolk::server
