#include "server/options.hpp"

#include <string_view>

namespace sqlop::testserver {

std::string default_openapi_dir() {
#ifdef SQLOP_TESTSERVER_DEFAULT_OPENAPI_DIR
  return SQLOP_TESTSERVER_DEFAULT_OPENAPI_DIR;
#else
  return {};
#endif
}

std::string usage() {
  return "usage: kube-testserver --port N --kubeconfig FILE [options]\n"
         "  --port N                  listen on 127.0.0.1:N (0: any free port)\n"
         "  --kubeconfig FILE         write a kubeconfig for clients once ready\n"
         "  --tls                     serve HTTPS with a generated CA; require the bearer token (or a client\n"
         "                            certificate signed by the CA), both written to the kubeconfig\n"
         "  --openapi-dir DIR         the Kubernetes OpenAPI v3 documents (default: the source tree's)\n"
         "  --data-file FILE          load objects from FILE at start and keep it up to date\n"
         "  --watch-history N         changes kept for watches and continue tokens (default 10000)\n"
         "  --bookmark-interval-ms N  BOOKMARK cadence for allowWatchBookmarks watches (default 60000)\n"
         "  --watch-timeout-s N       end watches without timeoutSeconds after N seconds (default 1800)\n"
         "  --token T                 the bearer token (default: random)\n"
         "  --faults FILE             initial fault configuration (JSON, as PUT /_testserver/faults)\n"
         "  --log-level LEVEL         trace, debug, info, warn, error (default info)\n";
}

std::optional<Options> parse_options(int argc, char** argv, bool* help, std::string* error) {
  Options o;
  bool have_kubeconfig = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) {
        if (error) *error = std::string(arg) + " needs a value";
        return std::nullopt;
      }
      return std::string(argv[++i]);
    };
    auto number = [&](long long min, long long max) -> std::optional<long long> {
      const auto v = value();
      if (!v) return std::nullopt;
      try {
        std::size_t used = 0;
        const long long n = std::stoll(*v, &used);
        if (used == v->size() && n >= min && n <= max) return n;
      } catch (...) {
      }
      if (error) *error = std::string(arg) + ": expected a number between " + std::to_string(min) + " and " + std::to_string(max);
      return std::nullopt;
    };
    if (arg == "--help" || arg == "-h") {
      if (help) *help = true;
      return std::nullopt;
    } else if (arg == "--tls") {
      o.tls = true;
    } else if (arg == "--port") {
      const auto n = number(0, 65535);
      if (!n) return std::nullopt;
      o.port = static_cast<unsigned short>(*n);
    } else if (arg == "--watch-history") {
      const auto n = number(1, 100000000);
      if (!n) return std::nullopt;
      o.watch_history = static_cast<std::size_t>(*n);
    } else if (arg == "--bookmark-interval-ms") {
      const auto n = number(10, 3600000);
      if (!n) return std::nullopt;
      o.bookmark_interval_ms = static_cast<int>(*n);
    } else if (arg == "--watch-timeout-s") {
      const auto n = number(1, 86400);
      if (!n) return std::nullopt;
      o.watch_timeout_s = static_cast<int>(*n);
    } else {
      std::string* target = arg == "--kubeconfig"   ? &o.kubeconfig
                            : arg == "--openapi-dir" ? &o.openapi_dir
                            : arg == "--data-file"   ? &o.data_file
                            : arg == "--token"       ? &o.token
                            : arg == "--faults"      ? &o.fault_file
                            : arg == "--log-level"   ? &o.log_level
                                                     : nullptr;
      if (!target) {
        if (error) *error = "unknown option " + std::string(arg);
        return std::nullopt;
      }
      const auto v = value();
      if (!v) return std::nullopt;
      *target = *v;
      if (arg == "--kubeconfig") have_kubeconfig = true;
    }
  }
  if (!have_kubeconfig || o.kubeconfig.empty()) {
    if (error) *error = "--kubeconfig is required";
    return std::nullopt;
  }
  return o;
}

}  // namespace sqlop::testserver
