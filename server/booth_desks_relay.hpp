#pragma once
// Auto-relay (issue 12), decided here and nowhere else: what a booth should hear, given the
// floor's language and the event's [booths] works_from / pivot / pivots. booth_desks puts the
// answer in every console's booth_state (auto_source, auto_reason); the consoles (the browser's,
// tolk-booth) switch their source by themselves. Pure: no state, any thread.

#include "server/config.hpp"

#include <string>
#include <string_view>

namespace tolk::server {

struct auto_relay {
    std::string source;  // "" no suggestion, "floor", or the channel id to relay from
    std::string reason;  // short English text for the console ("floor is de; FR works from en, es")
};

// `booth`: the booth's name (?booth=NAME, else its token's name); `channel`: the channel it
// publishes; `floor_channel`: the floor's channel id ("" none in this event).
auto_relay decide_auto_relay(const booths_config& booths, const std::string& booth, std::string_view channel,
                             std::string_view floor_channel, std::string_view floor_language);

// Whether two language tags name one language: their primary subtags match, case aside
// ("en-GB" is "en").
bool same_language(std::string_view a, std::string_view b);

}  // namespace tolk::server
