#pragma once
// Every open WebSocket session, so that shutdown can tell each one "going away".
// Holds weak_ptrs only. Thread-safe (one mutex, held only to copy or edit the map).

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace tolk::server {

class closable {
public:
    virtual ~closable() = default;
    // Close with 1001 "going away"; may be called from any thread.
    virtual void close_going_away() = 0;
};

class session_registry {
public:
    // Returns a non-zero id, unique for the process lifetime.
    std::uint64_t add(std::weak_ptr<closable> session);
    void remove(std::uint64_t id);
    void close_all();
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<closable>> sessions_;
};

}  // namespace tolk::server
