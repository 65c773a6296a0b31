#include "protocol/control_message.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace tolk::protocol {
namespace {

using json = nlohmann::json;

// Each message type: its "type" string, and how it maps to JSON.
template <class T>
struct codec;

#define TOLK_CONTROL_TYPE(T, NAME)                                                                 \
    template <>                                                                                    \
    struct codec<T> {                                                                              \
        static constexpr std::string_view name = NAME;                                             \
        static void to(json& j, const T& m);                                                       \
        static T from(const json& j);                                                              \
    };
TOLK_CONTROL_TYPE(hello, "hello")
TOLK_CONTROL_TYPE(welcome, "welcome")
TOLK_CONTROL_TYPE(channel_list, "channels")
TOLK_CONTROL_TYPE(subscribe, "subscribe")
TOLK_CONTROL_TYPE(unsubscribe, "unsubscribe")
TOLK_CONTROL_TYPE(subscribed, "subscribed")
TOLK_CONTROL_TYPE(on_air_change, "on_air")
TOLK_CONTROL_TYPE(resync, "resync")
TOLK_CONTROL_TYPE(ping, "ping")
TOLK_CONTROL_TYPE(pong, "pong")
TOLK_CONTROL_TYPE(clock_report, "clock")
TOLK_CONTROL_TYPE(listener_stats, "stats")
TOLK_CONTROL_TYPE(error_message, "error")
TOLK_CONTROL_TYPE(handover, "handover")
TOLK_CONTROL_TYPE(cough, "cough")
TOLK_CONTROL_TYPE(source_select, "source")
TOLK_CONTROL_TYPE(output_select, "output")
TOLK_CONTROL_TYPE(slow_down, "slow_down")
TOLK_CONTROL_TYPE(chat, "chat")
TOLK_CONTROL_TYPE(booth_state, "booth_state")
#undef TOLK_CONTROL_TYPE

// A field that is missing or of the wrong type is a malformed message.
struct field_error {
    std::string what;
    parse_errc code = parse_errc::invalid_value;
};

template <class V>
V get(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end())
        throw field_error{std::string("missing field \"") + key + "\"", parse_errc::malformed};
    try {
        return it->get<V>();
    } catch (const json::exception&) {
        throw field_error{std::string("field \"") + key + "\" has the wrong type",
                          parse_errc::malformed};
    }
}

template <class V>
V get_or(const json& j, const char* key, V fallback) {
    return j.contains(key) ? get<V>(j, key) : fallback;
}

// Numbers from the wire are range-checked before they are converted (PROTOCOL.md, "Numbers"):
// a double cast to an integer out of its range is undefined behaviour, and nlohmann's get<int>
// silently wraps 4294967297 to 1.
inline constexpr std::int64_t max_exact = std::int64_t{1} << 53;  // what a JavaScript number holds exactly
inline constexpr std::int64_t max_counter = 0xffff'ffff;            // per-listener counters (stats)
inline constexpr double max_stats_delay_ms = 600'000;               // 10 minutes: any real buffer or latency
inline constexpr int max_control_depth = 16;                        // tolk's messages nest 3 deep

[[noreturn]] void out_of_range(const char* key, double lo, double hi) {
    char range[64];
    std::snprintf(range, sizeof range, "%.17g..%.17g", lo, hi);
    throw field_error{std::string("field \"") + key + "\" is out of range (" + range + ")"};
}

// An integer field: a JSON integer, or an integral number within ±2^53, inside [lo, hi].
template <class V>
V get_int(const json& j, const char* key, std::int64_t lo, std::int64_t hi) {
    auto it = j.find(key);
    if (it == j.end())
        throw field_error{std::string("missing field \"") + key + "\"", parse_errc::malformed};
    std::int64_t x = 0;
    if (it->is_number_unsigned()) {
        const auto u = it->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(hi))
            out_of_range(key, static_cast<double>(lo), static_cast<double>(hi));
        x = static_cast<std::int64_t>(u);
    } else if (it->is_number_integer()) {
        x = it->get<std::int64_t>();
    } else if (it->is_number_float()) {
        const double d = it->get<double>();
        if (!(d >= -static_cast<double>(max_exact) && d <= static_cast<double>(max_exact)))
            out_of_range(key, static_cast<double>(lo), static_cast<double>(hi));
        if (d != std::trunc(d))
            throw field_error{std::string("field \"") + key + "\" must be a whole number"};
        x = static_cast<std::int64_t>(d);
    } else {
        throw field_error{std::string("field \"") + key + "\" has the wrong type", parse_errc::malformed};
    }
    if (x < lo || x > hi)
        out_of_range(key, static_cast<double>(lo), static_cast<double>(hi));
    return static_cast<V>(x);
}

