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

// The listener link for a channel: BASE/?channel=ID, with &token=T when a listener token is
// given (a private event's link that opens without the passcode).
std::string channel_url(std::string_view base, std::string_view channel, std::string_view token = {});

// A private event's sheet carries a listener token in every code.
struct join_token {
    std::string token;
    std::string token_id;  // jti, printed for `tolk-server token revoke`
    std::string expires;   // RFC 3339
};

// The printable sheet: event code first, then one per channel, the URL under each. With a
// token, every link carries it and the sheet says until when it is valid and how to revoke it.
std::string join_page(const protocol::channel_list& event, std::string_view base, const join_token* token = nullptr);

}  // namespace tolk::server
