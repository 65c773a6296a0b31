#include "server/icecast/source_session.hpp"
#include "server/as_tuple.hpp"

#include "codec/opus_packet.hpp"
#include "server/access_control.hpp"
#include "server/frame_publish.hpp"
#include "server/icecast/source_format.hpp"
#include "server/log.hpp"
#include "server/query.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/write.hpp>
#include <sodium.h>

#include <algorithm>
#include <cstdio>

namespace tolk::server::icecast {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// The password of `Authorization: Basic base64(user:password)`; empty when there is none.
std::string basic_password(const http_request& request) {
    const auto header = request[http::field::authorization];
    constexpr std::string_view basic = "Basic ";
    if (header.size() <= basic.size() || !beast::iequals(header.substr(0, basic.size()), basic))
        return {};
    const auto encoded = header.substr(basic.size());
    std::string decoded(encoded.size(), '\0');
    std::size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), encoded.data(),
                          encoded.size(), " ", &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return {};
    decoded.resize(length);
    const auto colon = decoded.find(':');
    return colon == std::string::npos ? std::string() : decoded.substr(colon + 1);
}

// ice-name / icy-name, bounded and printable.
std::string header_text(const http_request& request, std::string_view a, std::string_view b) {
    auto value = request[a].empty() ? request[b] : request[a];
    std::string out;
    for (char c : value.substr(0, 64))
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    return out;
}

}  // namespace

source_session::source_session(any_stream&& stream, beast::flat_buffer&& buffer, http_request request,
                               connection_slot slot, server_context& ctx, std::string channel_id)
    : stream_(std::move(stream)),
      buffer_(std::move(buffer)),
      request_(std::move(request)),
      slot_(std::move(slot)),
      ctx_(ctx),
      log_(log("icecast")),
      channel_id_(std::move(channel_id)),
      budget_(ctx.config.limits.max_audio_ratio, ctx.config.limits.audio_burst_seconds) {}

source_session::~source_session() {
    if (id_ != 0)
        ctx_.sessions.remove(id_);
}

beast::tcp_stream& source_session::tcp() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); }, stream_);
}

void source_session::start() {
    id_ = ctx_.sessions.add(weak_from_this());
    asio::co_spawn(tcp().get_executor(), [self = shared_from_this()] { return self->run(); },
                   log_exception(log_, "Icecast source"));
}

void source_session::request_close(std::uint16_t code, std::string reason) {
    asio::post(tcp().get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
        self->replaced_ = code == protocol::close_code::replaced;
        self->refusal_ = reason;
        self->tcp().close();  // the reader ends; run() releases the channel
    });
}

asio::awaitable<bool> source_session::write_text(std::string text) {
    auto [ec, n] = co_await std::visit(
        [&](auto& s) { return asio::async_write(s, asio::buffer(text), as_tuple); }, stream_);
    co_return !ec;
}

