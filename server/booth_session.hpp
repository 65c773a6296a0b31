#pragma once
// A booth publishing one channel: /ws/booth?channel=ID.
//
// Claims the channel on the hub (refused with 4001/4002 if taken or unknown), validates every
// frame (header, Opus packet, rate), stamps it, serialises it once and publishes it. Releases
// the channel when it closes. Shard-only state, see ws_session.

#include "server/ws_session.hpp"

#include <optional>

namespace tolk::server {

class booth_session final : public ws_session {
public:
    booth_session(any_stream&& stream, http_request request, connection_slot slot,
                  server_context& ctx);

private:
    void on_open() override;
    void on_text(std::string_view text, std::int64_t received_us) override;
    void on_binary(std::span<const std::uint8_t> data, std::int64_t received_us) override;
    void on_closed() override;

    void refuse(std::uint16_t code, const char* error, std::string reason);
    bool within_rate(std::int64_t now);

    std::optional<std::uint16_t> channel_;
    bool on_air_ = false;
    bool first_frame_ = true;
    double tokens_ = 0;
    std::int64_t tokens_at_ = 0;
    std::uint64_t frames_ = 0;
};

}  // namespace tolk::server
