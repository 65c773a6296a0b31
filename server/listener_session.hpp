#pragma once
// A listener: /ws/listen[?channels=a,b]. Hears any number of channels at once.
//
// The hub calls deliver() on the session's own shard (the frame goes to the socket at once, or
// into the outbox, bounded by audio duration per channel) and notify() from any thread (queue
// and wake). Everything else runs on the session's strand. The latest `stats` report is guarded by its own mutex because the hub
// reads it from other threads for /api/channels.

#include "server/listener_link.hpp"
#include "server/ws_session.hpp"

#include <mutex>
#include <set>

namespace tolk::server {

class listener_session final : public ws_session, public listener_link {
public:
    listener_session(any_stream&& stream, http_request request, connection_slot slot,
                     server_context& ctx);

    boost::asio::any_io_executor executor() const override { return ws_session::executor(); }
    bool deliver(const frame_ref& frame) override { return deliver_audio(frame); }
    void notify(std::shared_ptr<const std::string> text) override { send_text(std::move(text)); }
    std::optional<protocol::listener_stats> last_stats() const override;

private:
    void on_open() override;
    void on_text(std::string_view text, std::int64_t received_us) override;
    void on_binary(std::span<const std::uint8_t> data, std::int64_t received_us) override;
    void on_closed() override;

    void change(const std::vector<std::string>& ids, bool subscribe);
    std::shared_ptr<listener_session> self();

    std::set<std::uint16_t> subscribed_;
    mutable std::mutex stats_mutex_;
    std::optional<protocol::listener_stats> stats_;
};

}  // namespace tolk::server
