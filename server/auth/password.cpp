#include "server/auth/password.hpp"

#include "server/auth/sodium.hpp"

#include <stdexcept>

namespace tolk::auth {

std::string hash_password(std::string_view password) {
    detail::require_sodium();
    if (password.empty())
        throw std::invalid_argument("an empty password");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("out of memory while hashing a password");
    return out;
}

bool is_password_hash(std::string_view hash) {
    return hash.starts_with("$argon2id$") && hash.size() < crypto_pwhash_STRBYTES &&
           hash.find('\0') == std::string_view::npos;
}

bool verify_password(std::string_view hash, std::string_view password) {
    detail::require_sodium();
    if (!is_password_hash(hash))
        return false;
    const std::string terminated(hash);  // libsodium reads a NUL-terminated string
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void wipe(std::string& secret) {
    detail::require_sodium();
    sodium_memzero(secret.data(), secret.size());
}

verified_secret::verified_secret() {
    detail::require_sodium();
    randombytes_buf(key_.data(), key_.size());
}

verified_secret::digest verified_secret::digest_of(std::string_view secret) const {
    digest d{};
    crypto_generichash(d.data(), d.size(), detail::bytes_of(secret), secret.size(), key_.data(), key_.size());
    return d;
}

bool verified_secret::matches(std::string_view secret) const {
    const digest d = digest_of(secret);
    std::lock_guard lock(mutex_);
    return known_ && sodium_memcmp(known_->data(), d.data(), d.size()) == 0;
}

void verified_secret::remember(std::string_view secret) {
    const digest d = digest_of(secret);
    std::lock_guard lock(mutex_);
    known_ = d;
}

}  // namespace tolk::auth
