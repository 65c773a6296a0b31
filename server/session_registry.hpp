#pragma once
// Every open WebSocket session, so that shutdown can tell each one "going away" and a booth
// that reconnected can close its own stale session (close_code::replaced).
// Holds weak_ptrs only. Thread-safe (one mutex, held only to copy or edit the map).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tolk::server {

class closable {
public:
    virtual ~closable() = default;
    // Close with `code` and `reason` (after what is already queued); any thread.
    virtual void request_close(std::uint16_t code, std::string reason) = 0;
};

class session_registry {
public:
    // Returns a non-zero id, unique for the process lifetime.
    std::uint64_t add(std::weak_ptr<closable> session);
    void remove(std::uint64_t id);
    // Closes one session; false when it is gone already.
    bool close(std::uint64_t id, std::uint16_t code, std::string reason);
    // Every session: 1001 "server shutting down".
    void close_all();
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<closable>> sessions_;
};

}  // namespace tolk::server
