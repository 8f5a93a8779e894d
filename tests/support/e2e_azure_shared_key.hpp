// Azure Blob Storage Shared Key authorization, just enough to create a container in Azurite before
// Litestream uses it (Litestream never creates containers). Reference: "Authorize with Shared Key" in the
// Azure Storage REST docs: Signature = Base64(HMAC-SHA256(Base64Decode(key), UTF8(StringToSign))).
#pragma once

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/HMACEngine.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA2Engine.h>
#include <Poco/Timestamp.h>

#include <map>
#include <sstream>
#include <string>

#include "sqlite_operator/base64.hpp"

namespace sqlop::testing {

inline constexpr const char* kAzuriteAccount = "devstoreaccount1";
// Azurite's published development key (public, the same on every machine).
inline constexpr const char* kAzuriteAccountKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
inline constexpr const char* kAzureApiVersion = "2021-08-06";

// Poco 1.11's SHA2Engine lacks the BLOCK_SIZE / DIGEST_SIZE constants HMACEngine needs; SHA-256's are fixed.
class Sha256ForHmac : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256ForHmac() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

inline std::string hmac_sha256(const std::string& key, const std::string& message) {
  Poco::HMACEngine<Sha256ForHmac> hmac(key);
  hmac.update(message);
  const Poco::DigestEngine::Digest& digest = hmac.digest();
  return std::string(digest.begin(), digest.end());
}

// The Shared Key string to sign for a request without a body (Content-Length 0 signs as empty).
// `ms_headers`: the x-ms-* headers, lower-case names; `resource`: "/<account><path>"; `query`: the query
// parameters, lower-case names.
inline std::string shared_key_string_to_sign(const std::string& verb, const std::map<std::string, std::string>& ms_headers,
                                             const std::string& resource,
                                             const std::map<std::string, std::string>& query) {
  std::string s = verb + "\n";
  for (int i = 0; i < 11; ++i) s += "\n";  // Content-Encoding ... Range, all empty
  for (const auto& [name, value] : ms_headers) s += name + ":" + value + "\n";
  s += resource;
  for (const auto& [name, value] : query) s += "\n" + name + ":" + value;
  return s;
}

inline std::string shared_key_signature(const std::string& base64_key, const std::string& string_to_sign) {
  const auto key = base64::decode(base64_key);
  return base64::encode(hmac_sha256(key.value_or(std::string()), string_to_sign));
}

// Creates a blob container with PUT ?restype=container. Path-style endpoint: http://host:port/<account>.
// Returns "" on success (201, or 409 when it exists), else the status and response body.
inline std::string create_blob_container(const std::string& host, int port, const std::string& account,
                                         const std::string& base64_key, const std::string& container) {
  const std::string path = "/" + account + "/" + container;
  std::map<std::string, std::string> ms_headers{
      {"x-ms-date", Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT)},
      {"x-ms-version", kAzureApiVersion}};
  const std::string to_sign =
      shared_key_string_to_sign("PUT", ms_headers, "/" + account + path, {{"restype", "container"}});

  Poco::Net::HTTPClientSession session(host, static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_PUT, path + "?restype=container",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : ms_headers) request.set(name, value);
  request.set("Authorization", "SharedKey " + account + ":" + shared_key_signature(base64_key, to_sign));
  request.setContentLength(0);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  std::ostringstream text;
  text << body.rdbuf();
  const int status = static_cast<int>(response.getStatus());
  if (status == 201 || status == 409) return {};
  return "PUT " + path + "?restype=container: HTTP " + std::to_string(status) + ": " + text.str();
}

}  // namespace sqlop::testing
