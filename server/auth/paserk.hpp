#pragma once
// PASERK (https://github.com/paseto-standard/paserk) spellings of v4.public keys:
//   k4.public.<base64url(32-byte public key)>   what `tolk-server key show-public` prints and
//                                                what another node's `trusted_keys` lists
//   k4.secret.<base64url(64-byte secret key)>    the signing-key file in the state directory
//   k4.pid.<base64url(BLAKE2b-264("k4.pid." || k4.public string))>
//                                                the key id a token's footer carries ("kid")

#include "server/auth/paseto.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tolk::auth {

std::string paserk_public(const public_key_bytes& key);
std::optional<public_key_bytes> parse_paserk_public(std::string_view text);

std::string paserk_pid(const public_key_bytes& key);

std::string paserk_secret(const secret_key_bytes& key);
// Also checks that the key's second half is the public key of its first half (the seed).
std::optional<secret_key_bytes> parse_paserk_secret(std::string_view text);

}  // namespace tolk::auth
