#include "service_account_key.hpp"

#include <optional>

#include "sqlite_operator/json.hpp"

namespace sqlop_gcs {
namespace {

constexpr std::string_view kPemBegin = "-----BEGIN PRIVATE KEY-----";
constexpr std::string_view kPemEnd = "-----END PRIVATE KEY-----";

bool is_non_empty_string(const sqlop::json::Value* v) { return v && v->is_string() && !v->as_string().empty(); }

std::string_view trim_leading_whitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

// A PKCS#8 PEM block, the form Google issues service-account keys in.
bool looks_like_pem_private_key(std::string_view key) {
  const std::string_view body = trim_leading_whitespace(key);
  return body.substr(0, kPemBegin.size()) == kPemBegin && body.find(kPemEnd) != std::string_view::npos;
}

}  // namespace

std::vector<std::string> service_account_key_problems(std::string_view key_file) {
  sqlop::json::ParseError error;
  const std::optional<sqlop::json::Value> doc = sqlop::json::parse(key_file, &error);
  if (!doc) return {"is not valid JSON (parse error at byte " + std::to_string(error.offset) + ")"};
  if (!doc->is_object()) return {"is not a JSON object"};

  std::vector<std::string> problems;
  const sqlop::json::Value* type = doc->find("type");
  if (!type || !type->is_string() || type->as_string() != "service_account") {
    problems.push_back(
        "is not a service-account key: its \"type\" member must be \"service_account\" (user credentials and "
        "other credential files are not supported)");
  }
  if (!is_non_empty_string(doc->find("client_email"))) {
    problems.push_back("has no non-empty \"client_email\" member");
  }
  const sqlop::json::Value* private_key = doc->find("private_key");
  if (!is_non_empty_string(private_key)) {
    problems.push_back("has no non-empty \"private_key\" member");
  } else if (!looks_like_pem_private_key(private_key->as_string())) {
    problems.push_back("has a \"private_key\" that is not a PEM block starting with \"-----BEGIN PRIVATE KEY-----\"");
  }
  return problems;
}

}  // namespace sqlop_gcs
