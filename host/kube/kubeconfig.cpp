#include "host/kube/kubeconfig.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

#include "host/yaml/yaml_json.hpp"
#include "sqlite_operator/base64.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::kube {

namespace {

constexpr std::string_view kExecV1 = "client.authentication.k8s.io/v1";
constexpr std::string_view kExecV1beta1 = "client.authentication.k8s.io/v1beta1";

// --- files and strings --------------------------------------------------------------------------------

struct FileRead {
  std::optional<std::string> contents;
  int error = 0;  // errno when contents is empty
};

FileRead read_whole_file(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return {std::nullopt, errno};
  std::string contents;
  char buffer[8192];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) contents.append(buffer, n);
  if (std::ferror(file.get())) return {std::nullopt, errno != 0 ? errno : EIO};
  return {std::move(contents), 0};
}

std::string cannot_read(const std::string& path, int error) {
  return "cannot read " + path + ": " + std::strerror(error);
}

std::string trim(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string resolve_path(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// --- typed reads with field paths ---------------------------------------------------------------------

// Collects the first problem of one document; later reads become no-ops, so parse code stays linear.
class DocumentReader {
 public:
  DocumentReader(const std::string& file, const std::string& base_dir) : file_(file), base_dir_(base_dir) {}

  bool failed() const { return error_.has_value(); }
  std::optional<ConfigError> take_error() { return std::move(error_); }
  const std::string& file() const { return file_; }

  void fail(std::string field, std::string reason) {
    if (!error_) error_ = ConfigError{file_, std::move(field), std::move(reason)};
  }

  // The member `key` of `object`, or nullptr when absent or null.
  static const json::Value* member(const json::Value& object, std::string_view key) {
    const json::Value* v = object.find(key);
    return v && !v->is_null() ? v : nullptr;
  }

  void read_string(const json::Value& object, std::string_view key, const std::string& path, std::string& out) {
    const json::Value* v = member(object, key);
    if (!v) return;
    if (!v->is_string()) return fail(path + "." + std::string(key), "must be a string");
    out = v->as_string();
  }

  void read_bool(const json::Value& object, std::string_view key, const std::string& path, bool& out) {
    const json::Value* v = member(object, key);
    if (!v) return;
    if (!v->is_bool()) return fail(path + "." + std::string(key), "must be true or false");
    out = v->as_bool();
  }

  void read_path(const json::Value& object, std::string_view key, const std::string& path, std::string& out) {
    read_string(object, key, path, out);
    out = resolve_path(out, base_dir_);
  }

  // Go decodes []byte fields as standard base64 and skips line breaks; so do we (and any whitespace).
  void read_base64(const json::Value& object, std::string_view key, const std::string& path, std::string& out) {
    std::string text;
    read_string(object, key, path, text);
    if (text.empty()) return;
    std::string compact;
    for (const char c : text) {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') compact += c;
    }
    std::optional<std::string> decoded = base64::decode(compact);
    if (!decoded) return fail(path + "." + std::string(key), "not valid base64");
    out = std::move(*decoded);
  }

  // An object member; nullptr (and maybe an error) when absent, null or not an object.
  const json::Value* read_object(const json::Value& object, std::string_view key, const std::string& path) {
    const json::Value* v = member(object, key);
    if (v && !v->is_object()) {
      fail(path + "." + std::string(key), "must be a mapping");
      return nullptr;
    }
    return v;
  }

  const json::Array* read_array(const json::Value& object, std::string_view key, const std::string& path) {
    const json::Value* v = member(object, key);
    if (v && !v->is_array()) {
      fail(path.empty() ? std::string(key) : path + "." + std::string(key), "must be a list");
      return nullptr;
    }
    return v ? &v->as_array() : nullptr;
  }

  const std::string& base_dir() const { return base_dir_; }

 private:
  const std::string& file_;
  const std::string& base_dir_;
  std::optional<ConfigError> error_;
};

ExecConfig read_exec(DocumentReader& reader, const json::Value& exec, const std::string& path) {
  ExecConfig out;
  reader.read_string(exec, "command", path, out.command);
  // A bare command name is looked up on $PATH; only a command with a path separator is file-relative.
  if (out.command.find('/') != std::string::npos) out.command = resolve_path(out.command, reader.base_dir());
  reader.read_string(exec, "apiVersion", path, out.api_version);
  reader.read_string(exec, "interactiveMode", path, out.interactive_mode);
  reader.read_bool(exec, "provideClusterInfo", path, out.provide_cluster_info);
  reader.read_string(exec, "installHint", path, out.install_hint);
  if (const json::Array* args = reader.read_array(exec, "args", path)) {
    for (std::size_t i = 0; i < args->size(); ++i) {
      if (!(*args)[i].is_string()) {
        reader.fail(path + ".args[" + std::to_string(i) + "]", "must be a string");
        break;
      }
      out.args.push_back((*args)[i].as_string());
    }
  }
  if (const json::Array* env = reader.read_array(exec, "env", path)) {
    for (std::size_t i = 0; i < env->size(); ++i) {
      const std::string item_path = path + ".env[" + std::to_string(i) + "]";
      if (!(*env)[i].is_object()) {
        reader.fail(item_path, "must be a mapping with name and value");
        break;
      }
      std::pair<std::string, std::string> variable;
      reader.read_string((*env)[i], "name", item_path, variable.first);
      reader.read_string((*env)[i], "value", item_path, variable.second);
      if (variable.first.empty()) reader.fail(item_path + ".name", "required");
      out.env.push_back(std::move(variable));
    }
  }
  // client-go's defaulting: v1beta1 plugins predate the field and may read stdin when they can.
  if (out.interactive_mode.empty() && out.api_version == kExecV1beta1) out.interactive_mode = "IfAvailable";
  return out;
}

Cluster read_cluster(DocumentReader& reader, const json::Value& cluster, const std::string& path) {
  Cluster out;
  reader.read_string(cluster, "server", path, out.server);
  reader.read_path(cluster, "certificate-authority", path, out.certificate_authority);
  reader.read_base64(cluster, "certificate-authority-data", path, out.certificate_authority_data);
  reader.read_bool(cluster, "insecure-skip-tls-verify", path, out.insecure_skip_tls_verify);
  reader.read_string(cluster, "tls-server-name", path, out.tls_server_name);
  return out;
}

User read_user(DocumentReader& reader, const json::Value& user, const std::string& path) {
  User out;
  reader.read_string(user, "token", path, out.token);
  reader.read_path(user, "tokenFile", path, out.token_file);
  reader.read_path(user, "client-certificate", path, out.client_certificate);
  reader.read_base64(user, "client-certificate-data", path, out.client_certificate_data);
  reader.read_path(user, "client-key", path, out.client_key);
  reader.read_base64(user, "client-key-data", path, out.client_key_data);
  if (const json::Value* exec = reader.read_object(user, "exec", path)) {
    out.exec = read_exec(reader, *exec, path + ".exec");
  }
  for (const char* unsupported : {"username", "password", "auth-provider"}) {
    if (out.unsupported_field.empty() && DocumentReader::member(user, unsupported)) out.unsupported_field = unsupported;
  }
  return out;
}

Context read_context(DocumentReader& reader, const json::Value& context, const std::string& path) {
  Context out;
  reader.read_string(context, "cluster", path, out.cluster);
  reader.read_string(context, "user", path, out.user);
  reader.read_string(context, "namespace", path, out.namespace_name);
  return out;
}

// Reads one of the three named lists ("clusters" with items {name, cluster}, ...).
template <class T, class ReadItem>
void read_named_list(DocumentReader& reader, const json::Value& document, const char* list, const char* item_key,
                     std::vector<Named<T>>& out, ReadItem read_item) {
  const json::Array* items = reader.read_array(document, list, "");
  if (!items) return;
  std::set<std::string> names;
  for (std::size_t i = 0; i < items->size() && !reader.failed(); ++i) {
    const std::string path = std::string(list) + "[" + std::to_string(i) + "]";
    const json::Value& item = (*items)[i];
    if (!item.is_object()) return reader.fail(path, "must be a mapping with name and " + std::string(item_key));
    Named<T> named;
    reader.read_string(item, "name", path, named.name);
    if (named.name.empty()) return reader.fail(path + ".name", "required");
    // kubectl refuses a name listed twice in one file (across files, the first file wins instead).
    if (!names.insert(named.name).second) return reader.fail(path + ".name", "duplicate name " + in_quotes(named.name));
    if (const json::Value* body = reader.read_object(item, item_key, path)) {
      named.value = read_item(reader, *body, path + "." + item_key);
    }
    named.origin = Origin{reader.file(), path};
    out.push_back(std::move(named));
  }
}

template <class T>
const Named<T>* find_named(const std::vector<Named<T>>& entries, const std::string& name) {
  for (const auto& entry : entries) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

// --- resolution ---------------------------------------------------------------------------------------

ConfigError entry_error(const Origin& origin, const std::string& field, std::string reason) {
  return ConfigError{origin.file, origin.field + field, std::move(reason)};
}

// Reads PEM (or token) material given inline or as a file; the inline form wins when both are set.
std::optional<ConfigError> material(const Origin& origin, const std::string& data, const std::string& file,
                                    const std::string& file_field, std::string& out) {
  if (!data.empty()) {
    out = data;
    return std::nullopt;
  }
  if (file.empty()) return std::nullopt;
  FileRead read = read_whole_file(file);
  if (!read.contents) return entry_error(origin, file_field, cannot_read(file, read.error));
  out = std::move(*read.contents);
  return std::nullopt;
}

std::optional<ConfigError> normalise_server(const Origin& origin, std::string& server) {
  if (server.empty()) return entry_error(origin, ".cluster.server", "required");
  const std::size_t scheme_end = server.find("://");
  if (scheme_end == std::string::npos) {
    server = "https://" + server;  // kubectl's default for a bare host:port
    return std::nullopt;
  }
  const std::string scheme = server.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http") {
    return entry_error(origin, ".cluster.server", "must be an http:// or https:// URL");
  }
  return std::nullopt;
}

std::optional<ConfigError> apply_cluster(const Named<Cluster>& cluster, ClientConfig& out) {
  const Origin& origin = cluster.origin;
  const Cluster& c = cluster.value;
  out.server = c.server;
  if (auto error = normalise_server(origin, out.server)) return error;
  out.tls_server_name = c.tls_server_name;
  out.insecure_skip_tls_verify = c.insecure_skip_tls_verify;
  if (c.insecure_skip_tls_verify && (!c.certificate_authority.empty() || !c.certificate_authority_data.empty())) {
    return entry_error(origin, ".cluster.insecure-skip-tls-verify",
                       "cannot be true while a certificate authority is also given");
  }
  return material(origin, c.certificate_authority_data, c.certificate_authority, ".cluster.certificate-authority",
                  out.ca_pem);
}

std::optional<ConfigError> check_exec(const Origin& origin, const ExecConfig& exec) {
  const std::string path = ".user.exec";
  if (exec.command.empty()) return entry_error(origin, path + ".command", "required");
  if (exec.api_version != kExecV1 && exec.api_version != kExecV1beta1) {
    return entry_error(origin, path + ".apiVersion",
                       exec.api_version.empty()
                           ? "required (" + std::string(kExecV1) + " or v1beta1)"
                           : "must be " + std::string(kExecV1) + " or " + std::string(kExecV1beta1));
  }
  if (exec.interactive_mode.empty()) {
    return entry_error(origin, path + ".interactiveMode",
                       "required for " + std::string(kExecV1) + " (Never, IfAvailable or Always)");
  }
  if (exec.interactive_mode == "Always") {
    return entry_error(origin, path + ".interactiveMode",
                       "Always needs a terminal, and the operator has none; use Never or IfAvailable");
  }
  if (exec.interactive_mode != "Never" && exec.interactive_mode != "IfAvailable") {
    return entry_error(origin, path + ".interactiveMode", "must be Never, IfAvailable or Always");
  }
  return std::nullopt;
}

std::optional<ConfigError> apply_user(const Named<User>& user, ClientConfig& out) {
  const Origin& origin = user.origin;
  const User& u = user.value;
  if (!u.unsupported_field.empty()) {
    return entry_error(origin, ".user." + u.unsupported_field,
                       "not supported by the operator; use a token, a client certificate or an exec plugin");
  }
  // kubectl refuses these pairs rather than silently preferring one.
  if (!u.client_certificate.empty() && !u.client_certificate_data.empty()) {
    return entry_error(origin, ".user.client-certificate", "set together with client-certificate-data; keep one");
  }
  if (!u.client_key.empty() && !u.client_key_data.empty()) {
    return entry_error(origin, ".user.client-key", "set together with client-key-data; keep one");
  }
  const bool has_certificate = !u.client_certificate.empty() || !u.client_certificate_data.empty();
  const bool has_key = !u.client_key.empty() || !u.client_key_data.empty();
  if (has_certificate && !has_key) return entry_error(origin, ".user.client-key", "required with a client certificate");
  if (has_key && !has_certificate) {
    return entry_error(origin, ".user.client-certificate", "required with a client key");
  }
  if (auto error = material(origin, u.client_certificate_data, u.client_certificate, ".user.client-certificate",
                            out.client_certificate_pem)) {
    return error;
  }
  if (auto error = material(origin, u.client_key_data, u.client_key, ".user.client-key", out.client_key_pem)) {
    return error;
  }
  out.bearer_token = u.token;
  if (!u.token_file.empty()) {
    FileRead read = read_whole_file(u.token_file);
    if (!read.contents) return entry_error(origin, ".user.tokenFile", cannot_read(u.token_file, read.error));
    out.bearer_token = trim(*read.contents);
    out.bearer_token_file = u.token_file;
  }
  if (u.exec) {
    if (auto error = check_exec(origin, *u.exec)) return error;
    out.exec = u.exec;
  }
  return std::nullopt;
}

std::string host_port(const std::string& host, const std::string& port) {
  // An IPv6 literal needs brackets in a URL.
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6 ? "[" + host + "]" : host) + ":" + port;
}

bool file_exists(const std::string& path) {
  std::error_code ignored;
  return std::filesystem::exists(path, ignored);
}

std::vector<std::string> split_kubeconfig_list(const std::string& list) {
  std::vector<std::string> paths;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(':', start), list.size());
    const std::string path = list.substr(start, end - start);
    if (!path.empty() && seen.insert(path).second) paths.push_back(path);
    start = end + 1;
  }
  return paths;
}

