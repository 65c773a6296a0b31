#pragma once
// Technician passwords and private-event listener passcodes: Argon2id through libsodium's
// crypto_pwhash_str (the "$argon2id$v=19$m=…,t=…,p=…$salt$hash" string the event file stores),
// with the interactive limits (64 MiB, 2 passes).
//
// Both functions take ~0.1 s of CPU and 64 MiB: never call them on an I/O thread; the sessions
// hand them to a worker and rate-limit attempts per address.

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace tolk::auth {

// Throws std::runtime_error when memory runs out, std::invalid_argument for an empty password.
std::string hash_password(std::string_view password);

// False for a wrong password and for anything that is not an Argon2id hash string.
bool verify_password(std::string_view hash, std::string_view password);

// "$argon2id$…" of a length libsodium accepts: for checking the event file at start-up.
bool is_password_hash(std::string_view hash);

// Overwrites a secret's bytes (sodium_memzero) before the string is freed.
void wipe(std::string& secret);

// The private event's passcode once it has verified, remembered as a BLAKE2b digest under a
// random per-process key (never the text), so that a listener's reconnects, and the other
// listeners typing the same passcode, cost a hash instead of an Argon2id check each.
// Thread-safe (a mutex; the comparison is constant-time).
class verified_secret {
public:
    verified_secret();
    bool matches(std::string_view secret) const;
    void remember(std::string_view secret);

private:
    using digest = std::array<unsigned char, 32>;
    digest digest_of(std::string_view secret) const;

    std::array<unsigned char, 32> key_{};
    mutable std::mutex mutex_;
    std::optional<digest> known_;  // guarded by mutex_
};

}  // namespace tolk::auth
