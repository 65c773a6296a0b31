#include "server/join_sheet.hpp"
#include "server/html.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace tolk::server {

std::vector<std::string> lan_addresses() {
    std::vector<std::string> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0)
        return out;
    std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> guard(list, freeifaddrs);
    for (auto* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP) ||
            (i->ifa_flags & IFF_LOOPBACK))
            continue;
        char text[INET_ADDRSTRLEN] = {};
        auto* in = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
        if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text))
            out.emplace_back(text);
    }
    return out;
}

std::string default_public_url(bool tls, unsigned short port) {
    const auto lan = lan_addresses();
    return std::string(tls ? "https://" : "http://") + (lan.empty() ? "127.0.0.1" : lan.front()) +
           ":" + std::to_string(port);
}

std::string qr_svg(std::string_view text, int module_px) {
    const std::string data(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(data.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
    if (!code)
        throw std::runtime_error("QR encoding failed for " + data);
    const int quiet = 4;
    const int size = (code->width + 2 * quiet) * module_px;
    std::string path;
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x)
            if (code->data[y * code->width + x] & 1)
                path += "M" + std::to_string((x + quiet) * module_px) + "," +
                        std::to_string((y + quiet) * module_px) + "h" + std::to_string(module_px) +
                        "v" + std::to_string(module_px) + "h-" + std::to_string(module_px) + "z";
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(size) +
           "\" height=\"" + std::to_string(size) + "\" viewBox=\"0 0 " + std::to_string(size) + " " +
           std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
           "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

std::string channel_url(std::string_view base, std::string_view channel, std::string_view token) {
    std::string url(base);
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url + "/?channel=" + std::string(channel) + (token.empty() ? "" : "&token=" + std::string(token));
}

std::string join_page(const protocol::channel_list& event, std::string_view base, const join_token* token) {
    std::string root(base);
    while (!root.empty() && root.back() == '/')
        root.pop_back();
    const std::string_view t = token ? std::string_view(token->token) : std::string_view{};
    // A token makes a link too long to type: the caption shortens it (the code holds all of it).
    auto shown = [](const std::string& url) {
        const auto at = url.find("token=");
        return at == std::string::npos ? url : url.substr(0, at + 6) + "…";
    };
    auto card = [&shown](const std::string& title, const std::string& url, bool big) {
        return std::string("<figure class=\"") + (big ? "card big" : "card") + "\" data-url=\"" + escape_html(url) +
               "\">" + qr_svg(url, big ? 8 : 5) +
               "<figcaption><b>" + escape_html(title) + "</b><br><code>" + escape_html(shown(url)) +
               "</code></figcaption></figure>\n";
    };
    std::string cards = card(event.event, root + "/" + (t.empty() ? "" : "?token=" + std::string(t)), true);
    std::string players;  // the Icecast-style streams (server/icecast) for media players
    for (const auto& c : event.channels) {
        cards += card(c.label, channel_url(root, c.id, t), false);
        players += (players.empty() ? "" : ", ") + escape_html(c.label) + " <code>" +
                   escape_html(shown(root + "/stream/" + c.id + ".ogg" + (t.empty() ? "" : "?token=" + std::string(t)))) +
                   "</code>";
    }
    const std::string note =
        token ? "<p class=note>A private event: these codes open it without the passcode until " +
                    escape_html(token->expires) + ". Revoke them with <code>tolk-server token revoke " +
                    escape_html(token->token_id) + "</code>.</p>"
              : std::string();
    return "<!doctype html>\n<html><head><meta charset=utf-8><title>Join " + escape_html(event.event) +
           "</title><style>body{font:16px system-ui,sans-serif;margin:1cm;color:#000;background:#fff}"
           "h1{margin:0 0 .5cm}.grid{display:flex;flex-wrap:wrap;gap:.8cm}.card{margin:0;text-align:center;"
           "break-inside:avoid}.card svg{width:5cm;height:5cm}.big svg{width:8cm;height:8cm}"
           "code{font-size:13px;overflow-wrap:anywhere}.note{font-size:13px}@media print{a{color:#000}}</style></head><body><h1>" +
           escape_html(event.event) + "</h1><p>Scan with your phone's camera, pick your language, "
           "and listen with earphones. No app needed.</p>" + note + "<div class=grid>\n" + cards +
           "</div><p class=note>Media players (VLC, mpv, a hall's receiver): " + players + "</p></body></html>\n";
}

}  // namespace tolk::server
