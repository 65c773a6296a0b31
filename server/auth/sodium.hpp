#pragma once
// Internal: libsodium must be initialised once before use; sodium_init() is thread-safe and
// idempotent, so every entry point that needs randomness or signatures calls this first.

#include <sodium.h>

#include <stdexcept>
#include <string_view>

namespace tolk::auth::detail {

inline void require_sodium() {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium cannot be initialised");
}

inline const unsigned char* bytes_of(const std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace tolk::auth::detail
