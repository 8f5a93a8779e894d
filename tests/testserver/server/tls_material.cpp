#include "server/tls_material.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <vector>

namespace sqlop::testserver {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;
using BioPtr = std::unique_ptr<BIO, Free>;

std::string openssl_error(const std::string& what) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return what + ": " + buf;
}

KeyPtr new_key() { return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

struct CertSpec {
  std::string common_name;
  std::string organization;
  bool is_ca = false;
  const char* key_usage = nullptr;
  const char* extended_key_usage = nullptr;
  const char* subject_alt_name = nullptr;
};

// Issues a certificate for `key`; issuer null means self-signed.
CertPtr issue(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  std::unique_ptr<BIGNUM, Free> serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) return nullptr;
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!spec.organization.empty()) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(spec.organization.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  const bool ok = add_extension(cert.get(), signer, NID_basic_constraints,
                                spec.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
                  add_extension(cert.get(), signer, NID_key_usage, spec.key_usage) &&
                  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash") &&
                  (spec.is_ca || add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always")) &&
                  (!spec.extended_key_usage ||
                   add_extension(cert.get(), signer, NID_ext_key_usage, spec.extended_key_usage)) &&
                  (!spec.subject_alt_name ||
                   add_extension(cert.get(), signer, NID_subject_alt_name, spec.subject_alt_name));
  if (!ok) return nullptr;
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) return nullptr;
  return cert;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::optional<PemPair> to_pem(X509* cert, EVP_PKEY* key) {
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio) return std::nullopt;
  if (PEM_write_bio_X509(cert_bio.get(), cert) != 1) return std::nullopt;
  if (PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) return std::nullopt;
  return PemPair{bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

}  // namespace

std::optional<TlsMaterial> generate_tls_material(std::string* error) {
  auto fail = [&](const std::string& what) -> std::optional<TlsMaterial> {
    if (error) *error = openssl_error(what);
    return std::nullopt;
  };
  KeyPtr ca_key = new_key();
  KeyPtr server_key = new_key();
  KeyPtr client_key = new_key();
  if (!ca_key || !server_key || !client_key) return fail("generating keys");

  CertSpec ca_spec{"kube-testserver-ca", "", true, "critical,keyCertSign,cRLSign,digitalSignature"};
  CertPtr ca = issue(ca_spec, ca_key.get(), nullptr, nullptr);
  if (!ca) return fail("issuing the CA certificate");

  CertSpec server_spec{"kube-testserver", "", false, "critical,digitalSignature,keyEncipherment", "serverAuth",
                       "IP:127.0.0.1,DNS:localhost"};
  CertPtr server = issue(server_spec, server_key.get(), ca.get(), ca_key.get());
  if (!server) return fail("issuing the serving certificate");

  CertSpec client_spec{"testserver-admin", "system:masters", false, "critical,digitalSignature,keyEncipherment",
                       "clientAuth"};
  CertPtr client = issue(client_spec, client_key.get(), ca.get(), ca_key.get());
  if (!client) return fail("issuing the client certificate");

  auto ca_pem = to_pem(ca.get(), ca_key.get());
  auto server_pem = to_pem(server.get(), server_key.get());
  auto client_pem = to_pem(client.get(), client_key.get());
  if (!ca_pem || !server_pem || !client_pem) return fail("writing PEM");
  return TlsMaterial{*ca_pem, *server_pem, *client_pem};
}

std::string certificate_common_name(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return {};
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return {};
  char cn[256] = {0};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) < 0) return {};
  return cn;
}

}  // namespace sqlop::testserver
