#include "host/operator/run_options.hpp"

#include <functional>
#include <map>

#include "host/controller/leader_election_config.hpp"
#include "host/model/quantity.hpp"

namespace sqlop::op {

const char* const kRunUsage =
    "usage: sqlite-operator run [options]\n"
    "  Runs the controller: reconciles every SqliteDatabase until SIGTERM.\n"
    "  --kubeconfig FILE            kubeconfig (default: $KUBECONFIG, in-cluster, ~/.kube/config)\n"
    "  --context NAME               kubeconfig context (default: current-context)\n"
    "  --namespace NS               watch only this namespace (default: all)\n"
    "  --config FILE                operator config; reloaded on SIGHUP and when the file changes\n"
    "  --workers N                  concurrent reconciles (default 2)\n"
    "  --leader-elect               elect a leader on a Lease before reconciling\n"
    "  --leader-election-namespace NS, --leader-election-id NAME, --leader-election-identity ID\n"
    "  --leader-election-lease-duration D (15s), --leader-election-renew-deadline D (10s),\n"
    "  --leader-election-retry-period D (2s)\n"
    "  --metrics-bind-address ADDR  Prometheus /metrics (default :8080; 0 disables)\n"
    "  --health-probe-bind-address ADDR  /healthz and /readyz (default :8081; 0 disables)\n"
    "  --sync-period D              reconcile every resource at least this often (default 10h)\n"
    "  --request-timeout D          timeout of one API request (default 30s)\n"
    "  --log-level trace|debug|info|warn|error (default info), --log-format text|json (default text)\n";

namespace {

std::optional<std::chrono::milliseconds> duration_flag(const std::string& value, std::string* why) {
  const std::optional<std::int64_t> nanos = model::parse_go_duration(value, why);
  if (!nanos) return std::nullopt;
  if (*nanos <= 0) {
    *why = "must be positive";
    return std::nullopt;
  }
  return std::chrono::milliseconds(*nanos / 1000000);
}

}  // namespace

RunOptionsParse parse_run_options(const std::vector<std::string>& args) {
  RunOptions o;
  namespace lf = controller::leader_election_flags;
  using Setter = std::function<std::string(const std::string&)>;  // returns "" or why the value is wrong
  auto text = [](std::string& field) -> Setter {
    return [&field](const std::string& v) -> std::string {
      if (v.empty()) return "must not be empty";
      field = v;
      return "";
    };
  };
  auto duration = [](std::chrono::milliseconds& field) -> Setter {
    return [&field](const std::string& v) {
      std::string why;
      const auto d = duration_flag(v, &why);
      if (!d) return "not a duration (" + why + "); use e.g. 15s, 1m30s";
      field = *d;
      return std::string();
    };
  };
  std::chrono::milliseconds request_timeout{o.request_timeout_ms};
  const std::map<std::string, Setter> flags = {
      {"--kubeconfig", text(o.kubeconfig)},
      {"--context", text(o.context)},
      {"--namespace", text(o.namespace_name)},
      {"--config", text(o.config_path)},
      {"--workers",
       [&o](const std::string& v) -> std::string {
         try {
           std::size_t used = 0;
           const int n = std::stoi(v, &used);
           if (used != v.size() || n < 1 || n > 256) return "must be a whole number from 1 to 256";
           o.workers = n;
           return "";
         } catch (...) {
           return "must be a whole number from 1 to 256";
         }
       }},
      {lf::kNamespace, text(o.leader_election_namespace)},
      {lf::kLeaseName, text(o.leader_election_id)},
      {lf::kIdentity, text(o.leader_election_identity)},
      {lf::kLeaseDuration, duration(o.lease_duration)},
      {lf::kRenewDeadline, duration(o.renew_deadline)},
      {lf::kRetryPeriod, duration(o.retry_period)},
      {"--metrics-bind-address", text(o.metrics_bind_address)},
      {"--health-probe-bind-address", text(o.health_probe_bind_address)},
      {"--log-level", text(o.log_level)},
      {"--log-format", text(o.log_format)},
      {"--sync-period", duration(o.sync_period)},
      {"--config-poll-interval", duration(o.config_poll_interval)},
      {"--request-timeout", duration(request_timeout)},
  };
  RunOptionsParse out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (flag == "-h" || flag == "--help") {
      out.help = true;
      return out;
    }
    if (flag == "--leader-elect") {
      o.leader_elect = !value || *value == "true";
      if (value && *value != "true" && *value != "false") {
        out.error = "--leader-elect: must be true or false";
        return out;
      }
      continue;
    }
    const auto it = flags.find(flag);
    if (it == flags.end()) {
      out.error = "unknown flag '" + flag + "'";
      return out;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        out.error = flag + ": needs a value";
        return out;
      }
      value = args[++i];
    }
    if (const std::string why = it->second(*value); !why.empty()) {
      out.error = flag + ": " + why;
      return out;
    }
  }
  o.request_timeout_ms = static_cast<int>(request_timeout.count());
  out.options = o;
  return out;
}

}  // namespace sqlop::op
