#include "server/access_control.hpp"

#include "server/auth/key_store.hpp"
#include "server/log.hpp"

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
        const auto key = auth::signing_key::load_or_create(settings_.state_dir);
        ring_.add(key.public_key());
        log("auth")->info("verifying tokens with key {} (state directory {})", key.key_id(),
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

access_outcome access_control::booth(std::string_view token, std::string_view channel,
                                     const boost::asio::ip::address& peer) {
    access_outcome out;
    auth::access_request request;
    request.role = auth::access_role::booth;
    request.loopback = is_loopback(peer);
    auth::verification v;
    if (!token.empty()) {
        out.had_token = true;
        if (revoked_)
            revoked_->refresh();
        v = auth::verify(token, ring_, revoked_.get(),
                         auth::token_expectation(auth::access_role::booth, event_id_, channel),
                         auth::clock::now());
        out.claims = v.claims;
        request.presented = {auth::credential_kind::bearer_token, &v, false};
    }
    out.decision = auth::decide(event_, request);
    if (!out.decision.allowed)
        count_refusal(request.role, out.decision.reason_code);
    return out;
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
