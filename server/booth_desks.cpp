#include "server/booth_desks.hpp"

#include "protocol/close_code.hpp"
#include "server/log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tolk::server {

struct booth_desks::member {
    std::uint64_t session = 0;
    booth_identity who;
    std::weak_ptr<booth_console> console;
    bool coughing = false;
    std::int64_t clock_offset_us = 0;
    std::int64_t passive_since_us = 0;  // when it was last told to stop sending
    protocol::booth_state sent;         // the last state it was sent
    bool told = false;
};

struct booth_desks::desk {
    std::uint16_t channel = 0;
    std::string booth;
    std::uint64_t claim_id = 0;  // the session that claimed the channel (the bus knows the desk by it)
    booth_identity claimed_as;
    std::vector<member> members;
    std::uint64_t live = 0;       // whose frames are published
    std::uint64_t incoming = 0;   // told to send; becomes live at its first frame
    std::uint64_t requester = 0;  // asked to take over
    std::int64_t requested_us = 0;
    bool both_live = false;
    std::int64_t last_passive_frame_us = 0;
    std::uint32_t next_sequence = 0;
    bool started = false;  // a frame was published on this channel
    std::string source;
    std::uint32_t audience = 0;
    std::vector<std::string> outputs;

    member* get(std::uint64_t session) {
        for (auto& m : members)
            if (m.session == session)
                return &m;
        return nullptr;
    }
};

// Texts and closes collected under the mutex, delivered when this goes out of scope (declare it
// before the lock, so that the lock is released first).
class booth_desks::delivery {
public:
    delivery() = default;
    delivery(const delivery&) = delete;
    delivery& operator=(const delivery&) = delete;
    ~delivery() {
        for (auto& [c, text] : texts_)
            if (auto console = c.lock())
                console->deliver_text(std::move(text));
        for (auto& [c, code, reason] : closes_)
            if (auto console = c.lock())
                console->evict(code, std::move(reason));
    }
    void send(const std::weak_ptr<booth_console>& c, std::shared_ptr<const std::string> text) {
        texts_.emplace_back(c, std::move(text));
    }
    void close(const std::weak_ptr<booth_console>& c, std::uint16_t code, std::string reason) {
        closes_.emplace_back(c, code, std::move(reason));
    }

private:
    std::vector<std::pair<std::weak_ptr<booth_console>, std::shared_ptr<const std::string>>> texts_;
    std::vector<std::tuple<std::weak_ptr<booth_console>, std::uint16_t, std::string>> closes_;
};

booth_desks::booth_desks(event_bus& bus, metrics& counters, const server_config& config)
    : bus_(bus), counters_(counters), config_(config), by_channel_(config.channels.size()) {}

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
    return {{"booths", std::move(booths)}, {"inbox", std::move(inbox)}, {"slow_downs", slow_downs_}};
}

}  // namespace tolk::server
