#include "server/server_context.hpp"

namespace tolk::server {

void connection_tracker::add() {
    std::lock_guard lock(mutex_);
    ++open_;
}

void connection_tracker::remove() {
    std::lock_guard lock(mutex_);
    if (--open_ == 0)
        none_.notify_all();
}

std::int64_t connection_tracker::open() const {
    std::lock_guard lock(mutex_);
    return open_;
}

bool connection_tracker::wait_none(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return none_.wait_for(lock, timeout, [&] { return open_ == 0; });
}

}  // namespace tolk::server
