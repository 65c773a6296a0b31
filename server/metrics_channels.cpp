// The per-channel part of /metrics, from the latest tech_state (Prometheus text format 0.0.4:
// base units, _total for counters, one HELP and TYPE per family).
#include "server/tech_api.hpp"

#include <cmath>
#include <cstdio>
#include <functional>

namespace tolk::server {
namespace {

std::string number(double v) {
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string escape_label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

struct family_writer {
    std::string& out;

    void header(const char* name, const char* type, const char* help) {
        out += "# HELP ";
        out += name;
        out += ' ';
        out += help;
        out += "\n# TYPE ";
        out += name;
        out += ' ';
        out += type;
        out += '\n';
    }
    void sample(const char* name, const std::string& labels, double v) {
        out += name;
        out += '{';
        out += labels;
        out += "} ";
        out += number(v);
        out += '\n';
    }
    // One family with one sample per channel (skipped where `value` gives nullopt).
    void per_channel(const tech_state& st, const char* name, const char* type, const char* help,
                     const std::function<std::optional<double>(const tech_channel&)>& value,
                     const std::string& extra_label = {}) {
        header(name, type, help);
        for (const auto& c : st.channels)
            if (auto v = value(c))
                sample(name, "channel=\"" + escape_label(c.id) + "\"" + extra_label, *v);
    }
};

void audio_families(family_writer& w, const tech_state& st) {
    using opt = std::optional<double>;
    w.per_channel(st, "tolk_channel_peak_dbfs", "gauge", "input peak level over the last 300 ms (dBFS)",
                  [](const tech_channel& c) -> opt { return c.audio.peak_dbfs; });
    w.per_channel(st, "tolk_channel_rms_dbfs", "gauge", "input RMS level over the last 300 ms (dBFS)",
                  [](const tech_channel& c) -> opt { return c.audio.rms_dbfs; });
    w.header("tolk_channel_loudness_lufs", "gauge", "EBU R128 loudness (LUFS) by window");
    for (const auto& c : st.channels) {
        const auto ch = "channel=\"" + escape_label(c.id) + "\"";
        if (c.audio.momentary_lufs)
            w.sample("tolk_channel_loudness_lufs", ch + ",window=\"momentary\"", *c.audio.momentary_lufs);
        if (c.audio.short_term_lufs)
            w.sample("tolk_channel_loudness_lufs", ch + ",window=\"short_term\"", *c.audio.short_term_lufs);
        if (c.audio.integrated_lufs)
            w.sample("tolk_channel_loudness_lufs", ch + ",window=\"integrated\"", *c.audio.integrated_lufs);
    }
    w.per_channel(st, "tolk_channel_clipped_samples_total", "counter", "clipped input samples",
                  [](const tech_channel& c) -> opt { return static_cast<double>(c.clipped_samples_total); });
    w.per_channel(st, "tolk_channel_corrupt_packets_total", "counter", "published packets the decoder refused",
                  [](const tech_channel& c) -> opt { return static_cast<double>(c.corrupt_packets_total); });
    w.per_channel(st, "tolk_channel_bandwidth_hz", "gauge", "estimated audio bandwidth (0 while unknown)",
                  [](const tech_channel& c) -> opt { return c.audio.bandwidth_hz; });
    w.per_channel(st, "tolk_channel_silence_seconds", "gauge", "continuous silence on the input up to now",
                  [](const tech_channel& c) -> opt { return c.audio.silence_seconds; });
    w.per_channel(st, "tolk_channel_bitrate_bps", "gauge", "Opus bitrate over the last second (bits/s)",
                  [](const tech_channel& c) -> opt { return c.audio.bitrate_bps; });
    w.per_channel(st, "tolk_channel_recorded", "gauge", "1 when the channel is recorded",
                  [](const tech_channel& c) -> opt { return c.recorded ? 1.0 : 0.0; });
}

void link_families(family_writer& w, const tech_state& st) {
    using opt = std::optional<double>;
    w.per_channel(st, "tolk_booth_link_jitter_seconds", "gauge", "booth link interarrival jitter (RFC 3550)",
                  [](const tech_channel& c) -> opt { return c.link.jitter_ms / 1000; });
    w.per_channel(st, "tolk_booth_link_frames_total", "counter", "booth frames received",
                  [](const tech_channel& c) -> opt { return static_cast<double>(c.link.frames); });
    w.per_channel(st, "tolk_booth_link_frames_missing_total", "counter", "booth frames missing (sequence gaps)",
                  [](const tech_channel& c) -> opt { return static_cast<double>(c.link.frames_missing); });
    w.per_channel(st, "tolk_booth_link_frames_late_total", "counter", "booth frames late or repeated",
                  [](const tech_channel& c) -> opt { return static_cast<double>(c.link.frames_late); });
    w.per_channel(st, "tolk_booth_link_reconnects_total", "counter", "booth reconnects and new sources",
                  [](const tech_channel& c) -> opt { return static_cast<double>(c.link.reconnects); });
}

void quantiles(family_writer& w, const tech_state& st, const char* name, const char* help,
               std::optional<double> listener_summary_p50(const tech_channel&),
               std::optional<double> listener_summary_p95(const tech_channel&)) {
    w.header(name, "gauge", help);
    for (const auto& c : st.channels) {
        const auto ch = "channel=\"" + escape_label(c.id) + "\"";
        if (auto v = listener_summary_p50(c))
            w.sample(name, ch + ",quantile=\"0.5\"", *v / 1000);
        if (auto v = listener_summary_p95(c))
            w.sample(name, ch + ",quantile=\"0.95\"", *v / 1000);
    }
}

void listener_families(family_writer& w, const tech_state& st) {
    using opt = std::optional<double>;
    w.per_channel(st, "tolk_listeners_reporting", "gauge", "listeners with a fresh stats report",
                  [](const tech_channel& c) -> opt { return c.heard.reporting; });
    quantiles(w, st, "tolk_listener_delay_seconds", "listeners' jitter buffer delay across listeners",
              [](const tech_channel& c) { return c.heard.delay_ms_p50; },
              [](const tech_channel& c) { return c.heard.delay_ms_p95; });
    quantiles(w, st, "tolk_listener_latency_seconds", "listeners' capture-to-playout latency across listeners",
              [](const tech_channel& c) { return c.heard.latency_ms_p50; },
              [](const tech_channel& c) { return c.heard.latency_ms_p95; });
    w.per_channel(st, "tolk_listener_concealing_ratio", "gauge",
                  "share of reporting listeners concealing above the threshold",
                  [](const tech_channel& c) -> opt { return c.heard.concealed_share; });
    w.per_channel(st, "tolk_listener_interruptions_total", "counter", "playout interruptions listeners reported",
                  [](const tech_channel& c) -> opt { return static_cast<double>(c.heard.interruptions); });
}

void alarm_families(family_writer& w, const tech_state& st) {
    w.header("tolk_alarm_active", "gauge", "1 while an alarm of this kind is raised");
    for (std::size_t k = 0; k < monitor::alarm_kind_count; ++k) {
        const auto kind = static_cast<monitor::alarm_kind>(k);
        const std::string kind_label = ",kind=\"" + std::string(monitor::to_string(kind)) + "\"";
        if (kind == monitor::alarm_kind::recording_failing) {
            bool on = false;
            for (const auto& a : st.active)
                on = on || a.kind == kind;
            w.sample("tolk_alarm_active", "channel=\"\"" + kind_label, on ? 1 : 0);
            continue;
        }
        for (const auto& c : st.channels) {
            bool on = false;
            for (const auto& a : st.active)
                on = on || (a.kind == kind && a.channel == c.id);
            w.sample("tolk_alarm_active", "channel=\"" + escape_label(c.id) + "\"" + kind_label, on ? 1 : 0);
        }
    }
}

void recorder_families(family_writer& w, const tech_state& st) {
    auto counter = [&](const char* name, const char* help, std::uint64_t v) {
        w.header(name, "counter", help);
        w.out += name;
        w.out += ' ' + std::to_string(v) + '\n';
    };
    const auto& r = st.recording;
    counter("tolk_recorder_packets_written_total", "packets written to recordings", r.packets_written);
    counter("tolk_recorder_packets_dropped_total", "packets dropped: the recorder's queue was full", r.packets_dropped);
    counter("tolk_recorder_packets_lost_total", "packets lost: their recording had failed", r.packets_lost);
    counter("tolk_recorder_files_opened_total", "recording files opened", r.files_opened);
}

void server_families(family_writer& w, const tech_state& st) {
    auto gauge = [&](const char* name, const char* help, double v) {
        w.header(name, "gauge", help);
        w.out += name;
        w.out += ' ' + number(v) + '\n';
    };
    gauge("tolk_process_cpu_ratio", "CPU time per wall-clock second over the last second", st.server.cpu_ratio);
    gauge("tolk_process_resident_memory_bytes", "resident memory", static_cast<double>(st.server.memory_bytes));
}

}  // namespace

std::string channel_metrics(const tech_state& st) {
    std::string out;
    family_writer w{out};
    audio_families(w, st);
    link_families(w, st);
    listener_families(w, st);
    alarm_families(w, st);
    recorder_families(w, st);
    server_families(w, st);
    return out;
}

}  // namespace tolk::server
