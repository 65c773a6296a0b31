#include "server/config_monitor.hpp"

namespace tolk::server {
namespace {

// A key present in `table` must be known and have the right type; a number must be >= 0.
struct table_reader {
    const toml::value& table;
    std::vector<std::string> known;

    template <class T>
    void read(const char* key, T& into) {
        known.emplace_back(key);
        if (!table.contains(key))
            return;
        const auto& v = table.at(key);
        if constexpr (std::is_same_v<T, double>)
            into = v.is_integer() ? static_cast<double>(v.as_integer()) : toml::get<double>(v);
        else
            into = toml::get<T>(v);
        if constexpr (std::is_arithmetic_v<T>)
            if (into < 0)
                fail_at(v, std::string("\"") + key + "\" must not be negative", "a number >= 0");
    }

    void check_unknown() const {
        for (const auto& [key, value] : table.as_table()) {
            if (std::find(known.begin(), known.end(), key) == known.end())
                fail_at(value, "unknown key \"" + key + "\"", "not a tolk setting (a typo?)");
        }
    }
};

void read_alarms(const toml::value& table, monitor::alarm_thresholds& a) {
    table_reader r{table, {}};
    r.read("silence_seconds", a.silence_seconds);
    r.read("clipped_samples", a.clipped_samples);
    r.read("clipping_window_seconds", a.clipping_window_seconds);
    r.read("loudness_lu", a.loudness_lu);
    r.read("loudness_clear_lu", a.loudness_clear_lu);
    r.read("loudness_min_seconds", a.loudness_min_seconds);
    r.read("loudness_raise_seconds", a.loudness_raise_seconds);
    r.read("jitter_ms", a.jitter_ms);
    r.read("jitter_clear_ms", a.jitter_clear_ms);
    r.read("jitter_raise_seconds", a.jitter_raise_seconds);
    r.read("missing_frames", a.missing_frames);
    r.read("missing_window_seconds", a.missing_window_seconds);
    r.read("booth_disconnected_seconds", a.booth_disconnected_seconds);
    r.read("concealed_share", a.concealed_share);
    r.read("concealment_min_listeners", a.concealment_min_listeners);
    r.read("concealment_raise_seconds", a.concealment_raise_seconds);
    r.read("clear_after_seconds", a.clear_after_seconds);
    r.check_unknown();
    if (a.concealed_share > 1)
        fail_at(table.at("concealed_share"), "\"concealed_share\" is a share", "within 0..1");
}

void read_recording(const toml::value& table, recording_config& rec) {
    table_reader r{table, {}};
    r.read("folder", rec.folder);
    r.read("channels", rec.channels);
    r.check_unknown();
}

}  // namespace

void read_monitor_config(const toml::value& root, server_config& config) {
    if (root.contains("alarms")) {
        const auto& t = root.at("alarms");
        if (!t.is_table())
            fail_at(t, "\"alarms\" must be a table", "write an [alarms] section");
        read_alarms(t, config.alarms);
    }
    if (root.contains("recording")) {
        const auto& t = root.at("recording");
        if (!t.is_table())
            fail_at(t, "\"recording\" must be a table", "write a [recording] section");
        read_recording(t, config.recording);
    }
}

}  // namespace tolk::server
