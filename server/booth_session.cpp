#include "server/booth_session.hpp"

#include "codec/opus_packet.hpp"
#include "protocol/audio_frame.hpp"
#include "server/query.hpp"

namespace tolk::server {

booth_session::booth_session(any_stream&& stream, http_request request,
                             connection_slot slot, server_context& ctx)
    : ws_session(std::move(stream), std::move(request), std::move(slot), ctx, "booth", true) {}

void booth_session::refuse(std::uint16_t code, const char* error, std::string reason) {
    send(protocol::error_message{error, reason});
    close(code, std::move(reason));
}

void booth_session::on_open() {
    const auto wanted = query_param(request().target(), "channel").value_or("");
    channel_ = ctx_.bus.find(wanted);
    if (!channel_) {
        ++ctx_.counters.booth_refused_unknown;
        refuse(close_code::unknown_channel, "unknown_channel",
               wanted.empty() ? "no channel given: connect to /ws/booth?channel=ID"
                              : "channel \"" + wanted.substr(0, 64) + "\" is not part of this event");
        return;
    }
    if (ctx_.bus.claim(*channel_, id()) != claim_result::ok) {
        ++ctx_.counters.booth_refused_taken;
        refuse(close_code::channel_taken, "channel_taken",
               "channel \"" + wanted + "\" already has a booth on air");
        return;
    }
    on_air_ = true;
    ++ctx_.counters.booth_sessions;
    tokens_ = ctx_.config.limits.max_frames_per_second;
    tokens_at_ = now_us();
    log_->info("session {}: booth on air on channel {} from {}", id(), wanted,
               request()[boost::beast::http::field::user_agent]);
    auto w = make_welcome("booth");
    w.channel = wanted;
    w.channel_number = *channel_;
    w.bitrate = ctx_.config.bitrate;
    send(w);
}

bool booth_session::within_rate(std::int64_t now) {
    // Token bucket: max_frames_per_second sustained, one second's worth of burst.
    const double rate = ctx_.config.limits.max_frames_per_second;
    tokens_ = std::min(rate, tokens_ + rate * static_cast<double>(now - tokens_at_) / 1e6);
    tokens_at_ = now;
    tokens_ -= 1;
    return tokens_ >= 0;
}

void booth_session::on_binary(std::span<const std::uint8_t> data, std::int64_t received_us) {
    if (!on_air_) {
        protocol_error("audio before the channel was claimed");
        return;
    }
    if (!within_rate(received_us)) {
        ++ctx_.counters.booths_rate_limited;
        refuse(close_code::rate_limited, "rate_limited",
               "more than " + std::to_string(static_cast<int>(ctx_.config.limits.max_frames_per_second)) +
                   " frames per second");
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
    protocol::frame_header h = parsed->header;
    h.channel = *channel_;
    h.ingress_us = received_us;
    if (first_frame_)
        h.flags |= protocol::frame_flag::discontinuity;
    first_frame_ = false;

    // Serialised once: this buffer is what every listener's queue will reference.
    const std::size_t size = protocol::frame_header_size + parsed->opus.size();
    auto bytes = std::make_shared_for_overwrite<std::uint8_t[]>(size);
    protocol::serialize_audio_frame(h, parsed->opus, {bytes.get(), size});
    frame_ref frame{std::move(bytes), static_cast<std::uint32_t>(size),
                    static_cast<std::uint32_t>(check.samples), *channel_, received_us};
    ++frames_;
    ctx_.counters.frames_in.fetch_add(1, std::memory_order_relaxed);
    ctx_.bus.publish(frame);
}

void booth_session::on_text(std::string_view text, std::int64_t received_us) {
    auto parsed = protocol::parse_control(text);
    if (!parsed) {
        protocol_error(parsed.error().message());
        return;
    }
    auto& msg = parsed.value();
    if (auto* p = std::get_if<protocol::ping>(&msg)) {
        send(protocol::pong{p->t0, received_us, now_us()});
    } else if (auto* c = std::get_if<protocol::clock_report>(&msg)) {
        if (on_air_)
            ctx_.bus.set_clock_offset(*channel_, c->offset_us);
    } else if (auto* h = std::get_if<protocol::hello>(&msg)) {
        if (accept_hello(*h))
            log_->info("session {}: booth client {}", id(), h->client.substr(0, 64));
    } else {
        protocol_error("a booth cannot send \"" + std::string(protocol::type_name(msg)) + "\"");
    }
}

void booth_session::on_closed() {
    if (on_air_) {
        ctx_.bus.release(*channel_, id());
        log_->info("session {}: booth left channel {} after {} frames", id(),
                   ctx_.bus.channel_id(*channel_), frames_);
    }
    on_air_ = false;
}

}  // namespace tolk::server
