#pragma once
// An Icecast source pushing one channel: `PUT /ingest/ID` (Icecast 2.4; ffmpeg, libshout) or the
// legacy `SOURCE /ID.ogg` (Icecast 1; ffmpeg -legacy_icecast 1), also to the mount-point form
// `/ID.ogg`. The body streams until the encoder closes (no Content-Length).
//
// Authorisation as a WebSocket booth: HTTP Basic whose password is a booth token for the channel
// (the user name is ignored; encoders send "source"); without credentials only on the demo event
// from this machine (access_control::booth). Or, for encoders where a token does not fit, the
// channel's source_password from the event file (an Argon2id hash, checked off the I/O thread). Then the same claim on the bus (interlock, the same
// booth's reconnect takes over its stale session), the same audio budget, the same packet check
// and the same publish step (frame_publish) as booth_session. `Expect: 100-continue` is
// answered with 100 Continue, anything else with 200 OK, before the body is read.
//
// The body must be Ogg Opus (ogg_opus_demuxer): anything else is refused at once (415 with a text
// reason when no final status has been sent yet, else the connection is closed) and counted; a
// corrupt page or packet closes the source (counted). A chained stream marks a discontinuity.
// A source quiet for booth_link_timeout_ms is lost. The channel is released when it ends.
//
// Ownership: owns itself (shared_from_this held by its coroutine); the session registry holds a
// weak_ptr (a reconnecting booth closes it). Lives on its connection's I/O shard.

#include "server/audio_budget.hpp"
#include "server/event_bus.hpp"
#include "server/http_api.hpp"
#include "server/icecast/ogg_opus_demuxer.hpp"
#include "server/server_context.hpp"
#include "server/session_registry.hpp"
#include "server/ws_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>

namespace tolk::server::icecast {

class source_session final : public closable, public std::enable_shared_from_this<source_session> {
public:
    // `buffer`: bytes already read past the request's header (the start of the body).
    source_session(any_stream&& stream, boost::beast::flat_buffer&& buffer, http_request request,
                   connection_slot slot, server_context& ctx, std::string channel_id);
    ~source_session() override;

    void start();
    void request_close(std::uint16_t code, std::string reason) override;  // any thread

private:
    boost::asio::awaitable<void> run();
    // Authorises and claims; false (after answering) when refused.
    boost::asio::awaitable<bool> admit();
    boost::asio::awaitable<bool> authorize();
    boost::asio::awaitable<void> pump();
    // The first bytes: Ogg, or refused with what they look like.
    boost::asio::awaitable<bool> check_format();
    bool on_event(const demux_event& e, std::int64_t received_us);
    boost::asio::awaitable<void> refuse(boost::beast::http::status status, std::string reason);
    boost::asio::awaitable<bool> write_text(std::string text);
    boost::asio::awaitable<std::size_t> read_more();
    boost::beast::tcp_stream& tcp();

    any_stream stream_;
    boost::beast::flat_buffer buffer_;
    http_request request_;
    connection_slot slot_;
    server_context& ctx_;
    std::shared_ptr<spdlog::logger> log_;
    std::string channel_id_;
    std::optional<std::uint16_t> channel_;
    std::uint64_t id_ = 0;
    std::string peer_;
    booth_identity who_;
    std::string token_id_;
    audio_budget budget_;
    ogg_opus_demuxer demux_;
    bool final_status_sent_ = false;  // 200 OK is out: a refusal can only close
    bool on_air_ = false;
    bool replaced_ = false;
    std::string refusal_;  // why pump() stopped (a bad packet, the budget)
    // The current logical stream's timeline.
    std::int64_t stream_start_us_ = 0;
    std::int64_t position_ = 0;  // samples since the stream's start
    std::optional<std::int64_t> granule_base_;  // the stream's granule at position 0
    bool bad_packet_ = false;
    bool restart_ = true;        // the next packet starts a stream: a discontinuity
    std::uint32_t sequence_ = 0;
    std::uint64_t frames_ = 0;
};

}  // namespace tolk::server::icecast
