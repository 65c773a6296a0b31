#pragma once
// The server's half of signed roles: the event's keys, revocation list and [auth] settings
// (server/auth), and the one question every session asks — may this connection do this? —
// answered with server/auth/policy.hpp's decision. Counts every refusal by its reason for
// /metrics.
//
// Ownership: one instance, owned by `server`, built at start-up; sessions hold it by reference
// (server_context). Thread-safety: the keys and settings are read-only after construction; the
// revocation list locks itself; the counters are guarded by a mutex. Calls do one stat() (the
// revocation list's refresh) and one signature check: cheap, but not per audio frame. Password
// and passcode checks (Argon2id) run on the password_gate's workers, awaited by the session.

#include "server/auth/policy.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/settings.hpp"
#include "server/auth/key_store.hpp"
#include "server/auth/password.hpp"
#include "server/auth/tokens.hpp"
#include "server/config.hpp"
#include "server/password_gate.hpp"
#include "server/request_credentials.hpp"

#include <boost/asio/awaitable.hpp>
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
    // For an admitted listener: whether its credential opens `channel`. A listener token may
    // name the channels it opens; a booth's token names the channel it speaks on, and its
    // console hears every channel (the floor, relays); a passcode opens them all.
    bool hears(std::string_view channel) const {
        return !had_token || claims.who != auth::role::listener || claims.allows_channel(channel);
    }
};

// What POST /api/login gets: a technician token, or why not (HTTP status and reason).
struct login_outcome {
    std::optional<auth::issued_token> token;
    int status = 401;              // 200 with a token; 401 wrong name or password; 503 busy
    std::string_view reason_code;  // "login", "wrong_password", "no_accounts", "busy"
    std::string reason;
};

// How long a technician's login lasts (the cookie's Max-Age and the token's exp).
inline constexpr std::chrono::hours technician_login_ttl{8};
// How long the listener token that a private event's /join sheet carries lasts.
inline constexpr std::chrono::hours join_sheet_ttl{24};

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

    // A technician endpoint (role technician) or /metrics (role metrics). `local`:
    // from_this_machine(). The bearer token is used before the cookie.
    access_outcome technician(const presented_credentials& presented, bool local,
                              auth::access_role role = auth::access_role::technician);

    // A listener of this event (/ws/listen; the full /api/channels). On a private event a token
    // (?token= or bearer: listener or technician; the login cookie), else the passcode, whose
    // check_passcode() answer is `passcode_ok`. Public events let everyone in (no verification).
    access_outcome listener(const presented_credentials& presented, std::optional<bool> passcode_ok);

    // Whether a private event's full channel list may be shown: this machine, or a listener or
    // technician token (no passcode: an HTTP GET does not pay an Argon2id check). Not counted.
    bool may_list_channels(const presented_credentials& presented, bool local);

    // Whether `passcode` is the private event's (Argon2id on the gate, then remembered).
    // nullopt: the gate is busy.
    boost::asio::awaitable<std::optional<bool>> check_passcode(std::string passcode);

    // An Icecast source's password against its channel's source_password hash (Argon2id on the
    // gate; a wrong one is counted). nullopt: the gate is busy.
    boost::asio::awaitable<std::optional<bool>> check_source_password(std::string hash, std::string password);

    // A technician's password for a technician token (Argon2id on the gate). An unknown name
    // costs the same check as a known one.
    boost::asio::awaitable<login_outcome> login(std::string name, std::string password, const boost::asio::ip::address& peer);

    // A listener token this server signs (the /join sheet of a private event); nullopt when it has
    // no signing key (the demo event before any token was issued).
    std::optional<auth::issued_token> issue_listener_token(std::string subject, std::chrono::seconds ttl);
    // Checks a listener token given to /join?token=.
    auth::verification verify_listener_token(std::string_view token);

    const auth::auth_settings& settings() const { return settings_; }
    const auth::event_access& event() const { return event_; }
    bool has_key() const { return ring_.size() > 0; }

    // Prometheus text: tolk_access_refused_total{role,reason}.
    std::string prometheus() const;

private:
    void count_refusal(auth::access_role role, std::string_view reason);
    auth::verification verify(std::string_view token, const auth::expectation& want);

    std::string event_id_;
    auth::event_access event_;
    auth::auth_settings settings_;
    auth::key_ring ring_;
    std::optional<auth::signing_key> key_;  // signs technician logins and /join's listener tokens
    auth::verified_secret passcode_seen_;
    password_gate gate_;
    std::unique_ptr<auth::revocation_list> revoked_;
    mutable std::mutex counts_mutex_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> refusals_;  // guarded by counts_mutex_
};

}  // namespace tolk::server
