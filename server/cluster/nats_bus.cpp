#include "server/cluster/nats_bus.hpp"

#include "codec/opus_packet.hpp"
#include "protocol/audio_frame.hpp"
#include "server/log.hpp"
#include "server/server_context.hpp"

#include <nats/nats.h>

#include <random>
#include <unistd.h>

namespace tolk::cluster {

using server::claim_outcome;
using server::claim_result;

std::string event_slug(const std::string& event_name) {
    std::string out;
    for (const char c : event_name) {
        if (out.size() >= 48)
            break;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
            out += c;
        else if (c >= 'A' && c <= 'Z')
            out += static_cast<char>(c - 'A' + 'a');
        else if (!out.empty() && out.back() != '_')
            out += '_';
    }
    return out.empty() ? "event" : out;
}

namespace {

std::string host_name() {
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "node";
}

std::string random_instance() {
    std::random_device rd;
    char text[17];
    std::snprintf(text, sizeof text, "%08x%08x", rd(), rd());
    return text;
}

void on_audio(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    const auto* r = static_cast<const nats_bus::route*>(closure);
    r->bus->receive(r->channel, natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);
}

void on_status(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    static_cast<nats_bus*>(closure)->receive_status({natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))});
    natsMsg_Destroy(msg);
}

}  // namespace

nats_bus::nats_bus(server::local_hub& hub, server::session_registry& sessions, const server::server_config& config)
    : hub_(hub),
      sessions_(sessions),
      config_(config.cluster),
      node_(config.cluster.node.empty() ? host_name() : config.cluster.node),
      instance_(random_instance()),
      prefix_("tolk." + event_slug(config.event_name)),
      link_(config.cluster, "tolk " + node_,
            [this](bool up) {
                server::log("cluster")->warn("node {}: NATS link {}", node_, up ? "up" : "down: serving local booths and listeners only");
                std::lock_guard lock(work_mutex_);
                relink_ = relink_ || up;
                status_due_ = true;
                work_.notify_all();
            }),
      claims_(link_, "tolk_" + event_slug(config.event_name), std::chrono::milliseconds(config.cluster.claim_ttl_ms),
              config.cluster.claim_replicas),
      public_url_(config.public_url),
      proxy_identity_(hub.channel_count()),
      remote_feed_(std::make_unique<std::atomic<bool>[]>(hub.channel_count())),
      local_air_(std::make_unique<std::atomic<bool>[]>(hub.channel_count())),
      audio_subs_(hub.channel_count(), nullptr) {
    for (std::uint16_t c = 0; c < hub.channel_count(); ++c) {
        audio_subjects_.push_back(prefix_ + ".audio." + hub.channel_id(c));
        routes_.push_back(std::make_unique<route>(route{this, c}));
    }
    const natsStatus s = natsConnection_Subscribe(&status_sub_, link_.connection(), (prefix_ + ".status").c_str(),
                                                  on_status, this);
    if (s != NATS_OK)
        throw std::runtime_error(std::string("NATS: status subscription: ") + natsStatus_GetText(s));
    server::log("cluster")->info("node {} (instance {}) joins {} on {}", node_, instance_, prefix_, config_.nats_url);
    worker_ = std::thread([this] { run(); });
}

nats_bus::~nats_bus() {
    {
        std::lock_guard lock(work_mutex_);
        stopping_ = true;
        work_.notify_all();
    }
    worker_.join();
    std::lock_guard lock(interest_mutex_);
    for (auto* sub : audio_subs_)
        if (sub)
            end_subscription(sub);
    end_subscription(status_sub_);
}

// Waits (bounded) for the subscription's callbacks in flight, which use this object, to finish.
void nats_bus::end_subscription(natsSubscription* sub) {
    if (natsSubscription_Drain(sub) == NATS_OK)
        natsSubscription_WaitForDrainCompletion(sub, 1000);
    else
        natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
}

claim_value nats_bus::value_for(const server::booth_identity& who) const {
    return {instance_, node_, who.key, who.name};
}

