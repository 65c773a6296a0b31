#include "server/booth_session.hpp"

#include "codec/opus_packet.hpp"
#include "protocol/audio_frame.hpp"
#include "server/access_control.hpp"
#include "server/booth_silence.hpp"
#include "server/frame_publish.hpp"
#include "server/query.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>

#include <chrono>

#include <cstdio>

namespace tolk::server {

booth_session::booth_session(any_stream&& stream, http_request request,
                             connection_slot slot, server_context& ctx)
    : ws_session(std::move(stream), std::move(request), std::move(slot), ctx, "booth",
                 std::chrono::milliseconds(ctx.config.limits.booth_link_timeout_ms)),
      budget_(ctx.config.limits.max_audio_ratio, ctx.config.limits.audio_burst_seconds) {}

void booth_session::refuse(std::uint16_t code, const char* error, std::string reason) {
    send(protocol::error_message{error, reason});
    close(code, std::move(reason));
}

namespace {

// The token a booth presented in its handshake: `Authorization: Bearer T`, else `?token=T`.
std::string request_token(const http_request& request) {
    const auto header = request[boost::beast::http::field::authorization];
    constexpr std::string_view bearer = "Bearer ";
    if (header.size() > bearer.size() && boost::beast::iequals(header.substr(0, bearer.size()), bearer))
        return std::string(header.substr(bearer.size()));
    return query_param(request.target(), "token").value_or("");
}

std::int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

void booth_session::on_open() {
    channel_id_ = query_param(request().target(), "channel").value_or("");
    // Read now: the handshake's request is released after on_open, before a hello may come.
    claimed_name_ = query_param(request().target(), "name").value_or("").substr(0, 64);
    booth_ = query_param(request().target(), "booth").value_or("").substr(0, 64);
    channel_ = ctx_.bus.find(channel_id_);
    if (!channel_) {
        ++ctx_.counters.booth_refused_unknown;
        refuse(close_code::unknown_channel, "unknown_channel",
               channel_id_.empty() ? "no channel given: connect to /ws/booth?channel=ID"
                                   : "channel \"" + channel_id_.substr(0, 64) + "\" is not part of this event");
        return;
    }
    boost::system::error_code ec;
    const auto remote = ws_.tcp().socket().remote_endpoint(ec);
    peer_ = ec ? "?" : remote.address().to_string();
    const std::string token = request_token(request());
    const bool loopback = !ec && is_loopback(remote.address());
    if (!token.empty() || (ctx_.config.demo && loopback)) {
        authorize(token);
        return;
    }
    awaiting_token_ = true;  // the hello may carry it; audio or anything else first is refused
    start_hello_deadline();
}

void booth_session::start_hello_deadline() {
    hello_deadline_.emplace(executor());
    hello_deadline_->expires_after(std::chrono::milliseconds(ctx_.config.limits.hello_timeout_ms));
    hello_deadline_->async_wait([weak = weak_from_this(), this](boost::system::error_code ec) {
        const auto self = weak.lock();
        if (ec || !self || !awaiting_token_ || closing())
            return;
        ++ctx_.counters.booth_hello_timeouts;
        awaiting_token_ = false;
        log_->info("session {}: booth from {} sent no hello with a token within {} ms", id(), peer_,
                   ctx_.config.limits.hello_timeout_ms);
        refuse(close_code::unauthorized, "no_token",
               "no_token: no booth token in the request, and no hello carrying one within " +
                   std::to_string(ctx_.config.limits.hello_timeout_ms) + " ms");
    });
}

void booth_session::authorize(std::string_view token) {
    awaiting_token_ = false;
    if (hello_deadline_)
        hello_deadline_->cancel();
    boost::system::error_code ec;
    const auto remote = ws_.tcp().socket().remote_endpoint(ec);
    const auto outcome = ctx_.access->booth(token, channel_id_, ec ? boost::asio::ip::address{} : remote.address());
    token_ = token;
    booth_name_ = outcome.claims.subject;
    token_id_ = outcome.claims.token_id;
    if (!outcome) {
        const auto& d = outcome.decision;
        log_->warn("session {}: booth from {} refused on channel {}: {} ({}){}", id(), peer_, channel_id_,
                   d.reason_code, d.reason,
                   token_id_.empty() ? std::string() : " name \"" + booth_name_ + "\" jti " + token_id_);
        refuse(static_cast<std::uint16_t>(*d.code), std::string(d.reason_code).c_str(),
               std::string(d.reason_code) + ": " + d.reason);
        return;
    }
    go_on_air();
}

void booth_session::go_on_air() {
    // Who this booth is across reconnects: its token (a booth's token outlives its connections),
    // or on the demo event the name it gives (`?name=`, as tolk-booth --name sends it).
    if (!token_id_.empty())
        identity_ = "jti:" + token_id_;
    else if (!claimed_name_.empty()) {
        booth_name_ = claimed_name_;
        identity_ = "demo:" + booth_name_;
    }
    const auto self = std::static_pointer_cast<booth_session>(shared_from_this());
    const auto claimed = ctx_.desks->join(
        *channel_, {id(), {identity_, booth_name_, peer_}, booth_, std::weak_ptr<booth_console>(self)}, now_us());
    if (!claimed.on_air()) {
        ++ctx_.counters.booth_refused_taken;
        refuse(close_code::channel_taken, "channel_taken",
               "channel \"" + channel_id_ + "\" already has a booth on air" +
                   (booth_.empty() ? std::string() : " (not booth \"" + booth_ + "\")"));
        return;
    }
    if (claimed.result == claim_result::replaced && !claimed.joined)
        ++ctx_.counters.booths_replaced;
    on_air_ = true;
    ++ctx_.counters.booth_sessions;
    budget_.reset(now_us());
    log_->info("session {}: booth on air on channel {} from {} name \"{}\" jti {}{}", id(), channel_id_, peer_,
               booth_name_.empty() ? "(demo, no token)" : booth_name_, token_id_.empty() ? "-" : token_id_,
               claimed.joined                                ? " (a console of booth \"" + booth_ + "\")"
               : claimed.result == claim_result::replaced   ? std::string(" (replacing its own session)")
               : claimed.result == claim_result::overridden ? std::string(" (overriding the booth on air)")
                                                            : std::string());
    auto w = make_welcome("booth");
    w.channel = channel_id_;
    w.channel_number = *channel_;
    w.bitrate = ctx_.config.bitrate;
    w.ear = true;
    w.ear_ceiling_dbfs = ctx_.config.booths.ear_ceiling_dbfs;
    w.ear_sustained_dbfs = ctx_.config.booths.ear_sustained_dbfs;
    w.ear_warning_dbfs = ctx_.config.booths.ear_warning_dbfs;
    send(w);
    start_tick();
}

void booth_session::start_tick() {
    if (!tick_)
        tick_.emplace(executor());
    tick_->expires_after(std::chrono::milliseconds(500));
    tick_->async_wait([weak = weak_from_this(), this](boost::system::error_code ec) {
        const auto self = weak.lock();
        if (ec || !self || !on_air_ || closing())
            return;
        ctx_.desks->tick(id(), now_us());
        start_tick();
    });
}

void booth_session::deliver_text(std::shared_ptr<const std::string> text) {
    boost::asio::post(executor(), [weak = weak_from_this(), this, text = std::move(text)]() mutable {
        const auto self = weak.lock();
        if (self && !closing() && !done())
            queue_text(std::move(text));
    });
}

void booth_session::on_binary(std::span<const std::uint8_t> data, std::int64_t received_us) {
    if (awaiting_token_) {
        authorize({});  // audio before a hello with a token: refused for want of one
        return;
    }
    if (!on_air_) {
        protocol_error("audio before the channel was claimed");
        return;
    }
    auto parsed = protocol::parse_audio_frame(data);
    if (!parsed) {
        ++ctx_.counters.frames_bad;
        refuse(close_code::bad_frame, "bad_frame", "bad audio frame: " + parsed.error().message());
        return;
    }
    const auto check = codec::check_packet(parsed->opus);
    if (!check) {
        ++ctx_.counters.frames_bad;
        refuse(close_code::bad_frame, "bad_frame",
               "frame " + std::to_string(parsed->header.sequence) + " carries an invalid Opus packet (" +
                   std::string(codec::to_string(check.error)) + ")");
        return;
    }
    if (!budget_.spend(received_us, check.samples, parsed->opus.size())) {
        ++ctx_.counters.booths_rate_limited;
        char limit[96];
        std::snprintf(limit, sizeof limit, "audio faster than %.2g x real time (beyond a %.3g s burst)",
                      ctx_.config.limits.max_audio_ratio, ctx_.config.limits.audio_burst_seconds);
        log_->warn("session {}: booth on channel {} from {} closed: {}", id(), channel_id_, peer_, limit);
        refuse(close_code::rate_limited, "rate_limited", limit);
        return;
    }
    const auto plan = ctx_.desks->on_frame(id(), received_us);
    if (!plan.publish)
        return;  // a passive console's (counted by the desks)
    protocol::frame_header h = parsed->header;
    h.sequence = plan.sequence;  // the channel's, running on across handovers
    if (plan.handover)  // the first frame of the incoming console: the listeners' buffers run on
        h.flags &= static_cast<std::uint8_t>(~protocol::frame_flag::discontinuity);
    if (plan.discontinuity)
        h.flags |= protocol::frame_flag::discontinuity;
    auto opus = parsed->opus;
    if (plan.silence) {  // the cough key: silence of the same length
        if (const auto quiet = silent_opus(check.samples))
            opus = {quiet->data(), quiet->size()};
    }
    ++frames_;
    publish_frame(ctx_, plan.channel, h, opus, check.samples, received_us);
}

void booth_session::on_text(std::string_view text, std::int64_t received_us) {
    auto parsed = protocol::parse_control(text);
    if (!parsed) {
        protocol_error(parsed.error().message());
        return;
    }
    auto& msg = parsed.value();
    if (awaiting_token_) {
        const auto* h = std::get_if<protocol::hello>(&msg);
        if (h && !accept_hello(*h))
            return;
        authorize(h ? std::string_view(h->token) : std::string_view{});
        return;
    }
    if (auto* p = std::get_if<protocol::ping>(&msg)) {
        send(protocol::pong{p->t0, received_us, now_us()});
    } else if (auto* c = std::get_if<protocol::clock_report>(&msg)) {
        if (on_air_)
            ctx_.desks->clock_offset(id(), c->offset_us);
    } else if (auto* h = std::get_if<protocol::hello>(&msg)) {
        if (accept_hello(*h))
            log_->info("session {}: booth client {}", id(), h->client.substr(0, 64));
    } else if (on_air_ && on_console_message(msg)) {
    } else {
        protocol_error("a booth cannot send \"" + std::string(protocol::type_name(msg)) + "\"");
    }
}

bool booth_session::on_console_message(protocol::control_message& msg) {
    if (auto* h = std::get_if<protocol::handover>(&msg)) {
        if (auto refusal = ctx_.desks->handover(id(), h->action, now_us()); !refusal.empty())
            refused_request("handover " + h->action + " refused: " + refusal);
    } else if (auto* c = std::get_if<protocol::cough>(&msg)) {
        ctx_.desks->cough(id(), c->on);
    } else if (auto* src = std::get_if<protocol::source_select>(&msg)) {
        if (src->source != "floor" && !ctx_.bus.find(src->source))
            refused_request("source \"" + src->source.substr(0, 64) + "\" is neither \"floor\" nor a channel");
        else
            ctx_.desks->set_source(id(), src->source);
    } else if (auto* o = std::get_if<protocol::output_select>(&msg)) {
        select_output(o->channel);
    } else if (std::holds_alternative<protocol::slow_down>(msg)) {
        ctx_.desks->slow_down(id(), unix_ms());
    } else if (auto* m = std::get_if<protocol::chat>(&msg)) {
        ctx_.desks->chat(id(), std::move(*m), unix_ms());
    } else if (auto* f = std::get_if<protocol::floor_language>(&msg)) {
        if (auto refusal = ctx_.desks->declare_floor_language(id(), f->language); !refusal.empty())
            refused_request("floor_language refused: " + refusal);
    } else {
        return false;
    }
    return true;
}

void booth_session::select_output(const std::string& channel) {
    const auto number = ctx_.bus.find(channel);
    if (!number) {
        refused_request("output \"" + channel.substr(0, 64) + "\" is not a channel of this event");
        return;
    }
    boost::system::error_code ec;
    const auto remote = ws_.tcp().socket().remote_endpoint(ec);
    const auto allowed = ctx_.access->booth(token_, channel, ec ? boost::asio::ip::address{} : remote.address());
    if (!allowed) {
        refused_request("output " + channel + ": " + allowed.decision.reason);
        return;
    }
    if (auto refusal = ctx_.desks->select_output(id(), *number); !refusal.empty()) {
        refused_request("output " + channel + " refused: " + refusal);
        return;
    }
    log_->info("session {}: booth \"{}\" switched its output from {} to {}", id(), booth_, channel_id_, channel);
    channel_ = number;
    channel_id_ = channel;
}

void booth_session::refused_request(std::string reason) {
    ++ctx_.counters.booth_requests_refused;
    log_->info("session {}: {}", id(), reason);
    send(protocol::error_message{"refused", std::move(reason)});
}

void booth_session::on_close_requested(std::uint16_t code) {
    replaced_ = code == close_code::replaced;
}

void booth_session::on_closed() {
    if (hello_deadline_)
        hello_deadline_->cancel();
    if (link_lost())
        ++ctx_.counters.booth_links_lost;
    if (tick_)
        tick_->cancel();
    if (on_air_) {
        ctx_.desks->leave(id(), now_us());  // no-op when replaced or overridden: the channel is another's
        log_->info("session {}: booth {} on channel {} from {} name \"{}\" jti {} after {} frames", id(),
                   replaced_    ? "replaced by its reconnect"
                   : link_lost() ? "link lost (nothing for " + std::to_string(ctx_.config.limits.booth_link_timeout_ms) +
                                      " ms), off air"
                                : std::string("off air"),
                   channel_id_, peer_, booth_name_, token_id_.empty() ? "-" : token_id_, frames_);
    }
    on_air_ = false;
}

}  // namespace tolk::server
