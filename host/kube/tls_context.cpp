#include "host/kube/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <Poco/Net/SSLManager.h>

#include <memory>
#include <mutex>

namespace sqlop::kube {

namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

void initialize_ssl_once() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

Bio memory_bio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

// Every certificate of a PEM bundle, in order.
std::vector<X509Ptr> read_certificates(const std::string& pem) {
  std::vector<X509Ptr> out;
  const Bio bio = memory_bio(pem);
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    out.emplace_back(certificate, &X509_free);
  }
  ERR_clear_error();  // the end of the bundle reads as an error
  return out;
}

std::optional<std::string> trust_ca(SSL_CTX* ctx, const std::string& ca_pem) {
  std::vector<X509Ptr> certificates = read_certificates(ca_pem);
  if (certificates.empty()) return "the certificate authority in the config holds no PEM certificate";
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  for (const X509Ptr& certificate : certificates) X509_STORE_add_cert(store, certificate.get());
  return std::nullopt;
}

std::optional<std::string> use_identity(SSL_CTX* ctx, const std::string& certificate_pem, const std::string& key_pem) {
  std::vector<X509Ptr> chain = read_certificates(certificate_pem);
  if (chain.empty()) return "the client certificate in the config holds no PEM certificate";
  const Bio key_bio = memory_bio(key_pem);
  const KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  ERR_clear_error();
  if (!key) return "the client key in the config is not a PEM private key";
  if (SSL_CTX_use_certificate(ctx, chain.front().get()) != 1 || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return "the client key in the config does not match its client certificate";
  }
  for (std::size_t i = 1; i < chain.size(); ++i) {
    // add_extra_chain_cert takes ownership on success.
    if (SSL_CTX_add_extra_chain_cert(ctx, chain[i].get()) == 1) chain[i].release();
  }
  return std::nullopt;
}

// OpenSSL checks the name during the handshake; Poco's own check (which skips localhost) is turned off.
void verify_host_name(SSL_CTX* ctx, const std::string& host) {
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
    ERR_clear_error();
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
}

}  // namespace

TlsContextBuild make_tls_context(const TlsSettings& settings) {
  initialize_ssl_once();
  Poco::Net::Context::Params params;
  params.verificationMode =
      settings.insecure_skip_tls_verify ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED;
  params.loadDefaultCAs = settings.ca_pem.empty() && !settings.insecure_skip_tls_verify;
  params.cipherList = "HIGH:!aNULL:!MD5";
  TlsContextBuild out;
  try {
    out.context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& e) {
    out.error = "cannot set up TLS: " + e.displayText();
    return out;
  }
  out.context->enableExtendedCertificateVerification(false);
  SSL_CTX* ctx = out.context->sslContext();
  if (!settings.insecure_skip_tls_verify) {
    // Plain OpenSSL verification: Poco's callback would route failures through a process-wide handler.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!settings.ca_pem.empty()) out.error = trust_ca(ctx, settings.ca_pem);
    if (!out.error && !settings.verify_host.empty()) verify_host_name(ctx, settings.verify_host);
  }
  if (!out.error && !settings.client_certificate_pem.empty()) {
    out.error = use_identity(ctx, settings.client_certificate_pem, settings.client_key_pem);
  }
  if (out.error) out.context.reset();
  return out;
}

}  // namespace sqlop::kube
