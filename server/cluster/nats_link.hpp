#pragma once
// One node's connection to NATS (libnats): connects in the background, reconnects by itself
// for ever (the node keeps serving its own booths and listeners meanwhile), and says when the
// link goes down or comes back.
//
// Ownership: owned by nats_bus; the connection's own threads (libnats) run the callbacks.
// Thread-safety: every member may be called from any thread.

#include "server/config.hpp"

#include <functional>
#include <string>

struct __natsConnection;
struct __jsCtx;

namespace tolk::cluster {

class nats_link {
public:
    // `changed(up)` runs on a libnats thread whenever the link goes down or comes back.
    nats_link(const server::cluster_config& config, const std::string& name, std::function<void(bool up)> changed);
    ~nats_link();
    nats_link(const nats_link&) = delete;
    nats_link& operator=(const nats_link&) = delete;

    bool connected() const;
    __natsConnection* connection() const { return nc_; }
    __jsCtx* jetstream() const { return js_; }  // JetStream requests wait at most 1 s

private:
    std::function<void(bool)> changed_;
    __natsConnection* nc_ = nullptr;
    __jsCtx* js_ = nullptr;
};

}  // namespace tolk::cluster
