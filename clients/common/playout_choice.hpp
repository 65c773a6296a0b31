#pragma once
// Which playout buffer a listener uses, as written on the command line:
//   adaptive      the adaptive jitter buffer (codec/jitter_buffer.hpp), the default
//   fixed:MS      a constant playout delay of MS milliseconds (codec/fixed_delay_buffer.hpp)
// Pure parsing plus a factory; any thread.

#include "codec/playout_buffer.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tolk::client {

struct playout_choice {
    enum class kind { adaptive, fixed } type = kind::adaptive;
    int delay_ms = 0;  // fixed only
    friend bool operator==(const playout_choice&, const playout_choice&) = default;
};

inline constexpr std::string_view default_playout = "adaptive";

std::optional<playout_choice> parse_playout_choice(std::string_view spec, std::string* error = nullptr);
std::string to_string(const playout_choice& choice);
std::unique_ptr<codec::playout_buffer> make_playout_buffer(const playout_choice& choice);

}  // namespace tolk::client
