#include "server/listener_session.hpp"

#include "server/query.hpp"

namespace tolk::server {

listener_session::listener_session(any_stream&& stream, http_request request,
                                   connection_slot slot, server_context& ctx)
    : ws_session(std::move(stream), std::move(request), std::move(slot), ctx, "listener",
                 ctx.bus.channel_count()) {}

std::shared_ptr<listener_session> listener_session::self() {
    return std::static_pointer_cast<listener_session>(shared_from_this());
}

std::optional<protocol::listener_stats> listener_session::last_stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_;
}

void listener_session::on_open() {
    ++ctx_.counters.listener_sessions;
    set_send_buffer(ctx_.config.limits.listener_send_buffer);
    protocol::welcome w;
    w.session = std::to_string(id());
    w.role = "listener";
    w.event = ctx_.config.event_name;
    w.server_time_us = now_us();
    send(w);
    send(ctx_.bus.channels());
    ctx_.bus.join(self());
    if (auto wanted = query_param(request().target(), "channels"); wanted && !wanted->empty())
        change(split_list(*wanted), true);
    log_->debug("session {}: listener connected", id());
}

void listener_session::change(const std::vector<std::string>& ids, bool subscribe) {
    for (const auto& id_text : ids) {
        auto channel = ctx_.bus.find(id_text);
        if (!channel) {
            send(protocol::error_message{"unknown_channel",
                                         "channel \"" + id_text.substr(0, 64) + "\" is not part of this event"});
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
        if (h->protocol != 1) {
            send(protocol::error_message{"protocol_version", "this server speaks protocol 1"});
            close(close_code::protocol_error,
                  "protocol " + std::to_string(h->protocol) + " is not supported; this server speaks 1");
        }
    } else {
        protocol_error("a listener cannot send \"" + std::string(protocol::type_name(msg)) + "\"");
    }
}

void listener_session::on_binary(std::span<const std::uint8_t>, std::int64_t) {
    protocol_error("listeners do not send audio; connect to /ws/booth to publish");
}

void listener_session::on_closed() {
    for (auto channel : subscribed_)
        ctx_.bus.unsubscribe(channel, this);
    subscribed_.clear();
    ctx_.bus.leave(this);
    log_->debug("session {}: listener left", id());
}

}  // namespace tolk::server
