// Error values shaped like the apiserver's Status (see result.hpp).
#include "apimachinery/result.hpp"

#include <set>

namespace sqlop::apimachinery {
namespace {

// Go's %v for field.Error's BadValue: strings quoted (%q), scalars bare, the rest as JSON.
std::string render_bad_value(const json::Value& value) {
  if (value.is_string()) {
    std::string out;
    json::append_quoted(out, value.as_string());
    return out;
  }
  return json::dump(value);
}

Cause make_cause(const char* reason, const char* title, std::string field, const std::string* value,
                 const std::string& detail) {
  std::string message = title;
  if (value) message += ": " + *value;
  if (!detail.empty()) message += ": " + detail;
  return Cause{reason, std::move(message), std::move(field)};
}

}  // namespace

Error bad_request(std::string message) {
  Error e;
  e.code = 400;
  e.reason = "BadRequest";
  e.message = std::move(message);
  return e;
}

Error unprocessable(std::string detail) {
  Error e;
  e.code = 422;
  e.reason = "Invalid";
  e.message = "the server rejected our request due to an error in our request";
  e.detail = std::move(detail);
  return e;
}

Error internal_error(std::string message) {
  Error e;
  e.code = 500;
  e.reason = "";
  e.message = std::move(message);
  return e;
}

Error invalid(const std::string& group, const std::string& kind, const std::string& name, std::vector<Cause> causes) {
  const std::string qualified_kind = group.empty() ? kind : kind + "." + group;
  std::string quoted_name;
  json::append_quoted(quoted_name, name);
  std::string message = qualified_kind + " " + quoted_name + " is invalid";
  // utilerrors.Aggregate: duplicates dropped, several errors in brackets joined by ", ".
  std::vector<std::string> distinct;
  std::set<std::string> seen;
  for (const Cause& c : causes) {
    std::string text = c.field + ": " + c.message;
    if (seen.insert(text).second) distinct.push_back(std::move(text));
  }
  if (distinct.size() == 1) {
    message += ": " + distinct.front();
  } else if (distinct.size() > 1) {
    message += ": [";
    for (std::size_t i = 0; i < distinct.size(); ++i) message += (i ? ", " : "") + distinct[i];
    message += "]";
  }
  Error e;
  e.code = 422;
  e.reason = "Invalid";
  e.message = std::move(message);
  e.causes = std::move(causes);
  e.name = name;
  e.group = group;
  e.kind = kind;
  return e;
}

Cause field_invalid(std::string field, const json::Value& value, const std::string& detail) {
  const std::string rendered = render_bad_value(value);
  return make_cause("FieldValueInvalid", "Invalid value", std::move(field), &rendered, detail);
}

Cause field_required(std::string field, const std::string& detail) {
  return make_cause("FieldValueRequired", "Required value", std::move(field), nullptr, detail);
}

Cause field_forbidden(std::string field, const std::string& detail) {
  return make_cause("FieldValueForbidden", "Forbidden", std::move(field), nullptr, detail);
}

Cause field_duplicate(std::string field, const json::Value& value) {
  const std::string rendered = render_bad_value(value);
  return make_cause("FieldValueDuplicate", "Duplicate value", std::move(field), &rendered, {});
}

Cause field_not_supported(std::string field, const json::Value& value, const std::vector<std::string>& supported) {
  std::string detail;
  if (!supported.empty()) {
    detail = "supported values: ";
    for (std::size_t i = 0; i < supported.size(); ++i) {
      if (i) detail += ", ";
      json::append_quoted(detail, supported[i]);
    }
  }
  const std::string rendered = render_bad_value(value);
  return make_cause("FieldValueNotSupported", "Unsupported value", std::move(field), &rendered, detail);
}

Cause field_too_long(std::string field, int max_bytes) {
  const std::string detail =
      "may not be more than " + std::to_string(max_bytes) + (max_bytes == 1 ? " byte" : " bytes");
  return make_cause("FieldValueTooLong", "Too long", std::move(field), nullptr, detail);
}

}  // namespace sqlop::apimachinery
