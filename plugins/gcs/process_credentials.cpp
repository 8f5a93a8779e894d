#include "process_credentials.hpp"

#include <algorithm>
#include <cctype>

namespace sqlop_gcs {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::size_t bounded(const sqlop::json::Array& replicas, std::size_t index) { return std::min(index, replicas.size()); }

}  // namespace

bool is_gcs_replica(const sqlop::json::Value& replica) { return lower(replica.get_string("type")) == kType; }

CredentialSource credential_source(const sqlop::json::Value& replica) {
  const sqlop::json::Value* credentials = replica.find("credentials");
  if (!credentials) return {"", kDefaultKeyField};
  const std::string key_field = credentials->get_string("secretKeyField");
  return {credentials->get_string("secretName"), key_field.empty() ? std::string(kDefaultKeyField) : key_field};
}

std::optional<std::size_t> first_gcs_replica_before(const sqlop::json::Array& replicas, std::size_t index) {
  for (std::size_t i = 0; i < bounded(replicas, index); ++i) {
    if (is_gcs_replica(replicas[i])) return i;
  }
  return std::nullopt;
}

bool first_to_use_secret(const sqlop::json::Array& replicas, std::size_t index, const std::string& secret_name) {
  for (std::size_t i = 0; i < bounded(replicas, index); ++i) {
    if (is_gcs_replica(replicas[i]) && credential_source(replicas[i]).secret_name == secret_name) return false;
  }
  return true;
}

}  // namespace sqlop_gcs
