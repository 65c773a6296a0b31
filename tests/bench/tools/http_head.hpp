#pragma once
// The few bytes of HTTP both load engines speak: the end of a response head, its status code
// and first line, and base64 (the WebSocket key, Icecast's Basic authorization).
// Pure functions; any thread.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tolk::bench::raw {

// The end of an HTTP response head ("\r\n\r\n" included) in `bytes`, or npos.
std::size_t find_head_end(std::string_view bytes);
// The status code of a response head ("HTTP/1.1 101 Switching Protocols"); 0 if malformed.
int http_status(std::string_view head);
// The head's first line, for error messages.
std::string_view first_line(std::string_view head);
std::string base64(std::span<const std::uint8_t> bytes);

}  // namespace tolk::bench::raw
