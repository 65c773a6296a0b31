#pragma once
// The alarm engine's conditions, one pure function each: the text to raise with when the
// condition holds, nullopt when it does not.  Hysteresis in time lives in the engine; the
// level hysteresis of continuous figures (`active`: already raised) lives here.

#include "server/monitor/alarm_engine.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tolk::monitor {

std::optional<std::string> silence_condition(time_point now, const channel_input& in,
                                             const alarm_thresholds& th);
std::optional<std::string> clipping_condition(const channel_input& in, const alarm_thresholds& th,
                                              std::uint64_t clipped_in_window);
std::optional<std::string> loudness_condition(const channel_input& in, const alarm_thresholds& th,
                                              std::optional<double> reference_lufs, bool active);
std::optional<std::string> jitter_condition(const channel_input& in, const alarm_thresholds& th,
                                            bool active);
std::optional<std::string> gaps_condition(const channel_input& in, const alarm_thresholds& th,
                                          std::uint64_t missing_in_window);
std::optional<std::string> disconnected_condition(const channel_input& in);
std::optional<std::string> concealment_condition(const channel_input& in,
                                                 const alarm_thresholds& th);

// Per channel (same order as `channels`): its integrated loudness when it is on air and has
// enough audio to compare, else nullopt.
std::vector<std::optional<double>> comparable_loudness(std::span<const channel_input> channels,
                                                       const alarm_thresholds& th);
// The median loudness of the comparable channels other than `index`; nullopt when there are
// none (or `index` itself is not comparable).
std::optional<double> loudness_reference(const std::vector<std::optional<double>>& loudness,
                                         std::size_t index);

}  // namespace tolk::monitor
