// libFuzzer target: the binary audio frame (protocol::parse_audio_frame), the first thing the
// server reads of every booth message. A frame that parses must serialise back to the same bytes.
#include "protocol/audio_frame.hpp"

#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tolk::protocol;
    const auto parsed = parse_audio_frame({data, size});
    if (!parsed)
        return 0;
    const auto& frame = parsed.value();
    if (frame.opus.size() > max_opus_payload || frame.opus.data() < data || frame.opus.data() + frame.opus.size() > data + size)
        std::abort();  // the payload must lie inside the input and within the protocol's bound
    const auto bytes = serialize_audio_frame(frame.header, frame.opus);
    const auto again = parse_audio_frame(bytes);
    if (!again || !(again.value().header == frame.header) || again.value().opus.size() != frame.opus.size() ||
        std::memcmp(again.value().opus.data(), frame.opus.data(), frame.opus.size()) != 0)
        std::abort();  // what we accept we must be able to write back unchanged
    return 0;
}
