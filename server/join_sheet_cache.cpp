#include "server/join_sheet_cache.hpp"

namespace tolk::server {

namespace {

std::string key_of(const protocol::channel_list& event, std::string_view base, const join_token* token) {
    std::string key(base);
    key += '\n';
    if (token)
        key += token->token + '\n' + token->token_id + '\n' + token->expires;
    key += '\n' + event.event;
    for (const auto& c : event.channels)
        key += '\n' + c.id + '\t' + c.label;
    return key;
}

}  // namespace

std::shared_ptr<const std::string> join_sheet_cache::page(const protocol::channel_list& event, std::string_view base,
                                                          const join_token* token) {
    auto key = key_of(event, base, token);
    {
        std::lock_guard lock(mutex_);
        if (auto found = pages_.find(key); found != pages_.end())
            return found->second;
    }
    auto drawn = std::make_shared<const std::string>(join_page(event, base, token));
    std::lock_guard lock(mutex_);
    ++drawn_;
    if (auto [it, inserted] = pages_.emplace(key, drawn); !inserted)
        return it->second;  // drawn meanwhile by another thread
    order_.push_back(std::move(key));
    while (order_.size() > capacity_) {
        pages_.erase(order_.front());
        order_.pop_front();
    }
    return drawn;
}

std::size_t join_sheet_cache::size() const {
    std::lock_guard lock(mutex_);
    return pages_.size();
}

std::size_t join_sheet_cache::drawn() const {
    std::lock_guard lock(mutex_);
    return drawn_;
}

}  // namespace tolk::server
