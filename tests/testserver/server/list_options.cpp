#include "server/list_options.hpp"

#include <memory>

#include "apimachinery/selectors.hpp"
#include "server/apimachinery_errors.hpp"
#include "server/base64.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;
namespace am = sqlop::apimachinery;

std::string encode_continue(std::int64_t rv, const std::string& last_key) {
  json::Value token = json::Value::object();
  token["v"] = "meta.k8s.io/v1";
  token["rv"] = static_cast<long long>(rv);
  token["start"] = last_key + std::string(1, '\0');
  return base64_encode(json::dump(token));
}

std::optional<std::pair<std::int64_t, std::string>> decode_continue(const std::string& token) {
  const auto text = base64_decode(token);
  if (!text) return std::nullopt;
  const auto doc = json::parse(*text);
  if (!doc || doc->get_string("v") != "meta.k8s.io/v1") return std::nullopt;
  std::string start = doc->get_string("start");
  if (start.empty() || start.back() != '\0') return std::nullopt;
  start.pop_back();
  const std::int64_t rv = doc->get_int("rv", 0);
  if (rv <= 0) return std::nullopt;
  return std::make_pair(rv, start);
}

std::variant<ListOptions, ApiError> parse_list_options(const ResourceInfo& info, const QueryParams& query) {
  ListOptions options;
  std::shared_ptr<am::LabelSelector> labels;
  std::shared_ptr<am::FieldSelector> fields;
  const std::string label_text = query_value(query, "labelSelector");
  if (!label_text.empty()) {
    auto parsed = am::parse_label_selector(label_text);
    if (!parsed) return from_apimachinery(parsed.error());
    labels = std::make_shared<am::LabelSelector>(parsed.value());
  }
  const std::string field_text = query_value(query, "fieldSelector");
  if (!field_text.empty()) {
    auto parsed = am::parse_field_selector(field_text);
    if (!parsed) return from_apimachinery(parsed.error());
    const auto err = info.builtin ? am::check_builtin_field_labels(parsed.value(), info.group, info.resource)
                                  : am::check_custom_field_labels(parsed.value(), info.namespaced, {});
    if (err) return from_apimachinery(*err);
    fields = std::make_shared<am::FieldSelector>(parsed.value());
  }
  if (labels || fields) {
    options.has_selectors = true;
    options.matches = [labels, fields](const json::Value& object) {
      return (!labels || am::matches(*labels, object)) && (!fields || am::matches(*fields, object));
    };
  }
  const std::string limit = query_value(query, "limit");
  if (!limit.empty()) {
    try {
      options.limit = std::stoll(limit);
    } catch (...) {
      return bad_request("invalid limit: " + limit);
    }
    if (options.limit < 0) options.limit = 0;
  }
  const std::string token = query_value(query, "continue");
  if (!token.empty()) {
    const auto decoded = decode_continue(token);
    if (!decoded) return bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    options.continue_rv = decoded->first;
    options.continue_after = decoded->second;
  }
  return options;
}

}  // namespace sqlop::testserver
