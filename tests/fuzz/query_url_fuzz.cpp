// libFuzzer target: request targets and URLs. The server reads paths and percent-decoded query
// values from every upgrade and API request (server/query.hpp); the native clients parse the
// ws:// URL given on their command line (clients/common/ws_url.hpp).
#include "clients/common/ws_url.hpp"
#include "server/query.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tolk;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto path = server::target_path(text);
    if (path.size() > text.size() || path.find('?') != std::string_view::npos)
        std::abort();
    for (const char* key : {"channel", "channels", "token", "base", ""}) {
        if (const auto value = server::query_param(text, key))
            if (value->size() > text.size())  // decoding only ever shortens
                std::abort();
    }
    for (const auto& item : server::split_list(text))
        if (item.empty() || item.find(',') != std::string::npos)
            std::abort();

    std::string error;
    if (const auto url = client::parse_ws_url(text, &error)) {
        // What parsed must parse again, the same, from its own spelling.
        const auto again = client::parse_ws_url("ws://" + url->authority() + url->prefix);
        if (!again || !(*again == *url))
            std::abort();
        (void)url->endpoint("/ws/listen");
    } else if (error.empty()) {
        std::abort();
    }
    (void)client::url_encode(text);
    return 0;
}
