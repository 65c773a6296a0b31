// nats_bus's own thread: renews this node's claims, publishes its status, and places or lifts
// the stand-ins for booths on air at other nodes.
#include "server/cluster/nats_bus.hpp"

#include "protocol/close_code.hpp"
#include "server/log.hpp"

#include <nats/nats.h>

namespace tolk::cluster {

namespace {
using clock = std::chrono::steady_clock;
}

void nats_bus::run() {
    const auto renew_every = std::chrono::milliseconds(config_.claim_ttl_ms / 3);
    const auto status_every = std::chrono::milliseconds(config_.status_interval_ms);
    auto next_renew = clock::now() + renew_every;
    auto next_status = clock::now();
    for (;;) {
        std::vector<std::pair<std::string, std::uint64_t>> drops;
        bool relink = false, stop = false;
        {
            std::unique_lock lock(work_mutex_);
            work_.wait_until(lock, std::min(next_renew, next_status));
            stop = stopping_;
            drops.swap(drops_);
            std::swap(relink, relink_);
            if (status_due_)
                next_status = clock::now();
            status_due_ = false;
        }
        if (relink)
            claims_.recheck();
        for (const auto& [key, revision] : drops)
            claims_.drop(key, revision);
        if (stop)
            break;
        const auto now = clock::now();
        if (now >= next_renew || relink) {
            renew_claims();
            next_renew = now + renew_every;
        }
        if (now >= next_status) {
            publish_status();
            next_status = now + status_every;
        }
        board_.forget_older(now, 3 * status_every);
        place_proxies();
    }
    // Leaving in good order: this node's claims go at once, not after their TTL.
    std::lock_guard lock(state_mutex_);
    for (const auto& [channel, owned] : owned_)
        if (owned.confirmed && link_.connected())
            claims_.drop(channel_id(channel), owned.revision);
}

void nats_bus::renew_claims() {
    if (!link_.connected())
        return;
    std::map<std::uint16_t, owned_claim> snapshot;
    {
        std::lock_guard lock(state_mutex_);
        snapshot = owned_;
    }
    for (const auto& [channel, held] : snapshot) {
        const auto key = channel_id(channel);
        const auto attempt = held.confirmed ? claims_.renew(key, held.value, held.revision)
                                            : claims_.claim(key, held.value, true);
        if (attempt.answer == claim_answer::unavailable)
            continue;  // NATS slow or gone: keep serving; the next round tries again
        if (attempt.answer == claim_answer::taken) {
            evict(channel, held.booth, attempt.holder);
            continue;
        }
        std::lock_guard lock(state_mutex_);
        if (auto it = owned_.find(channel); it != owned_.end() && it->second.booth == held.booth) {
            if (!it->second.confirmed)
                server::log("cluster")->info("channel {}: claim confirmed now that NATS is back", key);
            it->second.revision = attempt.revision;
            it->second.confirmed = true;
        }
    }
}

// Another node holds the channel (its booth took it over, or got it while NATS was down): this
// node's booth goes off air and is told why.
void nats_bus::evict(std::uint16_t channel, std::uint64_t booth, const std::string& holder) {
    {
        std::lock_guard lock(state_mutex_);
        const auto it = owned_.find(channel);
        if (it == owned_.end() || it->second.booth != booth)
            return;
        owned_.erase(it);
        local_air_[channel] = false;
        hub_.release(channel, booth);
    }
    server::log("cluster")->warn("channel {}: node {} holds the channel now: booth {} closed", channel_id(channel),
                                 holder, booth);
    sessions_.close(booth, protocol::close_code::replaced,
                    "replaced: the channel is on air at node " + holder + " now");
}

void nats_bus::publish_status() {
    if (!link_.connected())
        return;
    node_status s{node_, instance_, {}, {}, 0};
    std::map<std::string, server::heard_summary> heard;  // this node's listeners' reports, by channel
    for (const auto& r : hub_.reports())
        heard[r.info.id] = r.heard;
    std::vector<server::channel_figures> figures;
    {
        std::lock_guard lock(figures_mutex_);
        figures = figures_;
    }
    {
        std::lock_guard lock(state_mutex_);
        s.public_url = public_url_;
        for (std::uint16_t c = 0; c < hub_.channel_count(); ++c) {
            channel_status cs{channel_id(c), false, static_cast<std::uint32_t>(hub_.subscriber_count(c)), {}, {},
                              heard[channel_id(c)], {}};
            if (c < figures.size())
                cs.tech.heard = figures[c].heard;
            if (const auto it = owned_.find(c); it != owned_.end()) {
                cs.on_air = true;
                cs.booth = it->second.value.booth;
                cs.identity = it->second.value.identity;
                if (c < figures.size())  // a booth's figures only where this node holds the claim
                    cs.tech.booth = figures[c].booth;
            }
            s.channels.push_back(std::move(cs));
        }
    }
    natsConnection_PublishString(link_.connection(), (prefix_ + ".status").c_str(), serialize(s).c_str());
}

void nats_bus::place_proxies() {
    std::lock_guard lock(state_mutex_);
    for (std::uint16_t c = 0; c < hub_.channel_count(); ++c) {
        const auto remote = owned_.contains(c) ? std::nullopt : board_.on_air(channel_id(c));
        const bool placed = remote_feed_[c].load();
        if (placed && (!remote || remote->identity != proxy_identity_[c])) {
            remote_feed_[c] = false;
            proxy_identity_[c].clear();
            hub_.release(c, proxy_booth(c));
        }
        if (remote && !remote_feed_[c].load()) {
            const auto outcome =
                hub_.claim(c, proxy_booth(c), {remote->identity, remote->booth + " at " + remote->node, remote->node});
            if (outcome.result == server::claim_result::ok) {
                proxy_identity_[c] = remote->identity;
                remote_feed_[c] = true;
            }
        }
    }
}

}  // namespace tolk::cluster
