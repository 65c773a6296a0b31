// channel_watch: the tech_state it publishes every tick, and the server's own figures.
#include "server/channel_watch.hpp"
#include "server/channel_watch_channel.hpp"

#include "server/tech_api.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace tolk::server {

namespace {

constexpr std::size_t events_shown = 200;
constexpr std::size_t cleared_shown = 50;

double cpu_time() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return s(u.ru_utime) + s(u.ru_stime);
}

std::uint64_t resident_set() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

server_figures channel_watch::figures(monitor::time_point now) {
    server_figures f = last_figures_;
    f.uptime_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    f.connections = connections_ ? connections_() : 0;
    f.frames_in = counters_.frames_in.load(std::memory_order_relaxed);
    f.frames_out = counters_.frames_out.load(std::memory_order_relaxed);
    f.frames_dropped = counters_.frames_dropped.load(std::memory_order_relaxed);
    f.listener_resyncs = counters_.listener_resyncs.load(std::memory_order_relaxed);
    const double elapsed = monitor::seconds_between(last_usage_.at, now);
    if (elapsed >= 1.0) {  // rates over about a second
        const double cpu = cpu_time();
        f.cpu_ratio = (cpu - last_usage_.cpu_seconds) / elapsed;
        f.memory_bytes = resident_set();
        f.frames_in_per_second = static_cast<double>(f.frames_in - last_usage_.frames_in) / elapsed;
        f.frames_out_per_second = static_cast<double>(f.frames_out - last_usage_.frames_out) / elapsed;
        last_usage_ = {now, cpu, f.frames_in, f.frames_out};
    }
    last_figures_ = f;
    return f;
}

void channel_watch::publish_state(monitor::time_point now, const std::vector<monitor::channel_input>& in) {
    auto st = std::make_shared<tech_state>();
    st->at = now;
    st->event = config_.event_name;
    st->node = hub_.node_name();
    const auto list = hub_.channels();
    for (std::size_t i = 0; i < channels_.size() && i < list.channels.size(); ++i) {
        auto& w = *channels_[i];
        const auto& info = list.channels[i];
        tech_channel c;
        c.id = info.id;
        c.language = info.language;
        c.label = info.label;
        c.on_air = info.on_air;
        c.listeners = info.listeners;
        c.recorded = w.recorded;
        c.heard = w.summary;
        {
            std::lock_guard lock(w.mutex);
            c.booth = w.booth;
            if (w.booth != 0) {
                c.booth_name = w.booth_name;
                c.booth_address = w.booth_address;
            }
            c.audio = w.audio.snapshot();
            c.link = w.link.snapshot();
            c.clipped_samples_total = w.clipped_before + c.audio.clipped_samples;
            c.corrupt_packets_total = w.corrupt_before + c.audio.corrupt_packets;
        }
        if (i < in.size() && !in[i].on_air)
            c.audio = {};  // off air: no level to show
        add_elsewhere(static_cast<std::uint16_t>(i), c);
        st->channels.push_back(std::move(c));
    }
    st->active = alarms_.active();
    const auto& cleared = alarms_.cleared();
    st->cleared.assign(cleared.size() > cleared_shown ? cleared.end() - cleared_shown : cleared.begin(),
                       cleared.end());
    const auto& log = alarms_.log();
    st->events = log.since(log.last_id() > events_shown ? log.last_id() - events_shown : 0);
    st->server = figures(now);
    st->recording_enabled = recorder_ != nullptr;
    if (recorder_)
        st->recording = recorder_->status();
    auto json = std::make_shared<const std::string>(tech_json(*st).dump());
    std::lock_guard lock(state_mutex_);
    state_ = std::move(st);
    json_ = std::move(json);
}

// For the other nodes: each channel's booth, if it is connected here and on air, and what
// this node's listeners report (the timer's own summaries, refreshed each second).
void channel_watch::hand_over_figures(const std::vector<monitor::channel_input>& in) {
    const auto& active = alarms_.active();
    std::vector<channel_figures> out(channels_.size());
    for (std::size_t i = 0; i < channels_.size() && i < in.size(); ++i) {
        auto& w = *channels_[i];
        if (w.summary.reporting > 0)
            out[i].heard = w.summary;
        if (!in[i].on_air || !in[i].audio || !in[i].link)
            continue;
        booth_figures b;
        b.audio = *in[i].audio;
        b.link = *in[i].link;
        {
            std::lock_guard lock(w.mutex);
            if (w.booth == 0)
                continue;  // went off air since
            b.name = w.booth_name;
            b.address = w.booth_address;
            b.clipped_samples_total = w.clipped_before + b.audio.clipped_samples;
        }
        for (const auto& a : active)
            if (a.channel == w.id)
                b.alarms.push_back(a.kind);
        out[i].booth = std::move(b);
    }
    hub_.share_figures(std::move(out));
}

// What the other nodes said of the channel: the booth's figures from the node it is connected
// to (while the channel is on air here through that node and no booth of this node holds it),
// and each node's listeners.
void channel_watch::add_elsewhere(std::uint16_t channel, tech_channel& c) const {
    for (auto& n : hub_.figures_elsewhere(channel)) {
        if (n.figures.booth && c.on_air && c.booth == 0 && !c.booth_elsewhere)
            c.booth_elsewhere = n;
        if (n.figures.heard) {
            n.figures.booth.reset();
            c.heard_elsewhere.push_back(std::move(n));
        }
    }
    if (c.booth_elsewhere)
        c.booth_elsewhere->figures.heard.reset();
}

std::shared_ptr<const tech_state> channel_watch::state() const {
    std::lock_guard lock(state_mutex_);
    return state_;
}

std::shared_ptr<const std::string> channel_watch::state_json() const {
    std::lock_guard lock(state_mutex_);
    return json_;
}

}  // namespace tolk::server
