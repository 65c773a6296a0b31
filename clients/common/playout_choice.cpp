#include "clients/common/playout_choice.hpp"

#include "codec/fixed_delay_buffer.hpp"
#include "codec/jitter_buffer.hpp"

#include <charconv>

namespace tolk::client {

std::optional<playout_choice> parse_playout_choice(std::string_view spec, std::string* error) {
    if (spec == "adaptive")
        return playout_choice{playout_choice::kind::adaptive, 0};
    if (spec.starts_with("fixed:")) {
        const std::string_view text = spec.substr(6);
        int ms = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec == std::errc{} && end == text.data() + text.size() && ms >= 0 && ms <= 5000)
            return playout_choice{playout_choice::kind::fixed, ms};
    }
    if (error)
        *error = "expected adaptive or fixed:MS (0..5000), got \"" + std::string(spec) + "\"";
    return std::nullopt;
}

std::string to_string(const playout_choice& choice) {
    return choice.type == playout_choice::kind::adaptive ? "adaptive" : "fixed:" + std::to_string(choice.delay_ms);
}

std::unique_ptr<codec::playout_buffer> make_playout_buffer(const playout_choice& choice) {
    if (choice.type == playout_choice::kind::fixed)
        return codec::make_fixed_delay_buffer(choice.delay_ms);
    return codec::make_jitter_buffer(codec::jitter_buffer_options{});
}

}  // namespace tolk::client
