#pragma once
// Playout profiles: one knob a user understands instead of a quantile.  Each is a named set of
// jitter_buffer_options, the same in the native clients and the wasm build:
//   listener  an attendee's phone or tolk-listen (the default): fewest interruptions, the
//             delay rising to cover recurring stalls up to about 400 ms (interpretation already
//             runs seconds behind the speaker; a dropout every few seconds is what one hears)
//   return    the booth console's floor return: the lowest delay that is still safe on a LAN
//   monitor   a technician's listen-in: between the two
// Pure data; any thread.

#include "codec/jitter_buffer.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace tolk::codec {

enum class playout_profile { listener, return_feed, monitor };

inline constexpr std::string_view default_profile_name = "listener";
inline constexpr std::array<std::string_view, 3> profile_names{"listener", "return", "monitor"};

std::string_view name_of(playout_profile profile);
std::optional<playout_profile> parse_profile(std::string_view name);
jitter_buffer_options profile_options(playout_profile profile);
// The options of the profile called `name`, or nullopt for an unknown name.
std::optional<jitter_buffer_options> profile_options(std::string_view name);

}  // namespace tolk::codec
