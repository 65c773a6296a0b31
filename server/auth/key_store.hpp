#pragma once
// The keys. A server signs with one Ed25519 key kept in its state directory and verifies with a
// key ring: its own public key plus the public keys of other nodes it trusts (verify-only).
//
// The signing key lives in STATE_DIR/signing-key as one line "k4.secret.<base64url>" (PASERK),
// mode 0600, created at first start (the directory, when created, gets mode 0700). It is never
// logged or printed; only its public half ("k4.public.<base64url>", PASERK) and key id
// ("k4.pid.<base64url>") leave the process. A key file that others can read is refused.
//
// Ownership: a signing_key and a key_ring are built at start-up and read-only afterwards; any
// thread may use them without locking.

#include "server/auth/paseto.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tolk::auth {

struct key_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline constexpr std::string_view signing_key_file = "signing-key";

// Creates `dir` (and parents) if missing, the ones it creates with mode 0700. Throws key_error.
void ensure_state_dir(const std::filesystem::path& dir);

class signing_key {
public:
    // STATE_DIR/signing-key, created when absent (safe against two processes starting at once).
    // Throws key_error naming the file and the problem.
    static signing_key load_or_create(const std::filesystem::path& state_dir);
    static signing_key generate();  // in memory only
    static signing_key from_secret(const secret_key_bytes& secret);

    signing_key(signing_key&& other) noexcept;
    signing_key& operator=(signing_key&& other) noexcept;
    signing_key(const signing_key&) = delete;
    signing_key& operator=(const signing_key&) = delete;
    ~signing_key();

    const public_key_bytes& public_key() const { return public_; }
    const std::string& key_id() const { return key_id_; }  // k4.pid.…
    std::string public_paserk() const;                     // k4.public.…

    // A v4.public token over `message` with `footer`.
    std::string sign(std::string_view message, std::string_view footer) const;

private:
    explicit signing_key(const secret_key_bytes& secret);
    secret_key_bytes secret_{};
    public_key_bytes public_{};
    std::string key_id_;
};

// Verify-only: key id → public key.
class key_ring {
public:
    key_ring() = default;
    explicit key_ring(const signing_key& own) { add(own.public_key()); }

    void add(const public_key_bytes& key);
    // A "k4.public.…" string (a `trusted_keys` entry); throws key_error when it does not parse.
    void add(std::string_view paserk);

    const public_key_bytes* find(std::string_view key_id) const;
    std::size_t size() const { return keys_.size(); }

private:
    std::map<std::string, public_key_bytes, std::less<>> keys_;
};

}  // namespace tolk::auth
