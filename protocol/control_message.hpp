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
    // Booth only: the console's ear protection in dBFS, from the event's [booths] ear_* (`ear`
    // false: not said; the console keeps its own defaults, these).
    bool ear = false;
    double ear_ceiling_dbfs = -1;
    double ear_sustained_dbfs = -9;
    double ear_warning_dbfs = -18;
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
    // What the booth on air hears and interprets from: "floor" (first hand) or another channel's
    // id (relay, second hand); "" when not said. Optional on the wire: sent only when not empty.
    std::string source;
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

// --- The booth console (issue 12). Sent by a booth only (a listener is refused: wrong_role),
// but chat and booth_state, which the server also sends to booths.

// booth -> server: "request" (the passive console asks to take over), "accept" (the live one
// hands over), "decline" (the live one refuses, or the passive one withdraws its request).
struct handover {
    std::string action;
};
// booth -> server: the cough key; while on, listeners hear silence and the channel stays on air.
struct cough {
    bool on = false;
};
// booth -> server: what the booth hears: "floor" or a channel id (relay).
struct source_select {
    std::string source;
};
// booth -> server: publish to this channel from now on (one of the booth's A/B outputs).
struct output_select {
    std::string channel;
};
// booth -> server: the anonymous "slow down" signal, shown to the technician.
struct slow_down {};
// booth -> server: `to` "partner" (the other console(s) of the booth), "booths" (every booth),
// "technician"; server -> booth: the same with `from` (the sender's name), `from_booth` and
// `channel` filled in.
struct chat {
    std::string to;
    std::string text;
    std::string from;
    std::string from_booth;
    std::string channel;
};
// server -> booth, whenever it changes: this console's place in its booth.
struct booth_state {
    std::string channel;                // where the booth publishes now
    std::string booth;                  // the booth's name ("" a booth of one console)
    bool live = false;                  // this console's frames are the channel's
    bool mic = false;                   // this console should send audio now (live, or taking over)
    std::uint32_t partners = 0;         // the booth's other consoles connected
    std::string handover;               // "", "requested" (pending) or "switching"
    bool coughing = false;              // the live console's cough key is down
    bool both_live = false;             // a passive console is sending audio too: an error
    std::uint32_t audience = 0;         // listeners of the channel
    std::vector<std::string> outputs;   // the A/B channels ([] or one: no choice)
    std::string source;                 // "floor", a channel id, or "" (not said)
    // Auto-relay (server/booth_desks): the floor's language now ("" unknown), what this booth
    // should hear by the event's [booths] works_from ("" no suggestion, "floor", or the channel
    // id to relay from), and why, in a short English sentence for the console to show.
    std::string floor_language;
    std::string auto_source;
    std::string auto_reason;
    friend bool operator==(const booth_state&, const booth_state&) = default;
};
// booth -> server, from the live console of the booth on the floor channel only: the language
// spoken on the floor now ("de"; "" unknown). Any other booth is refused with a reason.
struct floor_language {
    std::string language;
};

using control_message =
    std::variant<hello, welcome, channel_list, subscribe, unsubscribe, subscribed, on_air_change,
                 resync, ping, pong, clock_report, listener_stats, error_message, handover, cough,
                 source_select, output_select, slow_down, chat, booth_state, floor_language>;

// Whether only a booth may send this message (a listener sending it is refused: wrong_role).
bool booth_only(const control_message& message);

parse_result<control_message> parse_control(std::string_view text);
std::string serialize(const control_message& message);

// The "type" string of a message, e.g. "subscribe".
std::string_view type_name(const control_message& message);

}  // namespace tolk::protocol
