#include "server/auth/policy.hpp"

namespace tolk::auth {
namespace {

decision allow(std::string_view reason_code, std::string reason) {
    return {true, std::nullopt, reason_code, std::move(reason)};
}

decision deny(close_code code, std::string_view reason_code, std::string reason) {
    return {false, code, reason_code, std::move(reason)};
}

decision from_refusal(const verification& v, access_role wanted) {
    switch (v.error) {
    case refusal::none: break;
    case refusal::wrong_event:
    case refusal::wrong_channel:
        return deny(close_code::forbidden, code(v.error), std::string(describe(v.error)));
    case refusal::wrong_role:
        return deny(close_code::forbidden, code(v.error),
                    "a " + std::string(name(v.claims.who)) + " token does not open " + std::string(name(wanted)));
    case refusal::expired:
        return deny(close_code::token_expired, code(v.error), std::string(describe(v.error)));
    default:
        return deny(close_code::unauthorized, code(v.error), std::string(describe(v.error)));
    }
    return allow("token", std::string(name(v.claims.who)) + " token of " + v.claims.subject);
}

bool is_token(credential_kind k) { return k == credential_kind::bearer_token || k == credential_kind::cookie_token; }

// A token credential's outcome; a token kind without an outcome is treated as malformed.
decision token_decision(const credential& c, access_role wanted) {
    if (c.token == nullptr)
        return deny(close_code::unauthorized, code(refusal::malformed), std::string(describe(refusal::malformed)));
    return from_refusal(*c.token, wanted);
}

decision booth(const event_access& event, const access_request& r) {
    switch (r.presented.kind) {
    case credential_kind::bearer_token: return token_decision(r.presented, access_role::booth);
    case credential_kind::cookie_token:
        return deny(close_code::unauthorized, "cookie_not_booth_token", "a login cookie is not a booth token");
    case credential_kind::passcode:
        return deny(close_code::unauthorized, "passcode_not_booth_token", "a passcode does not open a booth");
    case credential_kind::none: break;
    }
    if (event.demo && r.loopback)
        return allow("demo_loopback", "demo event: booth without a token from this machine");
    return deny(close_code::unauthorized, code(refusal::no_token),
                event.demo ? "a booth token is required from another machine" : "a booth token is required");
}

decision technician(const access_request& r) {
    if (r.loopback)
        return allow("loopback", "technician on this machine");
    if (is_token(r.presented.kind))
        return token_decision(r.presented, access_role::technician);
    return deny(close_code::unauthorized, code(refusal::no_token), "a technician login or token is required");
}

decision metrics(const access_request& r) {
    if (r.loopback)
        return allow("loopback", "metrics from this machine");
    if (is_token(r.presented.kind))
        return token_decision(r.presented, access_role::metrics);
    return deny(close_code::unauthorized, code(refusal::no_token), "metrics need a technician token");
}

decision listener(const event_access& event, const access_request& r) {
    if (!event.private_listeners)
        return allow("public_event", "public event");
    switch (r.presented.kind) {
    case credential_kind::bearer_token:
    case credential_kind::cookie_token: return token_decision(r.presented, access_role::listener);
    case credential_kind::passcode:
        if (r.presented.passcode_ok)
            return allow("passcode", "listener passcode");
        return deny(close_code::unauthorized, "wrong_passcode", "wrong passcode");
    case credential_kind::none: break;
    }
    return deny(close_code::unauthorized, "passcode_required", "this event is private: a passcode is required");
}

}  // namespace

std::string_view name(close_code c) {
    switch (c) {
    case close_code::unauthorized: return "unauthorized";
    case close_code::forbidden: return "forbidden";
    case close_code::token_expired: return "token_expired";
    case close_code::replaced: return "replaced";
    }
    return "?";
}

int http_status(close_code c) {
    switch (c) {
    case close_code::forbidden: return 403;
    case close_code::replaced: return 409;
    case close_code::unauthorized:
    case close_code::token_expired: return 401;
    }
    return 400;
}

std::string_view name(access_role r) {
    switch (r) {
    case access_role::booth: return "booth";
    case access_role::technician: return "technician";
    case access_role::listener: return "listener";
    case access_role::metrics: return "metrics";
    }
    return "?";
}

expectation token_expectation(access_role role, std::string_view event, std::string_view channel) {
    switch (role) {
    case access_role::booth: return {event, auth::role::booth, channel};
    // A booth's token opens /ws/listen too: an interpreter's console hears the floor and the
    // channels it relays from, at a private event as at any other.
    case access_role::listener: return {event, auth::role::listener | auth::role::technician | auth::role::booth, channel};
    case access_role::technician:
    case access_role::metrics: break;
    }
    return {event, auth::role::technician, {}};
}

decision decide(const event_access& event, const access_request& request) {
    switch (request.role) {
    case access_role::booth: return booth(event, request);
    case access_role::technician: return technician(request);
    case access_role::metrics: return metrics(request);
    case access_role::listener: return listener(event, request);
    }
    return deny(close_code::unauthorized, "unknown_role", "unknown role");
}

}  // namespace tolk::auth
