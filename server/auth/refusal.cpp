#include "server/auth/refusal.hpp"

namespace tolk::auth {

std::string_view code(refusal r) {
    switch (r) {
    case refusal::none: return "ok";
    case refusal::no_token: return "no_token";
    case refusal::malformed: return "malformed";
    case refusal::wrong_header: return "wrong_header";
    case refusal::unknown_key: return "unknown_key";
    case refusal::bad_signature: return "bad_signature";
    case refusal::expired: return "expired";
    case refusal::not_yet_valid: return "not_yet_valid";
    case refusal::wrong_event: return "wrong_event";
    case refusal::wrong_role: return "wrong_role";
    case refusal::wrong_channel: return "wrong_channel";
    case refusal::revoked: return "revoked";
    }
    return "unknown";
}

std::string_view describe(refusal r) {
    switch (r) {
    case refusal::none: return "the token is valid";
    case refusal::no_token: return "a token is required";
    case refusal::malformed: return "the token is malformed or truncated";
    case refusal::wrong_header: return "not a v4.public token";
    case refusal::unknown_key: return "the token was signed by a key this server does not know";
    case refusal::bad_signature: return "the token's signature does not match (tampered with?)";
    case refusal::expired: return "the token has expired";
    case refusal::not_yet_valid: return "the token is not valid yet";
    case refusal::wrong_event: return "the token is for another event";
    case refusal::wrong_role: return "the token is for another role";
    case refusal::wrong_channel: return "the token does not cover this channel";
    case refusal::revoked: return "the token has been revoked";
    }
    return "unknown refusal";
}

}  // namespace tolk::auth
