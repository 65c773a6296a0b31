#include "server/monitor/alarm_conditions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tolk::monitor {
namespace {

std::string channel_name(const channel_input& in) { return "Channel " + in.channel + ": "; }

std::string fixed(double value, int decimals) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

}  // namespace

std::optional<std::string> silence_condition(time_point now, const channel_input& in,
                                             const alarm_thresholds& th) {
    if (!in.on_air) {
        return std::nullopt;
    }
    // A booth that stopped sending while still on air is silent too.
    if (in.last_frame && seconds_between(*in.last_frame, now) >= th.silence_seconds) {
        return channel_name(in) + "on air but no audio from the booth for " +
               fixed(seconds_between(*in.last_frame, now), 0) + " s";
    }
    if (!in.audio || in.audio->silence_seconds < th.silence_seconds) {
        return std::nullopt;
    }
    return channel_name(in) + "on air but silent for " + fixed(in.audio->silence_seconds, 0) +
           " s (check the booth microphone)";
}

std::optional<std::string> clipping_condition(const channel_input& in, const alarm_thresholds& th,
                                              std::uint64_t clipped_in_window) {
    if (!in.audio || clipped_in_window <= th.clipped_samples) {
        return std::nullopt;
    }
    return channel_name(in) + "clipping: " + std::to_string(clipped_in_window) +
           " clipped samples in " + fixed(th.clipping_window_seconds, 0) +
           " s (turn the booth input down)";
}

std::optional<std::string> loudness_condition(const channel_input& in, const alarm_thresholds& th,
                                              std::optional<double> reference_lufs, bool active) {
    if (!reference_lufs || !in.audio || !in.audio->integrated_lufs) {
        return std::nullopt;
    }
    const double difference = *in.audio->integrated_lufs - *reference_lufs;
    if (std::fabs(difference) <= (active ? th.loudness_clear_lu : th.loudness_lu)) {
        return std::nullopt;
    }
    return channel_name(in) + fixed(std::fabs(difference), 1) + " LU " +
           (difference < 0 ? "quieter" : "louder") + " than the other channels (" +
           fixed(*in.audio->integrated_lufs, 1) + " LUFS against " + fixed(*reference_lufs, 1) +
           ")";
}

std::optional<std::string> jitter_condition(const channel_input& in, const alarm_thresholds& th,
                                            bool active) {
    if (!in.on_air || !in.link ||
        in.link->jitter_ms <= (active ? th.jitter_clear_ms : th.jitter_ms)) {
        return std::nullopt;
    }
    return channel_name(in) + "booth link jitter " + fixed(in.link->jitter_ms, 0) +
           " ms (network between booth and server)";
}

std::optional<std::string> gaps_condition(const channel_input& in, const alarm_thresholds& th,
                                          std::uint64_t missing_in_window) {
    if (!in.link || missing_in_window < th.missing_frames) {
        return std::nullopt;
    }
    return channel_name(in) + std::to_string(missing_in_window) +
           " frames from the booth lost in " + fixed(th.missing_window_seconds, 0) + " s";
}

std::optional<std::string> disconnected_condition(const channel_input& in) {
    if (!in.booth_expected || in.booth_connected) {
        return std::nullopt;
    }
    return channel_name(in) + "booth disconnected without going off air";
}

std::optional<std::string> concealment_condition(const channel_input& in,
                                                 const alarm_thresholds& th) {
    if (!in.listeners || in.listeners->reporting < th.concealment_min_listeners ||
        in.listeners->concealed_share < th.concealed_share) {
        return std::nullopt;
    }
    return channel_name(in) + std::to_string(in.listeners->concealing) + " of " +
           std::to_string(in.listeners->reporting) + " listeners (" +
           fixed(in.listeners->concealed_share * 100, 0) + " %) hear dropouts";
}

std::vector<std::optional<double>> comparable_loudness(std::span<const channel_input> channels,
                                                       const alarm_thresholds& th) {
    std::vector<std::optional<double>> out;
    out.reserve(channels.size());
    for (const auto& in : channels) {
        const bool comparable = in.on_air && in.audio && in.audio->integrated_lufs &&
                                in.audio->audio_seconds >= th.loudness_min_seconds;
        out.push_back(comparable ? in.audio->integrated_lufs : std::nullopt);
    }
    return out;
}

std::optional<double> loudness_reference(const std::vector<std::optional<double>>& loudness,
                                         std::size_t index) {
    if (!loudness[index]) {
        return std::nullopt;
    }
    std::vector<double> others;
    for (std::size_t i = 0; i < loudness.size(); ++i) {
        if (i != index && loudness[i]) {
            others.push_back(*loudness[i]);
        }
    }
    if (others.empty()) {
        return std::nullopt;
    }
    std::sort(others.begin(), others.end());
    const std::size_t mid = others.size() / 2;
    return others.size() % 2 == 1 ? others[mid] : (others[mid - 1] + others[mid]) / 2;
}

}  // namespace tolk::monitor
