#pragma once
// Byte encodings the token format needs: base64url without padding (RFC 4648 §5, as PASETO and
// PASERK write it) and hex. Decoders accept only the canonical form: no padding, no whitespace,
// no stray bits in the last character, so that one byte string has exactly one spelling.

#include <optional>
#include <string>
#include <string_view>

namespace tolk::auth {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace tolk::auth
