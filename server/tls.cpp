#include "server/tls.hpp"

#include "server/config.hpp"
#include "server/join_sheet.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <cstdio>
#include <stdexcept>

namespace tolk::server {

std::unique_ptr<boost::asio::ssl::context> make_tls_context(const std::filesystem::path& cert,
                                                            const std::filesystem::path& key) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    try {
        ctx->use_certificate_chain_file(cert.string());
    } catch (const std::exception& e) {
        throw config_error(cert.string() + ": cannot load the TLS certificate: " + e.what());
    }
    try {
        ctx->use_private_key_file(key.string(), ssl::context::pem);
    } catch (const std::exception& e) {
        throw config_error(key.string() + ": cannot load the TLS private key: " + e.what());
    }
    return ctx;
}

namespace {

struct file_closer {
    void operator()(FILE* f) const { std::fclose(f); }
};

void check(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("make_self_signed: ") + what + " failed");
}

}  // namespace

void make_self_signed(const std::filesystem::path& cert_path, const std::filesystem::path& key_path,
                      const std::vector<std::string>& names) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    check(key != nullptr, "EC key generation");
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 825);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    const std::string cn = names.empty() ? "tolk" : names.front();
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("tolk"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);

    std::string san;
    for (const auto& n : names) {
        boost::system::error_code ec;
        boost::asio::ip::make_address(n, ec);
        san += (san.empty() ? "" : ",") + std::string(ec ? "DNS:" : "IP:") + n;
    }
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
    if (!san.empty()) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san.c_str());
        check(ext != nullptr, "subjectAltName");
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing");

    std::unique_ptr<FILE, file_closer> kf(std::fopen(key_path.c_str(), "wb"));
    check(kf != nullptr, "opening the key file");
    check(PEM_write_PrivateKey(kf.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1, "writing the key");
    std::filesystem::permissions(key_path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::unique_ptr<FILE, file_closer> cf(std::fopen(cert_path.c_str(), "wb"));
    check(cf != nullptr, "opening the certificate file");
    check(PEM_write_X509(cf.get(), cert.get()) == 1, "writing the certificate");
}

std::string make_lan_certificate(const std::filesystem::path& cert, const std::filesystem::path& key) {
    auto names = lan_addresses();
    names.insert(names.end(), {"127.0.0.1", "localhost"});
    make_self_signed(cert, key, names);
    std::string covered;
    for (const auto& n : names)
        covered += (covered.empty() ? "" : " ") + n;
    return covered;
}

}  // namespace tolk::server
