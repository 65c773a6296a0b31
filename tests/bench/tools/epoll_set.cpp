#include "tests/bench/tools/epoll_set.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace tolk::bench::raw {

epoll_set::epoll_set() : events_(batch) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0)
        throw std::runtime_error("epoll/eventfd: " + std::string(std::strerror(errno)));
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = ~std::uint64_t{0};
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &e) != 0)
        throw std::runtime_error("epoll_ctl: " + std::string(std::strerror(errno)));
}

epoll_set::~epoll_set() {
    if (wake_fd_ >= 0)
        ::close(wake_fd_);
    if (epoll_fd_ >= 0)
        ::close(epoll_fd_);
}

bool epoll_set::add(int fd, std::uint32_t events, std::uint64_t tag) {
    epoll_event e{};
    e.events = events;
    e.data.u64 = tag;
    return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &e) == 0;
}

void epoll_set::remove(int fd) { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

std::span<const epoll_event> epoll_set::wait(int timeout_ms) {
    const int n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
    if (n <= 0)
        return {};
    // Leave the interrupt's event out (it stays readable: every later wait returns at once).
    std::size_t kept = 0;
    for (int i = 0; i < n; ++i)
        if (events_[static_cast<std::size_t>(i)].data.u64 != ~std::uint64_t{0})
            events_[kept++] = events_[static_cast<std::size_t>(i)];
    return {events_.data(), kept};
}

void epoll_set::interrupt() {
    interrupted_.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof(one));
}

}  // namespace tolk::bench::raw
