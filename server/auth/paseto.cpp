#include "server/auth/paseto.hpp"

#include "server/auth/encoding.hpp"
#include "server/auth/sodium.hpp"

#include <cstdint>

namespace tolk::auth {
namespace {

void append_le64(std::string& out, std::uint64_t n) {
    n &= 0x7fff'ffff'ffff'ffffULL;  // the specification clears the top bit
    for (int i = 0; i < 8; ++i) {
        out.push_back(static_cast<char>(n & 0xff));
        n >>= 8;
    }
}

// The token's parts: payload (message || signature) and footer, both decoded.
struct split_token {
    paseto_error error = paseto_error::none;
    std::string payload;
    std::string footer;
};

split_token split(std::string_view token) {
    split_token out;
    if (token.size() > max_token_size) {
        out.error = paseto_error::malformed;
        return out;
    }
    // "vN.purpose." first: a token of another version or purpose is refused as such.
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos) {
        out.error = paseto_error::malformed;
        return out;
    }
    if (token.substr(0, second + 1) != v4_public_header) {
        out.error = paseto_error::wrong_header;
        return out;
    }
    std::string_view rest = token.substr(second + 1);
    std::string_view footer;
    if (const auto dot = rest.find('.'); dot != std::string_view::npos) {
        footer = rest.substr(dot + 1);
        rest = rest.substr(0, dot);
        if (footer.empty() || footer.find('.') != std::string_view::npos) {  // "x." or "x.y.z"
            out.error = paseto_error::malformed;
            return out;
        }
    }
    auto payload = base64url_decode(rest);
    auto decoded_footer = footer.empty() ? std::optional<std::string>{""} : base64url_decode(footer);
    if (!payload || !decoded_footer || payload->size() < crypto_sign_BYTES) {
        out.error = paseto_error::malformed;
        return out;
    }
    out.payload = std::move(*payload);
    out.footer = std::move(*decoded_footer);
    return out;
}

}  // namespace

std::string pae(std::initializer_list<std::string_view> pieces) {
    std::size_t total = 8;
    for (auto p : pieces)
        total += 8 + p.size();
    std::string out;
    out.reserve(total);
    append_le64(out, pieces.size());
    for (auto p : pieces) {
        append_le64(out, p.size());
        out.append(p);
    }
    return out;
}

std::string v4_public_sign(const secret_key_bytes& key, std::string_view message, std::string_view footer,
                           std::string_view implicit_assertion) {
    detail::require_sodium();
    const std::string m2 = pae({v4_public_header, message, footer, implicit_assertion});
    std::string signed_part(message);
    signed_part.resize(message.size() + crypto_sign_BYTES);
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signed_part.data() + message.size()), nullptr,
                         detail::bytes_of(m2), m2.size(), key.data());
    std::string token(v4_public_header);
    token += base64url_encode(signed_part);
    if (!footer.empty())
        token += "." + base64url_encode(footer);
    return token;
}

paseto_opened v4_public_verify(const public_key_bytes& key, std::string_view token,
                               std::string_view implicit_assertion,
                               std::optional<std::string_view> expected_footer) {
    detail::require_sodium();
    paseto_opened out;
    split_token parts = split(token);
    if (parts.error != paseto_error::none) {
        out.error = parts.error;
        return out;
    }
    if (expected_footer && (expected_footer->size() != parts.footer.size() ||
                            sodium_memcmp(expected_footer->data(), parts.footer.data(), parts.footer.size()) != 0)) {
        out.error = paseto_error::footer_mismatch;
        return out;
    }
    const std::string_view payload = parts.payload;
    const std::string_view message = payload.substr(0, payload.size() - crypto_sign_BYTES);
    const std::string_view signature = payload.substr(message.size());
    const std::string m2 = pae({v4_public_header, message, parts.footer, implicit_assertion});
    if (crypto_sign_verify_detached(detail::bytes_of(signature), detail::bytes_of(m2), m2.size(), key.data()) != 0) {
        out.error = paseto_error::bad_signature;
        return out;
    }
    out.message = std::string(message);
    out.footer = std::move(parts.footer);
    return out;
}

untrusted_parts peek_v4_public(std::string_view token) {
    split_token parts = split(token);
    return {parts.error, std::move(parts.footer)};
}

}  // namespace tolk::auth