claim_outcome nats_bus::claim(std::uint16_t channel, std::uint64_t booth, const server::booth_identity& who) {
    if (channel >= hub_.channel_count())
        return {claim_result::unknown_channel};
    std::unique_lock lock(state_mutex_);
    const auto outcome = hub_.claim(channel, booth, who);
    if (!outcome.on_air())
        return outcome;
    const bool from_proxy = outcome.result == claim_result::replaced && outcome.previous == proxy_booth(channel);
    if (from_proxy) {  // the same booth, on air at another node until its link dropped, reconnected here
        remote_feed_[channel] = false;
        proxy_identity_[channel].clear();
    }
    if (auto it = owned_.find(channel); it != owned_.end()) {  // this node's own booth reconnected
        it->second.booth = booth;
        return outcome;
    }
    const auto attempt = claims_.claim(channel_id(channel), value_for(who), true);
    if (attempt.answer == claim_answer::taken) {
        hub_.release(channel, booth);
        server::log("cluster")->info("channel {}: booth {} refused: node {} has a booth on air", channel_id(channel),
                                     booth, attempt.holder);
        return {claim_result::taken};
    }
    if (attempt.answer == claim_answer::unavailable)
        server::log("cluster")->warn("channel {}: NATS unreachable, booth {} on air on this node only until it is back",
                                     channel_id(channel), booth);
    owned_[channel] = {booth, value_for(who), attempt.revision, attempt.answer == claim_answer::ours};
    local_air_[channel] = true;
    lock.unlock();
    wake();
    return from_proxy ? claim_outcome{claim_result::ok} : outcome;
}

void nats_bus::release(std::uint16_t channel, std::uint64_t booth) {
    {
        std::lock_guard lock(state_mutex_);
        hub_.release(channel, booth);
        const auto it = owned_.find(channel);
        if (it == owned_.end() || it->second.booth != booth)
            return;
        local_air_[channel] = false;
        std::lock_guard work(work_mutex_);
        if (it->second.confirmed)
            drops_.emplace_back(channel_id(channel), it->second.revision);
        owned_.erase(it);
    }
    wake();
}

void nats_bus::publish(const server::frame_ref& frame) {
    hub_.publish(frame);
    // Only while connected: what libnats would buffer during an outage is stale by the time it
    // could be sent.
    if (frame.channel < audio_subjects_.size() && local_air_[frame.channel].load(std::memory_order_relaxed) &&
        link_.connected())
        natsConnection_Publish(link_.connection(), audio_subjects_[frame.channel].c_str(), frame.bytes.get(),
                               static_cast<int>(frame.size));
}

void nats_bus::receive(std::uint16_t channel, const void* data, int size) {
    ++frames_received_;
    if (!remote_feed_[channel].load(std::memory_order_relaxed)) {
        ++frames_unfed_;  // the channel is not (or no longer) another node's here
        return;
    }
    const std::span<const std::uint8_t> in(static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size));
    auto parsed = protocol::parse_audio_frame(in);
    const auto check = parsed ? codec::check_packet(parsed->opus) : codec::packet_check{};
    if (!parsed || !check) {
        if (frames_bad_++ % 100 == 0)
            server::log("cluster")->warn("channel {}: bad frame from NATS ({} so far)", channel_id(channel), frames_bad_.load());
        return;
    }
    // The channel number is this node's (same event file, but say so rather than assume it).
    protocol::frame_header h = parsed->header;
    h.channel = channel;
    auto bytes = std::make_shared_for_overwrite<std::uint8_t[]>(in.size());
    protocol::serialize_audio_frame(h, parsed->opus, {bytes.get(), in.size()});
    hub_.publish({std::move(bytes), static_cast<std::uint32_t>(in.size()), static_cast<std::uint32_t>(check.samples),
                  channel, server::now_us()});
}

void nats_bus::subscribe(std::uint16_t channel, const std::shared_ptr<server::listener_link>& l) {
    hub_.subscribe(channel, l);
    follow_interest(channel);
}

void nats_bus::unsubscribe(std::uint16_t channel, const server::listener_link* l) {
    hub_.unsubscribe(channel, l);
    follow_interest(channel);
}

void nats_bus::follow_interest(std::uint16_t channel) {
    if (channel >= audio_subs_.size())
        return;
    std::lock_guard lock(interest_mutex_);
    const bool wanted = hub_.subscriber_count(channel) > 0;
    auto& sub = audio_subs_[channel];
    if (wanted && !sub) {
        const natsStatus s = natsConnection_Subscribe(&sub, link_.connection(), audio_subjects_[channel].c_str(),
                                                      on_audio, routes_[channel].get());
        if (s != NATS_OK) {
            sub = nullptr;
            server::log("cluster")->error("channel {}: cannot subscribe: {}", channel_id(channel), natsStatus_GetText(s));
        }
    } else if (!wanted && sub) {
        natsSubscription_Unsubscribe(sub);
        natsSubscription_Destroy(sub);
        sub = nullptr;
    }
}

