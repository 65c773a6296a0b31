#pragma once
// JSON control messages, sent as WebSocket text frames. Every message is an object with a
// "type" field; see protocol/PROTOCOL.md for each one. Value types; any thread.

#include "protocol/parse_error.hpp"
#include "protocol/version.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tolk::protocol {

inline constexpr std::size_t max_control_size = 16 * 1024;

// client -> server, optional first message: who is speaking, which protocol, credentials.
struct hello {
    std::string client;  // "tolk-listen/0.1", "browser", ...
    int protocol = protocol_version;
    std::string token;   // reserved for authentication
};

// server -> client, first message on every connection.
struct welcome {
    std::string session;
    int protocol = protocol_version;
    std::string role;       // "booth" or "listener"
    std::string event;      // event name
    std::int64_t server_time_us = 0;
    std::string channel;    // booth only: the channel it publishes
    std::uint16_t channel_number = 0;
    int bitrate = 0;        // booth only: the Opus bit/s the event asks for (0: not said)
};

struct channel_info {
    std::string id;         // "en"
    std::uint16_t number = 0;
    std::string language;   // BCP 47 code, "en"
    std::string label;      // in its own language, "English", "Français"
    bool on_air = false;
    std::uint32_t listeners = 0;
    std::int64_t clock_offset_us = 0;  // server clock minus the booth's clock (when on air)
    // The label by the page's UI language ("fr" -> "Salle / original"), where the event gives
    // one; `label` otherwise.  Optional on the wire: sent only when not empty.
    std::map<std::string, std::string> labels;
    friend bool operator==(const channel_info&, const channel_info&) = default;
};

// server -> client: the whole channel list, on connect and whenever listener counts change.
struct channel_list {
    std::string event;
    std::vector<channel_info> channels;
};

// listener -> server: start / stop hearing channels (a connection may hear several).
struct subscribe {
    std::vector<std::string> channels;
};
struct unsubscribe {
    std::vector<std::string> channels;
};
// server -> listener: the channels now heard, with their numbers (as in binary frames).
struct subscribed {
    std::vector<channel_info> channels;
};

// server -> everyone: a channel went on or off air.
struct on_air_change {
    std::string channel;
    bool on_air = false;
    std::int64_t clock_offset_us = 0;
};

// server -> listener: its queue overflowed, `dropped_frames` of the oldest audio were dropped
// and delivery resumes at the live edge.
struct resync {
    std::string channel;
    std::uint32_t dropped_frames = 0;
};

// either direction: clock offset and round trip (see clock_sync.hpp).
struct ping {
    std::int64_t t0 = 0;
};
struct pong {
    std::int64_t t0 = 0, t1 = 0, t2 = 0;
};

// booth -> server: the booth's own estimate of the server clock minus the booth clock.
struct clock_report {
    std::int64_t offset_us = 0;
    std::int64_t rtt_us = 0;
};

// listener -> server, every few seconds: what this listener actually hears.
struct listener_stats {
    std::string channel;
    double delay_ms = 0;          // current jitter buffer delay
    double target_delay_ms = 0;
    double latency_ms = -1;       // booth capture -> playout, -1 when unknown
    double concealed_ratio = 0;   // concealed samples / played samples
    std::uint64_t frames_received = 0;
    std::uint64_t frames_missing = 0;
    std::uint64_t interruptions = 0;
    // Optional (older clients omit them; 0 / empty then): how often playout was time-scaled,
    // concealment runs by length, the playout profile, the client's raw clock figures.
    std::uint64_t time_scale_operations = 0;
    std::uint64_t concealments_under_40ms = 0;
    std::uint64_t concealments_40_to_150ms = 0;
    std::uint64_t concealments_over_150ms = 0;
    std::string profile;
    std::int64_t clock_offset_us = 0;  // server clock minus the client's
    std::int64_t rtt_us = -1;          // -1 when unknown
};

// server -> client: something was refused; `code` is machine-readable, `reason` for people.
struct error_message {
    std::string code;
    std::string reason;
};

using control_message =
    std::variant<hello, welcome, channel_list, subscribe, unsubscribe, subscribed, on_air_change,
                 resync, ping, pong, clock_report, listener_stats, error_message>;

parse_result<control_message> parse_control(std::string_view text);
std::string serialize(const control_message& message);

// The "type" string of a message, e.g. "subscribe".
std::string_view type_name(const control_message& message);

}  // namespace tolk::protocol
