#pragma once
// Who may do what: a pure decision from the event's auth settings, what the connection wants,
// whether it comes from this machine, and what it presented. The sessions call it once per
// connection (booth, listener WebSocket) or request (technician endpoints, /metrics) after
// verifying the presented token (tokens.hpp, with token_expectation()) or passcode (password.hpp),
// and close or answer with the decision's code and reason.
//
//   booth       a booth token for the channel; without one, only on the demo event from loopback
//   technician  this machine (loopback: the server's own console), or a technician token (bearer
//               or cookie); a token that does not verify does not take loopback's access away
//   metrics     loopback, or a technician token (bearer for Prometheus, or cookie)
//   listener    anyone on a public event; on a private one a listener or technician token, or the
//               passcode
// A cookie is never accepted as a booth token (a browser that logged in as technician must not
// be able to publish by visiting a page).

#include "protocol/close_code.hpp"
#include "server/auth/tokens.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tolk::auth {

// WebSocket close codes of the refusals: the values of protocol/close_code.hpp (the one list).
enum class close_code : std::uint16_t {
    unauthorized = protocol::close_code::unauthorized,
    forbidden = protocol::close_code::forbidden,
    token_expired = protocol::close_code::token_expired,
    replaced = protocol::close_code::replaced,
};
std::string_view name(close_code c);
// 401 for unauthorized and token_expired, 403 for forbidden, 409 for replaced.
int http_status(close_code c);

enum class access_role : std::uint8_t { booth, technician, listener, metrics };
std::string_view name(access_role r);

struct event_access {
    bool demo = false;               // the built-in demo event (no --config)
    bool private_listeners = false;  // the event file sets a listener passcode
};

enum class credential_kind : std::uint8_t { none, bearer_token, cookie_token, passcode };

struct credential {
    credential_kind kind = credential_kind::none;
    const verification* token = nullptr;  // for the token kinds: verify() with token_expectation()
    bool passcode_ok = false;             // for a passcode: verify_password()'s answer
};

struct access_request {
    access_role role = access_role::listener;
    bool loopback = false;  // the request comes from this machine (server::is_loopback, not
                            // forwarded by a proxy, not from another site's page)
    credential presented;
};

struct decision {
    bool allowed = false;
    std::optional<close_code> code;  // set when refused
    std::string_view reason_code;    // stable, for counters and logs: "token", "no_token", "expired", ...
    std::string reason;              // for the close frame or the HTTP body; under 123 bytes
    explicit operator bool() const { return allowed; }
};

// What verify() must check for a token presented for `role` on `channel` (empty: none).
expectation token_expectation(access_role role, std::string_view event, std::string_view channel = {});

decision decide(const event_access& event, const access_request& request);

}  // namespace tolk::auth
