#include "server/channel_watch.hpp"
#include "server/channel_watch_channel.hpp"

#include "protocol/audio_frame.hpp"
#include "server/log.hpp"
#include "server/tech_api.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace tolk::server {

namespace asio = boost::asio;
using monitor::time_point;

namespace {

constexpr auto tick_interval = std::chrono::milliseconds(250);
constexpr std::size_t max_notes = 1000;

bool is_recorded(const recording_config& rec, const std::string& id) {
    return !rec.folder.empty() &&
           (rec.channels.empty() || std::find(rec.channels.begin(), rec.channels.end(), id) != rec.channels.end());
}

}  // namespace

channel_watch::channel_watch(event_bus& hub, const server_config& config, metrics& counters,
                             asio::any_io_executor timer_executor,
                             std::function<std::int64_t()> connections)
    : hub_(hub),
      config_(config),
      counters_(counters),
      connections_(std::move(connections)),
      alarms_(config.alarms),
      timer_(std::move(timer_executor)) {
    for (const auto& c : config.channels) {
        auto w = std::make_unique<watched>();
        w->id = c.id;
        w->recorded = is_recorded(config.recording, c.id);
        channels_.push_back(std::move(w));
    }
    if (!config.recording.folder.empty()) {
        monitor::recorder_options o;
        o.folder = config.recording.folder;
        o.event = config.event_name;
        o.logger = log("recorder");
        recorder_ = std::make_unique<monitor::recorder>(std::move(o));
    }
    last_usage_ = {monitor::clock::now(), 0, 0, 0};
    publish_state(monitor::clock::now(), {});
}

channel_watch::~channel_watch() = default;

void channel_watch::start() {
    asio::co_spawn(
        timer_.get_executor(),
        [this]() -> asio::awaitable<void> {
            for (;;) {
                timer_.expires_after(tick_interval);
                auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
                if (ec)
                    co_return;
                tick();
            }
        },
        log_exception(log("monitor"), "channel watch timer"));
}

void channel_watch::stop() {
    stopped_ = true;
    asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
    if (recorder_ && !recorder_->drain(std::chrono::seconds(2)))
        log("recorder")->warn("recordings not flushed within 2 s of the stop");
}

claim_outcome channel_watch::claim(std::uint16_t channel, std::uint64_t booth, const booth_identity& who) {
    const auto result = hub_.claim(channel, booth, who);
    if (!result.on_air() || channel >= channels_.size())
        return result;
    auto& w = *channels_[channel];
    {
        std::lock_guard lock(w.mutex);
        w.clipped_before += w.audio.snapshot().clipped_samples;
        w.corrupt_before += w.audio.snapshot().corrupt_packets;
        w.audio.reset();
        w.link.on_reconnect();
        w.booth = booth;
        w.booth_name = who.name.empty() ? "booth " + std::to_string(booth) : who.name;
        w.booth_address = who.address;
        w.last_frame.reset();
        w.last_sequence.reset();
    }
    if (recorder_ && w.recorded) {
        if (result.result == claim_result::replaced || result.result == claim_result::overridden)
            recorder_->end_segment(w.id);
        recorder_->start_segment(w.id, who.name.empty() ? std::to_string(booth) : who.name, monitor::clock::now());
    }
    const std::string from = who.address.empty() ? std::string() : " from " + who.address;
    note(w.id, result.result == claim_result::replaced
                   ? "\"" + who.name + "\" reconnected" + from + " and replaced its stale connection"
               : result.result == claim_result::overridden
                   ? "\"" + who.name + "\"" + from + " took the channel over from booth " + std::to_string(result.previous) +
                         " (override)"
                   : "\"" + (who.name.empty() ? "booth " + std::to_string(booth) : who.name) + "\" on air" + from);
    return result;
}

void channel_watch::release(std::uint16_t channel, std::uint64_t booth) {
    hub_.release(channel, booth);
    if (channel >= channels_.size())
        return;
    auto& w = *channels_[channel];
    std::string name;
    {
        std::lock_guard lock(w.mutex);
        if (w.booth != booth)
            return;
        w.booth = 0;
        name = w.booth_name;
    }
    if (recorder_ && w.recorded)
        recorder_->end_segment(w.id);
    note(w.id, "\"" + name + "\" off air");
}

