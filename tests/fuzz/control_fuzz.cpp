// libFuzzer target: JSON control messages (protocol::parse_control), read from every booth,
// listener and technician. A message that parses must serialise to one that parses again as
// the same type (the server echoes and forwards what it parsed).
#include "protocol/control_message.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tolk::protocol;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = parse_control(text);
    if (!parsed) {
        if (parsed.error().message().empty())
            std::abort();  // every refusal says why
        return 0;
    }
    const auto again = parse_control(serialize(parsed.value()));
    if (!again || type_name(again.value()) != type_name(parsed.value()))
        std::abort();
    return 0;
}
