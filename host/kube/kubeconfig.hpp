// How the operator finds and authenticates to the Kubernetes API server: kubeconfig files, in-cluster
// service-account config, and the exec-credential plugin protocol.
//
// Loading order (controller-runtime's, which follows kubectl for the files):
//   1. an explicit --kubeconfig path (it must exist);
//   2. else $KUBECONFIG, a ':'-separated list of files; missing files are skipped, the rest merged: the
//      first file to define a cluster, user or context name wins, as does the first current-context;
//   3. else, when $KUBECONFIG is unset and no --context was given, the in-cluster config (service-account
//      token, CA and namespace files; KUBERNETES_SERVICE_HOST/PORT);
//   4. else ~/.kube/config.
// Relative paths in a kubeconfig (certificate-authority, client-certificate, client-key, tokenFile, and
// an exec command containing '/') resolve against the directory of the file that holds them.
//
// Errors are values that name the file and the field, e.g.
//   /home/me/.kube/config: users[0].user.client-key-data: not valid base64
// and never contain a token, key or certificate, whatever the input.
// Everything here is pure except the functions documented as reading files or the environment.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sqlop::kube {

struct ConfigError {
  std::string file;             // the kubeconfig (or in-cluster file) at fault; "" when none applies
  std::string field;            // e.g. "users[0].user.client-key-data"; "" for the file as a whole
  std::string reason;           // never contains secret material
  std::string message() const;  // "file: field: reason", skipping empty parts
};

// --- the kubeconfig document ---------------------------------------------------------------------------

struct ExecConfig {
  std::string command;  // resolved against the kubeconfig's directory when it contains '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // name, value; in file order
  std::string api_version;                               // client.authentication.k8s.io/v1 or /v1beta1
  std::string interactive_mode;  // Never, IfAvailable or Always ("IfAvailable" when v1beta1 leaves it out)
  bool provide_cluster_info = false;
  std::string install_hint;
};

struct Cluster {
  std::string server;
  std::string certificate_authority;       // absolute path, "" when not set
  std::string certificate_authority_data;  // decoded PEM
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
};

struct User {
  std::string token;
  std::string token_file;               // absolute path
  std::string client_certificate;       // absolute path
  std::string client_certificate_data;  // decoded PEM
  std::string client_key;               // absolute path
  std::string client_key_data;          // decoded PEM
  std::optional<ExecConfig> exec;
  // A method the operator does not support ("username", "password", "auth-provider"); refused only when
  // this user is the one in use, as kubectl does for problems of entries it does not use.
  std::string unsupported_field;
};

struct Context {
  std::string cluster;
  std::string user;
  std::string namespace_name;
};

// Where an entry came from, so that errors found later still point into the right file.
struct Origin {
  std::string file;
  std::string field;  // "clusters[2]"
};

template <class T>
struct Named {
  std::string name;
  T value;
  Origin origin;
};

struct Kubeconfig {
  std::vector<Named<Cluster>> clusters;
  std::vector<Named<User>> users;
  std::vector<Named<Context>> contexts;
  std::string current_context;
  std::string current_context_file;  // the file current-context came from
  std::vector<std::string> files;    // the files merged, in order
};

struct KubeconfigLoad {
  std::optional<Kubeconfig> config;
  std::optional<ConfigError> error;
};

// Parses one kubeconfig document. `file` names it in errors; relative paths resolve against `base_dir`.
// Unknown fields are ignored (as kubectl does); wrongly typed known fields and bad base64 are errors.
KubeconfigLoad parse_kubeconfig(std::string_view yaml_text, const std::string& file, const std::string& base_dir);
// Reads and parses `path` (relative paths inside resolve against its directory).
KubeconfigLoad load_kubeconfig_file(const std::string& path);
// Merges files in order: the first to define a name (or current-context) wins.
Kubeconfig merge_kubeconfigs(const std::vector<Kubeconfig>& in_order);

// --- the resolved client configuration ----------------------------------------------------------------

struct ClientConfig {
  std::string server;  // "https://host:port" (a server without a scheme gets https://)
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string ca_pem;  // "" = the system's trust store
  std::string bearer_token;
  // Re-read this file periodically (projected service-account tokens rotate); "" when the token is inline.
  std::string bearer_token_file;
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::optional<ExecConfig> exec;
  std::string namespace_name = "default";  // the context's namespace (or the service account's)
  std::string context;                     // the context used; "" in cluster
  std::string source;                      // "in-cluster" or the kubeconfig file(s), for logs
};

struct ClientConfigLoad {
  std::optional<ClientConfig> config;
  std::optional<ConfigError> error;
};

// Builds the client config for `context` ("" = the kubeconfig's current-context), reading the CA,
// certificate, key and token files it names. Checks what kubectl checks for the context in use: the
// context, its cluster and its user exist; a server is set; a client certificate comes with its key;
// the same material is not given both inline and as a file; an exec plugin is usable without a terminal.
ClientConfigLoad resolve_client_config(const Kubeconfig& config, const std::string& context);

struct InClusterEnvironment {
  std::string service_host;   // $KUBERNETES_SERVICE_HOST
  std::string service_port;   // $KUBERNETES_SERVICE_PORT
  std::string pod_namespace;  // $POD_NAMESPACE, preferred over the namespace file when set
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  bool available() const { return !service_host.empty() && !service_port.empty(); }
};

// The in-cluster config: token (and its file, for re-reading), ca.crt, namespace. Reads those files.
ClientConfigLoad in_cluster_client_config(const InClusterEnvironment& environment);

// Everything the loading order depends on, so tests need not touch the process environment.
struct LoadingRules {
  std::string explicit_path;                  // --kubeconfig
  std::string context;                        // --context
  std::optional<std::string> kubeconfig_env;  // $KUBECONFIG; nullopt or "" = unset
  std::string home;                           // $HOME; "" = none
  InClusterEnvironment in_cluster;
};

// The rules from the process environment ($KUBECONFIG, $HOME, KUBERNETES_SERVICE_*, $POD_NAMESPACE).
LoadingRules loading_rules_from_environment(std::string explicit_path, std::string context);

// Applies the loading order above. Reads files.
ClientConfigLoad load_client_config(const LoadingRules& rules);

// --- exec credential plugins (client.authentication.k8s.io) -------------------------------------------

// The ExecCredential the plugin receives in $KUBERNETES_EXEC_INFO: apiVersion, kind, spec.interactive
// (always false: the operator has no terminal) and, with provideClusterInfo, spec.cluster from `config`.
std::string exec_credential_request(const ExecConfig& exec, const ClientConfig& config);

struct ExecCredential {
  std::string token;
  std::string client_certificate_pem;
  std::string client_key_pem;
  // When the credential expires; nullopt = valid until the server rejects it.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

struct ExecCredentialParse {
  std::optional<ExecCredential> credential;
  std::string error;  // names the field at fault; never echoes the plugin's output
};

// Parses the plugin's stdout. It must be an ExecCredential of the apiVersion that was requested, with a
// token or a client certificate and key (both or neither), and an RFC 3339 expirationTimestamp if any.
ExecCredentialParse parse_exec_credential(std::string_view plugin_stdout, const std::string& expected_api_version);

// Parses an RFC 3339 date-time ("2024-05-01T12:00:00Z", fractions and offsets allowed).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace sqlop::kube
