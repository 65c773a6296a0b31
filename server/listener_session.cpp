#include "server/listener_session.hpp"

#include "server/query.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace tolk::server {

listener_session::listener_session(any_stream&& stream, http_request request,
                                   connection_slot slot, server_context& ctx, std::vector<std::string> channels)
    : ws_session(std::move(stream), std::move(request), std::move(slot), ctx, "listener", std::chrono::milliseconds(0)),
      writer_(ws_, ctx, log_, ctx.bus.channel_count()),
      allowed_(std::move(channels)) {}

std::shared_ptr<listener_session> listener_session::self() {
    return std::static_pointer_cast<listener_session>(shared_from_this());
}

std::optional<protocol::listener_stats> listener_session::last_stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_;
}

void listener_session::on_open() {
    ++ctx_.counters.listener_sessions;
    if (const int bytes = ctx_.config.limits.listener_send_buffer; bytes > 0) {
        boost::system::error_code ec;
        ws_.tcp().socket().set_option(boost::asio::socket_base::send_buffer_size(bytes), ec);
    }
    writer_.open(shared_from_this(), id(), [this] { teardown(); });
    send(make_welcome("listener"));
    send(ctx_.bus.channels());
    ctx_.bus.join(self());
    if (auto wanted = query_param(request().target(), "channels"); wanted && !wanted->empty())
        change(split_list(*wanted), true);
    last_read_us_ = now_us();
    if (writer_.raw() && ctx_.config.limits.keepalive_seconds > 0) {
        liveness_ = std::make_unique<boost::asio::steady_timer>(ws_.tcp().get_executor());
        arm_liveness();
    }
    log_->debug("session {}: listener connected", id());
}

void listener_session::arm_liveness() {
    liveness_->expires_after(std::chrono::seconds(ctx_.config.limits.keepalive_seconds));
    liveness_->async_wait([weak = std::weak_ptr<listener_session>(self())](const boost::system::error_code& ec) {
        if (auto s = weak.lock(); s && !ec)
            s->check_liveness();
    });
}

void listener_session::check_liveness() {
    if (done() || closing())
        return;
    const std::int64_t quiet_for_us = now_us() - last_read_us_;
    const std::int64_t limit_us = std::int64_t{ctx_.config.limits.keepalive_seconds} * 1'000'000;
    if (quiet_for_us >= limit_us) {
        if (ping_outstanding_) {
            ++ctx_.counters.listeners_lost;
            log_->info("session {}: listener lost: no answer to a ping for {} s", id(), quiet_for_us / 1'000'000);
            close(close_code::going_away, "link lost: no answer to a ping");
            return;
        }
        writer_.ping();
        ping_outstanding_ = true;
    }
    arm_liveness();
}

void listener_session::change(const std::vector<std::string>& ids, bool subscribe) {
    for (const auto& id_text : ids) {
        auto channel = ctx_.bus.find(id_text);
        if (!channel) {
            send(protocol::error_message{"unknown_channel",
                                         "channel \"" + id_text.substr(0, 64) + "\" is not part of this event"});
            continue;
        }
        if (subscribe && !allowed_.empty() && std::find(allowed_.begin(), allowed_.end(), id_text) == allowed_.end()) {
            send(protocol::error_message{"forbidden", "your listener token does not cover channel \"" +
                                                          id_text.substr(0, 64) + "\""});
            continue;
        }
        if (subscribe && subscribed_.insert(*channel).second)
            ctx_.bus.subscribe(*channel, self());
        else if (!subscribe && subscribed_.erase(*channel) > 0)
            ctx_.bus.unsubscribe(*channel, this);
    }
    protocol::subscribed now;
    const auto all = ctx_.bus.channels();
    for (const auto& c : all.channels)
        if (subscribed_.count(c.number))
            now.channels.push_back(c);
    send(now);
}

void listener_session::on_text(std::string_view text, std::int64_t received_us) {
    auto parsed = protocol::parse_control(text);
    if (!parsed) {
        protocol_error(parsed.error().message());
        return;
    }
    auto& msg = parsed.value();
    if (auto* s = std::get_if<protocol::subscribe>(&msg)) {
        change(s->channels, true);
    } else if (auto* u = std::get_if<protocol::unsubscribe>(&msg)) {
        change(u->channels, false);
    } else if (auto* p = std::get_if<protocol::ping>(&msg)) {
        send(protocol::pong{p->t0, received_us, now_us()});
    } else if (auto* st = std::get_if<protocol::listener_stats>(&msg)) {
        std::lock_guard lock(stats_mutex_);
        stats_ = std::move(*st);
    } else if (auto* h = std::get_if<protocol::hello>(&msg)) {
        accept_hello(*h);
    } else if (protocol::booth_only(msg)) {  // a booth console's message: the wrong role, not malformed
        ++ctx_.counters.control_wrong_role;
        send(protocol::error_message{"wrong_role", "\"" + std::string(protocol::type_name(msg)) +
                                                       "\" is a booth's message: a listener cannot send it "
                                                       "(booths connect to /ws/booth with a booth token)"});
    } else {
        protocol_error("a listener cannot send \"" + std::string(protocol::type_name(msg)) + "\"");
    }
}

void listener_session::on_binary(std::span<const std::uint8_t>, std::int64_t) {
    protocol_error("listeners do not send audio; connect to /ws/booth to publish");
}

void listener_session::queue_close(std::uint16_t code, std::string reason) {
    writer_.close(code, std::move(reason));
}

boost::asio::awaitable<void> listener_session::receive() {
    if (writer_.raw())
        return read_frames();
    return ws_session::receive();
}

boost::asio::awaitable<void> listener_session::read_frames() {
    ws_frame_reader reader(ctx_.config.limits.max_message_bytes);
    auto& socket = ws_.tcp().socket();
    while (!done()) {
        const auto room = reader.prepare(2048);
        auto [ec, n] = co_await socket.async_read_some(boost::asio::buffer(room.data(), room.size()),
                                                       boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) {
            if (ec != boost::asio::error::eof && ec != boost::asio::error::operation_aborted &&
                ec != boost::asio::error::connection_reset)
                log_->debug("session {}: read ended: {}", id(), ec.message());
            break;
        }
        reader.commit(n);
        last_read_us_ = now_us();  // anything at all, a pong included, says the listener is there
        ping_outstanding_ = false;
        for (auto e = reader.next(); e.what != ws_frame_reader::event::kind::none; e = reader.next())
            handle(e);
    }
}

void listener_session::handle(ws_frame_reader::event& e) {
    using kind = ws_frame_reader::event::kind;
    switch (e.what) {
    case kind::text:
    case kind::binary:
        received(e.what == kind::text, e.payload, now_us());
        break;
    case kind::ping:
        writer_.pong(e.payload);  // in order with the audio, by the one writer
        break;
    case kind::close:
        writer_.peer_closed();
        if (!closing()) {  // answer with the peer's code; the connection ends once it is written
            mark_closing();
            writer_.close(e.code, {});
        }
        break;
    case kind::error:
        if (e.code == close_code::too_big) {
            ++ctx_.counters.messages_oversized;
            log_->warn("session {}: closed: {}", id(), e.reason);
        } else {
            ++ctx_.counters.protocol_errors;
        }
        close(e.code, e.reason);
        break;
    case kind::pong:
    case kind::none:
        break;
    }
}

void listener_session::on_closed() {
    if (liveness_)
        liveness_->cancel();
    for (auto channel : subscribed_)
        ctx_.bus.unsubscribe(channel, this);
    subscribed_.clear();
    ctx_.bus.leave(this);
    log_->debug("session {}: listener left", id());
}

}  // namespace tolk::server
