#pragma once
// The nodes a listener may hear its channel from, when the event runs on several tolk nodes
// (deploy/README.md, "Several nodes"): what /api/nodes answers, as WebSocket URLs, with the one
// in use. The listener starts on the node the server suggests and, when its node goes away,
// walks the list (the next node after the one that failed, round and round).
// Pure bookkeeping; one owner (the listener's io_context thread).

#include "clients/common/ws_url.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace tolk::listen {

// "http://host:port[/prefix]" (a node's public_url) as ws://; nothing for https:// (the native
// clients speak plain WebSocket) or anything unreadable.
std::optional<client::ws_url> ws_url_of_public(std::string_view public_url);

class node_list {
public:
    explicit node_list(client::ws_url given);

    // An /api/nodes answer ({"nodes": [{"public_url": ...}], "suggested": ...}). The node in
    // use stays in the list even if the answer leaves it out (it may be a name only we use).
    // Returns the suggested node when the answer names one this client can reach.
    std::optional<client::ws_url> update(const nlohmann::json& answer);

    const client::ws_url& current() const { return urls_[current_]; }
    void use(const client::ws_url& url);
    // The node in use went away: move to the next one; false when there is no other.
    bool advance();
    std::size_t size() const { return urls_.size(); }

private:
    std::vector<client::ws_url> urls_;  // never empty
    std::size_t current_ = 0;
};

}  // namespace tolk::listen
