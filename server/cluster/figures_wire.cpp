#include "server/cluster/figures_wire.hpp"

#include "codec/level_meter.hpp"

#include <cmath>

namespace tolk::cluster {

using json = nlohmann::json;

namespace {

// Figures as the console shows them: two decimals are plenty and keep the status short.
double rounded(double x) { return std::isfinite(x) ? std::round(x * 100) / 100 : x; }
json maybe(const std::optional<double>& x) { return x ? json(rounded(*x)) : json(nullptr); }

// Largest counter believed: 2^53 (exact in a double, over a million years of frames).
constexpr std::uint64_t max_count = std::uint64_t{1} << 53;
// Level and loudness bounds: decoded Opus may overshoot full scale a little, never by 40 dB.
constexpr double max_dbfs = 40;
constexpr double min_lufs = -200;
constexpr double max_seconds = 1e7;  // ~115 days of audio or silence
constexpr double max_bitrate = 1e7;
constexpr double max_jitter_ms = 600'000;
constexpr double max_median_ms = 600'000;  // a listener's delay or latency
constexpr std::uint32_t max_reporting = 1'000'000;

// Reads one object's fields; any field missing, mistyped or out of range marks it not ok.
class checked {
public:
    explicit checked(const json& j) : j_(j), ok_(j.is_object()) {}
    bool ok() const { return ok_; }

