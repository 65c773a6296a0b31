#include "protocol/control_message.hpp"
#include "protocol/control_message_parts.hpp"

namespace tolk::protocol {
namespace detail {
namespace {

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

}  // namespace

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

}  // namespace detail

using namespace detail;

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

std::string_view type_name(const control_message& message) {
    return std::visit([](const auto& m) { return codec<std::decay_t<decltype(m)>>::name; },
                      message);
}

}  // namespace tolk::protocol
