// A plugin of type "fragile" that is correct for ordinary input but fails on what the host may also send:
// validate throws (SQLOP_ERROR_INTERNAL) on a string over 64 KiB, and errors on request members it does not
// know instead of ignoring them. The conformance kit's validate-huge-input and validate-unknown-fields checks
// must fail it.
#include <algorithm>
#include <iterator>

#include "sqlite_operator/plugin.hpp"

namespace {

namespace plugin = sqlop::plugin;
using sqlop::json::Value;

bool has_huge_string(const Value& v) {
  if (v.is_string()) return v.as_string().size() > 64 * 1024;
  if (v.is_array()) {
    for (const Value& item : v.as_array()) {
      if (has_huge_string(item)) return true;
    }
  }
  if (v.is_object()) {
    for (const auto& member : v.as_object()) {
      if (has_huge_string(member.second)) return true;
    }
  }
  return false;
}

class Fragile final : public plugin::Backend {
 public:
  const char* type() const override { return "fragile"; }
  const char* version() const override { return "1.0.0"; }
  Value describe() const override {
    Value d = Value::object();
    d["type"] = "fragile";
    d["version"] = version();
    d["litestreamFormats"] = sqlop::json::Array{"0.3", "0.5"};
    return d;
  }
  void validate(const plugin::ValidateRequest& request, plugin::ValidateResult& out) const override {
    if (has_huge_string(request.replica())) throw std::length_error("fixed-size buffer overflow");
    static const char* known[] = {"replica", "fieldPath", "replicaIndex", "replicas", "litestream", "secret", "database"};
    for (const auto& member : request.raw().as_object()) {
      if (std::find(std::begin(known), std::end(known), member.first) == std::end(known)) {
        out.error(request.field_path(), "unexpected request member " + member.first);
      }
    }
  }
  void render(const plugin::RenderRequest& request, plugin::RenderResult& out) const override {
    out.replica["type"] = "file";
    out.replica["path"] = request.mount_root();
  }
};

}  // namespace

SQLOP_PLUGIN(Fragile)
