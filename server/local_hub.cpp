#include "server/local_hub.hpp"

#include "server/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>

#include <algorithm>
#include <stdexcept>

namespace tolk::server {

namespace asio = boost::asio;

local_hub::local_hub(io_pool& pool, metrics& counters, const server_config& config,
                     std::chrono::milliseconds list_interval)
    : pool_(pool),
      counters_(counters),
      config_(config),
      event_name_(config.event_name),
      shards_(pool.size(), shard_lists(config.channels.size())),
      timer_(pool.context(0).get_executor()),
      list_interval_(list_interval) {
    std::uint16_t number = 0;
    for (const auto& c : config.channels) {
        auto ch = std::make_unique<channel_state>();
        ch->info.id = c.id;
        ch->info.number = number++;
        ch->info.language = c.language;
        ch->info.label = c.label;
        ch->info.labels = c.labels;
        ch->on_shard = std::make_unique<std::atomic<std::uint32_t>[]>(pool.size());
        channels_.push_back(std::move(ch));
    }
}

void local_hub::start() {
    asio::co_spawn(
        timer_.get_executor(),
        [this]() -> asio::awaitable<void> {
            for (;;) {
                timer_.expires_after(list_interval_);
                auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
                if (ec)
                    co_return;
                if (list_dirty_.exchange(false))
                    broadcast(std::make_shared<const std::string>(protocol::serialize(channels())));
            }
        },
        asio::detached);
}

void local_hub::stop() { timer_.cancel(); }

std::optional<std::uint16_t> local_hub::find(std::string_view id) const {
    for (const auto& ch : channels_)
        if (ch->info.id == id)
            return ch->info.number;
    return std::nullopt;
}

const std::string& local_hub::channel_id(std::uint16_t channel) const {
    static const std::string unknown = "?";
    return channel < channels_.size() ? channels_[channel]->info.id : unknown;
}

claim_outcome local_hub::claim(std::uint16_t channel, std::uint64_t booth, const booth_identity& who) {
    if (channel >= channels_.size())
        return {claim_result::unknown_channel};
    auto& ch = *channels_[channel];
    claim_outcome outcome{claim_result::ok};
    {
        std::lock_guard lock(ch.mutex);
        if (ch.booth != 0) {
            if (!who.key.empty() && ch.identity == who.key)
                outcome = {claim_result::replaced, ch.booth};
            else if (config_.booths.policy == booth_policy::override)
                outcome = {claim_result::overridden, ch.booth};
            else
                return {claim_result::taken};
        }
        ch.booth = booth;
        ch.identity = who.key;
        ch.info.on_air = true;
        ch.info.clock_offset_us = 0;
        ch.info.source.clear();
    }
    if (outcome.result != claim_result::ok) {
        // Still on air: listeners hear no off-air flap, the new booth's first frame carries a
        // discontinuity.
        log("hub")->info("event=\"{}\" channel={} booth {} {} by booth {}", event_name_, ch.info.id, outcome.previous,
                         outcome.result == claim_result::replaced ? "replaced (same identity)" : "overridden (policy)",
                         booth);
        list_dirty_ = true;
        return outcome;
    }
    log("hub")->info("event=\"{}\" channel={} on air (booth {})", event_name_, ch.info.id, booth);
    on_air_changed(ch, true, 0);
    return outcome;
}

void local_hub::release(std::uint16_t channel, std::uint64_t booth) {
    if (channel >= channels_.size())
        return;
    auto& ch = *channels_[channel];
    {
        std::lock_guard lock(ch.mutex);
        if (ch.booth != booth)
            return;
        ch.booth = 0;
        ch.identity.clear();
        ch.info.on_air = false;
        ch.info.source.clear();
    }
    log("hub")->info("event=\"{}\" channel={} off air", event_name_, ch.info.id);
    on_air_changed(ch, false, 0);
}

void local_hub::set_clock_offset(std::uint16_t channel, std::int64_t offset_us) {
    if (channel >= channels_.size())
        return;
    auto& ch = *channels_[channel];
    std::lock_guard lock(ch.mutex);
    if (ch.info.clock_offset_us != offset_us) {
        ch.info.clock_offset_us = offset_us;
        list_dirty_ = true;
    }
}

void local_hub::set_source(std::uint16_t channel, std::string source) {
    if (channel >= channels_.size())
        return;
    auto& ch = *channels_[channel];
    std::lock_guard lock(ch.mutex);
    if (ch.booth != 0 && ch.info.source != source) {
        ch.info.source = std::move(source);
        list_dirty_ = true;
    }
}

void local_hub::on_air_changed(channel_state& ch, bool on_air, std::int64_t offset) {
    broadcast(std::make_shared<const std::string>(
        protocol::serialize(protocol::on_air_change{ch.info.id, on_air, offset})));
    list_dirty_ = true;
}

void local_hub::publish(const frame_ref& frame) {
    if (frame.channel >= channels_.size())
        return;
    auto& ch = *channels_[frame.channel];
    const auto here = pool_.current();
    bool deliver_here = false;
    for (std::size_t s = 0; s < shards_.size(); ++s) {
        if (ch.on_shard[s].load(std::memory_order_relaxed) == 0)
            continue;
        if (s == here)
            deliver_here = true;  // after the posts, so the other shards start at once
        else
            asio::post(pool_.context(s), [this, s, frame] { deliver(s, frame); });
    }
    if (deliver_here)
        deliver(here, frame);
}

void local_hub::deliver(std::size_t shard, const frame_ref& frame) {
    auto& subs = shards_[shard][frame.channel];
    for (std::size_t i = 0; i < subs.entries.size();) {
        if (auto l = subs.entries[i].link.lock()) {
            l->deliver(frame);
            ++i;
        } else {  // closed without unsubscribing (should not happen): forget it
            subs.remove_at(i);
            channels_[frame.channel]->on_shard[shard].fetch_sub(1, std::memory_order_relaxed);
        }
    }
}

bool local_hub::fanout_list::add(const std::shared_ptr<listener_link>& l) {
    const auto [it, added] = position.try_emplace(l.get(), entries.size());
    if (!added) {  // there already, or a stale entry at a reused address: point it here
        entries[it->second].link = l;
        return false;
    }
    entries.push_back({l.get(), l});
    return true;
}

bool local_hub::fanout_list::remove(const listener_link* l) {
    const auto it = position.find(l);
    if (it == position.end())
        return false;
    remove_at(it->second);
    return true;
}

void local_hub::fanout_list::remove_at(std::size_t i) {
    position.erase(entries[i].key);
    if (i + 1 != entries.size()) {
        entries[i] = std::move(entries.back());
        position[entries[i].key] = i;
    }
    entries.pop_back();
}

std::size_t local_hub::shard_of(const listener_link& l) const {
    const auto shard = pool_.index_of(l.executor());
    if (shard == io_pool::none)
        throw std::logic_error("a listener outside the server's I/O shards subscribed");
    return shard;
}

void local_hub::subscribe(std::uint16_t channel, const std::shared_ptr<listener_link>& l) {
    if (channel >= channels_.size())
        return;
    auto& ch = *channels_[channel];
    {
        std::lock_guard lock(ch.mutex);
        auto [it, added] = ch.subscribers.try_emplace(l.get(), l);
        if (!added) {
            if (it->second.lock() == l)
                return;  // a listener is subscribed at most once
            it->second = l;  // a listener that never unsubscribed left its address behind
        }
        list_dirty_ = true;
    }
    // Runs inline when called on the listener's own shard (the usual case), so frames published
    // after this returns reach it.
    const auto shard = shard_of(*l);
    asio::dispatch(pool_.context(shard), [this, shard, channel, w = std::weak_ptr(l)] {
        if (auto alive = w.lock(); alive && shards_[shard][channel].add(alive))
            channels_[channel]->on_shard[shard].fetch_add(1, std::memory_order_relaxed);
    });
}

void local_hub::unsubscribe(std::uint16_t channel, const listener_link* l) {
    if (channel >= channels_.size())
        return;
    auto& ch = *channels_[channel];
    {
        std::lock_guard lock(ch.mutex);
        if (ch.subscribers.erase(l) == 0)
            return;
        list_dirty_ = true;
    }
    const auto shard = shard_of(*l);
    asio::dispatch(pool_.context(shard), [this, shard, channel, l] {
        if (shards_[shard][channel].remove(l))
            channels_[channel]->on_shard[shard].fetch_sub(1, std::memory_order_relaxed);
    });
}

void local_hub::join(const std::shared_ptr<listener_link>& l) {
    std::lock_guard lock(listeners_mutex_);
    listeners_[l.get()] = l;
}

void local_hub::leave(const listener_link* l) {
    std::lock_guard lock(listeners_mutex_);
    listeners_.erase(l);
}

void local_hub::broadcast(std::shared_ptr<const std::string> text) {
    std::vector<std::shared_ptr<listener_link>> targets;
    {
        std::lock_guard lock(listeners_mutex_);
        targets.reserve(listeners_.size());
        for (const auto& [key, w] : listeners_)
            if (auto l = w.lock())
                targets.push_back(std::move(l));
    }
    for (const auto& l : targets)
        l->notify(text);
}

std::size_t local_hub::subscriber_count(std::uint16_t channel) const {
    if (channel >= channels_.size())
        return 0;
    std::lock_guard lock(channels_[channel]->mutex);
    return channels_[channel]->subscribers.size();
}

protocol::channel_list local_hub::channels() const {
    protocol::channel_list list;
    list.event = event_name_;
    for (const auto& ch : channels_) {
        std::lock_guard lock(ch->mutex);
        list.channels.push_back(ch->info);
        list.channels.back().listeners = static_cast<std::uint32_t>(ch->subscribers.size());
    }
    return list;
}

std::vector<channel_report> local_hub::reports() const {
    std::vector<channel_report> out;
    for (const auto& ch : channels_) {
        channel_report r;
        std::vector<std::shared_ptr<listener_link>> subs;
        {
            std::lock_guard lock(ch->mutex);
            r.info = ch->info;
            r.info.listeners = static_cast<std::uint32_t>(ch->subscribers.size());
            for (const auto& [key, w] : ch->subscribers)
                if (auto l = w.lock())
                    subs.push_back(std::move(l));
        }
        std::vector<double> delays, latencies;
        double concealed = 0;
        for (const auto& l : subs) {
            auto s = l->last_stats();
            if (!s || s->channel != r.info.id)
                continue;
            ++r.heard.reporting;
            delays.push_back(s->delay_ms);
            if (s->latency_ms >= 0)
                latencies.push_back(s->latency_ms);
            concealed += s->concealed_ratio;
            r.heard.interruptions += s->interruptions;
        }
        auto median = [](std::vector<double>& v) {
            std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
            return v[v.size() / 2];
        };
        if (!delays.empty())
            r.heard.delay_ms_median = median(delays);
        if (!latencies.empty())
            r.heard.latency_ms_median = median(latencies);
        if (r.heard.reporting > 0)
            r.heard.concealed_ratio_mean = concealed / r.heard.reporting;
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace tolk::server
