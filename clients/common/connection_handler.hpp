#pragma once
// What a ws_connection tells its owner.  Every call arrives on the connection's strand, one at
// a time; the handler must outlive the connection's activity (its owner keeps both).

#include "protocol/clock_sync.hpp"
#include "protocol/close_code.hpp"
#include "protocol/control_message.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace tolk::client {

// Why a connection ended (or never started).
struct close_info {
    bool established = false;  // the WebSocket handshake had succeeded
    std::uint16_t code = 0;    // the server's close code, 0 when the connection just broke
    std::string reason;        // the server's close reason, or the local error
};

// Close codes that retrying will not fix (see protocol/PROTOCOL.md).
inline bool is_permanent_refusal(std::uint16_t code) {
    return code == protocol::close_code::channel_taken || code == protocol::close_code::unknown_channel;
}

class connection_handler {
public:
    virtual ~connection_handler() = default;

    // The WebSocket is open and `hello` is queued.  Audio sent before this is dropped.
    virtual void on_open() {}
    // A text message that parsed (pongs are handled by the connection, then passed on too).
    virtual void on_control(const protocol::control_message& message) = 0;
    // A binary message; `bytes` is valid during the call only.  receipt_us: steady clock.
    virtual void on_binary(std::span<const std::uint8_t> bytes, std::int64_t receipt_us) = 0;
    // A pong improved or refreshed the clock estimate.
    virtual void on_clock(const protocol::clock_sync& clock) { (void)clock; }
    // The connection ended or could not be made.  Return true to reconnect after a backoff
    // (when the options allow it), false to stop for good.
    virtual bool on_close(const close_info& info) { return !is_permanent_refusal(info.code); }
    // The connection has stopped for good (stop(), or on_close said no): the last call.
    virtual void on_stopped() {}
};

}  // namespace tolk::client
