#include "server/cluster/nats_link.hpp"

#include "server/log.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace tolk::cluster {

namespace {

void check(natsStatus s, const char* what) {
    if (s != NATS_OK)
        throw std::runtime_error(std::string("NATS: ") + what + ": " + natsStatus_GetText(s));
}

void on_down(natsConnection*, void* closure) { (*static_cast<std::function<void(bool)>*>(closure))(false); }
void on_up(natsConnection*, void* closure) { (*static_cast<std::function<void(bool)>*>(closure))(true); }

}  // namespace

nats_link::nats_link(const server::cluster_config& config, const std::string& name,
                     std::function<void(bool up)> changed)
    : changed_(std::move(changed)) {
    natsOptions* opts = nullptr;
    check(natsOptions_Create(&opts), "options");
    // Reconnect for ever, quickly; buffer nothing while down (audio published then is dropped,
    // not replayed late); a node whose first connect fails keeps trying in the background.
    // "nats://a:4222,nats://b:4222": every server of the cluster; libnats moves to the next.
    std::vector<std::string> urls;
    for (std::size_t at = 0; at <= config.nats_url.size();) {
        const auto comma = std::min(config.nats_url.find(',', at), config.nats_url.size());
        if (comma > at)
            urls.push_back(config.nats_url.substr(at, comma - at));
        at = comma + 1;
    }
    std::vector<const char*> servers;
    for (const auto& u : urls)
        servers.push_back(u.c_str());
    check(natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size())), "server list");
    natsOptions_SetName(opts, name.c_str());
    natsOptions_SetTimeout(opts, 1000);
    natsOptions_SetMaxReconnect(opts, -1);
    natsOptions_SetReconnectWait(opts, 250);
    natsOptions_SetReconnectJitter(opts, 100, 100);
    natsOptions_SetPingInterval(opts, 2000);
    natsOptions_SetMaxPingsOut(opts, 2);
    natsOptions_SetNoEcho(opts, true);  // a node never hears its own frames back
    natsOptions_SetDisconnectedCB(opts, on_down, &changed_);
    natsOptions_SetReconnectedCB(opts, on_up, &changed_);
    natsOptions_SetRetryOnFailedConnect(opts, true, on_up, &changed_);
    const natsStatus s = natsConnection_Connect(&nc_, opts);
    natsOptions_Destroy(opts);
    if (s == NATS_NOT_YET_CONNECTED)
        server::log("cluster")->warn("NATS at {} not reachable yet: serving this node alone, retrying", config.nats_url);
    else
        check(s, "connect");
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 1000;
    const natsStatus j = natsConnection_JetStream(&js_, nc_, &jo);
    if (j != NATS_OK) {
        natsConnection_Destroy(nc_);
        check(j, "JetStream context");
    }
}

nats_link::~nats_link() {
    jsCtx_Destroy(js_);
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
}

bool nats_link::connected() const { return natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED; }

}  // namespace tolk::cluster
