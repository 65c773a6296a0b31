#include "server/session_registry.hpp"

#include "protocol/close_code.hpp"

#include <vector>

namespace tolk::server {

std::uint64_t session_registry::add(std::weak_ptr<closable> session) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    sessions_.emplace(id, std::move(session));
    return id;
}

void session_registry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
}

bool session_registry::close(std::uint64_t id, std::uint16_t code, std::string reason) {
    std::shared_ptr<closable> session;
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(id);
        if (it != sessions_.end())
            session = it->second.lock();
    }
    if (!session)
        return false;
    session->request_close(code, std::move(reason));
    return true;
}

void session_registry::close_all() {
    std::vector<std::shared_ptr<closable>> open;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, w] : sessions_)
            if (auto s = w.lock())
                open.push_back(std::move(s));
    }
    for (const auto& s : open)
        s->request_close(protocol::close_code::going_away, "server shutting down");
}

std::size_t session_registry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace tolk::server