template <class V>
V get_int_or(const json& j, const char* key, V fallback, std::int64_t lo, std::int64_t hi) {
    return j.contains(key) ? get_int<V>(j, key, lo, hi) : fallback;
}

// A time or clock offset in µs: any whole number within ±2^53 (285 years).
std::int64_t get_us(const json& j, const char* key) {
    return get_int<std::int64_t>(j, key, -max_exact, max_exact);
}
std::int64_t get_us_or(const json& j, const char* key, std::int64_t fallback) {
    return j.contains(key) ? get_us(j, key) : fallback;
}

// A real-valued field within [lo, hi] (no JSON number is NaN; 1e400 reads as infinity).
double get_real_or(const json& j, const char* key, double fallback, double lo, double hi) {
    if (!j.contains(key))
        return fallback;
    const double d = get<double>(j, key);
    if (!(d >= lo && d <= hi))
        out_of_range(key, lo, hi);
    return d;
}

// The deepest nesting of arrays and objects in `text` (outside strings) exceeds `limit`.
// Checked before parsing: no tolk message nests deeper than 3, and 10,000 nested arrays
// would otherwise each become a json value.
bool nests_deeper_than(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

std::vector<std::string> get_channels(const json& j) {
    auto ids = get<std::vector<std::string>>(j, "channels");
    if (ids.empty())
        throw field_error{"\"channels\" is empty"};
    for (const auto& id : ids)
        if (id.empty() || id.size() > 64)
            throw field_error{"a channel id must be 1 to 64 characters"};
    return ids;
}

json channel_to_json(const channel_info& c) {
    json j{{"id", c.id},       {"number", c.number},         {"language", c.language},
           {"label", c.label}, {"on_air", c.on_air},         {"listeners", c.listeners},
           {"clock_offset_us", c.clock_offset_us}};
    if (!c.labels.empty())
        j["labels"] = c.labels;
    if (!c.source.empty())
        j["source"] = c.source;
    return j;
}

channel_info channel_from_json(const json& j) {
    channel_info c;
    c.id = get<std::string>(j, "id");
    c.number = get_int<std::uint16_t>(j, "number", 0, 0xffff);
    c.language = get_or<std::string>(j, "language", "");
    c.label = get_or<std::string>(j, "label", c.id);
    c.labels = get_or<std::map<std::string, std::string>>(j, "labels", {});
    c.on_air = get_or<bool>(j, "on_air", false);
    c.listeners = get_int_or<std::uint32_t>(j, "listeners", 0, 0, 0xffff'ffff);
    c.clock_offset_us = get_us_or(j, "clock_offset_us", 0);
    c.source = get_or<std::string>(j, "source", "");
    return c;
}

std::vector<channel_info> channels_from_json(const json& j) {
    const json& arr = j.at("channels");
    if (!arr.is_array())
        throw field_error{"\"channels\" must be an array", parse_errc::malformed};
    std::vector<channel_info> out;
    for (const auto& c : arr)
        out.push_back(channel_from_json(c));
    return out;
}

json channels_to_json(const std::vector<channel_info>& channels) {
    json arr = json::array();
    for (const auto& c : channels)
        arr.push_back(channel_to_json(c));
    return arr;
}

void codec<hello>::to(json& j, const hello& m) {
    j["client"] = m.client;
    j["protocol"] = m.protocol;
    if (!m.token.empty())
        j["token"] = m.token;
}
hello codec<hello>::from(const json& j) {
    return {get_or<std::string>(j, "client", ""), get_int_or<int>(j, "protocol", 1, 1, 0xffff),
            get_or<std::string>(j, "token", "")};
}

void codec<welcome>::to(json& j, const welcome& m) {
    j["session"] = m.session;
    j["protocol"] = m.protocol;
    j["role"] = m.role;
    j["event"] = m.event;
    j["server_time_us"] = m.server_time_us;
    if (!m.channel.empty()) {
        j["channel"] = m.channel;
        j["channel_number"] = m.channel_number;
    }
    if (m.bitrate > 0)
        j["bitrate"] = m.bitrate;
    if (m.ear) {
        j["ear_ceiling_dbfs"] = m.ear_ceiling_dbfs;
        j["ear_sustained_dbfs"] = m.ear_sustained_dbfs;
        j["ear_warning_dbfs"] = m.ear_warning_dbfs;
    }
}
welcome codec<welcome>::from(const json& j) {
    return {get<std::string>(j, "session"), get_int_or<int>(j, "protocol", 1, 1, 0xffff),
            get<std::string>(j, "role"),    get_or<std::string>(j, "event", ""),
            get_us(j, "server_time_us"),    get_or<std::string>(j, "channel", ""),
            get_int_or<std::uint16_t>(j, "channel_number", 0, 0, 0xffff),
            get_int_or<int>(j, "bitrate", 0, 0, 1000000),
            j.contains("ear_ceiling_dbfs"),
            get_real_or(j, "ear_ceiling_dbfs", -1, -40, 0),
            get_real_or(j, "ear_sustained_dbfs", -9, -60, 0),
            get_real_or(j, "ear_warning_dbfs", -18, -60, 0)};
}

void codec<channel_list>::to(json& j, const channel_list& m) {
    j["event"] = m.event;
    j["channels"] = channels_to_json(m.channels);
}
channel_list codec<channel_list>::from(const json& j) {
    return {get_or<std::string>(j, "event", ""), channels_from_json(j)};
}

void codec<subscribe>::to(json& j, const subscribe& m) { j["channels"] = m.channels; }
subscribe codec<subscribe>::from(const json& j) { return {get_channels(j)}; }
void codec<unsubscribe>::to(json& j, const unsubscribe& m) { j["channels"] = m.channels; }
unsubscribe codec<unsubscribe>::from(const json& j) { return {get_channels(j)}; }

void codec<subscribed>::to(json& j, const subscribed& m) {
    j["channels"] = channels_to_json(m.channels);
}
subscribed codec<subscribed>::from(const json& j) { return {channels_from_json(j)}; }

void codec<on_air_change>::to(json& j, const on_air_change& m) {
    j["channel"] = m.channel;
    j["on_air"] = m.on_air;
    j["clock_offset_us"] = m.clock_offset_us;
}
on_air_change codec<on_air_change>::from(const json& j) {
    return {get<std::string>(j, "channel"), get<bool>(j, "on_air"),
            get_us_or(j, "clock_offset_us", 0)};
}

void codec<resync>::to(json& j, const resync& m) {
    j["channel"] = m.channel;
    j["dropped_frames"] = m.dropped_frames;
}
resync codec<resync>::from(const json& j) {
    return {get<std::string>(j, "channel"), get_int<std::uint32_t>(j, "dropped_frames", 0, 0xffff'ffff)};
}

void codec<ping>::to(json& j, const ping& m) { j["t0"] = m.t0; }
ping codec<ping>::from(const json& j) { return {get_us(j, "t0")}; }

void codec<pong>::to(json& j, const pong& m) {
    j["t0"] = m.t0;
    j["t1"] = m.t1;
    j["t2"] = m.t2;
}
pong codec<pong>::from(const json& j) {
    return {get_us(j, "t0"), get_us(j, "t1"), get_us(j, "t2")};
}

void codec<clock_report>::to(json& j, const clock_report& m) {
    j["offset_us"] = m.offset_us;
    j["rtt_us"] = m.rtt_us;
}
clock_report codec<clock_report>::from(const json& j) {
    return {get_us(j, "offset_us"), get_int<std::int64_t>(j, "rtt_us", 0, max_exact)};
}

void codec<listener_stats>::to(json& j, const listener_stats& m) {
    j["channel"] = m.channel;
    j["delay_ms"] = m.delay_ms;
    j["target_delay_ms"] = m.target_delay_ms;
    j["latency_ms"] = m.latency_ms;
    j["concealed_ratio"] = m.concealed_ratio;
    j["frames_received"] = m.frames_received;
    j["frames_missing"] = m.frames_missing;
    j["interruptions"] = m.interruptions;
    j["time_scale_operations"] = m.time_scale_operations;
    j["concealments_under_40ms"] = m.concealments_under_40ms;
    j["concealments_40_to_150ms"] = m.concealments_40_to_150ms;
    j["concealments_over_150ms"] = m.concealments_over_150ms;
    if (!m.profile.empty())
        j["profile"] = m.profile;
    j["clock_offset_us"] = m.clock_offset_us;
    j["rtt_us"] = m.rtt_us;
}
listener_stats codec<listener_stats>::from(const json& j) {
    listener_stats m;
    m.channel = get<std::string>(j, "channel");
    m.delay_ms = get_real_or(j, "delay_ms", 0, 0, max_stats_delay_ms);
    m.target_delay_ms = get_real_or(j, "target_delay_ms", 0, 0, max_stats_delay_ms);
    m.latency_ms = get_real_or(j, "latency_ms", -1, -max_stats_delay_ms, max_stats_delay_ms);  // < 0: unknown
    m.concealed_ratio = get_real_or(j, "concealed_ratio", 0, 0, 1);
    m.frames_received = get_int_or<std::uint64_t>(j, "frames_received", 0, 0, max_counter);
    m.frames_missing = get_int_or<std::uint64_t>(j, "frames_missing", 0, 0, max_counter);
    m.interruptions = get_int_or<std::uint64_t>(j, "interruptions", 0, 0, max_counter);
    m.time_scale_operations = get_int_or<std::uint64_t>(j, "time_scale_operations", 0, 0, max_counter);
    m.concealments_under_40ms = get_int_or<std::uint64_t>(j, "concealments_under_40ms", 0, 0, max_counter);
    m.concealments_40_to_150ms = get_int_or<std::uint64_t>(j, "concealments_40_to_150ms", 0, 0, max_counter);
    m.concealments_over_150ms = get_int_or<std::uint64_t>(j, "concealments_over_150ms", 0, 0, max_counter);
    m.profile = get_or<std::string>(j, "profile", "");
    m.clock_offset_us = get_us_or(j, "clock_offset_us", 0);
    m.rtt_us = get_us_or(j, "rtt_us", -1);
    if (m.profile.size() > 32)
        throw field_error{"\"profile\" is longer than 32 characters"};
    return m;
}

void codec<error_message>::to(json& j, const error_message& m) {
    j["code"] = m.code;
    j["reason"] = m.reason;
}
error_message codec<error_message>::from(const json& j) {
    return {get<std::string>(j, "code"), get_or<std::string>(j, "reason", "")};
}

// A string field of 1 to `max` bytes.
std::string get_text(const json& j, const char* key, std::size_t max) {
    auto s = get<std::string>(j, key);
    if (s.empty() || s.size() > max)
        throw field_error{std::string("field \"") + key + "\" must be 1 to " + std::to_string(max) + " characters"};
    return s;
}

// A string field that must be one of `allowed`.
std::string get_choice(const json& j, const char* key, std::initializer_list<std::string_view> allowed) {
    auto s = get<std::string>(j, key);
    std::string list;
    for (auto a : allowed) {
        if (s == a)
            return s;
        list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
    }
    throw field_error{std::string("field \"") + key + "\" must be one of " + list};
}

void codec<handover>::to(json& j, const handover& m) { j["action"] = m.action; }
handover codec<handover>::from(const json& j) { return {get_choice(j, "action", {"request", "accept", "decline"})}; }

void codec<cough>::to(json& j, const cough& m) { j["on"] = m.on; }
cough codec<cough>::from(const json& j) { return {get<bool>(j, "on")}; }

void codec<source_select>::to(json& j, const source_select& m) { j["source"] = m.source; }
source_select codec<source_select>::from(const json& j) { return {get_text(j, "source", 64)}; }

void codec<output_select>::to(json& j, const output_select& m) { j["channel"] = m.channel; }
output_select codec<output_select>::from(const json& j) { return {get_text(j, "channel", 64)}; }

void codec<slow_down>::to(json&, const slow_down&) {}
slow_down codec<slow_down>::from(const json&) { return {}; }

void codec<chat>::to(json& j, const chat& m) {
    j["to"] = m.to;
    j["text"] = m.text;
    if (!m.from.empty())
        j["from"] = m.from;
    if (!m.from_booth.empty())
        j["from_booth"] = m.from_booth;
    if (!m.channel.empty())
        j["channel"] = m.channel;
}
chat codec<chat>::from(const json& j) {
    return {get_choice(j, "to", {"partner", "booths", "technician"}), get_text(j, "text", 1000),
            get_or<std::string>(j, "from", ""), get_or<std::string>(j, "from_booth", ""),
            get_or<std::string>(j, "channel", "")};
}

void codec<booth_state>::to(json& j, const booth_state& m) {
    j["channel"] = m.channel;
    j["booth"] = m.booth;
    j["live"] = m.live;
    j["mic"] = m.mic;
    j["partners"] = m.partners;
    j["handover"] = m.handover;
    j["coughing"] = m.coughing;
    j["both_live"] = m.both_live;
    j["audience"] = m.audience;
    j["outputs"] = m.outputs;
    j["source"] = m.source;
}
booth_state codec<booth_state>::from(const json& j) {
    booth_state m;
    m.channel = get<std::string>(j, "channel");
    m.booth = get_or<std::string>(j, "booth", "");
    m.live = get<bool>(j, "live");
    m.mic = get_or<bool>(j, "mic", m.live);
    m.partners = get_int_or<std::uint32_t>(j, "partners", 0, 0, max_counter);
    m.handover = get_or<std::string>(j, "handover", "");
    m.coughing = get_or<bool>(j, "coughing", false);
    m.both_live = get_or<bool>(j, "both_live", false);
    m.audience = get_int_or<std::uint32_t>(j, "audience", 0, 0, max_counter);
    m.outputs = get_or<std::vector<std::string>>(j, "outputs", {});
    m.source = get_or<std::string>(j, "source", "");
    return m;
}

// Tries each alternative of the variant in turn, by type name.
template <std::size_t I = 0>
parse_result<control_message> from_json_by_type(std::string_view type, const json& j) {
    if constexpr (I == std::variant_size_v<control_message>) {
        return make_error(parse_errc::unknown_type,
                          "unknown message type \"" + std::string(type.substr(0, 40)) + "\"");
    } else {
        using T = std::variant_alternative_t<I, control_message>;
        if (type == codec<T>::name)
            return control_message{codec<T>::from(j)};
        return from_json_by_type<I + 1>(type, j);
    }
}

}  // namespace

parse_result<control_message> parse_control(std::string_view text) {
    if (text.size() > max_control_size)
        return make_error(parse_errc::oversized, "control message of " +
                                                     std::to_string(text.size()) +
                                                     " bytes exceeds " +
                                                     std::to_string(max_control_size));
    if (nests_deeper_than(text, max_control_depth))
        return make_error(parse_errc::malformed, "control message nests deeper than " +
                                                     std::to_string(max_control_depth) + " levels");
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return make_error(parse_errc::malformed, "control message is not valid JSON");
    if (!j.is_object())
        return make_error(parse_errc::malformed, "control message is not a JSON object");
    auto type = j.find("type");
    if (type == j.end() || !type->is_string())
        return make_error(parse_errc::malformed, "control message has no \"type\" string");
    try {
        return from_json_by_type(type->get_ref<const std::string&>(), j);
    } catch (const field_error& e) {
        return make_error(e.code, e.what);
    } catch (const json::exception& e) {
        return make_error(parse_errc::malformed, e.what());
    }
}

std::string serialize(const control_message& message) {
    return std::visit(
        [](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            json j = json::object();
            j["type"] = codec<T>::name;
            codec<T>::to(j, m);
            return j.dump(-1, ' ', false, json::error_handler_t::replace);
        },
        message);
}

bool booth_only(const control_message& message) {
    return std::holds_alternative<handover>(message) || std::holds_alternative<cough>(message) ||
           std::holds_alternative<source_select>(message) || std::holds_alternative<output_select>(message) ||
           std::holds_alternative<slow_down>(message) || std::holds_alternative<chat>(message);
}

std::string_view type_name(const control_message& message) {
    return std::visit([](const auto& m) { return codec<std::decay_t<decltype(m)>>::name; },
                      message);
}

}  // namespace tolk::protocol
