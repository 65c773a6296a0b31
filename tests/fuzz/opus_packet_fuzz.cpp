// libFuzzer target: the Opus packet check (codec::check_packet) the server runs on every frame a
// booth sends, before it fans the frame out. Accepted packets must describe 2.5 to 120 ms.
#include "codec/opus_packet.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tolk::codec;
    const auto check = check_packet({data, size});
    if (check && (check.samples < 120 || check.samples > 5760 || check.frames < 1 || check.frames > 48))
        std::abort();
    if (size > 0)  // a smaller limit than the packet must refuse it, never read past it
        if (check_packet({data, size}, size - 1).error != packet_error::too_large)
            std::abort();
    return 0;
}
