#include "server/auth/paserk.hpp"

#include "server/auth/encoding.hpp"
#include "server/auth/sodium.hpp"

#include <algorithm>

namespace tolk::auth {
namespace {

constexpr std::string_view public_prefix = "k4.public.";
constexpr std::string_view secret_prefix = "k4.secret.";
constexpr std::string_view pid_prefix = "k4.pid.";

template <std::size_t N>
std::string_view view(const std::array<unsigned char, N>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), N};
}

template <std::size_t N>
std::optional<std::array<unsigned char, N>> decode_key(std::string_view text, std::string_view prefix) {
    if (!text.starts_with(prefix))
        return std::nullopt;
    auto raw = base64url_decode(text.substr(prefix.size()));
    if (!raw || raw->size() != N)
        return std::nullopt;
    std::array<unsigned char, N> key{};
    std::copy(raw->begin(), raw->end(), key.begin());
    sodium_memzero(raw->data(), raw->size());
    return key;
}

}  // namespace

std::string paserk_public(const public_key_bytes& key) {
    return std::string(public_prefix) + base64url_encode(view(key));
}

std::optional<public_key_bytes> parse_paserk_public(std::string_view text) {
    return decode_key<32>(text, public_prefix);
}

std::string paserk_pid(const public_key_bytes& key) {
    detail::require_sodium();
    const std::string input = std::string(pid_prefix) + paserk_public(key);
    std::array<unsigned char, 33> digest{};
    crypto_generichash(digest.data(), digest.size(), detail::bytes_of(input), input.size(), nullptr, 0);
    return std::string(pid_prefix) + base64url_encode(view(digest));
}

std::string paserk_secret(const secret_key_bytes& key) {
    return std::string(secret_prefix) + base64url_encode(view(key));
}

std::optional<secret_key_bytes> parse_paserk_secret(std::string_view text) {
    detail::require_sodium();
    auto key = decode_key<64>(text, secret_prefix);
    if (!key)
        return std::nullopt;
    public_key_bytes derived{};
    secret_key_bytes check{};
    crypto_sign_seed_keypair(derived.data(), check.data(), key->data());
    sodium_memzero(check.data(), check.size());
    if (!std::equal(derived.begin(), derived.end(), key->begin() + 32)) {
        sodium_memzero(key->data(), key->size());
        return std::nullopt;
    }
    return key;
}

}  // namespace tolk::auth