    double number(const char* key, double lo, double hi) {
        const auto x = maybe_number(key, lo, hi);
        if (!x)
            ok_ = false;
        return x.value_or(0);
    }
    // null: none; a number: in range.
    std::optional<double> maybe_number(const char* key, double lo, double hi) {
        const auto* v = field(key);
        if (!v || v->is_null())
            return std::nullopt;
        const double x = v->is_number() ? v->get<double>() : NAN;
        if (!std::isfinite(x) || x < lo || x > hi) {
            ok_ = false;
            return std::nullopt;
        }
        return x;
    }
    std::uint64_t count(const char* key, std::uint64_t max = max_count) {
        const auto* v = field(key);
        if (!v || !v->is_number_unsigned() || v->get<std::uint64_t>() > max) {
            ok_ = false;
            return 0;
        }
        return v->get<std::uint64_t>();
    }
    bool flag(const char* key) {
        const auto* v = field(key);
        if (!v || !v->is_boolean()) {
            ok_ = false;
            return false;
        }
        return v->get<bool>();
    }
    std::string text(const char* key) {
        const auto* v = field(key);
        if (!v || !v->is_string() || v->get_ref<const std::string&>().size() > max_name_bytes) {
            ok_ = false;
            return {};
        }
        return v->get<std::string>();
    }
    const json* field(const char* key) {
        if (!ok_)
            return nullptr;
        const auto it = j_.find(key);
        if (it == j_.end()) {
            ok_ = false;
            return nullptr;
        }
        return &*it;
    }

private:
    const json& j_;
    bool ok_;
};

json booth_json(const server::booth_figures& b) {
    json alarms = json::array();
    for (const auto kind : b.alarms)
        alarms.push_back(monitor::to_string(kind));
    const auto& a = b.audio;
    const auto& l = b.link;
    return {{"name", b.name.substr(0, max_name_bytes)}, {"addr", b.address.substr(0, max_name_bytes)},
            {"peak", rounded(a.peak_dbfs)}, {"rms", rounded(a.rms_dbfs)},
            {"lufs_m", maybe(a.momentary_lufs)}, {"lufs_s", maybe(a.short_term_lufs)}, {"lufs_i", maybe(a.integrated_lufs)},
            {"clip", a.clipped_samples}, {"clip_total", b.clipped_samples_total},
            {"bw_hz", rounded(a.bandwidth_hz)}, {"narrow", a.narrow_band}, {"silence_s", rounded(a.silence_seconds)},
            {"bps", rounded(a.bitrate_bps)}, {"audio_s", rounded(a.audio_seconds)},
            {"jitter_ms", rounded(l.jitter_ms)}, {"frames", l.frames}, {"missing", l.frames_missing}, {"gaps", l.gaps},
            {"late", l.frames_late}, {"reconnects", l.reconnects}, {"alarms", std::move(alarms)}};
}

std::optional<monitor::alarm_kind> alarm_named(const json& name) {
    for (std::size_t k = 0; k < monitor::alarm_kind_count; ++k)
        if (name.is_string() && name.get_ref<const std::string&>() == monitor::to_string(monitor::alarm_kind(k)))
            return monitor::alarm_kind(k);
    return std::nullopt;
}

std::optional<server::booth_figures> booth_from(const json& j) {
    checked c(j);
    server::booth_figures b;
    b.name = c.text("name");
    b.address = c.text("addr");
    auto& a = b.audio;
    a.peak_dbfs = c.number("peak", codec::level_floor_dbfs, max_dbfs);
    a.rms_dbfs = c.number("rms", codec::level_floor_dbfs, max_dbfs);
    a.momentary_lufs = c.maybe_number("lufs_m", min_lufs, max_dbfs);
    a.short_term_lufs = c.maybe_number("lufs_s", min_lufs, max_dbfs);
    a.integrated_lufs = c.maybe_number("lufs_i", min_lufs, max_dbfs);
    a.clipped_samples = c.count("clip");
    b.clipped_samples_total = c.count("clip_total");
    a.bandwidth_hz = c.number("bw_hz", 0, 48000);
    a.narrow_band = c.flag("narrow");
    a.silence_seconds = c.number("silence_s", 0, max_seconds);
    a.bitrate_bps = c.number("bps", 0, max_bitrate);
    a.audio_seconds = c.number("audio_s", 0, max_seconds);
    auto& l = b.link;
    l.jitter_ms = c.number("jitter_ms", 0, max_jitter_ms);
    l.frames = c.count("frames");
    l.frames_missing = c.count("missing");
    l.gaps = c.count("gaps");
    l.frames_late = c.count("late");
    l.reconnects = c.count("reconnects");
    const auto* alarms = c.field("alarms");
    if (!c.ok() || !alarms->is_array() || alarms->size() > monitor::alarm_kind_count)
        return std::nullopt;
    for (const auto& name : *alarms) {
        const auto kind = alarm_named(name);
        if (!kind)
            return std::nullopt;
        b.alarms.push_back(*kind);
    }
    if (b.clipped_samples_total < a.clipped_samples || l.gaps > l.frames_missing)
        return std::nullopt;  // figures that contradict each other are not believed either
    return b;
}

json heard_json(const monitor::listener_summary& h) {
    return {{"n", h.reporting},
            {"delay_p50", maybe(h.delay_ms_p50)}, {"delay_p95", maybe(h.delay_ms_p95)},
            {"lat_p50", maybe(h.latency_ms_p50)}, {"lat_p95", maybe(h.latency_ms_p95)},
            {"conc_share", rounded(h.concealed_share)}, {"concealing", h.concealing},
            {"interruptions", h.interruptions}};
}

// Bounds are the ones a node's own aggregator clamps its listeners' reports to.
std::optional<monitor::listener_summary> heard_from(const json& j) {
    const monitor::listener_limits limits;
    checked c(j);
    monitor::listener_summary h;
    h.reporting = static_cast<std::uint32_t>(c.count("n", max_reporting));
    h.delay_ms_p50 = c.maybe_number("delay_p50", 0, limits.max_delay_ms);
    h.delay_ms_p95 = c.maybe_number("delay_p95", 0, limits.max_delay_ms);
    h.latency_ms_p50 = c.maybe_number("lat_p50", 0, limits.max_latency_ms);
    h.latency_ms_p95 = c.maybe_number("lat_p95", 0, limits.max_latency_ms);
    h.concealed_share = c.number("conc_share", 0, 1);
    h.concealing = static_cast<std::uint32_t>(c.count("concealing", max_reporting));
    h.interruptions = c.count("interruptions");
    const auto ordered = [](const std::optional<double>& p50, const std::optional<double>& p95) {
        return p50.has_value() == p95.has_value() && (!p50 || *p50 <= *p95);
    };
    if (!c.ok() || h.reporting == 0 || h.concealing > h.reporting || !ordered(h.delay_ms_p50, h.delay_ms_p95) ||
        !ordered(h.latency_ms_p50, h.latency_ms_p95))
        return std::nullopt;
    return h;
}

}  // namespace

json heard_to_json(const server::heard_summary& h) {
    return {{"reporting", h.reporting}, {"delay_ms_median", h.delay_ms_median},
            {"latency_ms_median", h.latency_ms_median}, {"concealed_ratio_mean", h.concealed_ratio_mean},
            {"interruptions", h.interruptions}};
}

server::heard_summary heard_from_json(const json& j, std::uint32_t& refused) {
    checked c(j);
    server::heard_summary h;
    h.reporting = static_cast<std::uint32_t>(c.count("reporting", max_reporting));
    h.delay_ms_median = c.number("delay_ms_median", 0, max_median_ms);
    h.latency_ms_median = c.number("latency_ms_median", -1, max_median_ms);  // -1: not known
    h.concealed_ratio_mean = c.number("concealed_ratio_mean", 0, 1);
    h.interruptions = c.count("interruptions");
    if (!c.ok()) {
        ++refused;
        return {};
    }
    return h;
}

json figures_to_json(const server::channel_figures& f) {
    json j = json::object();
    if (f.booth)
        j["booth"] = booth_json(*f.booth);
    if (f.heard && f.heard->reporting > 0)
        j["heard"] = heard_json(*f.heard);
    return j;
}

server::channel_figures figures_from_json(const json& j, std::uint32_t& refused) {
    server::channel_figures f;
    if (!j.is_object()) {
        ++refused;
        return f;
    }
    try {
        if (const auto b = j.find("booth"); b != j.end() && !(f.booth = booth_from(*b)))
            ++refused;
        if (const auto h = j.find("heard"); h != j.end() && !(f.heard = heard_from(*h)))
            ++refused;
    } catch (const json::exception&) {  // cannot happen after the type checks; never trust that
        ++refused;
        return {};
    }
    return f;
}

}  // namespace tolk::cluster
