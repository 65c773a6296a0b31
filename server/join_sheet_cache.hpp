#pragma once
// The /join sheets already drawn, by what they show (base URL, token, event and channels), so
// that a technician's reloads — or a script hammering /join — cost one QR rendering per sheet,
// not one per request. Bounded: past `capacity` sheets the oldest is forgotten.
//
// Ownership: one per server (server_context::join_cache); any I/O thread calls page(). A mutex
// guards the map; the QR codes are drawn outside it.

#include "server/join_sheet.hpp"

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace tolk::server {

class join_sheet_cache {
public:
    explicit join_sheet_cache(std::size_t capacity = 32) : capacity_(capacity) {}

    // join_page(event, base, token), drawn once per distinct sheet.
    std::shared_ptr<const std::string> page(const protocol::channel_list& event, std::string_view base,
                                            const join_token* token);
    std::size_t size() const;
    std::size_t drawn() const;  // sheets rendered so far (misses)

private:
    mutable std::mutex mutex_;
    std::size_t capacity_;
    std::map<std::string, std::shared_ptr<const std::string>> pages_;  // guarded by mutex_
    std::deque<std::string> order_;                                    // oldest first; guarded by mutex_
    std::size_t drawn_ = 0;                                            // guarded by mutex_
};

}  // namespace tolk::server
