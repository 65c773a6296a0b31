#pragma once
// Technician passwords and private-event listener passcodes: Argon2id through libsodium's
// crypto_pwhash_str (the "$argon2id$v=19$m=…,t=…,p=…$salt$hash" string the event file stores),
// with the interactive limits (64 MiB, 2 passes).
//
// Both functions take ~0.1 s of CPU and 64 MiB: never call them on an I/O thread; the sessions
// hand them to a worker and rate-limit attempts per address.

#include <string>
#include <string_view>

namespace tolk::auth {

// Throws std::runtime_error when memory runs out, std::invalid_argument for an empty password.
std::string hash_password(std::string_view password);

// False for a wrong password and for anything that is not an Argon2id hash string.
bool verify_password(std::string_view hash, std::string_view password);

// "$argon2id$…" of a length libsodium accepts: for checking the event file at start-up.
bool is_password_hash(std::string_view hash);

}  // namespace tolk::auth
