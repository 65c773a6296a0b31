#include "clients/jbsim/buffer_spec.hpp"

#include "clients/jbsim/speex_playout_buffer.hpp"
#include "codec/fixed_delay_buffer.hpp"
#include "codec/jitter_buffer.hpp"
#include "codec/playout_profile.hpp"

#include <stdexcept>

namespace tolk::jbsim {

std::unique_ptr<codec::playout_buffer> make_buffer(const std::string& spec) {
    const auto colon = spec.find(':');
    const std::string name = spec.substr(0, colon);
    const bool has_knob = colon != std::string::npos;
    try {
        const double knob = has_knob ? std::stod(spec.substr(colon + 1)) : 0;
        if (const auto profile = codec::profile_options(name == "tolk" ? "listener" : name)) {
            codec::jitter_buffer_options options = *profile;
            if (has_knob) {
                options.quantile = knob;
            }
            return codec::make_jitter_buffer(options);
        }
        if (name == "speex") {
            return std::make_unique<speex_playout_buffer>(has_knob ? static_cast<int>(knob) : 10);
        }
        if (name == "fixed" && has_knob) {
            return codec::make_fixed_delay_buffer(static_cast<int>(knob));
        }
    } catch (const std::logic_error&) {
        // a malformed number: reported below
    }
    throw std::invalid_argument("--jb: expected tolk[:QUANTILE], listener|return|monitor[:QUANTILE], "
                                "speex[:MARGIN_MS] or fixed:MS, got '" +
                                spec + "'");
}

}  // namespace tolk::jbsim
