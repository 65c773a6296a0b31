#include "server/tech_api.hpp"

#include "server/channel_watch.hpp"
#include "server/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace tolk::server {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

std::int64_t unix_ms(monitor::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json alarm_json(const monitor::alarm& a) {
    return {{"kind", monitor::to_string(a.kind)},
            {"channel", a.channel},
            {"text", a.text},
            {"raised_ms", unix_ms(a.raised)},
            {"cleared_ms", a.cleared ? json(unix_ms(*a.cleared)) : json(nullptr)}};
}

json audio_json(const monitor::channel_snapshot& a, std::uint64_t clipped_total) {
    return {{"peak_dbfs", a.peak_dbfs},
            {"rms_dbfs", a.rms_dbfs},
            {"momentary_lufs", optional_number(a.momentary_lufs)},
            {"short_term_lufs", optional_number(a.short_term_lufs)},
            {"integrated_lufs", optional_number(a.integrated_lufs)},
            {"clipped_samples", a.clipped_samples},
            {"clipped_samples_total", clipped_total},
            {"bandwidth_hz", a.bandwidth_hz},
            {"narrow_band", a.narrow_band},
            {"silence_seconds", a.silence_seconds},
            {"bitrate_bps", a.bitrate_bps},
            {"audio_seconds", a.audio_seconds}};
}

json link_json(const monitor::link_snapshot& l) {
    return {{"jitter_ms", l.jitter_ms},
            {"frames", l.frames},
            {"frames_missing", l.frames_missing},
            {"gaps", l.gaps},
            {"frames_late", l.frames_late},
            {"reconnects", l.reconnects}};
}

// One node's listeners' percentiles. Not merged across nodes (deploy/README.md, "Several
// nodes"): a percentile of every listener cannot be made from each node's percentiles, and a
// technician needs to see which node's listeners hear badly; so each node's are labelled.
json heard_json(const monitor::listener_summary& h, const std::string& node) {
    return {{"node", node.empty() ? json(nullptr) : json(node)},
            {"reporting", h.reporting},
            {"delay_ms_p50", optional_number(h.delay_ms_p50)},
            {"delay_ms_p95", optional_number(h.delay_ms_p95)},
            {"latency_ms_p50", optional_number(h.latency_ms_p50)},
            {"latency_ms_p95", optional_number(h.latency_ms_p95)},
            {"concealed_share", h.concealed_share},
            {"concealing", h.concealing},
            {"interruptions", h.interruptions}};
}

json channel_json(const tech_channel& c, const std::vector<monitor::alarm>& active, const std::string& node) {
    json alarms = json::array();
    for (const auto& a : active)
        if (a.channel == c.id)
            alarms.push_back(monitor::to_string(a.kind));
    json heard_elsewhere = json::array();
    for (const auto& n : c.heard_elsewhere) {
        auto h = heard_json(*n.figures.heard, n.node);
        h["age_ms"] = n.age.count();
        heard_elsewhere.push_back(std::move(h));
    }
    json j{{"id", c.id},
           {"language", c.language},
           {"label", c.label},
           {"on_air", c.on_air},
           {"booth", c.booth},
           {"booth_name", c.booth_name},
           {"booth_address", c.booth_address},
           {"listeners", c.listeners},
           {"recorded", c.recorded},
           {"alarms", alarms},
           {"audio", audio_json(c.audio, c.clipped_samples_total)},
           {"link", link_json(c.link)},
           {"figures_from", nullptr},
           {"heard", heard_json(c.heard, node)},
           {"heard_elsewhere", std::move(heard_elsewhere)}};
    if (c.booth_elsewhere) {  // the booth is connected to another node: its figures, said so
        const auto& b = *c.booth_elsewhere->figures.booth;
        j["figures_from"] = c.booth_elsewhere->node;
        j["figures_age_ms"] = c.booth_elsewhere->age.count();
        j["booth_name"] = b.name;
        j["booth_address"] = b.address;
        j["audio"] = audio_json(b.audio, b.clipped_samples_total);
        j["link"] = link_json(b.link);
        for (const auto kind : b.alarms)
            if (const json name = std::string(monitor::to_string(kind)); std::find(alarms.begin(), alarms.end(), name) == alarms.end())
                alarms.push_back(name);
        j["alarms"] = std::move(alarms);
    }
    return j;
}

json server_json(const server_figures& f) {
    return {{"uptime_s", f.uptime_seconds},
            {"cpu_ratio", f.cpu_ratio},
            {"memory_bytes", f.memory_bytes},
            {"connections", f.connections},
            {"frames_in_per_s", f.frames_in_per_second},
            {"frames_out_per_s", f.frames_out_per_second},
            {"frames_in", f.frames_in},
            {"frames_out", f.frames_out},
            {"frames_dropped", f.frames_dropped},
            {"listener_resyncs", f.listener_resyncs}};
}

json recording_json(const tech_state& st) {
    const auto& r = st.recording;
    const char* state = r.state == monitor::recorder_state::failing     ? "failing"
                        : r.state == monitor::recorder_state::recording ? "recording"
                                                                        : "idle";
    json files = json::array();
    for (const auto& f : r.open_files)
        files.push_back(f.filename().string());
    return {{"enabled", st.recording_enabled},
            {"state", state},
            {"error", r.error},
            {"packets_written", r.packets_written},
            {"packets_dropped", r.packets_dropped},
            {"packets_lost", r.packets_lost},
            {"files_opened", r.files_opened},
            {"open_files", std::move(files)}};
}

}  // namespace

