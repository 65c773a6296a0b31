#include "server/auth/tokens.hpp"

#include "server/auth/encoding.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/sodium.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tolk::auth {
namespace {

std::string random_token_id() {
    detail::require_sodium();
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    // Hex, not base64url: an id that starts with '-' would read as an option on the command line.
    return hex_encode({reinterpret_cast<const char*>(bytes), sizeof bytes});
}

std::string footer_for(const std::string& key_id) { return nlohmann::json{{"kid", key_id}}.dump(); }

// The key id in an untrusted footer; empty when there is none.
std::string key_id_of(const std::string& footer) {
    const auto j = nlohmann::json::parse(footer, nullptr, false);
    if (!j.is_object() || !j.contains("kid") || !j.at("kid").is_string())
        return {};
    return j.at("kid").get<std::string>();
}

refusal from_paseto(paseto_error e) {
    switch (e) {
    case paseto_error::none: return refusal::none;
    case paseto_error::wrong_header: return refusal::wrong_header;
    case paseto_error::bad_signature: return refusal::bad_signature;
    case paseto_error::malformed:
    case paseto_error::footer_mismatch: return refusal::malformed;
    }
    return refusal::malformed;
}

refusal check_claims(const claims& c, const revocation_list* revoked, const expectation& want,
                     clock::time_point now) {
    if (c.issuer != want.event)
        return refusal::wrong_event;
    if (!want.roles.contains(c.who))
        return refusal::wrong_role;
    if (revoked != nullptr && revoked->is_revoked(c.token_id))
        return refusal::revoked;
    if (now >= c.expires)
        return refusal::expired;
    if (now + want.leeway < c.not_before)
        return refusal::not_yet_valid;
    if (!want.channel.empty() && !c.allows_channel(want.channel))
        return refusal::wrong_channel;
    return refusal::none;
}

}  // namespace

issued_token issue(const signing_key& key, const token_request& request, clock::time_point now) {
    if (request.event.empty())
        throw std::invalid_argument("a token needs an event");
    if (request.subject.empty())
        throw std::invalid_argument("a token needs a name (sub)");
    if (request.ttl <= std::chrono::seconds::zero())
        throw std::invalid_argument("a token's lifetime must be positive");
    const bool wildcard = std::find(request.channels.begin(), request.channels.end(), all_channels) !=
                          request.channels.end();
    if (request.who == role::booth && (request.channels.empty() || wildcard))
        throw std::invalid_argument("a booth token names its channels (\"*\" is not allowed for booths)");
    issued_token out;
    claims& c = out.claims;
    c.issuer = request.event;
    c.subject = request.subject;
    c.who = request.who;
    c.channels = request.channels.empty() ? std::vector<std::string>{std::string(all_channels)} : request.channels;
    c.issued_at = std::chrono::floor<std::chrono::seconds>(now);
    c.not_before = c.issued_at;
    c.expires = c.issued_at + request.ttl;
    c.token_id = random_token_id();
    out.token = key.sign(to_json(c), footer_for(key.key_id()));
    return out;
}

verification verify(std::string_view token, const key_ring& keys, const revocation_list* revoked,
                     const expectation& want, clock::time_point now) {
    verification out;
    if (token.empty()) {
        out.error = refusal::no_token;
        return out;
    }
    const untrusted_parts peek = peek_v4_public(token);
    if (peek.error != paseto_error::none) {
        out.error = from_paseto(peek.error);
        return out;
    }
    const std::string key_id = key_id_of(peek.footer);
    if (key_id.empty()) {  // tolk's tokens always carry one: a cut-off footer is a truncated token
        out.error = refusal::malformed;
        return out;
    }
    const public_key_bytes* key = keys.find(key_id);
    if (key == nullptr) {
        out.error = refusal::unknown_key;
        return out;
    }
    paseto_opened opened = v4_public_verify(*key, token);
    if (!opened) {
        out.error = from_paseto(opened.error);
        return out;
    }
    auto c = claims_from_json(opened.message);
    if (!c) {
        out.error = refusal::malformed;
        return out;
    }
    out.claims = std::move(*c);
    out.error = check_claims(out.claims, revoked, want, now);
    return out;
}

}  // namespace tolk::auth
