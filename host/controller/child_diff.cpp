#include "host/controller/child_diff.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace sqlop::controller {
namespace {

const json::Value* applied_hash(const json::Value& object) {
  return object.find_path({"metadata", "annotations", kAppliedHashAnnotation});
}

std::string hash_of(const json::Value& object) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(json::dump(object));
  // 16 bytes are plenty to tell versions of one object apart and keep the annotation short.
  return Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 32);
}

bool numbers_equal(const json::Value& a, const json::Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  return a.as_double() == b.as_double();
}

}  // namespace

json::Value desired_with_hash(const json::Value& desired) {
  json::Value without = desired;
  if (json::Value* metadata = without.find("metadata")) {
    json::Value* annotations = metadata->find("annotations");
    if (annotations && annotations->is_object()) {
      annotations->as_object().erase(kAppliedHashAnnotation);
      if (annotations->as_object().empty()) metadata->as_object().erase("annotations");
    }
  }
  json::Value out = without;
  out["metadata"]["annotations"][kAppliedHashAnnotation] = hash_of(without);
  return out;
}

bool is_subset(const json::Value& desired, const json::Value& live) {
  if (desired.is_number() && live.is_number()) return numbers_equal(desired, live);
  if (desired.type() != live.type()) return false;
  if (desired.is_object()) {
    for (const auto& [key, value] : desired.as_object()) {
      const json::Value* other = live.find(key);
      if (!other) {
        if (!value.is_null()) return false;
        continue;
      }
      if (!is_subset(value, *other)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    const json::Array& a = desired.as_array();
    const json::Array& b = live.as_array();
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!is_subset(a[i], b[i])) return false;
    }
    return true;
  }
  return desired == live;
}

std::string write_reason(const json::Value& desired, const json::Value& live) {
  const json::Value* want = applied_hash(desired);
  const json::Value* have = applied_hash(live);
  if (!have || !want || *have != *want) return "desired state changed";
  if (!is_subset(desired, live)) return "live object differs from the desired state";
  return "";
}

}  // namespace sqlop::controller
