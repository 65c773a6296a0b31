#include "clients/listen/node_list.hpp"

#include <algorithm>
#include <string>

namespace tolk::listen {

std::optional<client::ws_url> ws_url_of_public(std::string_view public_url) {
    constexpr std::string_view http = "http://";
    if (!public_url.starts_with(http))
        return std::nullopt;
    return client::parse_ws_url("ws://" + std::string(public_url.substr(http.size())));
}

node_list::node_list(client::ws_url given) : urls_{std::move(given)} {}

std::optional<client::ws_url> node_list::update(const nlohmann::json& answer) {
    if (!answer.is_object() || !answer.contains("nodes") || !answer["nodes"].is_array())
        return std::nullopt;
    std::vector<client::ws_url> urls;
    for (const auto& node : answer["nodes"]) {
        if (!node.is_object() || !node.contains("public_url") || !node["public_url"].is_string())
            continue;
        const auto url = ws_url_of_public(node["public_url"].get<std::string>());
        if (url && std::find(urls.begin(), urls.end(), *url) == urls.end())
            urls.push_back(*url);
    }
    const auto in_use = current();
    if (std::find(urls.begin(), urls.end(), in_use) == urls.end())
        urls.insert(urls.begin(), in_use);
    urls_ = std::move(urls);
    use(in_use);
    const auto& suggested = answer.contains("suggested") ? answer["suggested"] : nlohmann::json();
    if (!suggested.is_string())
        return std::nullopt;
    return ws_url_of_public(suggested.get<std::string>());
}

void node_list::use(const client::ws_url& url) {
    const auto it = std::find(urls_.begin(), urls_.end(), url);
    if (it == urls_.end()) {
        urls_.push_back(url);
        current_ = urls_.size() - 1;
    } else {
        current_ = static_cast<std::size_t>(it - urls_.begin());
    }
}

bool node_list::advance() {
    if (urls_.size() < 2)
        return false;
    current_ = (current_ + 1) % urls_.size();
    return true;
}

}  // namespace tolk::listen
