#pragma once
// WebSocket close codes of the tolk protocol (see protocol/PROTOCOL.md, "Close codes"): the
// server closes with these, clients show or act on them. One list for both sides.

#include <cstdint>

namespace tolk::protocol::close_code {

inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t policy = 1008;
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t protocol_error = 4000;
inline constexpr std::uint16_t channel_taken = 4001;
inline constexpr std::uint16_t unknown_channel = 4002;
inline constexpr std::uint16_t bad_frame = 4003;
inline constexpr std::uint16_t rate_limited = 4004;
inline constexpr std::uint16_t stalled = 4005;
// Signed roles (server/auth/policy.hpp decides which one a refusal gets).
inline constexpr std::uint16_t unauthorized = 4006;   // no credential, or one that is not valid
inline constexpr std::uint16_t forbidden = 4007;      // a valid token that does not cover this
inline constexpr std::uint16_t token_expired = 4008;  // a valid token past its exp
inline constexpr std::uint16_t replaced = 4009;       // the same booth reconnected; this session yields
inline constexpr std::uint16_t overridden = 4010;     // another booth took the channel (policy override)

}  // namespace tolk::protocol::close_code
