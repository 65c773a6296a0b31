#include "codec/playout_profile.hpp"

namespace tolk::codec {

std::string_view name_of(playout_profile profile) {
    switch (profile) {
    case playout_profile::listener:
        return "listener";
    case playout_profile::return_feed:
        return "return";
    case playout_profile::monitor:
        return "monitor";
    }
    return "listener";
}

std::optional<playout_profile> parse_profile(std::string_view name) {
    for (auto p : {playout_profile::listener, playout_profile::return_feed, playout_profile::monitor}) {
        if (name == name_of(p)) {
            return p;
        }
    }
    return std::nullopt;
}

jitter_buffer_options profile_options(playout_profile profile) {
    jitter_buffer_options o;  // the defaults are the listener's
    switch (profile) {
    case playout_profile::listener:
        break;
    case playout_profile::return_feed:
        // A speaker on the floor hears this in the booth: every millisecond counts, and a LAN
        // does not stall.  Peaks are not chased; the quantile alone sets the target.
        o.max_delay_ms = 150;
        o.quantile = 0.95;
        o.history_ms = 30000;
        o.guard_ms = 1.5;
        o.level_filter_ms = 300;
        o.hysteresis_ms = 2.5;  // each ms above target is heard late in the booth ...
        o.trim_in_pauses = false;  // ... so it is cut in speech too, at once
        o.fast_accelerate_ms = 40;
        o.peaks.enabled = false;
        o.stall_stretch = 0;  // the lowest delay: nothing to drain after a stall
        break;
    case playout_profile::monitor:
        o.max_delay_ms = 300;
        o.hysteresis_ms = 8;
        o.fast_accelerate_ms = 40;  // a technician listening in hears a lag sooner than a pause
        o.peaks.ceiling_ms = 200;
        break;
    }
    return o;
}

std::optional<jitter_buffer_options> profile_options(std::string_view name) {
    const auto profile = parse_profile(name);
    if (!profile) {
        return std::nullopt;
    }
    return profile_options(*profile);
}

}  // namespace tolk::codec
