#pragma once
// The protocol version this code speaks: byte 0 of every audio frame, `protocol` in hello and
// welcome. One number for the whole wire format.

#include <cstdint>

namespace tolk::protocol {

inline constexpr std::uint8_t protocol_version = 1;

}  // namespace tolk::protocol