ClientConfigLoad resolved(const KubeconfigLoad& load, const std::string& context) {
  if (!load.config) return {std::nullopt, load.error};
  return resolve_client_config(*load.config, context);
}

ClientConfigLoad failure(ConfigError error) { return {std::nullopt, std::move(error)}; }

// --- RFC 3339 -----------------------------------------------------------------------------------------

bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, std::string_view any_of) {
  if (pos >= text.size() || any_of.find(text[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days calculation, run backwards).
std::int64_t days_since_epoch(int year, int month, int day) {
  const int y = month <= 2 ? year - 1 : year;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t year_of_era = y - era * 400;
  const std::int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

}  // namespace

std::string ConfigError::message() const {
  std::string out;
  for (const std::string* part : {&file, &field, &reason}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ": ";
    out += *part;
  }
  return out;
}

// --- parsing and merging ------------------------------------------------------------------------------

KubeconfigLoad parse_kubeconfig(std::string_view yaml_text, const std::string& file, const std::string& base_dir) {
  const yaml::LoadResult loaded = yaml::load_all(yaml_text);
  if (!loaded.ok()) return {std::nullopt, ConfigError{file, "", "not valid YAML: " + loaded.error}};
  if (loaded.documents.size() > 1) return {std::nullopt, ConfigError{file, "", "holds more than one YAML document"}};

  Kubeconfig config;
  config.files.push_back(file);
  if (loaded.documents.empty()) return {std::move(config), std::nullopt};  // an empty file is an empty config
  const json::Value& document = loaded.documents.front().value;
  if (!document.is_object()) return {std::nullopt, ConfigError{file, "", "must be a mapping (a kubeconfig)"}};

  DocumentReader reader(file, base_dir);
  read_named_list(reader, document, "clusters", "cluster", config.clusters, read_cluster);
  read_named_list(reader, document, "users", "user", config.users, read_user);
  read_named_list(reader, document, "contexts", "context", config.contexts, read_context);
  reader.read_string(document, "current-context", "", config.current_context);
  if (reader.failed()) {
    std::optional<ConfigError> error = reader.take_error();
    // Top-level fields were read with an empty path prefix: drop the leading dot.
    if (!error->field.empty() && error->field.front() == '.') error->field.erase(0, 1);
    return {std::nullopt, std::move(error)};
  }
  if (!config.current_context.empty()) config.current_context_file = file;
  return {std::move(config), std::nullopt};
}

KubeconfigLoad load_kubeconfig_file(const std::string& path) {
  FileRead read = read_whole_file(path);
  if (!read.contents) return {std::nullopt, ConfigError{path, "", cannot_read(path, read.error)}};
  std::error_code ignored;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ignored);
  return parse_kubeconfig(*read.contents, path, absolute.parent_path().string());
}

Kubeconfig merge_kubeconfigs(const std::vector<Kubeconfig>& in_order) {
  Kubeconfig merged;
  const auto merge_list = [](auto& into, const auto& from) {
    for (const auto& entry : from) {
      if (!find_named(into, entry.name)) into.push_back(entry);
    }
  };
  for (const Kubeconfig& config : in_order) {
    merge_list(merged.clusters, config.clusters);
    merge_list(merged.users, config.users);
    merge_list(merged.contexts, config.contexts);
    if (merged.current_context.empty() && !config.current_context.empty()) {
      merged.current_context = config.current_context;
      merged.current_context_file = config.current_context_file;
    }
    merged.files.insert(merged.files.end(), config.files.begin(), config.files.end());
  }
  return merged;
}

// --- resolution ---------------------------------------------------------------------------------------

ClientConfigLoad resolve_client_config(const Kubeconfig& config, const std::string& context) {
  const std::string files = join(config.files, ":");
  const std::string name = context.empty() ? config.current_context : context;
  if (name.empty()) {
    return failure({files, "current-context", "not set, and no --context was given"});
  }
  const Named<Context>* ctx = find_named(config.contexts, name);
  if (!ctx) {
    if (context.empty())
      return failure({config.current_context_file, "current-context", "no context named " + in_quotes(name)});
    return failure({files, "", "no context named " + in_quotes(name) + " (from --context)"});
  }

  ClientConfig out;
  out.context = name;
  out.source = files;
  if (!ctx->value.namespace_name.empty()) out.namespace_name = ctx->value.namespace_name;

  if (ctx->value.cluster.empty()) return failure(entry_error(ctx->origin, ".context.cluster", "required"));
  const Named<Cluster>* cluster = find_named(config.clusters, ctx->value.cluster);
  if (!cluster) {
    return failure(entry_error(ctx->origin, ".context.cluster", "no cluster named " + in_quotes(ctx->value.cluster)));
  }
  if (auto error = apply_cluster(*cluster, out)) return failure(std::move(*error));

  // A context without a user is anonymous access, which kubectl allows too.
  if (!ctx->value.user.empty()) {
    const Named<User>* user = find_named(config.users, ctx->value.user);
    if (!user) return failure(entry_error(ctx->origin, ".context.user", "no user named " + in_quotes(ctx->value.user)));
    if (auto error = apply_user(*user, out)) return failure(std::move(*error));
  }
  return {std::move(out), std::nullopt};
}

ClientConfigLoad in_cluster_client_config(const InClusterEnvironment& environment) {
  if (!environment.available()) {
    return failure(
        {"", "", "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set"});
  }
  ClientConfig out;
  out.server = "https://" + host_port(environment.service_host, environment.service_port);
  out.source = "in-cluster";

  const std::string token_path = environment.service_account_dir + "/token";
  FileRead token = read_whole_file(token_path);
  if (!token.contents) return failure({token_path, "", cannot_read(token_path, token.error)});
  out.bearer_token = trim(*token.contents);
  if (out.bearer_token.empty()) return failure({token_path, "", "the service-account token file is empty"});
  out.bearer_token_file = token_path;

  const std::string ca_path = environment.service_account_dir + "/ca.crt";
  FileRead ca = read_whole_file(ca_path);
  if (!ca.contents) return failure({ca_path, "", cannot_read(ca_path, ca.error)});
  out.ca_pem = std::move(*ca.contents);

  if (!environment.pod_namespace.empty()) {
    out.namespace_name = environment.pod_namespace;
  } else if (FileRead ns = read_whole_file(environment.service_account_dir + "/namespace"); ns.contents) {
    const std::string trimmed = trim(*ns.contents);
    if (!trimmed.empty()) out.namespace_name = trimmed;
  }
  return {std::move(out), std::nullopt};
}

LoadingRules loading_rules_from_environment(std::string explicit_path, std::string context) {
  const auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  LoadingRules rules;
  rules.explicit_path = std::move(explicit_path);
  rules.context = std::move(context);
  if (const char* list = std::getenv("KUBECONFIG")) rules.kubeconfig_env = list;
  rules.home = env("HOME");
  rules.in_cluster.service_host = env("KUBERNETES_SERVICE_HOST");
  rules.in_cluster.service_port = env("KUBERNETES_SERVICE_PORT");
  rules.in_cluster.pod_namespace = env("POD_NAMESPACE");
  return rules;
}

ClientConfigLoad load_client_config(const LoadingRules& rules) {
  if (!rules.explicit_path.empty()) return resolved(load_kubeconfig_file(rules.explicit_path), rules.context);

  if (rules.kubeconfig_env && !rules.kubeconfig_env->empty()) {
    std::vector<Kubeconfig> loaded;
    for (const std::string& path : split_kubeconfig_list(*rules.kubeconfig_env)) {
      if (!file_exists(path)) continue;  // kubectl skips missing entries of $KUBECONFIG
      KubeconfigLoad load = load_kubeconfig_file(path);
      if (!load.config) return {std::nullopt, std::move(load.error)};
      loaded.push_back(std::move(*load.config));
    }
    if (loaded.empty()) {
      return failure({*rules.kubeconfig_env, "", "$KUBECONFIG names no existing file"});
    }
    return resolve_client_config(merge_kubeconfigs(loaded), rules.context);
  }

  // An explicit --context asks for a kubeconfig context: in-cluster config has none.
  if (rules.context.empty() && rules.in_cluster.available()) return in_cluster_client_config(rules.in_cluster);

  if (!rules.home.empty()) {
    const std::string path = rules.home + "/.kube/config";
    if (file_exists(path)) return resolved(load_kubeconfig_file(path), rules.context);
  }
  return failure({"", "",
                  "no Kubernetes configuration found: pass --kubeconfig, set $KUBECONFIG, run in a cluster, "
                  "or create ~/.kube/config"});
}

// --- exec credentials ---------------------------------------------------------------------------------

std::string exec_credential_request(const ExecConfig& exec, const ClientConfig& config) {
  json::Value spec = json::Value::object();
  spec["interactive"] = false;
  if (exec.provide_cluster_info) {
    json::Value cluster = json::Value::object();
    cluster["server"] = config.server;
    if (!config.tls_server_name.empty()) cluster["tls-server-name"] = config.tls_server_name;
    if (config.insecure_skip_tls_verify) cluster["insecure-skip-tls-verify"] = true;
    if (!config.ca_pem.empty()) cluster["certificate-authority-data"] = base64::encode(config.ca_pem);
    spec["cluster"] = std::move(cluster);
  }
  json::Value request = json::Value::object();
  request["apiVersion"] = exec.api_version;
  request["kind"] = "ExecCredential";
  request["spec"] = std::move(spec);
  return json::dump(request);
}

ExecCredentialParse parse_exec_credential(std::string_view plugin_stdout, const std::string& expected_api_version) {
  const auto fail = [](std::string error) { return ExecCredentialParse{std::nullopt, std::move(error)}; };
  json::ParseError parse_error;
  const std::optional<json::Value> document = json::parse(plugin_stdout, &parse_error);
  // Only the offset: the text may hold a credential.
  if (!document) return fail("not valid JSON (at byte " + std::to_string(parse_error.offset) + ")");
  if (!document->is_object()) return fail("not a JSON object");
  if (document->get_string("apiVersion") != expected_api_version) {
    return fail("apiVersion: must be " + expected_api_version + ", the version requested");
  }
  if (document->get_string("kind") != "ExecCredential") return fail("kind: must be ExecCredential");
  const json::Value* status = document->find("status");
  if (!status || !status->is_object()) return fail("status: required");

  ExecCredential credential;
  const std::pair<const char*, std::string*> fields[] = {{"token", &credential.token},
                                                         {"clientCertificateData", &credential.client_certificate_pem},
                                                         {"clientKeyData", &credential.client_key_pem}};
  for (const auto& [key, out] : fields) {
    const json::Value* v = status->find(key);
    if (!v || v->is_null()) continue;
    if (!v->is_string()) return fail("status." + std::string(key) + ": must be a string");
    *out = v->as_string();
  }
  const bool has_certificate = !credential.client_certificate_pem.empty();
  const bool has_key = !credential.client_key_pem.empty();
  if (has_certificate != has_key) {
    return fail(has_certificate ? "status.clientKeyData: required with status.clientCertificateData"
                                : "status.clientCertificateData: required with status.clientKeyData");
  }
  if (credential.token.empty() && !has_certificate) {
    return fail("status: holds neither a token nor clientCertificateData and clientKeyData");
  }
  if (const json::Value* expiry = status->find("expirationTimestamp"); expiry && !expiry->is_null()) {
    if (!expiry->is_string()) return fail("status.expirationTimestamp: must be an RFC 3339 date-time string");
    credential.expiration = parse_rfc3339(expiry->as_string());
    if (!credential.expiration) return fail("status.expirationTimestamp: not an RFC 3339 date-time");
  }
  return {std::move(credential), ""};
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, "-") || !read_digits(text, pos, 2, month) ||
      !expect(text, pos, "-") || !read_digits(text, pos, 2, day) || !expect(text, pos, "Tt") ||
      !read_digits(text, pos, 2, hour) || !expect(text, pos, ":") || !read_digits(text, pos, 2, minute) ||
      !expect(text, pos, ":") || !read_digits(text, pos, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100000000;  // nanoseconds per first fractional digit
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction += std::chrono::nanoseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == first) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else {
    const int sign = pos < text.size() && text[pos] == '-' ? -1 : 1;
    int offset_hours = 0, offset_minutes = 0;
    if (!expect(text, pos, "+-") || !read_digits(text, pos, 2, offset_hours) || !expect(text, pos, ":") ||
        !read_digits(text, pos, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
  }
  if (pos != text.size()) return std::nullopt;

  const std::int64_t seconds =
      days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::seconds(seconds) + fraction));
}

}  // namespace sqlop::kube