void channel_watch::publish(const frame_ref& frame) {
    hub_.publish(frame);  // listeners first: the measuring below never delays them
    if (frame.channel >= channels_.size())
        return;
    const auto parsed = protocol::parse_audio_frame(frame.view());
    if (!parsed)
        return;  // the booth session checked it: cannot happen
    auto& w = *channels_[frame.channel];
    const auto& h = parsed->header;
    std::uint32_t missing = 0;
    {
        std::lock_guard lock(w.mutex);
        if (h.has(protocol::frame_flag::discontinuity)) {
            w.link.on_reconnect();
            w.last_sequence.reset();
        }
        w.link.on_frame(h.sequence, h.capture_us, frame.ingress_us);
        if (w.last_sequence) {
            const std::uint32_t step = h.sequence - *w.last_sequence;
            if (step > 1 && step < 500)  // a gap of under 10 s: keep the recording's timeline
                missing = step - 1;
        }
        if (!w.last_sequence || static_cast<std::int32_t>(h.sequence - *w.last_sequence) > 0)
            w.last_sequence = h.sequence;
        w.last_frame = monitor::clock::now();
        w.audio.on_packet(parsed->opus);
    }
    if (recorder_ && w.recorded) {
        if (missing > 0)
            recorder_->write_gap(w.id, static_cast<int>(missing * frame.samples));
        recorder_->write(w.id, parsed->opus, static_cast<int>(frame.samples));
    }
}

void channel_watch::subscribe(std::uint16_t channel, const std::shared_ptr<listener_link>& l) {
    hub_.subscribe(channel, l);
    if (channel >= channels_.size())
        return;
    std::lock_guard lock(channels_[channel]->mutex);
    channels_[channel]->listeners[l.get()] = l;
}

void channel_watch::unsubscribe(std::uint16_t channel, const listener_link* l) {
    hub_.unsubscribe(channel, l);
    if (channel >= channels_.size())
        return;
    std::lock_guard lock(channels_[channel]->mutex);
    channels_[channel]->listeners.erase(l);
}

void channel_watch::note(std::string channel, std::string text) {
    std::lock_guard lock(notes_mutex_);
    if (notes_.size() < max_notes)
        notes_.emplace_back(std::move(channel), std::move(text));
}

void channel_watch::drain_notes() {
    std::vector<std::pair<std::string, std::string>> notes;
    {
        std::lock_guard lock(notes_mutex_);
        notes.swap(notes_);
    }
    const auto now = monitor::clock::now();
    for (auto& [channel, text] : notes)
        alarms_.log().add(now, monitor::event_kind::note, std::move(channel), std::move(text));
}

void channel_watch::feed_listener_stats(time_point now) {
    for (auto& w : channels_) {
        std::vector<std::pair<const listener_link*, std::shared_ptr<listener_link>>> subs;
        {
            std::lock_guard lock(w->mutex);
            for (auto it = w->listeners.begin(); it != w->listeners.end();) {
                if (auto l = it->second.lock()) {
                    subs.emplace_back(it->first, std::move(l));
                    ++it;
                } else {
                    w->heard.remove(reinterpret_cast<std::uintptr_t>(it->first));
                    it = w->listeners.erase(it);
                }
            }
        }
        for (const auto& [key, l] : subs) {
            const auto s = l->last_stats();
            if (s && s->channel == w->id)
                w->heard.report(reinterpret_cast<std::uintptr_t>(key), *s, now);
        }
        w->summary = w->heard.summarize(now);
    }
}

std::vector<monitor::channel_input> channel_watch::inputs(time_point now) {
    (void)now;
    std::vector<monitor::channel_input> in;
    in.reserve(channels_.size());
    for (auto& w : channels_) {
        monitor::channel_input c;
        c.channel = w->id;
        std::lock_guard lock(w->mutex);
        c.on_air = w->booth != 0;
        c.booth_connected = c.on_air;
        c.last_frame = w->last_frame;
        if (c.on_air) {
            c.audio = w->audio.snapshot();
            c.link = w->link.snapshot();
        }
        c.listeners = w->summary;
        in.push_back(std::move(c));
    }
    return in;
}

void channel_watch::tick() {
    const auto now = monitor::clock::now();
    drain_notes();
    const bool each_second = ticks_++ % 4 == 0;
    if (each_second)
        feed_listener_stats(now);
    const auto in = inputs(now);
    monitor::recording_health health;
    if (recorder_) {
        const auto s = recorder_->status();
        health.failing = s.state == monitor::recorder_state::failing;
        health.reason = s.error;
        health.dropped_packets = s.packets_dropped;
    }
    alarms_.evaluate(now, in, health);
    if (each_second)
        hand_over_figures(in);
    publish_state(now, in);
}

}  // namespace tolk::server
