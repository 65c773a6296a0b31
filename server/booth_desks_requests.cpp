// The consoles' requests (handover, output, cough, source, clock, chat, slow-down) and the
// technician's view of the booths: see booth_desks.hpp.
#include "server/booth_desks.hpp"
#include "server/booth_desks_parts.hpp"

#include "protocol/close_code.hpp"
#include "server/booth_desks_relay.hpp"
#include "server/log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tolk::server {

std::string booth_desks::handover(std::uint64_t session, const std::string& action, std::int64_t now_us) {
    delivery out;
    std::lock_guard lock(mutex_);
    desk* d = find(session);
    if (!d)
        return "this console is not part of a booth on air";
    const bool live = session == d->live;
    if (action == "request") {
        if (live)
            return "this console is live already";
        if (d->incoming)
            return "a handover is already under way";
        d->requester = session;
        d->requested_us = now_us;
    } else if (action == "accept") {
        if (!live)
            return "only the live console can accept a handover";
        if (!d->requester)
            return "no handover was requested";
        d->incoming = d->requester;
        d->requester = 0;
    } else {  // decline: the live console refuses, or the requester withdraws
        if (!live && d->requester != session)
            return "no handover of this console to decline";
        d->requester = 0;
    }
    send_states(*d, out);
    return {};
}

bool booth_desks::force_handover(std::string_view channel_id) {
    delivery out;
    std::lock_guard lock(mutex_);
    const auto channel = bus_.find(channel_id);
    if (!channel || *channel >= by_channel_.size() || !by_channel_[*channel])
        return false;
    auto& d = *by_channel_[*channel];
    std::uint64_t target = d.requester;
    for (const auto& m : d.members)
        if (!target && m.session != d.live)
            target = m.session;
    if (!target)
        return false;
    d.incoming = target;
    d.requester = 0;
    log("booth")->info("booth \"{}\" on channel {}: a technician hands over to console {}", d.booth,
                       bus_.channel_id(d.channel), target);
    send_states(d, out);
    return true;
}

void booth_desks::take_channel(desk& d, std::uint16_t channel) {
    bus_.release(d.channel, d.claim_id);
    by_channel_[d.channel].reset();
    d.channel = channel;
    d.started = false;  // listeners of the new channel: a new source
    if (!d.source.empty())
        bus_.set_source(channel, d.source);
}

std::string booth_desks::select_output(std::uint64_t session, std::uint16_t channel) {
    delivery out;
    std::lock_guard lock(mutex_);
    desk* d = find(session);
    if (!d)
        return "this console is not part of a booth on air";
    if (channel == d->channel)
        return {};
    const auto& id = bus_.channel_id(channel);
    if (std::find(d->outputs.begin(), d->outputs.end(), id) == d->outputs.end())
        return "channel " + id + " is not one of this booth's outputs";
    const auto claimed = bus_.claim(channel, d->claim_id, d->claimed_as);
    if (!claimed.on_air())
        return "channel " + id + " is held by another booth";
    if (auto& other = by_channel_[channel]) {  // overridden
        ++counters_.booths_overridden;
        for (auto& m : other->members) {
            out.close(m.console, protocol::close_code::overridden,
                      "overridden: booth \"" + d->booth + "\" switched its output to " + id);
            by_session_.erase(m.session);
        }
    }
    auto self = by_session_[session];
    take_channel(*d, channel);
    by_channel_[channel] = self;
    log("booth")->info("booth \"{}\" now publishes on channel {}", d->booth, id);
    send_states(*d, out);
    return {};
}

void booth_desks::cough(std::uint64_t session, bool on) {
    delivery out;
    std::lock_guard lock(mutex_);
    member* m = nullptr;
    desk* d = find(session, &m);
    if (!d || !m)
        return;
    m->coughing = on;
    send_states(*d, out);
}

void booth_desks::set_source(std::uint64_t session, std::string source) {
    delivery out;
    std::lock_guard lock(mutex_);
    desk* d = find(session);
    if (!d)
        return;
    d->source = std::move(source);
    bus_.set_source(d->channel, d->source);
    send_states(*d, out);
}

std::string booth_desks::declare_floor_language(std::uint64_t session, std::string language) {
    delivery out;
    std::lock_guard lock(mutex_);
    desk* d = find(session);
    if (!d)
        return "this console is not part of a booth on air";
    if (floor_channel_.empty())
        return "this event has no floor channel";
    if (bus_.channel_id(d->channel) != floor_channel_)
        return "only the booth on the floor channel (" + floor_channel_ + ") declares the floor language";
    if (d->live != session)
        return "only the live console of the floor booth declares the floor language";
    change_floor_language(std::move(language), "the floor booth", out);
    return {};
}

