#pragma once
// One audio frame as the server forwards it: serialised once, immutable, shared by every
// listener queue that holds it (one heap allocation per frame, none per listener).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace tolk::server {

struct frame_ref {
    std::shared_ptr<const std::uint8_t[]> bytes;
    std::uint32_t size = 0;
    std::uint32_t samples = 0;   // audio duration at 48 kHz
    std::uint16_t channel = 0;   // channel number
    std::int64_t ingress_us = 0;

    std::span<const std::uint8_t> view() const { return {bytes.get(), size}; }
};

}  // namespace tolk::server
