// listener: what it reports — the `stats` control message and the --stats JSON file.
#include "clients/common/log.hpp"
#include "clients/listen/listener.hpp"

#include <fstream>

namespace tolk::listen {
namespace {

nlohmann::json to_json(const codec::playout_stats& s) {
    return {{"frames_received", s.frames_received},
            {"frames_missing", s.frames_missing},
            {"frames_late", s.frames_late},
            {"frames_duplicate", s.frames_duplicate},
            {"samples_played", s.samples_played},
            {"concealed_samples", s.concealed_samples},
            {"concealment_events", s.concealment_events},
            {"inserted_samples_for_deceleration", s.inserted_samples_for_deceleration},
            {"removed_samples_for_acceleration", s.removed_samples_for_acceleration},
            {"time_scale_operations", s.time_scale_operations},
            {"time_scale_operations_in_pauses", s.time_scale_operations_in_pauses},
            {"interruptions", s.interruptions},
            {"interruption_duration_s", s.interruption_duration_s},
            {"concealments_under_40ms", s.concealments_under_40ms},
            {"concealments_40_to_150ms", s.concealments_40_to_150ms},
            {"concealments_over_150ms", s.concealments_over_150ms},
            {"discontinuities", s.discontinuities},
            {"jitter_buffer_delay_s", s.jitter_buffer_delay_s},
            {"jitter_buffer_emitted_count", s.jitter_buffer_emitted_count},
            {"current_delay_ms", s.current_delay_ms},
            {"target_delay_ms", s.target_delay_ms},
            {"drift_ppm", s.drift_ppm},
            {"peak_delay_ms", s.peak_delay_ms}};
}

double concealed_ratio(const codec::playout_stats& s) {
    return s.samples_played ? static_cast<double>(s.concealed_samples) / static_cast<double>(s.samples_played) : 0.0;
}

}  // namespace

protocol::listener_stats listener::stats_message() const {
    const codec::playout_stats s = playout_->stats();
    protocol::listener_stats m;
    m.channel = options_.channel;
    m.delay_ms = s.current_delay_ms;
    m.target_delay_ms = s.target_delay_ms;
    m.latency_ms = last_end_to_end_us_ >= 0 ? static_cast<double>(last_end_to_end_us_) / 1000.0 : -1.0;
    m.concealed_ratio = concealed_ratio(s);
    m.frames_received = sequence_.received();
    m.frames_missing = sequence_.missing();
    m.interruptions = s.interruptions;
    return m;
}

nlohmann::json listener::report() const {
    const codec::playout_stats s = playout_->stats();
    const auto& clock = connection_->clock();
    const double duration_s = static_cast<double>(player_.samples_written()) / 48000.0;
    return {
        {"channel", options_.channel},
        {"server", nodes_.current().authority()},  // the node in use at the end
        {"given_server", options_.server.authority()},
        {"node_switches", node_switches_},
        {"output", sink_->description()},
        {"playout_buffer", client::to_string(options_.playout)},
        {"playout_profile", options_.profile},
        {"duration_s", duration_s},
        {"frames_received", sequence_.received()},
        {"frames_missing", sequence_.missing()},
        {"frames_out_of_order", sequence_.out_of_order()},
        {"frames_concealed", s.concealment_events},
        {"concealed_samples", s.concealed_samples},
        {"concealed_ratio", concealed_ratio(s)},
        {"time_scale_operations", s.time_scale_operations},
        {"time_scale_operations_in_pauses", s.time_scale_operations_in_pauses},
        {"interruptions", s.interruptions},
        {"interruptions_per_10min",
         duration_s > 0 ? static_cast<double>(s.interruptions) * 600.0 / duration_s : 0.0},
        {"bad_frames", bad_frames_},
        {"frames_before_clock_sync", frames_before_clock_},
        {"resyncs", resyncs_},
        {"resync_dropped_frames", resync_dropped_},
        {"reconnects", reconnects_},
        {"delivery_latency", client::to_json(delivery_.summary())},
        {"end_to_end_latency", client::to_json(end_to_end_.summary())},
        {"clock", {{"valid", clock.valid()}, {"offset_us", clock.offset_us()}, {"rtt_us", clock.rtt_us()},
                   {"samples", clock.sample_count()}, {"channel_offset_us", channel_offset_us_}}},
        {"playout", to_json(s)},
        {"samples_written", player_.samples_written()},
        {"sink_dropped_samples", sink_->dropped_samples()},
    };
}

void listener::write_stats_file() const {
    if (options_.stats_path.empty())
        return;
    std::ofstream out(options_.stats_path, std::ios::trunc);
    out << report().dump(2) << '\n';
    if (!out)
        client::component_logger("listen")->error("cannot write {}", options_.stats_path);
}

}  // namespace tolk::listen
