#pragma once
// Who may hold one of the server's connections. Three limits, decided here and nowhere else:
//  - max_connections for everyone, plus `reserved_slots` on top that only booths and
//    technicians may use, so a full house never locks the interpreters out;
//  - max_connections_per_address for listeners and web requests from one client address (a
//    laptop with scripts cannot take the hall's share); booths and technicians, who prove who
//    they are with a token, are not held to it;
//  - at accept, before any TLS or HTTP work, the hard ceilings: the whole server at
//    max_connections + reserved_slots, one address at its cap + reserved_slots.
// Behind a reverse proxy the client's address is the proxy's X-Forwarded-For entry, believed
// only when the peer is one of `trusted_proxies` (client_address); a trusted proxy's own
// connections are held to no per-address ceiling at accept.
//
// connection_tracker counts open connections, in all and per address; connection_slot holds one
// count for as long as its connection lives and moves with the connection from the HTTP session
// to the WebSocket session. Thread-safe (one mutex; taken once per connection, never per frame).

#include "server/config.hpp"

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace tolk::server {

// What a connection turned out to be, once its request is read.
enum class connection_role { public_client, booth, technician };

enum class admission { admit, server_full, address_full };

// The reason a refused client reads (HTTP body or WebSocket close reason).
std::string_view refusal_reason(admission a);

// At accept: `open_total` and `open_from_address` count the connections already open (not this
// one). `trusted_proxy`: the peer is a configured reverse proxy (no per-address ceiling).
admission admit_at_accept(const limits_config& l, std::int64_t open_total, std::int64_t open_from_address,
                          bool trusted_proxy);

// Once the request says who connects: the counts include this connection.
admission admit_request(const limits_config& l, connection_role role, std::int64_t open_total,
                        std::int64_t open_from_address);

// The address a request comes from: the peer, or, when the peer is a trusted proxy, the last
// address of X-Forwarded-For (the one that proxy appended). Unparsable headers: the peer.
boost::asio::ip::address client_address(const boost::asio::ip::address& peer, std::string_view forwarded_for,
                                        const std::vector<std::string>& trusted_proxies);
bool is_trusted_proxy(const boost::asio::ip::address& peer, const std::vector<std::string>& trusted_proxies);
// 127.0.0.1 and ::1, the server's own machine (a local reverse proxy, the technician's tools, a
// benchmark): not held to the per-address cap; the whole server's limits still apply. (Other
// 127.x addresses are counted like any other: tests stand them in for machines on the LAN.)
bool is_this_machine(const boost::asio::ip::address& a);

class connection_tracker {
public:
    void add(const boost::asio::ip::address& from);
    void remove(const boost::asio::ip::address& from);
    void move(const boost::asio::ip::address& from, const boost::asio::ip::address& to);
    std::int64_t open() const;
    std::int64_t open_from(const boost::asio::ip::address& from) const;
    // Waits until no connection is open; false if that did not happen within `timeout`.
    bool wait_none(std::chrono::milliseconds timeout) const { return wait_at_most(0, timeout); }
    // Waits until at most `n` connections are open; false if that did not happen within `timeout`.
    bool wait_at_most(std::int64_t n, std::chrono::milliseconds timeout) const;

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable closed_;  // notified on every remove
    std::int64_t open_ = 0;
    std::unordered_map<boost::asio::ip::address, std::int64_t> per_address_;
};

class connection_slot {
public:
    connection_slot(connection_tracker& t, boost::asio::ip::address from) : tracker_(&t), from_(from) {
        t.add(from_);
    }
    connection_slot(connection_slot&& other) noexcept
        : tracker_(std::exchange(other.tracker_, nullptr)), from_(other.from_) {}
    connection_slot& operator=(connection_slot&&) = delete;
    ~connection_slot() {
        if (tracker_)
            tracker_->remove(from_);
    }

    const boost::asio::ip::address& address() const { return from_; }
    // The request showed the real client behind a trusted proxy: count it there.
    void rebind(const boost::asio::ip::address& to) {
        if (tracker_ && to != from_) {
            tracker_->move(from_, to);
            from_ = to;
        }
    }

private:
    connection_tracker* tracker_;
    boost::asio::ip::address from_;
};

}  // namespace tolk::server
