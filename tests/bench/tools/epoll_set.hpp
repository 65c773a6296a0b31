#pragma once
// One epoll instance and an eventfd, so another thread can interrupt the wait.
// Threading: the loop's thread, except interrupt() (any thread).  Linux only.

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

namespace tolk::bench::raw {

class epoll_set {
public:
    static constexpr std::size_t batch = 1024;  // events per epoll_wait

    epoll_set();
    ~epoll_set();
    epoll_set(const epoll_set&) = delete;
    epoll_set& operator=(const epoll_set&) = delete;

    // `tag` comes back with the events; false (errno) on failure.
    bool add(int fd, std::uint32_t events, std::uint64_t tag);
    void remove(int fd);
    // Ready events (the interrupt's own event left out); empty on timeout or interrupt.
    std::span<const epoll_event> wait(int timeout_ms);
    // Any thread, any time (also before the loop runs): wait() returns, interrupted() is true.
    void interrupt();
    bool interrupted() const { return interrupted_.load(std::memory_order_acquire); }

private:
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::atomic<bool> interrupted_{false};
    std::vector<epoll_event> events_;
};

}  // namespace tolk::bench::raw
