#include "server/auth/revocation_list.hpp"

#include "server/auth/log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace tolk::auth {
namespace {

std::set<std::string, std::less<>> read_ids(const std::filesystem::path& file) {
    std::set<std::string, std::less<>> ids;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        const auto start = line.find_first_not_of(" \t\r");
        if (start == std::string::npos || line[start] == '#')
            continue;
        const auto end = line.find_first_of(" \t\r", start);
        ids.insert(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
    }
    return ids;
}

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 256 || id.front() == '#')
        return false;
    for (unsigned char c : id)
        if (c <= ' ' || c == 0x7f)
            return false;
    return true;
}

}  // namespace

revocation_list::file_stamp revocation_list::stamp_of(const std::filesystem::path& file) {
    struct stat st{};
    if (::stat(file.c_str(), &st) != 0)
        return {};
    return {true, st.st_dev, st.st_ino, st.st_size,
            static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

revocation_list::revocation_list(std::filesystem::path file) : file_(std::move(file)) { refresh(); }

bool revocation_list::refresh() {
    const file_stamp now = stamp_of(file_);
    {
        std::lock_guard lock(mutex_);
        if (now == stamp_)
            return false;
    }
    auto ids = now.exists ? read_ids(file_) : decltype(ids_){};
    std::lock_guard lock(mutex_);
    const std::size_t before = ids_.size();
    ids_ = std::move(ids);
    stamp_ = now;
    if (ids_.size() != before)
        log()->info("revocation list {}: {} revoked token(s)", file_.string(), ids_.size());
    return true;
}

bool revocation_list::is_revoked(std::string_view token_id) const {
    std::lock_guard lock(mutex_);
    return ids_.find(token_id) != ids_.end();
}

std::size_t revocation_list::size() const {
    std::lock_guard lock(mutex_);
    return ids_.size();
}

void revocation_list::revoke(std::string_view token_id, std::string_view note) {
    if (!valid_id(token_id))
        throw std::invalid_argument("\"" + std::string(token_id) + "\" is not a token id");
    std::string line(token_id);
    if (!note.empty())
        line += "\t" + std::string(note.substr(0, note.find('\n')));
    line += "\n";
    const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error(file_.string() + ": cannot open the revocation list: " + std::strerror(errno));
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok)
        throw std::runtime_error(file_.string() + ": cannot write the revocation list: " + std::strerror(err));
    std::lock_guard lock(mutex_);
    ids_.insert(std::string(token_id));
}

}  // namespace tolk::auth