json tech_json(const tech_state& st) {
    json channels = json::array();
    for (const auto& c : st.channels)
        channels.push_back(channel_json(c, st.active, st.node));
    json active = json::array(), cleared = json::array(), events = json::array();
    for (const auto& a : st.active)
        active.push_back(alarm_json(a));
    for (const auto& a : st.cleared)
        cleared.push_back(alarm_json(a));
    for (const auto& e : st.events)
        events.push_back({{"id", e.id},
                          {"at_ms", unix_ms(e.at)},
                          {"kind", monitor::to_string(e.kind)},
                          {"channel", e.channel},
                          {"text", e.text}});
    return {{"event", st.event},
            {"node", st.node.empty() ? json(nullptr) : json(st.node)},
            {"at_ms", unix_ms(st.at)},
            {"channels", std::move(channels)},
            {"alarms", std::move(active)},
            {"cleared_alarms", std::move(cleared)},
            {"events", std::move(events)},
            {"server", server_json(st.server)},
            {"recording", recording_json(st)}};
}

path_scope scope_of(std::string_view path) {
    if (path == "/metrics")
        return path_scope::metrics;
    if (path == "/api/tech" || path == "/api/tech/listener_token" || path == "/ws/tech" || path == "/status" ||
        path == "/join" || path == "/api/tech/booths" || path == "/api/tech/booths/handover" || path == "/api/tech/floor")
        return path_scope::technician;
    return path_scope::open;
}

namespace {

asio::awaitable<void> drain_reads(std::shared_ptr<ws_stream> ws) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        auto [ec, n] = co_await ws->read(buffer);
        if (ec)
            co_return;
        buffer.consume(n);
    }
}

asio::awaitable<void> run_feed(std::shared_ptr<ws_stream> ws, http_request request,
                               channel_watch& watch) {
    ws->configure(4096, std::chrono::seconds(10), std::chrono::seconds(30));
    auto [ec] = co_await ws->accept(request);
    if (ec)
        co_return;
    auto open = std::make_shared<bool>(true);
    asio::co_spawn(ws->get_executor(), drain_reads(ws), [open](std::exception_ptr) { *open = false; });
    asio::steady_timer timer(ws->get_executor());
    while (*open && !watch.stopped()) {
        const auto text = watch.state_json();
        auto [wec, wn] = co_await ws->write(asio::buffer(*text), true);
        if (wec)
            co_return;
        timer.expires_after(std::chrono::milliseconds(250));
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (*open)
        co_await ws->close(boost::beast::websocket::close_reason(
            boost::beast::websocket::close_code::going_away, "server stopping"));
}

}  // namespace

void start_tech_feed(any_stream&& stream, http_request request, channel_watch& watch) {
    auto ws = std::make_shared<ws_stream>(std::move(stream));
    const auto executor = ws->get_executor();
    asio::co_spawn(executor, run_feed(std::move(ws), std::move(request), watch),
                   log_exception(log("tech"), "technician feed"));
}

}  // namespace tolk::server
