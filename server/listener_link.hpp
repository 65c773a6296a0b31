#pragma once
// What the channel hub needs from a listener: somewhere to put frames and messages.
// Implemented by listener_session. Every function may be called from any thread and must
// return quickly (queue and wake, never I/O).

#include "protocol/control_message.hpp"
#include "server/frame_ref.hpp"

#include <memory>
#include <optional>
#include <string>

namespace tolk::server {

class listener_link {
public:
    virtual ~listener_link() = default;
    virtual void deliver(const frame_ref& frame) = 0;
    virtual void notify(std::shared_ptr<const std::string> text) = 0;
    // The listener's latest `stats` report, if it sent one.
    virtual std::optional<protocol::listener_stats> last_stats() const = 0;
};

}  // namespace tolk::server
