#include "server/monitor/alarm_engine.hpp"

#include "server/monitor/alarm_conditions.hpp"

#include <algorithm>
#include <utility>

namespace tolk::monitor {

std::string_view to_string(alarm_kind kind) {
    switch (kind) {
    case alarm_kind::silence:
        return "silence";
    case alarm_kind::clipping:
        return "clipping";
    case alarm_kind::loudness:
        return "loudness";
    case alarm_kind::link_jitter:
        return "link_jitter";
    case alarm_kind::link_gaps:
        return "link_gaps";
    case alarm_kind::booth_disconnected:
        return "booth_disconnected";
    case alarm_kind::listener_concealment:
        return "listener_concealment";
    case alarm_kind::recording_failing:
        break;
    }
    return "recording_failing";
}

alarm_engine::alarm_engine(const alarm_thresholds& thresholds, std::size_t log_capacity)
    : thresholds_(thresholds), log_(log_capacity) {}

alarm_engine::channel_state& alarm_engine::state_for(const std::string& channel) {
    auto it = channels_.find(channel);
    if (it == channels_.end()) {
        it = channels_
                 .emplace(channel, channel_state{windowed_counter(thresholds_.clipping_window_seconds),
                                                 windowed_counter(thresholds_.missing_window_seconds),
                                                 {}})
                 .first;
    }
    return it->second;
}

void alarm_engine::evaluate(time_point now, std::span<const channel_input> channels,
                            const recording_health& recording) {
    const auto loudness = comparable_loudness(channels, thresholds_);
    for (std::size_t i = 0; i < channels.size(); ++i) {
        evaluate_channel(now, channels[i], loudness_reference(loudness, i));
    }
    forget_missing(now, channels);
    evaluate_recording(now, recording);
}

void alarm_engine::evaluate_recording(time_point now, const recording_health& recording) {
    recording_dropped_.observe(now, recording.dropped_packets);
    std::optional<std::string> text;
    if (recording.failing) {
        text = "Recording failing: " + recording.reason;
    } else if (recording_dropped_.increase() > 0) {
        text = "Recording falling behind: " + std::to_string(recording_dropped_.increase()) +
               " packets dropped in 10 s (disk too slow?)";
    }
    update(now, "", recording_, alarm_kind::recording_failing, std::move(text), 0);
}

void alarm_engine::forget_missing(time_point now, std::span<const channel_input> channels) {
    for (auto& [channel, state] : channels_) {
        const bool present = std::any_of(channels.begin(), channels.end(),
                                         [&id = channel](const channel_input& in) { return in.channel == id; });
        if (present) {
            continue;
        }
        for (std::size_t k = 0; k < alarm_kind_count; ++k) {
            update(now, channel, state.trackers[k], static_cast<alarm_kind>(k), std::nullopt, 0);
        }
    }
}

void alarm_engine::evaluate_channel(time_point now, const channel_input& in,
                                    std::optional<double> loudness_reference) {
    channel_state& state = state_for(in.channel);
    auto& t = state.trackers;
    const auto& th = thresholds_;
    const auto at = [&](alarm_kind kind) -> tracker& { return t[static_cast<std::size_t>(kind)]; };
    const auto active = [&](alarm_kind kind) { return at(kind).current.has_value(); };

    if (in.audio) {
        state.clipped.observe(now, in.audio->clipped_samples);
    }
    if (in.link) {
        state.missing.observe(now, in.link->frames_missing);
    }
    update(now, in.channel, at(alarm_kind::silence), alarm_kind::silence,
           silence_condition(now, in, th), 0);
    update(now, in.channel, at(alarm_kind::clipping), alarm_kind::clipping,
           clipping_condition(in, th, state.clipped.increase()), 0);
    update(now, in.channel, at(alarm_kind::loudness), alarm_kind::loudness,
           loudness_condition(in, th, loudness_reference, active(alarm_kind::loudness)),
           th.loudness_raise_seconds);
    update(now, in.channel, at(alarm_kind::link_jitter), alarm_kind::link_jitter,
           jitter_condition(in, th, active(alarm_kind::link_jitter)), th.jitter_raise_seconds);
    update(now, in.channel, at(alarm_kind::link_gaps), alarm_kind::link_gaps,
           gaps_condition(in, th, state.missing.increase()), 0);
    update(now, in.channel, at(alarm_kind::booth_disconnected), alarm_kind::booth_disconnected,
           disconnected_condition(in), th.booth_disconnected_seconds);
    update(now, in.channel, at(alarm_kind::listener_concealment), alarm_kind::listener_concealment,
           concealment_condition(in, th), th.concealment_raise_seconds);
}

void alarm_engine::update(time_point now, const std::string& channel, tracker& t, alarm_kind kind,
                          std::optional<std::string> text, double raise_after_seconds) {
    if (text) {
        t.false_since.reset();
        if (!t.true_since) {
            t.true_since = now;
        }
        if (!t.current && seconds_between(*t.true_since, now) >= raise_after_seconds) {
            t.current = alarm{kind, channel, std::move(*text), now, std::nullopt};
            log_.add(now, event_kind::alarm_raised, channel, t.current->text);
        }
        return;
    }
    t.true_since.reset();
    if (!t.current) {
        return;
    }
    if (!t.false_since) {
        t.false_since = now;
    }
    if (seconds_between(*t.false_since, now) >= thresholds_.clear_after_seconds) {
        log_.add(now, event_kind::alarm_cleared, channel, "Cleared: " + t.current->text);
        t.current->cleared = now;
        cleared_.push_back(std::move(*t.current));
        if (cleared_.size() > 200) {
            cleared_.pop_front();
        }
        t.current.reset();
        t.false_since.reset();
    }
}

std::vector<alarm> alarm_engine::active() const {
    std::vector<alarm> out;
    for (const auto& [channel, state] : channels_) {
        for (const auto& t : state.trackers) {
            if (t.current) {
                out.push_back(*t.current);
            }
        }
    }
    if (recording_.current) {
        out.push_back(*recording_.current);
    }
    std::sort(out.begin(), out.end(),
              [](const alarm& a, const alarm& b) { return a.raised < b.raised; });
    return out;
}

}  // namespace tolk::monitor
