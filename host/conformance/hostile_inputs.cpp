#include "host/conformance/hostile_inputs.hpp"

namespace sqlop::conformance {
namespace {

constexpr std::size_t kHugeSize = std::size_t{1} << 20;

json::Value unknown_value() {
  json::Value v = json::Value::object();
  v["addedInAFutureAbi"] = true;
  v["nested"] = json::Array{json::Value(1), json::Value("two"), json::Value::object()};
  return v;
}

}  // namespace

std::vector<std::string> malformed_requests(const json::Value& good) {
  const std::string text = json::dump(good);
  return {
      "",
      "{",
      "not json at all",
      "[]",
      "null",
      "{}",
      R"({"replica": 5})",
      text.substr(0, text.size() / 2),
  };
}

json::Value map_replica_strings(const json::Value& replica, std::string (*make)(const std::string&)) {
  json::Value out = replica;
  for (auto& [key, value] : out.as_object()) {
    if (key != "type" && value.is_string()) value = make(value.as_string());
  }
  if (json::Value* settings = out.find("settings"); settings && settings->is_object()) {
    for (auto& member : settings->as_object()) {
      if (member.second.is_string()) member.second = make(member.second.as_string());
    }
  }
  out["settings"]["conformanceExtra"] = make("");
  return out;
}

// Keeps `old` in front so huge Secret values stay distinct from huge replica values (the canary scan).
std::string huge(const std::string& old) { return old + std::string(kHugeSize, 'a'); }

std::string unicode(const std::string& old) { return old + "-\u00e9\u00fc\u00df-\u540d\u524d-\U0001F511"; }

SecretValues map_secret_values(const SecretValues& values, std::string (*make)(const std::string&)) {
  SecretValues out;
  for (const auto& [key, value] : values) out.emplace_back(key, make(value));
  return out;
}

json::Value with_unknown_members(json::Value request) {
  request["conformanceUnknownMember"] = unknown_value();
  for (const char* nested : {"litestream", "database", "secret"}) {
    if (json::Value* member = request.find(nested); member && member->is_object()) {
      (*member)["conformanceUnknownMember"] = unknown_value();
    }
  }
  return request;
}

}  // namespace sqlop::conformance