asio::awaitable<void> source_session::refuse(http::status status, std::string reason) {
    ++ctx_.counters.icecast_sources_refused;
    log_->info("source {} from {} on channel {} refused: {}", id_, peer_, channel_id_.substr(0, 64), reason);
    if (!final_status_sent_) {
        auto res = error_response(request_, status, reason);
        if (status == http::status::unauthorized)
            res.set(http::field::www_authenticate, "Basic realm=\"tolk\"");
        res.keep_alive(false);
        final_status_sent_ = true;
        co_await std::visit([&](auto& s) { return http::async_write(s, res, as_tuple); }, stream_);
    }
    beast::error_code ec;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> source_session::run() {
    boost::system::error_code ec;
    const auto remote = tcp().socket().remote_endpoint(ec);
    peer_ = ec ? "?" : remote.address().to_string();
    if (!co_await admit())
        co_return;
    co_await pump();
    ctx_.bus.release(*channel_, id_);  // no-op when replaced: the channel is the new session's
    log_->info("source {} on channel {} from {} name \"{}\" {} after {} frames{}{}", id_, channel_id_, peer_,
               who_.name, replaced_ ? "replaced by its reconnect" : "off air", frames_,
               refusal_.empty() ? "" : ": ", refusal_);
}

// A booth token as the password (as /ws/booth), or the channel's source password from the event
// file; sets who_. False after refusing.
asio::awaitable<bool> source_session::authorize() {
    const auto password = basic_password(request_);
    const bool token = password.starts_with("v4.public.");
    const auto ice_name = header_text(request_, "ice-name", "icy-name");
    std::string hash;
    for (const auto& c : ctx_.config.channels)
        if (c.id == channel_id_)
            hash = c.source_password;
    if (!password.empty() && !token && !hash.empty()) {
        const auto ok = co_await ctx_.access->check_source_password(std::move(hash), password);
        if (!ok || !*ok) {
            // Locals, not a conditional inside co_await: GCC 12 destroys such temporaries twice.
            const auto status = ok ? http::status::unauthorized : http::status::service_unavailable;
            std::string reason = "busy: too many password checks at once, try again";
            if (ok)
                reason = "wrong_password: not the source password of channel \"" + channel_id_ + "\"";
            co_await refuse(status, std::move(reason));
            co_return false;
        }
        who_ = {"source:" + channel_id_, ice_name.empty() ? "source password" : ice_name, peer_};
        co_return true;
    }
    // Encoders always send a password: one that is not a token counts as none (the demo event
    // takes booths without a token from this machine; elsewhere it is refused for want of one).
    boost::system::error_code ec;
    const auto remote = tcp().socket().remote_endpoint(ec);
    const auto outcome = ctx_.access->booth(token ? password : std::string(), channel_id_,
                                            ec ? asio::ip::address{} : remote.address());
    if (!outcome) {
        const auto& d = outcome.decision;
        const auto code = d.code.value_or(auth::close_code::unauthorized);
        std::string reason = std::string(d.reason_code) + ": " + d.reason;
        if (!password.empty() && !token)
            reason += " (the source password must be a booth token for this channel)";
        co_await refuse(static_cast<http::status>(auth::http_status(code)), std::move(reason));
        co_return false;
    }
    token_id_ = outcome.claims.token_id;
    who_ = {token_id_.empty() ? std::string() : "jti:" + token_id_,
            outcome.claims.subject.empty() ? ice_name : outcome.claims.subject, peer_};
    co_return true;
}

asio::awaitable<bool> source_session::admit() {
    channel_ = ctx_.bus.find(channel_id_);
    if (!channel_) {
        co_await refuse(http::status::not_found, "channel \"" + channel_id_.substr(0, 64) + "\" is not part of this event");
        co_return false;
    }
    if (!co_await authorize())
        co_return false;
    const auto claimed = ctx_.bus.claim(*channel_, id_, who_);
    if (!claimed.on_air()) {
        ++ctx_.counters.booth_refused_taken;
        co_await refuse(http::status::conflict, "channel \"" + channel_id_ + "\" already has a booth on air");
        co_return false;
    }
    if (claimed.result == claim_result::replaced) {
        ++ctx_.counters.booths_replaced;
        ctx_.sessions.close(claimed.previous, protocol::close_code::replaced,
                            "replaced: the same booth reconnected (Icecast source " + std::to_string(id_) + ")");
    }
    on_air_ = true;
    ++ctx_.counters.icecast_sources;
    budget_.reset(now_us());
    log_->info("source {} ({} {}) on air on channel {} from {} name \"{}\" jti {} description \"{}\"", id_,
               request_.method_string(), target_path(request_.target()), channel_id_, peer_, who_.name,
               token_id_.empty() ? "-" : token_id_, header_text(request_, "ice-description", "icy-description"));
    const bool expects = beast::iequals(request_[http::field::expect], "100-continue");
    final_status_sent_ = !expects;
    std::string answer = "HTTP/1.0 200 OK\r\n\r\n";
    if (expects)
        answer = "HTTP/1.1 100 Continue\r\n\r\n";
    co_return co_await write_text(std::move(answer));
}

asio::awaitable<std::size_t> source_session::read_more() {
    tcp().expires_after(std::chrono::milliseconds(ctx_.config.limits.booth_link_timeout_ms));
    auto room = buffer_.prepare(16 * 1024);
    auto [ec, n] = co_await std::visit([&](auto& s) { return s.async_read_some(room, as_tuple); }, stream_);
    if (ec) {
        if (ec == beast::error::timeout) {
            ++ctx_.counters.booth_links_lost;
            refusal_ = "nothing for " + std::to_string(ctx_.config.limits.booth_link_timeout_ms) + " ms";
        }
        co_return 0;
    }
    buffer_.commit(n);
    co_return n;
}

asio::awaitable<bool> source_session::check_format() {
    while (buffer_.size() < sniff_bytes)
        if (co_await read_more() == 0)
            co_return false;
    const auto* first = static_cast<const std::uint8_t*>(buffer_.data().data());
    if (const auto foreign = sniff_foreign({first, buffer_.size()})) {
        co_await refuse(http::status::unsupported_media_type, *foreign + ": " + std::string(accepted_formats));
        co_return false;
    }
    co_return true;
}

asio::awaitable<void> source_session::pump() {
    if (!co_await check_format())
        co_return;
    bool answered = final_status_sent_;
    do {
        const auto received_us = now_us();
        const auto* data = static_cast<const std::uint8_t*>(buffer_.data().data());
        const auto result = demux_.feed({data, buffer_.size()}, [&](const demux_event& e) { return on_event(e, received_us); });
        buffer_.consume(buffer_.size());
        if (!result) {
            if (result.status == demux_status::corrupt || bad_packet_)
                ++ctx_.counters.icecast_sources_corrupt;
            const auto status = result.status == demux_status::unsupported ? http::status::unsupported_media_type
                                                                           : http::status::bad_request;
            std::string reason = result.reason;
            if (result.status == demux_status::stopped)
                reason = refusal_;
            co_await refuse(status, std::move(reason));
            if (refusal_.empty())
                refusal_ = result.reason;
            co_return;
        }
        if (!answered && demux_.pages() > 0) {  // Ogg Opus it is: the final answer (as Icecast)
            answered = final_status_sent_ = true;
            if (!co_await write_text("HTTP/1.1 200 OK\r\n\r\n"))
                co_return;
        }
    } while (co_await read_more() > 0);
}

bool source_session::on_event(const demux_event& e, std::int64_t received_us) {
    if (e.what == demux_event::kind::stream) {
        log_->info("source {} on channel {}: {}Opus stream, {} channel(s), pre-skip {}", id_, channel_id_,
                   e.stream.chained ? "chained " : "", e.stream.channels, e.stream.pre_skip);
        stream_start_us_ = received_us;
        position_ = 0;
        granule_base_.reset();
        restart_ = true;
        return true;
    }
    const auto check = codec::check_packet(e.data);
    if (!check) {
        refusal_ = "packet " + std::to_string(frames_) + " is not a valid Opus packet (" +
                   std::string(codec::to_string(check.error)) + ")";
        ++ctx_.counters.frames_bad;
        bad_packet_ = true;
        return false;
    }
    if (!budget_.spend(received_us, check.samples, e.data.size())) {
        ++ctx_.counters.booths_rate_limited;
        char limit[96];
        std::snprintf(limit, sizeof limit, "audio faster than %.2g x real time (beyond a %.3g s burst)",
                      ctx_.config.limits.max_audio_ratio, ctx_.config.limits.audio_burst_seconds);
        refusal_ = limit;
        return false;
    }
    if (e.after_gap)
        ++ctx_.counters.icecast_source_gaps;
    if (e.granule >= 0) {  // the page's granule position says where this packet ends
        if (!granule_base_)
            granule_base_ = e.granule - (position_ + check.samples);
        const auto at = e.granule - *granule_base_ - check.samples;
        // Pages lost upstream: the frames they held are missing from the sequence too, so that
        // listeners conceal them as lost (bounded: a wild granule does not wrap the sequence).
        if (e.after_gap && at > position_)
            sequence_ += static_cast<std::uint32_t>(std::min<std::int64_t>((at - position_) / check.samples, 3000));
        position_ = at;
    }
    protocol::frame_header h;
    h.sequence = sequence_++;
    h.capture_us = stream_start_us_ + position_ * 1000 / 48;
    if (restart_)
        h.flags |= protocol::frame_flag::discontinuity;
    restart_ = false;
    position_ += check.samples;
    ++frames_;
    publish_frame(ctx_, *channel_, h, e.data, check.samples, received_us);
    return true;
}

}  // namespace tolk::server::icecast
