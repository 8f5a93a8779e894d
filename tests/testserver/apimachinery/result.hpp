// apimachinery/result.hpp: errors as values, shaped like the apiserver's Status so the server can answer with
// them directly.
//
// Every function in this folder is pure (no I/O, no clock, no randomness unless passed in) and never lets an
// exception escape: a failure is a Result holding an Error whose code, reason, message and causes are what
// the real kube-apiserver puts in its Status object for the same failure.
#pragma once

#include <sqlite_operator/json.hpp>

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sqlop::apimachinery {

// One metav1.StatusCause: `reason` is the cause type ("FieldValueInvalid", "FieldValueRequired",
// "FieldManagerConflict", ...), `message` the text after the field ("Invalid value: \"x\": ..."), `field`
// the field path (".spec.replicas" for apply conflicts, "metadata.name" for validation).
struct Cause {
  std::string reason;
  std::string message;
  std::string field;
};

// A failed request as the apiserver reports it: HTTP code, Status reason and message, and details.
struct Error {
  int code = 400;
  std::string reason = "BadRequest";  // metav1.StatusReason
  std::string message;
  std::vector<Cause> causes;          // Status.details.causes
  // Status.details identity, when the apiserver fills it (Invalid errors: name, group, kind).
  std::string name;
  std::string group;
  std::string kind;
  // Not part of the Status: what went wrong in words the apiserver does not send (its 422 for a failed JSON
  // patch says only "the server rejected our request due to an error in our request"). For server logs.
  std::string detail;
};

Error bad_request(std::string message);
// 422 with reason Invalid and the fixed message "the server rejected our request due to an error in our
// request" (apierrors.NewGenericServerResponse(422, ...)), as the apiserver answers a JSON patch operation
// that cannot be applied; `detail` keeps the real reason for logs.
Error unprocessable(std::string detail);
// 500 with an empty reason (StatusReasonUnknown) and the error text, as the apiserver answers an error that
// is not a Status (e.g. a strategic merge patch it cannot apply).
Error internal_error(std::string message);

// Field causes as k8s.io/apimachinery/pkg/util/validation/field builds them: `message` is the ErrorBody
// ("Invalid value: \"x\": detail", "Required value: detail", ...). Values print as Go does: strings quoted,
// numbers and bools bare, anything else as JSON.
Cause field_invalid(std::string field, const json::Value& value, const std::string& detail);
Cause field_required(std::string field, const std::string& detail = {});
Cause field_forbidden(std::string field, const std::string& detail);
Cause field_duplicate(std::string field, const json::Value& value);
Cause field_not_supported(std::string field, const json::Value& value, const std::vector<std::string>& supported);
Cause field_too_long(std::string field, int max_bytes);
// 422 Invalid: message "<Kind>[.group] \"<name>\" is invalid: <field>: <message>" for one cause, and
// "... is invalid: [<f1>: <m1>, <f2>: <m2>]" for several, exactly as apierrors.NewInvalid words it.
Error invalid(const std::string& group, const std::string& kind, const std::string& name, std::vector<Cause> causes);

// Either a value or an Error. `ok()` first, then `value()` or `error()`.
template <class T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}
  Result(Error error) : data_(std::move(error)) {}

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(data_); }
  T& value() & { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  const Error& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

}  // namespace sqlop::apimachinery
