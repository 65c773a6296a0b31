#include "server/access_control.hpp"

#include "server/auth/key_store.hpp"
#include "server/log.hpp"

#include <algorithm>
#include <filesystem>

namespace tolk::server {

bool is_loopback(const boost::asio::ip::address& address) {
    if (address.is_v4())
        return address.to_v4() == boost::asio::ip::address_v4::loopback();
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6) == boost::asio::ip::address_v4::loopback();
    return v6.is_loopback();
}

access_control::access_control(const server_config& config) : event_id_(config.event_name) {
    event_.demo = config.demo;
    if (!config.event_file.empty())
        settings_ = auth::load_settings(config.event_file);
    event_.private_listeners = settings_.private_listeners();
    const auto key_file = settings_.state_dir / auth::signing_key_file;
    if (!config.demo || std::filesystem::exists(key_file)) {
        key_.emplace(auth::signing_key::load_or_create(settings_.state_dir));
        ring_.add(key_->public_key());
        log("auth")->info("verifying tokens with key {} (state directory {})", key_->key_id(),
                          settings_.state_dir.string());
        revoked_ = std::make_unique<auth::revocation_list>(settings_.state_dir / auth::revocation_file);
    }
    for (const auto& k : settings_.trusted_keys)
        ring_.add(k);
    if (config.demo)
        log("auth")->warn("demo event: booths without a token are accepted from this machine only "
                          "(127.0.0.1, ::1); use --config with an event file for a real event");
}

access_control::~access_control() = default;

auth::verification access_control::verify(std::string_view token, const auth::expectation& want) {
    if (revoked_)
        revoked_->refresh();
    return auth::verify(token, ring_, revoked_.get(), want, auth::clock::now());
}

access_outcome access_control::booth(std::string_view token, std::string_view channel,
                                     const boost::asio::ip::address& peer) {
    access_outcome out;
    auth::access_request request;
    request.role = auth::access_role::booth;
    request.loopback = is_loopback(peer);
    auth::verification v;
    if (!token.empty()) {
        out.had_token = true;
        v = verify(token, auth::token_expectation(auth::access_role::booth, event_id_, channel));
        out.claims = v.claims;
        request.presented = {auth::credential_kind::bearer_token, &v, false};
    }
    out.decision = auth::decide(event_, request);
    if (!out.decision.allowed)
        count_refusal(request.role, out.decision.reason_code);
    return out;
}

access_outcome access_control::technician(const presented_credentials& presented, bool local,
                                          auth::access_role role) {
    access_outcome out;
    auth::access_request request{role, local, {}};
    auth::verification v;
    const bool bearer = !presented.bearer.empty();
    const std::string& token = bearer ? presented.bearer : presented.cookie;
    if (!local && !token.empty()) {
        out.had_token = true;
        v = verify(token, auth::token_expectation(role, event_id_));
        out.claims = v.claims;
        request.presented = {bearer ? auth::credential_kind::bearer_token : auth::credential_kind::cookie_token, &v,
                             false};
    }
    out.decision = auth::decide(event_, request);
    if (!out.decision.allowed)
        count_refusal(role, out.decision.reason_code);
    return out;
}

access_outcome access_control::listener(const presented_credentials& presented, std::optional<bool> passcode_ok) {
    access_outcome out;
    auth::access_request request{auth::access_role::listener, false, {}};
    auth::verification v;
    if (event_.private_listeners) {
        // The link's token or a bearer token, else the passcode, else the login cookie.
        const std::string& given = !presented.query_token.empty() ? presented.query_token : presented.bearer;
        const std::string& token = !given.empty() || passcode_ok ? given : presented.cookie;
        if (!token.empty()) {
            out.had_token = true;
            v = verify(token, auth::token_expectation(auth::access_role::listener, event_id_));
            out.claims = v.claims;
            request.presented = {given.empty() ? auth::credential_kind::cookie_token : auth::credential_kind::bearer_token,
                                 &v, false};
        } else if (passcode_ok) {
            request.presented = {auth::credential_kind::passcode, nullptr, *passcode_ok};
        }
    }
    out.decision = auth::decide(event_, request);
    if (!out.decision.allowed)
        count_refusal(request.role, out.decision.reason_code);
    return out;
}

