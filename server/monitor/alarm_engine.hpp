#pragma once
// The alarm engine: given what every channel looks like now (its monitor's snapshot, its booth
// link, its listeners' summary) and the recorder's health, it raises and clears alarms with
// hysteresis, and writes each raise and clear to the event log.  Pure: time is passed in, no
// clock, no I/O; the server calls evaluate() a few times a second.
// Owned by one thread (the monitor's); not thread-safe: hand copies of active() to others.

#include "server/monitor/alarm_thresholds.hpp"
#include "server/monitor/channel_monitor.hpp"
#include "server/monitor/event_log.hpp"
#include "server/monitor/link_monitor.hpp"
#include "server/monitor/listener_aggregator.hpp"
#include "server/monitor/windowed_counter.hpp"

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::monitor {

enum class alarm_kind {
    silence,
    clipping,
    loudness,
    link_jitter,
    link_gaps,
    booth_disconnected,
    listener_concealment,
    recording_failing,
};
inline constexpr std::size_t alarm_kind_count = 8;

// "silence", "clipping", ... (for metrics labels and the console).
std::string_view to_string(alarm_kind kind);

struct alarm {
    alarm_kind kind = alarm_kind::silence;
    std::string channel;  // empty for server-wide alarms (recording)
    std::string text;     // what the technician reads, written when it was raised
    time_point raised;
    std::optional<time_point> cleared;
};

// One channel as it is now.
struct channel_input {
    std::string channel;
    bool on_air = false;
    bool booth_expected = false;   // a booth left without going off air and has not returned
    bool booth_connected = false;
    std::optional<time_point> last_frame;  // when the booth's latest frame arrived
    std::optional<channel_snapshot> audio;
    std::optional<link_snapshot> link;
    std::optional<listener_summary> listeners;
};

// From recorder::status(): {state == failing, error, packets_dropped}.
struct recording_health {
    bool failing = false;
    std::string reason;                // e.g. "/srv/rec/fr_...opus: No space left on device"
    std::uint64_t dropped_packets = 0;  // total: any growth within 10 s raises the alarm too
};

class alarm_engine {
public:
    explicit alarm_engine(const alarm_thresholds& thresholds = {}, std::size_t log_capacity = 1000);

    void evaluate(time_point now, std::span<const channel_input> channels,
                  const recording_health& recording = {});

    // Raised and not cleared, oldest first.
    std::vector<alarm> active() const;
    // The last cleared alarms (at most 200), with their raise and clear times, oldest first.
    const std::deque<alarm>& cleared() const { return cleared_; }
    event_log& log() { return log_; }
    const event_log& log() const { return log_; }
    const alarm_thresholds& thresholds() const { return thresholds_; }

private:
    // One (channel, kind) pair's hysteresis.
    struct tracker {
        std::optional<time_point> true_since;
        std::optional<time_point> false_since;
        std::optional<alarm> current;  // raised and not cleared
    };
    struct channel_state {
        windowed_counter clipped;
        windowed_counter missing;
        std::array<tracker, alarm_kind_count> trackers;
    };

    void evaluate_channel(time_point now, const channel_input& in,
                          std::optional<double> loudness_reference);
    void evaluate_recording(time_point now, const recording_health& recording);
    // A channel no longer in the input (removed from the event): its alarms clear.
    void forget_missing(time_point now, std::span<const channel_input> channels);
    // `text`: the condition holds (with what to say), or nullopt: it does not.
    void update(time_point now, const std::string& channel, tracker& t, alarm_kind kind,
                std::optional<std::string> text, double raise_after_seconds);
    channel_state& state_for(const std::string& channel);

    alarm_thresholds thresholds_;
    event_log log_;
    std::map<std::string, channel_state> channels_;
    tracker recording_;
    windowed_counter recording_dropped_{10};
    std::deque<alarm> cleared_;
};

}  // namespace tolk::monitor
