// Throughput of kube-testserver on this machine: creates, gets and watch events per second, so operator
// benchmarks know how much of their time is the server's. Starts its own server on 127.0.0.1:0; every
// loop is bounded by a count. Usage: testserver-bench [--objects N] [--threads T] [--tls] [--json]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "client/api_client.hpp"
#include "client/server_process.hpp"

namespace client = sqlop::testserver::client;
namespace json = sqlop::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Settings {
  int objects = 2000;
  int threads = 2;
  bool tls = false;
  bool json_output = false;
};

json::Value configmap(const std::string& name) {
  json::Value cm = json::Value::object();
  cm["apiVersion"] = "v1";
  cm["kind"] = "ConfigMap";
  cm["metadata"]["name"] = name;
  cm["metadata"]["labels"]["bench"] = "yes";
  cm["data"]["key"] = "a value of some thirty-two bytes";
  return cm;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs `per_thread(thread_index, client)` on `threads` threads, each with its own connection.
template <class F>
double run_parallel(const client::ClusterAccess& access, int threads, F per_thread) {
  std::vector<std::thread> pool;
  std::atomic<int> failures{0};
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      client::ApiClient api(access);
      failures += per_thread(t, api);
    });
  }
  for (auto& th : pool) th.join();
  const double elapsed = seconds_since(start);
  if (failures > 0) std::fprintf(stderr, "testserver-bench: %d requests failed\n", failures.load());
  return elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--objects") && i + 1 < argc) s.objects = std::max(10, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) s.threads = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--tls")) s.tls = true;
    else if (!std::strcmp(argv[i], "--json")) s.json_output = true;
    else {
      std::fprintf(stderr, "usage: testserver-bench [--objects N] [--threads T] [--tls] [--json]\n");
      return 2;
    }
  }
  client::ServerOptions options;
  options.binary = SQLOP_TESTSERVER_BIN;
  options.tls = s.tls;
  options.extra_args = {"--watch-history", std::to_string(s.objects * 4)};
  std::string error;
  auto server = client::ServerProcess::start(options, &error);
  if (!server) {
    std::fprintf(stderr, "testserver-bench: %s\n", error.c_str());
    return 1;
  }
  const client::ClusterAccess access = server->access();
  const std::string base = "/api/v1/namespaces/default/configmaps";
  const int per_thread = s.objects / s.threads;
  const int total = per_thread * s.threads;

  // A watch open during the creates: its events arrive while the writers run.
  client::ApiClient watcher_api(access);
  auto watch = watcher_api.watch(base + "?watch=true&resourceVersion=" +
                                 watcher_api.get(base).json().find_path({"metadata", "resourceVersion"})->as_string());
  std::atomic<int> events{0};
  Clock::time_point last_event;
  std::thread reader([&] {
    while (events < total) {
      if (!watch->next(std::chrono::seconds(10))) break;
      ++events;
      last_event = Clock::now();
    }
  });

  const auto create_start = Clock::now();
  const double create_s = run_parallel(access, s.threads, [&](int t, client::ApiClient& api) {
    int failed = 0;
    for (int i = 0; i < per_thread; ++i) {
      failed += api.post(base, configmap("cm-" + std::to_string(t) + "-" + std::to_string(i))).status == 201 ? 0 : 1;
    }
    return failed;
  });
  reader.join();
  const double watch_s = std::chrono::duration<double>(last_event - create_start).count();

  const double get_s = run_parallel(access, s.threads, [&](int t, client::ApiClient& api) {
    int failed = 0;
    for (int i = 0; i < per_thread; ++i) {
      failed += api.get(base + "/cm-" + std::to_string(t) + "-" + std::to_string(i)).status == 200 ? 0 : 1;
    }
    return failed;
  });

  const int lists = 20;
  client::ApiClient lister(access);
  const auto list_start = Clock::now();
  for (int i = 0; i < lists; ++i) lister.get(base);
  const double list_s = seconds_since(list_start);

  const double update_s = run_parallel(access, s.threads, [&](int t, client::ApiClient& api) {
    int failed = 0;
    for (int i = 0; i < per_thread; ++i) {
      const std::string path = base + "/cm-" + std::to_string(t) + "-" + std::to_string(i);
      failed += api.patch(path, R"({"data":{"key":"changed"}})", "application/merge-patch+json").status == 200 ? 0 : 1;
    }
    return failed;
  });
  server->stop();

  const double creates = total / create_s;
  const double gets = total / get_s;
  const double patches = total / update_s;
  const double watch_events = events / watch_s;
  const double list_ms = list_s / lists * 1000;
  if (s.json_output) {
    std::printf("{\"objects\":%d,\"threads\":%d,\"tls\":%s,\"createsPerSecond\":%.0f,\"getsPerSecond\":%.0f,"
                "\"mergePatchesPerSecond\":%.0f,\"watchEventsPerSecond\":%.0f,\"watchEventsReceived\":%d,"
                "\"listAllMilliseconds\":%.1f}\n",
                total, s.threads, s.tls ? "true" : "false", creates, gets, patches, watch_events, events.load(), list_ms);
  } else {
    std::printf("kube-testserver throughput (%d ConfigMaps, %d client threads, %s)\n", total, s.threads,
                s.tls ? "HTTPS + token" : "HTTP");
    std::printf("  creates/s            %8.0f\n", creates);
    std::printf("  gets/s               %8.0f\n", gets);
    std::printf("  merge patches/s      %8.0f\n", patches);
    std::printf("  watch events/s       %8.0f  (%d of %d delivered during the creates)\n", watch_events, events.load(), total);
    std::printf("  list of %d items     %8.1f ms\n", total, list_ms);
  }
  return events == total ? 0 : 1;
}
