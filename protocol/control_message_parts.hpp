#pragma once
// control_message's own parts, shared by its two sources (control_message.cpp: connection,
// channel and listener messages, parsing and serializing; control_message_booth.cpp: the booth
// console's messages). Not for anyone else: see control_message.hpp.

#include "protocol/control_message.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <initializer_list>

namespace tolk::protocol::detail {

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
TOLK_CONTROL_TYPE(floor_language, "floor_language")
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

[[noreturn]] inline void out_of_range(const char* key, double lo, double hi) {
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
inline std::int64_t get_us(const json& j, const char* key) {
    return get_int<std::int64_t>(j, key, -max_exact, max_exact);
}
inline std::int64_t get_us_or(const json& j, const char* key, std::int64_t fallback) {
    return j.contains(key) ? get_us(j, key) : fallback;
}

// A real-valued field within [lo, hi] (no JSON number is NaN; 1e400 reads as infinity).
inline double get_real_or(const json& j, const char* key, double fallback, double lo, double hi) {
    if (!j.contains(key))
        return fallback;
    const double d = get<double>(j, key);
    if (!(d >= lo && d <= hi))
        out_of_range(key, lo, hi);
    return d;
}

// A string field of 1 to `max` bytes.
std::string get_text(const json& j, const char* key, std::size_t max);
// A string field that must be one of `allowed`.
std::string get_choice(const json& j, const char* key, std::initializer_list<std::string_view> allowed);

}  // namespace tolk::protocol::detail
