#include "server/booth_desks.hpp"
#include "server/booth_desks_parts.hpp"

#include "protocol/close_code.hpp"
#include "server/booth_desks_relay.hpp"
#include "server/log.hpp"

namespace tolk::server {

namespace {

std::string floor_of(const server_config& c) {
    if (!c.booths.floor.empty())
        return c.booths.floor;
    for (const auto& ch : c.channels)
        if (ch.id == "floor")
            return ch.id;
    for (const auto& ch : c.channels)
        if (ch.language == "mul")
            return ch.id;
    return {};
}

}  // namespace

booth_desks::booth_desks(event_bus& bus, metrics& counters, const server_config& config)
    : bus_(bus), counters_(counters), config_(config), by_channel_(config.channels.size()),
      floor_channel_(floor_of(config)) {}

std::vector<std::string> booth_desks::outputs_of(const std::string& booth) const {
    const auto it = config_.booths.outputs.find(booth);
    return it == config_.booths.outputs.end() ? std::vector<std::string>{} : it->second;
}

booth_desks::desk* booth_desks::find(std::uint64_t session, member** m) {
    const auto it = by_session_.find(session);
    if (it == by_session_.end())
        return nullptr;
    if (m)
        *m = it->second->get(session);
    return it->second.get();
}

protocol::booth_state booth_desks::state_for(const desk& d, const member& m) const {
    protocol::booth_state s;
    s.channel = bus_.channel_id(d.channel);
    s.booth = d.booth;
    s.live = m.session == d.live;
    s.mic = s.live || m.session == d.incoming;
    s.partners = static_cast<std::uint32_t>(d.members.size() - 1);
    s.handover = d.incoming ? "switching" : d.requester ? "requested" : "";
    for (const auto& other : d.members)
        if (other.session == d.live)
            s.coughing = other.coughing;
    s.both_live = d.both_live;
    s.audience = d.audience;
    s.outputs = d.outputs;
    s.source = d.source;
    s.floor_language = floor_language_;
    auto suggestion = decide_auto_relay(config_.booths, d.booth.empty() ? d.claimed_as.name : d.booth, s.channel,
                                        floor_channel_, floor_language_);
    s.auto_source = std::move(suggestion.source);
    s.auto_reason = std::move(suggestion.reason);
    return s;
}

void booth_desks::send_states(desk& d, delivery& out) {
    for (auto& m : d.members) {
        auto s = state_for(d, m);
        if (m.told && s == m.sent)
            continue;
        m.sent = s;
        m.told = true;
        out.send(m.console, std::make_shared<const std::string>(protocol::serialize(s)));
    }
}

join_outcome booth_desks::join(std::uint16_t channel, const console_entry& c, std::int64_t now_us) {
    if (channel >= by_channel_.size())
        return {claim_result::unknown_channel};
    delivery out;
    std::lock_guard lock(mutex_);
    auto& held = by_channel_[channel];
    if (held && !c.booth.empty() && held->booth == c.booth) {
        // A console of the booth on air: passive, or in the place of its own stale session.
        member* same = nullptr;
        for (auto& m : held->members)
            if (!c.who.key.empty() && m.who.key == c.who.key)
                same = &m;
        if (same) {
            const auto old = same->session;
            out.close(same->console, protocol::close_code::replaced,
                      "replaced: the same console reconnected (session " + std::to_string(c.session) + ")");
            ++counters_.booths_replaced;
            by_session_.erase(old);
            for (auto* role : {&held->live, &held->incoming, &held->requester})
                if (*role == old)
                    *role = c.session;
            same->session = c.session;
            same->console = c.console;
            same->told = false;
        } else {
            held->members.push_back({c.session, c.who, c.console, false, 0, now_us, {}, false});
        }
        by_session_[c.session] = held;
        send_states(*held, out);
        log("booth")->info("booth \"{}\" on channel {}: console {} (\"{}\") joined, {} consoles", held->booth,
                           bus_.channel_id(channel), c.session, c.who.name, held->members.size());
        return {claim_result::ok, true};
    }
    const auto claimed = bus_.claim(channel, c.session, c.who);
    if (!claimed.on_air())
        return {claimed.result};
    if (held) {  // replaced (the same solo booth) or overridden (policy): its consoles leave
        const bool replaced = claimed.result == claim_result::replaced;
        if (!replaced)
            ++counters_.booths_overridden;
        for (auto& m : held->members) {
            out.close(m.console, replaced ? protocol::close_code::replaced : protocol::close_code::overridden,
                      replaced ? "replaced: the same booth reconnected (session " + std::to_string(c.session) + ")"
                               : "overridden: booth \"" + (c.who.name.empty() ? c.booth : c.who.name) +
                                     "\" took channel " + bus_.channel_id(channel) + " (the event's policy is override)");
            by_session_.erase(m.session);
        }
    }
    auto d = std::make_shared<desk>();
    d->channel = channel;
    d->booth = c.booth;
    d->claim_id = c.session;
    d->claimed_as = c.who;
    d->members.push_back({c.session, c.who, c.console, false, 0, now_us, {}, false});
    d->live = c.session;
    d->outputs = outputs_of(c.booth);
    held = d;
    by_session_[c.session] = d;
    send_states(*d, out);
    return {claimed.result, false};
}

void booth_desks::leave(std::uint64_t session, std::int64_t now_us) {
    delivery out;
    std::lock_guard lock(mutex_);
    member* m = nullptr;
    desk* d = find(session, &m);
    if (!d)
        return;
    const auto keep = by_session_[session];  // d lives on while we edit
    by_session_.erase(session);
    std::erase_if(d->members, [&](const member& x) { return x.session == session; });
    if (d->members.empty()) {
        if (by_channel_[d->channel].get() == d)
            by_channel_[d->channel].reset();
        bus_.release(d->channel, d->claim_id);
        return;
    }
    if (d->requester == session)
        d->requester = 0;
    if (d->incoming == session)
        d->incoming = 0;
    if (d->live == session) {  // the live console left: the one taking over, or the first, goes on
        const auto next = d->incoming ? d->incoming : d->requester ? d->requester : d->members.front().session;
        d->incoming = 0;
        switch_to(*d, next, "the live console left", now_us, out);
    }
    send_states(*d, out);
}

void booth_desks::switch_to(desk& d, std::uint64_t incoming, const char* why, std::int64_t now_us, delivery& out) {
    const auto outgoing = d.live;
    d.live = incoming;
    d.incoming = 0;
    if (d.requester == incoming)
        d.requester = 0;
    if (auto* m = d.get(outgoing))
        m->passive_since_us = now_us;  // its frames in flight are not "both live"
    if (auto* m = d.get(incoming))
        bus_.set_clock_offset(d.channel, m->clock_offset_us);
    ++counters_.booth_handovers;
    log("booth")->info("booth \"{}\" on channel {}: console {} live (was {}): {}", d.booth, bus_.channel_id(d.channel),
                       incoming, outgoing, why);
    send_states(d, out);
}

void booth_desks::check_timeout(desk& d, std::int64_t now_us, delivery& out) {
    const auto timeout_us = std::int64_t{config_.booths.handover_timeout_ms} * 1000;
    if (!d.requester || d.incoming || timeout_us <= 0 || now_us - d.requested_us < timeout_us)
        return;
    d.incoming = d.requester;
    d.requester = 0;
    log("booth")->info("booth \"{}\" on channel {}: console {} takes over, unanswered for {} ms", d.booth,
                       bus_.channel_id(d.channel), d.incoming, config_.booths.handover_timeout_ms);
    send_states(d, out);
}

frame_plan booth_desks::on_frame(std::uint64_t session, std::int64_t now_us) {
    delivery out;
    std::lock_guard lock(mutex_);
    member* m = nullptr;
    desk* d = find(session, &m);
    if (!d || !m)
        return {};
    frame_plan plan;
    plan.channel = d->channel;
    check_timeout(*d, now_us, out);
    if (session == d->incoming) {  // the switch: this frame follows the outgoing console's last
        switch_to(*d, session, "handover", now_us, out);
        plan.handover = true;
    }
    if (session != d->live) {
        ++counters_.booth_passive_frames;
        d->last_passive_frame_us = now_us;
        if (session != d->incoming && !d->both_live && now_us - m->passive_since_us > passive_grace_us) {
            d->both_live = true;
            ++counters_.booth_both_live;
            log("booth")->warn("booth \"{}\" on channel {}: console {} sends audio while console {} is live",
                               d->booth, bus_.channel_id(d->channel), session, d->live);
            send_states(*d, out);
        }
        return plan;
    }
    if (d->both_live && now_us - d->last_passive_frame_us > passive_grace_us) {
        d->both_live = false;
        send_states(*d, out);
    }
    plan.publish = true;
    plan.sequence = d->next_sequence++;
    plan.discontinuity = !d->started;
    d->started = true;
    plan.silence = m->coughing;
    return plan;
}

void booth_desks::tick(std::uint64_t session, std::int64_t now_us) {
    delivery out;
    std::lock_guard lock(mutex_);
    desk* d = find(session);
    if (!d || d->live != session)
        return;
    check_timeout(*d, now_us, out);
    const auto list = bus_.channels();
    if (d->channel < list.channels.size())
        d->audience = list.channels[d->channel].listeners;
    send_states(*d, out);
}

}  // namespace tolk::server
