#pragma once
// PASETO version 4, purpose "public" (https://github.com/paseto-standard/paseto-spec,
// docs/01-Protocol-Versions/Version4.md): Ed25519 signatures over PAE(header, message, footer,
// implicit assertion), written as
//     v4.public.base64url(message || signature)[.base64url(footer)]
// Pure functions over byte strings; the keys are libsodium's Ed25519 keys (32-byte public key,
// 64-byte secret key = seed || public key). Proven with the official test vectors
// (tests/auth/paseto_test.cpp).

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace tolk::auth {

using public_key_bytes = std::array<unsigned char, 32>;
using secret_key_bytes = std::array<unsigned char, 64>;

inline constexpr std::string_view v4_public_header = "v4.public.";

// Pre-Authentication Encoding: LE64(count) || for each piece LE64(length) || piece.
std::string pae(std::initializer_list<std::string_view> pieces);

// The token for `message`. Ed25519 is deterministic: the same inputs give the same token.
std::string v4_public_sign(const secret_key_bytes& key, std::string_view message, std::string_view footer = {},
                           std::string_view implicit_assertion = {});

enum class paseto_error {
    none,
    malformed,        // not three or four dot-separated parts, bad base64url, too short, too long
    wrong_header,     // anything but "v4.public." (v4.local, v3.public, ...)
    bad_signature,    // the signature does not match the key, message, footer and implicit assertion
    footer_mismatch,  // the caller expected another footer
};

struct paseto_opened {
    paseto_error error = paseto_error::none;
    std::string message;  // only when error == none
    std::string footer;   // only when error == none
    explicit operator bool() const { return error == paseto_error::none; }
};

// Longest token accepted: tolk's are ~300 bytes; refuse huge inputs before any work.
inline constexpr std::size_t max_token_size = 8 * 1024;

// Verifies and opens a token. With `expected_footer`, the footer must equal it (constant time).
paseto_opened v4_public_verify(const public_key_bytes& key, std::string_view token,
                               std::string_view implicit_assertion = {},
                               std::optional<std::string_view> expected_footer = std::nullopt);

// The header check and the decoded footer, before any signature check: for choosing the key
// (the footer's key id). Nothing in it may be trusted until v4_public_verify succeeds.
// `error` says why when the token is malformed or is not v4.public.
struct untrusted_parts {
    paseto_error error = paseto_error::none;
    std::string footer;
};
untrusted_parts peek_v4_public(std::string_view token);

}  // namespace tolk::auth
