#pragma once
// What a tolk token says: the event (iss), who (sub), the role, the channels, when it is valid
// (iat, nbf, exp as RFC 3339 strings, as PASETO recommends) and its id (jti, for revocation).
// Plain values; JSON in and out.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::auth {

using clock = std::chrono::system_clock;
using seconds_point = std::chrono::sys_seconds;

enum class role : std::uint8_t { booth = 1, technician = 2, listener = 4 };

std::string_view name(role r);
std::optional<role> parse_role(std::string_view text);

// The roles a connection accepts (a private event's listener path accepts listener and
// technician tokens).
class role_set {
public:
    constexpr role_set(role r) : bits_(static_cast<std::uint8_t>(r)) {}  // NOLINT: implicit on purpose
    constexpr role_set operator|(role_set other) const { return role_set(bits_ | other.bits_); }
    constexpr bool contains(role r) const { return (bits_ & static_cast<std::uint8_t>(r)) != 0; }

private:
    constexpr explicit role_set(int bits) : bits_(static_cast<std::uint8_t>(bits)) {}
    std::uint8_t bits_;
};
constexpr role_set operator|(role a, role b) { return role_set(a) | role_set(b); }

// The channel wildcard: a technician or listener token for every channel of the event.
inline constexpr std::string_view all_channels = "*";

struct claims {
    std::string issuer;   // iss: the event id
    std::string subject;  // sub: the booth's or the person's name
    role who = role::listener;
    std::vector<std::string> channels;  // channel ids, or "*" (never for a booth)
    seconds_point issued_at{};          // iat
    seconds_point not_before{};         // nbf
    seconds_point expires{};            // exp
    std::string token_id;               // jti: 128 random bits, 32 hex digits

    bool allows_channel(std::string_view channel) const;
};

std::string to_json(const claims& c);
// nullopt when a field is missing, of the wrong type, or a time does not parse.
std::optional<claims> claims_from_json(std::string_view json);

// RFC 3339 in UTC with a "Z": "2026-11-28T23:50:51Z".
std::string format_rfc3339(seconds_point t);
// Any RFC 3339 date-time: "Z" or a numeric offset, optional fraction (truncated to seconds).
std::optional<seconds_point> parse_rfc3339(std::string_view text);

}  // namespace tolk::auth
