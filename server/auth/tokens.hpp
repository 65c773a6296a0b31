#pragma once
// tolk's tokens: PASETO v4.public whose message is the claims (claims.hpp) and whose footer is
// {"kid":"k4.pid.…"}, the id of the key that signed it. No implicit assertion.
//
//   issue()  signs claims for a booth, technician or listener.
//   verify() checks a presented token against what the connection wants and says either the
//            claims or exactly why not (refusal.hpp).
// Pure apart from issue()'s random jti; callers pass the time.

#include "server/auth/claims.hpp"
#include "server/auth/key_store.hpp"
#include "server/auth/refusal.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tolk::auth {

class revocation_list;

struct token_request {
    std::string event;    // iss
    std::string subject;  // sub: "FR booth A", "alice"
    role who = role::booth;
    std::vector<std::string> channels;  // a booth names its channels; others may say "*"
    std::chrono::seconds ttl{12 * 3600};
};

struct issued_token {
    std::string token;
    auth::claims claims;
};

// Throws std::invalid_argument for a request that makes no sense (no event, no subject, a booth
// without channels or with "*", a ttl that is not positive).
issued_token issue(const signing_key& key, const token_request& request, clock::time_point now);

struct expectation {
    std::string_view event;    // iss must equal this
    role_set roles;            // role must be one of these
    std::string_view channel;  // when not empty, the token must cover it
    std::chrono::seconds leeway{30};  // nbf may be this far ahead (clocks of two machines)
};

struct verification {
    refusal error = refusal::none;
    auth::claims claims;  // complete when error is none; when the signature held, also for a refusal
                    // after it (wrong_event, expired, ...), so that logs can name the token
    explicit operator bool() const { return error == refusal::none; }
};

// `revoked` may be null (no revocation list). Order: form and header, key id, signature, claims,
// then event, role, revocation, validity period, channel.
verification verify(std::string_view token, const key_ring& keys, const revocation_list* revoked,
                     const expectation& want, clock::time_point now);

}  // namespace tolk::auth
