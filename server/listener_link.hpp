#pragma once
// What the channel hub needs from a listener: somewhere to put frames and messages.
// Implemented by listener_session.

#include "protocol/control_message.hpp"
#include "server/frame_ref.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <optional>
#include <string>

namespace tolk::server {

class listener_link {
public:
    virtual ~listener_link() = default;
    // The executor the listener lives on (its I/O shard); fixed for the listener's life.
    virtual boost::asio::any_io_executor executor() const = 0;
    // Called by the hub on the listener's own executor only. The listener's writer writes the
    // frame to the socket at once or queues it, and counts it when written.
    virtual void deliver(const frame_ref& frame) = 0;
    // Any thread; queues and wakes, never does I/O.
    virtual void notify(std::shared_ptr<const std::string> text) = 0;
    // The listener's latest `stats` report, if it sent one. Any thread.
    virtual std::optional<protocol::listener_stats> last_stats() const = 0;
};

}  // namespace tolk::server