protocol::channel_list nats_bus::channels() const {
    auto list = hub_.channels();
    for (auto& c : list.channels)
        c.listeners += board_.listeners(c.id);
    return list;
}

namespace {

// This node's listeners' reports and the other nodes' shares as one: counts and interruptions
// add up, the concealed share is the mean over every reporting listener, and the medians are
// the nodes' medians weighted by their reporting listeners (each node sends its median, not
// every report: close to the event's median when the nodes' listeners are alike).
void add_shares(server::heard_summary& h, const std::vector<server::heard_summary>& others) {
    double n = h.reporting, delay = h.delay_ms_median * n, concealed = h.concealed_ratio_mean * n;
    double latency_n = h.latency_ms_median >= 0 ? n : 0, latency = latency_n * h.latency_ms_median;
    for (const auto& o : others) {
        n += o.reporting;
        delay += o.delay_ms_median * o.reporting;
        concealed += o.concealed_ratio_mean * o.reporting;
        if (o.latency_ms_median >= 0) {
            latency_n += o.reporting;
            latency += o.latency_ms_median * o.reporting;
        }
        h.interruptions += o.interruptions;
    }
    h.reporting = static_cast<std::uint32_t>(n);
    if (n > 0) {
        h.delay_ms_median = delay / n;
        h.concealed_ratio_mean = concealed / n;
    }
    h.latency_ms_median = latency_n > 0 ? latency / latency_n : -1;
}

}  // namespace

std::vector<server::channel_report> nats_bus::reports() const {
    auto reports = hub_.reports();
    for (auto& r : reports) {
        r.info.listeners += board_.listeners(r.info.id);
        add_shares(r.heard, board_.heard(r.info.id));
    }
    return reports;
}

std::vector<server::node_load> nats_bus::nodes() const {
    server::node_load self{node_, {}, 0, 0, true, {}};
    {
        std::lock_guard lock(state_mutex_);
        for (std::uint16_t c = 0; c < hub_.channel_count(); ++c) {
            const auto n = static_cast<std::uint32_t>(hub_.subscriber_count(c));
            self.channels.push_back({channel_id(c), n, owned_.contains(c)});
            self.listeners += n;
        }
        self.booths = static_cast<std::uint32_t>(owned_.size());
        self.public_url = public_url_;
    }
    std::vector<server::node_load> out{self};
    for (const auto& n : board_.nodes()) {
        server::node_load load{n.node, n.public_url, 0, 0, false, {}};
        for (const auto& c : n.channels) {
            load.channels.push_back({c.id, c.listeners, c.on_air});
            load.listeners += c.listeners;
            load.booths += c.on_air ? 1 : 0;
        }
        out.push_back(std::move(load));
    }
    return out;
}

void nats_bus::set_public_url(std::string url) {
    {
        std::lock_guard lock(state_mutex_);
        public_url_ = std::move(url);
    }
    wake();
}

void nats_bus::share_figures(std::vector<server::channel_figures> per_channel) {
    std::lock_guard lock(figures_mutex_);
    figures_ = std::move(per_channel);
}

std::vector<server::node_figures> nats_bus::figures_elsewhere(std::uint16_t channel) const {
    if (channel >= hub_.channel_count())
        return {};
    return board_.figures(channel_id(channel), node_board::clock::now());
}

void nats_bus::receive_status(std::string_view text) {
    auto status = parse_node_status(text);
    if (!status || status->instance == instance_)
        return;
    if (status->refused > 0 && figures_refused_.fetch_add(status->refused) % 100 == 0)
        server::log("cluster")->warn("node {}: figures out of range in its status not believed ({} so far)",
                                     status->node, figures_refused_.load());
    if (board_.update(std::move(*status), node_board::clock::now()))
        wake();
}

void nats_bus::wake() {
    std::lock_guard lock(work_mutex_);
    status_due_ = true;  // what changed goes to the other nodes at once
    work_.notify_all();
}

server::bus_layer_factory cluster_layer(const server::server_config& config) {
    if (config.cluster.nats_url.empty())
        return {};
    return [](server::local_hub& hub, server::session_registry& sessions, const server::server_config& c) {
        return std::make_unique<nats_bus>(hub, sessions, c);
    };
}

}  // namespace tolk::cluster
