#include "server/booth_desks_relay.hpp"

#include <cctype>

namespace tolk::server {

namespace {

std::string_view primary(std::string_view tag) { return tag.substr(0, tag.find('-')); }

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& l : list)
        out += (out.empty() ? "" : ", ") + l;
    return out;
}

}  // namespace

bool same_language(std::string_view a, std::string_view b) {
    a = primary(a);
    b = primary(b);
    if (a.size() != b.size() || a.empty())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

auto_relay decide_auto_relay(const booths_config& booths, const std::string& booth, std::string_view channel,
                             std::string_view floor_channel, std::string_view floor_language) {
    const auto works = booths.works_from.find(booth);
    if (works == booths.works_from.end())
        return {};  // the event does not say what this booth works from: no suggestion
    const std::string name = booth.empty() ? std::string("this booth") : booth;
    if (!floor_channel.empty() && channel == floor_channel)
        return {"", name + " publishes the floor"};
    if (floor_language.empty())
        return {"", "floor language unknown; " + name + " works from " + joined(works->second)};
    const auto said = "floor is " + std::string(floor_language) + "; " + name + " works from " + joined(works->second);
    for (const auto& l : works->second)
        if (same_language(l, floor_language))
            return {"floor", said};
    const auto own = booths.pivots.find(booth);
    const std::string pivot = own != booths.pivots.end() ? own->second : booths.pivot;
    if (pivot.empty())
        return {"", said + "; no pivot channel configured"};
    if (pivot == channel)
        return {"", said + "; its pivot " + pivot + " is its own channel"};
    return {pivot, said + ": relay from " + pivot};
}

}  // namespace tolk::server
