#pragma once
// Argon2id checks (technician logins, private-event passcodes) off the I/O threads.
//
// Each check costs ~0.1 s of CPU and 64 MiB (auth/password.hpp), so they run on this gate's own
// worker threads, and at most `max_waiting` wait or run at once: beyond that a check is not
// started and the caller answers "busy, try again" (a flood of wrong passwords costs the server a
// bounded amount of memory and CPU and never an I/O thread).
//
// Ownership: one instance, owned by access_control (built at start-up, destroyed after the I/O
// threads have stopped). Thread-safety: verify() may be awaited from any I/O shard at once.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <optional>
#include <string>

namespace tolk::server {

class password_gate {
public:
    explicit password_gate(int threads = 1, int max_waiting = 16);
    ~password_gate();
    password_gate(const password_gate&) = delete;
    password_gate& operator=(const password_gate&) = delete;

    // Whether `password` matches the Argon2id `hash`, computed on a worker; resumes on the
    // caller's executor. nullopt: too many checks already waiting (busy). The password's copy
    // is wiped after use.
    boost::asio::awaitable<std::optional<bool>> verify(std::string hash, std::string password);

    int waiting() const { return waiting_.load(std::memory_order_relaxed); }

private:
    boost::asio::thread_pool workers_;
    const int max_waiting_;
    std::atomic<int> waiting_{0};
};

}  // namespace tolk::server
