#pragma once
// TLS for HTTPS/WSS: browsers give AudioWorklet, Wake Lock and service workers only to secure
// origins, so phones need it. Built once at start-up; the context is then shared read-only by
// every connection (OpenSSL contexts are thread-safe for that use).

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tolk::server {

// Loads a PEM certificate chain and private key. Throws config_error naming the file.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const std::filesystem::path& cert,
                                                            const std::filesystem::path& key);

// Writes a self-signed certificate (ECDSA P-256, valid 825 days) whose subject alternative
// names are `names` (IP addresses and DNS names), and its key. Throws std::runtime_error.
void make_self_signed(const std::filesystem::path& cert, const std::filesystem::path& key,
                      const std::vector<std::string>& names);

// make_self_signed for this machine's LAN addresses, 127.0.0.1 and localhost; returns the
// names it covers, space-separated.
std::string make_lan_certificate(const std::filesystem::path& cert, const std::filesystem::path& key);

}  // namespace tolk::server
