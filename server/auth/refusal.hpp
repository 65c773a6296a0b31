#pragma once
// Why a token is refused: one value per case, each with a stable short code (for close
// reasons, logs and counter labels) and a sentence a person understands.

#include <cstdint>
#include <string_view>

namespace tolk::auth {

enum class refusal : std::uint8_t {
    none,           // accepted
    no_token,       // nothing presented where a token is required
    malformed,      // not a token: bad encoding, truncated, no key id, claims that do not parse
    wrong_header,   // another PASETO version or purpose than v4.public
    unknown_key,    // the key id names no key this server trusts
    bad_signature,  // tampered with, or signed by another key under the same id
    expired,        // exp has passed
    not_yet_valid,  // nbf is still ahead
    wrong_event,    // iss is another event
    wrong_role,     // e.g. a booth token used as a technician's, or the reverse
    wrong_channel,  // the channel asked for is not among the token's channels
    revoked,        // the jti is on the revocation list
};

inline constexpr refusal all_refusals[] = {
    refusal::no_token,      refusal::malformed,   refusal::wrong_header, refusal::unknown_key,
    refusal::bad_signature, refusal::expired,     refusal::not_yet_valid, refusal::wrong_event,
    refusal::wrong_role,    refusal::wrong_channel, refusal::revoked,
};

// "no_token", "malformed", "wrong_header", ... ("ok" for none). Stable: used as counter labels.
std::string_view code(refusal r);

// "the token has expired", ...
std::string_view describe(refusal r);

}  // namespace tolk::auth