bool access_control::may_list_channels(const presented_credentials& presented, bool local) {
    if (local || !event_.private_listeners)
        return true;
    for (const std::string* token : {&presented.query_token, &presented.bearer, &presented.cookie})
        if (!token->empty() && verify(*token, auth::token_expectation(auth::access_role::listener, event_id_)))
            return true;
    return false;
}

boost::asio::awaitable<std::optional<bool>> access_control::check_passcode(std::string passcode) {
    if (!event_.private_listeners || passcode.empty())
        co_return false;
    if (passcode_seen_.matches(passcode)) {
        auth::wipe(passcode);
        co_return true;
    }
    std::string copy = passcode;  // the gate wipes what it is given
    const auto ok = co_await gate_.verify(settings_.listener_passcode_hash, std::move(passcode));
    if (ok && *ok)
        passcode_seen_.remember(copy);
    auth::wipe(copy);
    if (!ok)
        count_refusal(auth::access_role::listener, "busy");
    co_return ok;
}

boost::asio::awaitable<std::optional<bool>> access_control::check_source_password(std::string hash,
                                                                                 std::string password) {
    const auto ok = co_await gate_.verify(std::move(hash), std::move(password));
    if (!ok || !*ok)
        count_refusal(auth::access_role::booth, ok ? "wrong_password" : "busy");
    co_return ok;
}

boost::asio::awaitable<login_outcome> access_control::login(std::string name, std::string password,
                                                            const boost::asio::ip::address& peer) {
    const auto& accounts = settings_.technicians;
    if (accounts.empty() || !key_) {
        count_refusal(auth::access_role::technician, "no_accounts");
        co_return login_outcome{std::nullopt, 401, "no_accounts",
                                "this event has no technician accounts ([[auth.technicians]] in the event file)"};
    }
    const auto account = std::find_if(accounts.begin(), accounts.end(), [&](const auto& a) { return a.name == name; });
    // An unknown name is checked against another account's hash: it costs the same.
    const auto& hash = account != accounts.end() ? account->password_hash : accounts.front().password_hash;
    const auto ok = co_await gate_.verify(hash, std::move(password));
    if (!ok) {
        count_refusal(auth::access_role::technician, "busy");
        co_return login_outcome{std::nullopt, 503, "busy", "too many logins at once: try again in a moment"};
    }
    if (!*ok || account == accounts.end()) {
        count_refusal(auth::access_role::technician, "wrong_password");
        log("auth")->warn("technician login refused for \"{}\" from {}: wrong name or password", name.substr(0, 64),
                          peer.to_string());
        co_return login_outcome{std::nullopt, 401, "wrong_password", "wrong name or password"};
    }
    auth::token_request request{event_id_, name, auth::role::technician, {std::string(auth::all_channels)},
                                technician_login_ttl};
    auto token = auth::issue(*key_, request, auth::clock::now());
    log("auth")->info("technician \"{}\" logged in from {} (jti {})", name, peer.to_string(), token.claims.token_id);
    co_return login_outcome{std::move(token), 200, "login", "logged in"};
}

std::optional<auth::issued_token> access_control::issue_listener_token(std::string subject, std::chrono::seconds ttl) {
    if (!key_)
        return std::nullopt;
    auth::token_request request{event_id_, std::move(subject), auth::role::listener,
                                {std::string(auth::all_channels)}, ttl};
    return auth::issue(*key_, request, auth::clock::now());
}

auth::verification access_control::verify_listener_token(std::string_view token) {
    return verify(token, auth::expectation{event_id_, auth::role::listener, {}});
}

void access_control::count_refusal(auth::access_role role, std::string_view reason) {
    std::lock_guard lock(counts_mutex_);
    ++refusals_[{std::string(auth::name(role)), std::string(reason)}];
}

std::string access_control::prometheus() const {
    std::string out =
        "# HELP tolk_access_refused_total connections and requests refused by signed roles, by role and reason\n"
        "# TYPE tolk_access_refused_total counter\n";
    std::lock_guard lock(counts_mutex_);
    for (const auto& [key, n] : refusals_)
        out += "tolk_access_refused_total{role=\"" + key.first + "\",reason=\"" + key.second + "\"} " +
               std::to_string(n) + "\n";
    return out;
}

}  // namespace tolk::server
