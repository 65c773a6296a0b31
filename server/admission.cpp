#include "server/admission.hpp"

#include <algorithm>

namespace tolk::server {

namespace ip = boost::asio::ip;

std::string_view refusal_reason(admission a) {
    switch (a) {
    case admission::server_full: return "server is full: too many connections, try again later";
    case admission::address_full: return "too many connections from your address";
    case admission::admit: break;
    }
    return "";
}

admission admit_at_accept(const limits_config& l, std::int64_t open_total, std::int64_t open_from_address,
                          bool trusted_proxy) {
    const auto ceiling = static_cast<std::int64_t>(l.max_connections + l.reserved_slots);
    if (open_total >= ceiling)
        return admission::server_full;
    const auto address_ceiling = static_cast<std::int64_t>(l.max_connections_per_address + l.reserved_slots);
    if (!trusted_proxy && open_from_address >= address_ceiling)
        return admission::address_full;
    return admission::admit;
}

admission admit_request(const limits_config& l, connection_role role, std::int64_t open_total,
                        std::int64_t open_from_address) {
    if (role != connection_role::public_client)  // the reserve is theirs; accept kept the hard ceiling
        return admission::admit;
    if (open_total > static_cast<std::int64_t>(l.max_connections))
        return admission::server_full;
    if (open_from_address > static_cast<std::int64_t>(l.max_connections_per_address))
        return admission::address_full;
    return admission::admit;
}

bool is_this_machine(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return is_this_machine(ip::make_address_v4(ip::v4_mapped, a.to_v6()));
    return a == ip::address(ip::address_v4::loopback()) || a == ip::address(ip::address_v6::loopback());
}

bool is_trusted_proxy(const ip::address& peer, const std::vector<std::string>& trusted_proxies) {
    if (trusted_proxies.empty())
        return false;
    const auto unmapped = peer.is_v6() && peer.to_v6().is_v4_mapped()
                              ? ip::address(ip::make_address_v4(ip::v4_mapped, peer.to_v6()))
                              : peer;
    return std::any_of(trusted_proxies.begin(), trusted_proxies.end(), [&](const std::string& p) {
        boost::system::error_code ec;
        const auto a = ip::make_address(p, ec);
        return !ec && a == unmapped;
    });
}

ip::address client_address(const ip::address& peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
    if (forwarded_for.empty() || !is_trusted_proxy(peer, trusted_proxies))
        return peer;
    // The proxy appends the address it saw last; entries before it came from the client.
    const auto comma = forwarded_for.rfind(',');
    auto last = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    while (!last.empty() && (last.front() == ' ' || last.front() == '\t'))
        last.remove_prefix(1);
    while (!last.empty() && (last.back() == ' ' || last.back() == '\t'))
        last.remove_suffix(1);
    boost::system::error_code ec;
    const auto a = ip::make_address(last, ec);
    return ec ? peer : a;
}

void connection_tracker::add(const ip::address& from) {
    std::lock_guard lock(mutex_);
    ++open_;
    ++per_address_[from];
}

void connection_tracker::remove(const ip::address& from) {
    std::lock_guard lock(mutex_);
    if (const auto it = per_address_.find(from); it != per_address_.end() && --it->second <= 0)
        per_address_.erase(it);
    --open_;
    closed_.notify_all();
}

void connection_tracker::move(const ip::address& from, const ip::address& to) {
    std::lock_guard lock(mutex_);
    if (const auto it = per_address_.find(from); it != per_address_.end() && --it->second <= 0)
        per_address_.erase(it);
    ++per_address_[to];
}

std::int64_t connection_tracker::open() const {
    std::lock_guard lock(mutex_);
    return open_;
}

std::int64_t connection_tracker::open_from(const ip::address& from) const {
    std::lock_guard lock(mutex_);
    const auto it = per_address_.find(from);
    return it == per_address_.end() ? 0 : it->second;
}

bool connection_tracker::wait_at_most(std::int64_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return closed_.wait_for(lock, timeout, [&] { return open_ <= n; });
}

}  // namespace tolk::server
