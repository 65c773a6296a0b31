#include "server/cluster/node_board.hpp"

#include "server/cluster/figures_wire.hpp"

#include <nlohmann/json.hpp>

namespace tolk::cluster {

using json = nlohmann::json;

std::string serialize(const node_status& s) {
    json channels = json::array();
    for (const auto& c : s.channels) {
        json one{{"id", c.id}, {"on_air", c.on_air}, {"listeners", c.listeners}, {"booth", c.booth}, {"identity", c.identity}};
        if (c.heard.reporting > 0)
            one["heard"] = heard_to_json(c.heard);
        if (!c.tech.empty())
            one["tech"] = figures_to_json(c.tech);
        channels.push_back(std::move(one));
    }
    return json{{"node", s.node}, {"instance", s.instance}, {"public_url", s.public_url}, {"channels", std::move(channels)}}
        .dump();
}

std::optional<node_status> parse_node_status(std::string_view text) {
    const auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("channels") || !j["channels"].is_array())
        return std::nullopt;
    try {
        node_status s{j.value("node", ""), j.value("instance", ""), {}, j.value("public_url", ""), 0};
        for (const auto& c : j["channels"]) {
            channel_status cs{c.value("id", ""), c.value("on_air", false), c.value("listeners", 0u),
                              c.value("booth", ""), c.value("identity", ""), {}, {}};
            if (const auto h = c.find("heard"); h != c.end())
                cs.heard = heard_from_json(*h, s.refused);
            if (const auto t = c.find("tech"); t != c.end())
                cs.tech = figures_from_json(*t, s.refused);
            s.channels.push_back(std::move(cs));
        }
        if (s.instance.empty())
            return std::nullopt;
        return s;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

namespace {

std::vector<std::string> on_air_ids(const node_status& s) {
    std::vector<std::string> ids;
    for (const auto& c : s.channels)
        if (c.on_air)
            ids.push_back(c.id + "\n" + c.identity);
    return ids;
}

}  // namespace

bool node_board::update(node_status status, clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto& slot = nodes_[status.instance];
    const bool changed = slot.at == clock::time_point{} || on_air_ids(slot.status) != on_air_ids(status);
    slot = {std::move(status), now};
    return changed;
}

bool node_board::forget_older(clock::time_point now, clock::duration max_age) {
    std::lock_guard lock(mutex_);
    return std::erase_if(nodes_, [&](const auto& n) { return now - n.second.at > max_age; }) > 0;
}

std::uint32_t node_board::listeners(const std::string& channel) const {
    std::lock_guard lock(mutex_);
    std::uint32_t n = 0;
    for (const auto& [instance, node] : nodes_)
        for (const auto& c : node.status.channels)
            if (c.id == channel)
                n += c.listeners;
    return n;
}

std::vector<server::heard_summary> node_board::heard(const std::string& channel) const {
    std::lock_guard lock(mutex_);
    std::vector<server::heard_summary> out;
    for (const auto& [instance, node] : nodes_)
        for (const auto& c : node.status.channels)
            if (c.id == channel && c.heard.reporting > 0)
                out.push_back(c.heard);
    return out;
}

std::optional<remote_booth> node_board::on_air(const std::string& channel) const {
    std::lock_guard lock(mutex_);
    for (const auto& [instance, node] : nodes_)
        for (const auto& c : node.status.channels)
            if (c.id == channel && c.on_air)
                return remote_booth{node.status.node, c.booth, c.identity};
    return std::nullopt;
}

std::vector<server::node_figures> node_board::figures(const std::string& channel, clock::time_point now) const {
    std::lock_guard lock(mutex_);
    std::vector<server::node_figures> out;
    for (const auto& [instance, node] : nodes_)
        for (const auto& c : node.status.channels)
            if (c.id == channel && !c.tech.empty()) {
                auto tech = c.tech;
                if (!c.on_air)
                    tech.booth.reset();  // a booth's figures count only from the node that holds the channel
                out.push_back({node.status.node, std::move(tech),
                               std::chrono::duration_cast<std::chrono::milliseconds>(now - node.at)});
            }
    return out;
}

std::vector<node_status> node_board::nodes() const {
    std::lock_guard lock(mutex_);
    std::vector<node_status> out;
    for (const auto& [instance, node] : nodes_)
        out.push_back(node.status);
    return out;
}

}  // namespace tolk::cluster
