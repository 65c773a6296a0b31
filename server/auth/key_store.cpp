#include "server/auth/key_store.hpp"

#include "server/auth/log.hpp"
#include "server/auth/paserk.hpp"
#include "server/auth/sodium.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tolk::auth {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
    throw key_error(file.string() + ": " + what);
}

std::string errno_text() { return std::strerror(errno); }

// The file's one line, read into memory that is wiped on every path out.
secret_key_bytes read_key_file(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        fail(file, "cannot open the signing key: " + errno_text());
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        fail(file, "the signing key is not a regular file");
    }
    if ((st.st_mode & 077) != 0) {
        ::close(fd);
        fail(file, "the signing key is readable by others: run chmod 600 on it");
    }
    char buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    std::size_t len = n > 0 ? static_cast<std::size_t>(n) : 0;
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
        --len;
    auto key = parse_paserk_secret(std::string_view(buf, len));
    sodium_memzero(buf, sizeof buf);
    if (!key)
        fail(file, "not a k4.secret key (PASERK); move it away to have a new key created");
    return *key;
}

// Writes the key to a private temporary file and links it into place: if another process won
// the race, its key stays and is the one returned by the caller's next read.
void create_key_file(const fs::path& file, const signing_key& key, const std::string& secret_line) {
    const std::string unique = std::to_string(::getpid()) + "." + std::to_string(randombytes_random());
    const fs::path tmp = file.parent_path() / (".signing-key." + unique);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        fail(tmp, "cannot create the signing key: " + errno_text());
    const bool written = ::write(fd, secret_line.data(), secret_line.size()) ==
                             static_cast<ssize_t>(secret_line.size()) &&
                         ::fsync(fd) == 0;
    ::close(fd);
    const bool linked = written && ::link(tmp.c_str(), file.c_str()) == 0;
    const int link_errno = errno;
    ::unlink(tmp.c_str());
    if (!written)
        fail(tmp, "cannot write the signing key");
    if (!linked && link_errno != EEXIST)
        fail(file, std::string("cannot create the signing key: ") + std::strerror(link_errno));
    if (linked)
        log()->info("created a new signing key in {} (key id {})", file.string(), key.key_id());
}

}  // namespace

void ensure_state_dir(const fs::path& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec))
        return;
    if (dir.has_parent_path() && dir.parent_path() != dir)
        ensure_state_dir(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        fail(dir, "cannot create the state directory: " + errno_text());
}

signing_key signing_key::load_or_create(const fs::path& state_dir) {
    ensure_state_dir(state_dir);
    const fs::path file = state_dir / signing_key_file;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(file, ec))) {
        signing_key fresh = generate();
        std::string line = paserk_secret(fresh.secret_) + "\n";
        create_key_file(file, fresh, line);
        sodium_memzero(line.data(), line.size());
    }
    auto secret = read_key_file(file);
    signing_key key(secret);
    sodium_memzero(secret.data(), secret.size());
    return key;
}

signing_key signing_key::generate() {
    detail::require_sodium();
    public_key_bytes pk{};
    secret_key_bytes sk{};
    crypto_sign_keypair(pk.data(), sk.data());
    signing_key key(sk);
    sodium_memzero(sk.data(), sk.size());
    return key;
}

signing_key signing_key::from_secret(const secret_key_bytes& secret) { return signing_key(secret); }

signing_key::signing_key(const secret_key_bytes& secret) : secret_(secret) {
    detail::require_sodium();
    crypto_sign_ed25519_sk_to_pk(public_.data(), secret_.data());
    key_id_ = paserk_pid(public_);
}

signing_key::signing_key(signing_key&& other) noexcept
    : secret_(other.secret_), public_(other.public_), key_id_(std::move(other.key_id_)) {
    sodium_memzero(other.secret_.data(), other.secret_.size());
}

signing_key& signing_key::operator=(signing_key&& other) noexcept {
    if (this != &other) {
        secret_ = other.secret_;
        public_ = other.public_;
        key_id_ = std::move(other.key_id_);
        sodium_memzero(other.secret_.data(), other.secret_.size());
    }
    return *this;
}

signing_key::~signing_key() { sodium_memzero(secret_.data(), secret_.size()); }

std::string signing_key::public_paserk() const { return paserk_public(public_); }

std::string signing_key::sign(std::string_view message, std::string_view footer) const {
    return v4_public_sign(secret_, message, footer);
}

void key_ring::add(const public_key_bytes& key) { keys_[paserk_pid(key)] = key; }

void key_ring::add(std::string_view paserk) {
    auto key = parse_paserk_public(paserk);
    if (!key)
        throw key_error("\"" + std::string(paserk) + "\" is not a k4.public key (PASERK)");
    add(*key);
}

const public_key_bytes* key_ring::find(std::string_view key_id) const {
    auto it = keys_.find(key_id);
    return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace tolk::auth
