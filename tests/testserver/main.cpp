// kube-testserver: a Kubernetes API server for tests (issue 3). See server/api_server.hpp for the parts and
// `kube-testserver --help` for the command line.
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "client/server_process.hpp"
#include "server/api_server.hpp"
#include "server/http_server.hpp"
#include "server/ids_and_time.hpp"
#include "server/kubeconfig_writer.hpp"
#include "server/options.hpp"
#include "server/persistence.hpp"
#include "server/tls_material.hpp"

namespace ts = sqlop::testserver;

namespace {

std::string random_token() {
  std::string token;
  for (int i = 0; i < 2; ++i) {
    for (const char c : ts::new_uid()) {
      if (c != '-') token += c;
    }
  }
  return token;
}

bool apply_fault_file(ts::Faults& faults, const std::string& path, std::string* error) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto doc = sqlop::json::parse(ss.str());
  if (!doc) {
    *error = path + ": not JSON";
    return false;
  }
  const auto config = ts::parse_fault_config(*doc, error);
  if (!config) return false;
  faults.set(*config);
  return true;
}

int run(const ts::Options& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::string openapi_dir = options.openapi_dir.empty() ? ts::default_openapi_dir() : options.openapi_dir;
  std::string error;
  std::unique_ptr<ts::SchemaSupport> schemas = ts::SchemaSupport::load(openapi_dir, &error);
  if (!schemas) {
    spdlog::error("cannot load the OpenAPI documents from {}: {}", openapi_dir, error);
    return 2;
  }

  ts::ServerSettings settings;
  settings.openapi_dir = openapi_dir;
  settings.watch_history = options.watch_history;
  settings.service.bookmark_interval_ms = options.bookmark_interval_ms;
  settings.service.default_watch_timeout_s = options.watch_timeout_s;
  settings.require_auth = options.tls;
  const std::string token = options.token.empty() ? random_token() : options.token;
  settings.token = token;
  ts::ApiServer api(std::move(settings), std::move(schemas));

  if (!options.data_file.empty() && !ts::load_data_file(api.store(), options.data_file, &error)) {
    spdlog::error("{}", error);
    return 2;
  }
  if (!options.fault_file.empty() && !apply_fault_file(api.faults(), options.fault_file, &error)) {
    spdlog::error("bad fault configuration: {}", error);
    return 2;
  }
  api.start();

  std::optional<ts::TlsMaterial> tls;
  std::string cert_dir;
  if (options.tls) {
    tls = ts::generate_tls_material(&error);
    if (!tls) {
      spdlog::error("cannot generate TLS certificates: {}", error);
      return 2;
    }
    cert_dir = sqlop::testserver::client::make_temp_dir("kube-testserver-certs-");
  }
  std::unique_ptr<ts::HttpServer> http;
  try {
    http = std::make_unique<ts::HttpServer>(api, options.port, tls ? &*tls : nullptr, cert_dir);
  } catch (const std::exception& e) {
    spdlog::error("cannot listen on 127.0.0.1:{}: {}", options.port, e.what());
    return 2;
  }
  api.set_server_address("127.0.0.1:" + std::to_string(http->port()));
  http->start();

  std::unique_ptr<ts::DataFileWriter> data_writer;
  if (!options.data_file.empty()) data_writer = std::make_unique<ts::DataFileWriter>(api.store(), options.data_file, 200);

  ts::KubeconfigSpec spec;
  spec.server_url = std::string(options.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(http->port());
  spec.tls = tls ? &*tls : nullptr;
  spec.token = token;
  if (!ts::write_file_atomically(options.kubeconfig, ts::render_kubeconfig(spec), &error)) {
    spdlog::error("{}", error);
    http->stop();
    api.stop();
    return 2;
  }
  const auto ready_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("kube-testserver serving {} (ready in {} ms), kubeconfig {}", spec.server_url, ready_ms, options.kubeconfig);

  // SIGTERM/SIGINT were blocked in every thread (see main): wait for one here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("kube-testserver: signal {}, shutting down", sig);

  api.stop();  // ends every watch stream cleanly
  http->stop();
  if (data_writer) data_writer->stop();
  if (!cert_dir.empty()) sqlop::testserver::client::remove_tree(cert_dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the shutdown signals before any thread starts, so only sigwait() in run() receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  bool help = false;
  std::string error;
  const auto options = ts::parse_options(argc, argv, &help, &error);
  if (help) {
    std::fputs(ts::usage().c_str(), stdout);
    return 0;
  }
  if (!options) {
    std::fprintf(stderr, "kube-testserver: %s\n%s", error.c_str(), ts::usage().c_str());
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(options->log_level));
  return run(*options);
}
