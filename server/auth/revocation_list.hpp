#pragma once
// Revoked token ids, kept in a text file in the state directory (STATE_DIR/revoked-tokens):
// one jti per line, optionally followed by whitespace and a note (`tolk-server token revoke`
// writes "JTI<TAB>revoked 2026-11-28T23:50:51Z"); blank lines and lines starting with '#' are
// ignored.
//
// refresh() is the cheap check to call often (a timer, or before verifying): one stat(); the file
// is re-read only when its modification time, size or inode changed, so a revocation written
// by `tolk-server token revoke` (another process) is picked up without a restart.
//
// Ownership: shared by every session thread. A mutex guards the id set; is_revoked() takes it
// briefly; refresh() reads the file outside the lock and swaps the new set in. refresh() does
// file I/O: call it from a timer, not per audio frame.

#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace tolk::auth {

inline constexpr std::string_view revocation_file = "revoked-tokens";

class revocation_list {
public:
    // Reads the file if it exists; a missing file is an empty list.
    explicit revocation_list(std::filesystem::path file);

    // Re-reads the file when it changed; true when the set was reloaded.
    bool refresh();

    bool is_revoked(std::string_view token_id) const;
    std::size_t size() const;

    // Appends JTI to the file (created 0600) in one write(2) with O_APPEND, so that concurrent
    // writers never interleave within a line, and adds it here. Throws std::runtime_error on an
    // I/O error or std::invalid_argument for an id with whitespace or control characters.
    void revoke(std::string_view token_id, std::string_view note = {});

    const std::filesystem::path& file() const { return file_; }

private:
    struct file_stamp {
        bool exists = false;
        ::dev_t device = 0;
        ::ino_t inode = 0;
        ::off_t size = 0;
        long long mtime_ns = 0;
        bool operator==(const file_stamp&) const = default;
    };
    static file_stamp stamp_of(const std::filesystem::path& file);

    const std::filesystem::path file_;
    mutable std::mutex mutex_;
    file_stamp stamp_;                        // guarded by mutex_
    std::set<std::string, std::less<>> ids_;  // guarded by mutex_
};

}  // namespace tolk::auth
