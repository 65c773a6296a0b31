#pragma once
// A booth publishing one channel: /ws/booth?channel=ID.
//
// Authorises the booth (a booth token from `Authorization: Bearer`, `?token=` or the hello's
// token, which must come within hello_timeout_ms; without one only on the demo event from
// loopback: access_control), then claims the channel on the hub (refused with 4001/4002 if
// taken or unknown). A booth of the same identity (token id; in the demo, `?name=`) takes the
// channel over from its own stale session, which is closed with 4009 "replaced". Consoles of one
// booth (`?booth=NAME`) share the channel: booth_desks decides which one is live, renumbers its
// frames, and swaps in silence while its cough key is down. Validates every frame (header, Opus
// packet, audio budget), stamps it, serialises it once and publishes it.
// A link quiet for booth_link_timeout_ms is lost. Releases the channel when it closes.
// Shard-only state, see ws_session.

#include "server/audio_budget.hpp"
#include "server/booth_desks.hpp"
#include "server/ws_session.hpp"

#include <boost/asio/steady_timer.hpp>

#include <optional>

namespace tolk::server {

class booth_session final : public ws_session, public booth_console {
public:
    booth_session(any_stream&& stream, http_request request, connection_slot slot,
                  server_context& ctx);

    // booth_console: any thread.
    void deliver_text(std::shared_ptr<const std::string> text) override;
    void evict(std::uint16_t code, std::string reason) override { request_close(code, std::move(reason)); }

private:
    void on_open() override;
    void on_text(std::string_view text, std::int64_t received_us) override;
    void on_binary(std::span<const std::uint8_t> data, std::int64_t received_us) override;
    void on_closed() override;
    void on_close_requested(std::uint16_t code) override;

    void refuse(std::uint16_t code, const char* error, std::string reason);
    void start_hello_deadline();
    // Verifies `token` (empty: none) and, when allowed, claims the channel.
    void authorize(std::string_view token);
    void go_on_air();
    void start_tick();
    // The console's messages (issue 12): handover, cough, source, output, slow_down, chat.
    bool on_console_message(protocol::control_message& msg);
    void select_output(const std::string& channel);
    void refused_request(std::string reason);

    std::optional<std::uint16_t> channel_;
    std::string channel_id_;
    std::string peer_;           // remote address, for the on-air / off-air log lines
    std::string booth_name_;     // the token's sub ("" without a token)
    std::string token_id_;       // the token's jti
    std::string identity_;       // who this booth is across reconnects ("" anonymous)
    std::string claimed_name_;   // ?name= (counts only without a token: the demo event)
    std::string booth_;          // ?booth=NAME: the booth whose consoles share the channel ("" alone)
    std::string token_;          // kept to check an A/B output switch against it
    bool awaiting_token_ = false;  // no token in the request: the hello must carry one
    bool on_air_ = false;
    bool replaced_ = false;        // closed because the same booth reconnected
    audio_budget budget_;
    std::optional<boost::asio::steady_timer> hello_deadline_;
    std::optional<boost::asio::steady_timer> tick_;  // audience count, handover timeout
    std::uint64_t frames_ = 0;
};

}  // namespace tolk::server