void booth_desks::set_floor_language(std::string language, const std::string& by) {
    delivery out;
    std::lock_guard lock(mutex_);
    change_floor_language(std::move(language), by, out);
}

std::string booth_desks::floor_language() const {
    std::lock_guard lock(mutex_);
    return floor_language_;
}

void booth_desks::change_floor_language(std::string language, const std::string& by, delivery& out) {
    if (language == floor_language_)
        return;
    log("booth")->info("floor language {} (was {}), set by {}", language.empty() ? "unknown" : language,
                       floor_language_.empty() ? "unknown" : floor_language_, by);
    floor_language_ = std::move(language);
    ++counters_.booth_floor_language_changes;
    for (const auto& d : by_channel_)
        if (d)
            send_states(*d, out);
}

void booth_desks::clock_offset(std::uint64_t session, std::int64_t offset_us) {
    std::lock_guard lock(mutex_);
    member* m = nullptr;
    desk* d = find(session, &m);
    if (!d || !m)
        return;
    m->clock_offset_us = offset_us;
    if (d->live == session)
        bus_.set_clock_offset(d->channel, offset_us);
}

std::size_t booth_desks::chat(std::uint64_t session, protocol::chat message, std::int64_t unix_ms) {
    delivery out;
    std::lock_guard lock(mutex_);
    member* m = nullptr;
    desk* d = find(session, &m);
    if (!d || !m)
        return 0;
    ++counters_.booth_chats;
    message.from = m->who.name.empty() ? "console " + std::to_string(session) : m->who.name;
    message.from_booth = d->booth;
    message.channel = bus_.channel_id(d->channel);
    if (message.to == "technician") {
        inbox_.push_back({unix_ms, "chat", message.channel, d->booth, message.from, message.text});
        if (inbox_.size() > 100)
            inbox_.pop_front();
        return 1;
    }
    const auto text = std::make_shared<const std::string>(protocol::serialize(message));
    std::size_t reached = 0;
    auto to = [&](const desk& x) {
        for (const auto& other : x.members)
            if (other.session != session) {
                out.send(other.console, text);
                ++reached;
            }
    };
    if (message.to == "partner")
        to(*d);
    else
        for (const auto& x : by_channel_)
            if (x)
                to(*x);
    return reached;
}

void booth_desks::slow_down(std::uint64_t session, std::int64_t unix_ms) {
    std::lock_guard lock(mutex_);
    desk* d = find(session);
    if (!d)
        return;
    ++counters_.booth_slow_downs;
    const auto& id = bus_.channel_id(d->channel);
    ++slow_downs_[id];
    inbox_.push_back({unix_ms, "slow_down", id, d->booth, {}, {}});  // anonymous: no console named
    if (inbox_.size() > 100)
        inbox_.pop_front();
}

nlohmann::json booth_desks::tech_view() const {
    using json = nlohmann::json;
    std::lock_guard lock(mutex_);
    json booths = json::array();
    for (const auto& d : by_channel_) {
        if (!d)
            continue;
        json consoles = json::array();
        for (const auto& m : d->members)
            consoles.push_back({{"session", m.session},
                                {"name", m.who.name},
                                {"address", m.who.address},
                                {"live", m.session == d->live},
                                {"coughing", m.coughing}});
        json b{{"channel", bus_.channel_id(d->channel)},
               {"booth", d->booth},
               {"consoles", std::move(consoles)},
               {"handover", d->incoming ? "switching" : d->requester ? "requested" : ""},
               {"both_live", d->both_live},
               {"source", d->source},
               {"outputs", d->outputs}};
        const auto suggestion = decide_auto_relay(config_.booths, d->booth.empty() ? d->claimed_as.name : d->booth,
                                                  bus_.channel_id(d->channel), floor_channel_, floor_language_);
        b["auto_source"] = suggestion.source;
        b["auto_reason"] = suggestion.reason;
        booths.push_back(std::move(b));
    }
    json inbox = json::array();
    for (const auto& e : inbox_)
        inbox.push_back({{"at_ms", e.at_ms},
                         {"kind", e.kind},
                         {"channel", e.channel},
                         {"booth", e.booth},
                         {"from", e.from},
                         {"text", e.text}});
    return {{"booths", std::move(booths)},
            {"inbox", std::move(inbox)},
            {"slow_downs", slow_downs_},
            {"floor_channel", floor_channel_},
            {"floor_language", floor_language_}};
}

}  // namespace tolk::server
