#include "host/conformance/sample.hpp"

#include "sqlite_operator/base64.hpp"

namespace sqlop::conformance {
namespace {

constexpr const char* kSampleSecretName = "conformance-creds";

json::Value replica_base(const std::string& type) {
  json::Value r = json::Value::object();
  r["type"] = type;
  r["name"] = type + "-0";
  return r;
}

void name_secret(json::Value& replica) { replica["credentials"]["secretName"] = kSampleSecretName; }

Sample s3_sample() {
  Sample s;
  s.replica = replica_base("s3");
  s.replica["bucket"] = "conformance-bucket";
  s.replica["region"] = "us-east-1";
  s.replica["path"] = "db";
  name_secret(s.replica);
  s.secret = {{"access-key", "AKIACNRY4711QZXW"}, {"secret-key", "cnrySecret4711/Qz8+wLmPv0aB"}};
  s.canaries = {"AKIACNRY4711QZXW", "cnrySecret4711/Qz8+wLmPv0aB"};
  return s;
}

Sample azure_sample() {
  Sample s;
  s.replica = replica_base("azure");
  s.replica["bucket"] = "conformance-container";
  name_secret(s.replica);
  // The account key is base64 text, as Azure issues it.
  const std::string key = base64::encode("cnry-azure-account-key-4711-Qz8");
  s.secret = {{"account-name", "cnryacct4711qz"}, {"account-key", key}};
  s.canaries = {"cnryacct4711qz", key};
  return s;
}

Sample gcs_sample() {
  Sample s;
  s.replica = replica_base("gcs");
  s.replica["bucket"] = "conformance-bucket";
  name_secret(s.replica);
  const std::string private_key = "CNRYPRIVATEKEY4711QzW8mPlv0aBcD";
  const std::string email = "cnry4711@conformance.iam.gserviceaccount.com";
  json::Value key = json::Value::object();
  key["type"] = "service_account";
  key["client_email"] = email;
  key["private_key_id"] = "cnrykeyid4711qz";
  key["private_key"] = "-----BEGIN PRIVATE KEY-----\n" + private_key + "\n-----END PRIVATE KEY-----\n";
  const std::string file = json::dump(key);
  s.secret = {{"service-account.json", file}};
  s.canaries = {file, private_key, email, "cnrykeyid4711qz"};
  return s;
}

Sample file_sample() {
  Sample s;
  s.replica = replica_base("file");
  s.replica["settings"]["claimName"] = "conformance-backups";
  return s;
}

// A plain value for a field or setting of the given declared type.
json::Value example_value(const std::string& declared_type) {
  if (declared_type == "boolean") return json::Value(false);
  if (declared_type == "integer" || declared_type == "number") return json::Value(1);
  return json::Value("conformance-example");
}

}  // namespace

bool uses_secret(const Sample& sample) {
  const json::Value* credentials = sample.replica.find("credentials");
  return credentials && !credentials->get_string("secretName").empty();
}

std::optional<Sample> builtin_sample(const std::string& type) {
  std::optional<Sample> s;
  if (type == "s3") s = s3_sample();
  if (type == "azure") s = azure_sample();
  if (type == "gcs") s = gcs_sample();
  if (type == "file") s = file_sample();
  if (s) s->source = "the built-in sample for type " + type;
  return s;
}

Sample sample_from_describe(const std::string& type, const json::Value& description) {
  Sample s;
  s.replica = replica_base(type);
  s.source = "a sample derived from describe";
  if (const json::Value* fields = description.find("fields"); fields && fields->is_array()) {
    for (const json::Value& f : fields->as_array()) {
      const std::string name = f.get_string("name");
      // Nested fields (credentials.*) are filled below from secretKeys.
      if (!f.get_bool("required", false) || name.empty() || name.find('.') != std::string::npos ||
          name == "credentials" || name == "type" || name == "name") {
        continue;
      }
      s.replica[name] = example_value(f.get_string("type"));
    }
  }
  if (const json::Value* settings = description.find("settings"); settings && settings->is_array()) {
    for (const json::Value& setting : settings->as_array()) {
      const std::string name = setting.get_string("name");
      if (setting.get_bool("required", false) && !name.empty()) {
        s.replica["settings"][name] = example_value(setting.get_string("type"));
      }
    }
  }
  if (const json::Value* keys = description.find("secretKeys"); keys && keys->is_array()) {
    for (const json::Value& key : keys->as_array()) {
      const std::string name = key.get_string("default");
      if (name.empty()) continue;
      const std::string value = "cnry" + std::to_string(s.secret.size()) + "Value4711Qz8mPlv";
      s.secret.emplace_back(name, value);
      s.canaries.push_back(value);
    }
  }
  if (!s.secret.empty()) name_secret(s.replica);
  return s;
}

Sample sample_for(const plugins::PluginInfo& info) {
  if (std::optional<Sample> s = builtin_sample(info.type)) return *s;
  return sample_from_describe(info.type, info.description);
}

std::variant<Sample, std::string> parse_sample(const json::Value& document, const std::string& type) {
  const json::Value* replica = document.find("replica");
  if (!replica || !replica->is_object()) return std::string("the sample has no \"replica\" object");
  Sample s;
  s.replica = *replica;
  s.source = "the given sample";
  if (!s.replica.find("type")) s.replica["type"] = type;
  if (!s.replica.find("name")) s.replica["name"] = type + "-0";
  if (const json::Value* secret = document.find("secret")) {
    if (!secret->is_object()) return std::string("the sample's \"secret\" is not an object of strings");
    for (const auto& [key, value] : secret->as_object()) {
      if (!value.is_string()) return "the sample's secret key \"" + key + "\" is not a string";
      s.secret.emplace_back(key, value.as_string());
      // Very short values ("true", a port) would match innocent text.
      if (value.as_string().size() >= 6) s.canaries.push_back(value.as_string());
    }
  }
  return s;
}

}  // namespace sqlop::conformance
