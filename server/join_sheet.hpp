#pragma once
// Joining: the LAN URLs phones can reach, QR codes for them (libqrencode, as SVG), and the
// printable /join sheet with one code for the event and one per channel.
// Pure functions except lan_addresses(), which asks the kernel (call it at start-up).

#include "protocol/control_message.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tolk::server {

// Non-loopback IPv4 addresses of this machine's interfaces that are up.
std::vector<std::string> lan_addresses();

// "http://192.168.1.20:8080" from the first LAN address (or 127.0.0.1 without one).
std::string default_public_url(bool tls, unsigned short port);

// An SVG of the QR code for `text` (medium error correction); throws on failure.
std::string qr_svg(std::string_view text, int module_px = 6);

// The listener link for a channel: BASE/?channel=ID.
std::string channel_url(std::string_view base, std::string_view channel);

// The printable sheet: event code first, then one per channel, the URL under each.
std::string join_page(const protocol::channel_list& event, std::string_view base);

}  // namespace tolk::server
