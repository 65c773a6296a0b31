#pragma once
// The server's half of signed roles: the event's keys, revocation list and [auth] settings
// (server/auth), and the one question every session asks — may this connection do this? —
// answered with server/auth/policy.hpp's decision. Counts every refusal by its reason for
// /metrics.
//
// Ownership: one instance, owned by `server`, built at start-up; sessions hold it by reference
// (server_context). Thread-safety: the keys and settings are read-only after construction; the
// revocation list locks itself; the counters are relaxed atomics. Calls do one stat() (the
// revocation list's refresh) and one signature check: cheap, but not per audio frame.

#include "server/auth/policy.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/settings.hpp"
#include "server/config.hpp"

#include <boost/asio/ip/address.hpp>

#include <mutex>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tolk::server {

// 127.0.0.1 and ::1 (and ::ffff:127.0.0.1) only: the rest of 127.0.0.0/8 counts as another
// machine, so that tests can stand in for one by binding to 127.0.0.2.
bool is_loopback(const boost::asio::ip::address& address);

struct access_outcome {
    auth::decision decision;
    auth::claims claims;  // the token's claims when one was verified (also for most refusals)
    bool had_token = false;
    explicit operator bool() const { return decision.allowed; }
};

class access_control {
public:
    // Loads the [auth] table of config.event_file and the signing key from its state directory
    // (created at first start). For the demo event the key is loaded only when it already
    // exists (tokens from `tolk-server token issue` without --config), never created.
    // Throws auth::settings_error / auth::key_error with a message naming the problem.
    explicit access_control(const server_config& config);
    ~access_control();

    // A booth asking for `channel` with `token` (empty: none presented).
    access_outcome booth(std::string_view token, std::string_view channel, const boost::asio::ip::address& peer);

    const auth::auth_settings& settings() const { return settings_; }
    const auth::event_access& event() const { return event_; }
    bool has_key() const { return ring_.size() > 0; }

    // Prometheus text: tolk_access_refused_total{role,reason}.
    std::string prometheus() const;

private:
    void count_refusal(auth::access_role role, std::string_view reason);

    std::string event_id_;
    auth::event_access event_;
    auth::auth_settings settings_;
    auth::key_ring ring_;
    std::unique_ptr<auth::revocation_list> revoked_;
    mutable std::mutex counts_mutex_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> refusals_;  // guarded by counts_mutex_
};

}  // namespace tolk::server
