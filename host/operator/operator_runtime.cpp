#include "host/operator/operator_runtime.hpp"

#include <signal.h>
#include <malloc.h>
#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include "host/controller/controller.hpp"
#include "host/controller/event_recorder.hpp"
#include "host/controller/informer.hpp"
#include "host/controller/leader_election.hpp"
#include "host/kube/client.hpp"
#include "host/log/logging.hpp"
#include "host/metrics/operator_metrics.hpp"
#include "host/metrics/process_metrics.hpp"
#include "host/operator/settings_loader.hpp"
#include "host/operator/watch_mapping.hpp"
#include "host/reconcile/reconciler.hpp"
#include "host/serve/probe_server.hpp"

namespace sqlop::op {
namespace {

namespace types = kube::types;
using controller::Informer;
using controller::ObjectPtr;

constexpr const char* kControllerName = "sqlitedatabase";
constexpr const char* kSecretIndex = "secrets";
constexpr const char* kConfigMapIndex = "configmaps";

// The settings in force; swapped whole on reload, read by every reconcile.
class SettingsHolder {
 public:
  explicit SettingsHolder(std::shared_ptr<const reconcile::Settings> s) : settings_(std::move(s)) {}
  std::shared_ptr<const reconcile::Settings> get() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return settings_;
  }
  void set(std::shared_ptr<const reconcile::Settings> s) {
    const std::lock_guard<std::mutex> lock(mutex_);
    settings_ = std::move(s);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const reconcile::Settings> settings_;
};

// Identity of the config file's content on disk (a mounted ConfigMap is swapped through a symlink).
struct FileStamp {
  bool exists = false;
  ino_t inode = 0;
  off_t size = 0;
  long long mtime_ns = 0;
  bool operator!=(const FileStamp& o) const {
    return exists != o.exists || inode != o.inode || size != o.size || mtime_ns != o.mtime_ns;
  }
};

FileStamp stamp_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return {};
  return {true, st.st_ino, st.st_size, static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

// The signals the main thread takes synchronously (sigtimedwait); blocked in every thread.
sigset_t handled_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  return signals;
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

std::string host_of(const std::string& server) {
  const auto scheme = server.find("://");
  std::string host = scheme == std::string::npos ? server : server.substr(scheme + 3);
  return host.substr(0, host.find('/'));
}

class OperatorProcess {
 public:
  explicit OperatorProcess(const RunOptions& options) : options_(options), metrics_(registry_) {}
  int run();

 private:
  bool load_initial_settings();
  bool connect();
  // A client over its own transport (REQUIRES client_config_); null, with the reason logged, on failure.
  std::unique_ptr<kube::Client> new_client(int request_timeout_ms);
  bool start_servers();
  void build_informers();
  void build_controller();
  void start_leading();
  void start_workers_when_synced();
  void stop_starter();
  void reload_settings(const char* why);
  int wait_for_shutdown();
  void shut_down();

  std::shared_ptr<const json::Value> lookup(const kube::ResourceType& type, const std::string& ns,
                                            const std::string& name) const;
  void enqueue_all_databases();
  void enqueue_referencing(const char* index, const ObjectPtr& object);
  Informer& add_informer(const kube::ResourceType& type, controller::InformerOptions options);

  const RunOptions options_;
  metrics::Registry registry_;
  metrics::OperatorMetrics metrics_;
  std::unique_ptr<SettingsHolder> settings_;
  std::unique_ptr<kube::ClientConfig> client_config_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<kube::Client> lease_client_;  // for the elector only: shorter request timeout
  std::unique_ptr<serve::ProbeServer> probes_;
  std::map<std::string, std::unique_ptr<Informer>> informers_;  // by ResourceType::qualified_name()
  Informer* databases_ = nullptr;
  std::unique_ptr<controller::EventRecorder> events_;
  reconcile::VerifiedChildren verified_;
  std::unique_ptr<controller::Controller> controller_;
  std::unique_ptr<controller::LeaderElector> elector_;
  std::atomic<bool> lost_leadership_{false};
  std::atomic<bool> stopping_{false};
  std::mutex starter_mutex_;   // guards starter_ against the elector's callback racing shutdown
  std::thread starter_;        // waits for the caches, then starts the workers; GUARDED_BY(starter_mutex_)
  std::string identity_;
};

bool OperatorProcess::load_initial_settings() {
  const SettingsLoad load = load_settings(options_.config_path, nullptr);
  for (const std::string& w : load.warnings) spdlog::warn("{}", w);
  for (const std::string& e : load.errors) spdlog::error("config: {}", e);
  if (!load.settings) return false;
  for (const auto& plugin : load.settings->registry.plugins()) {
    spdlog::info("backend plugin {} {} loaded from {}", plugin->info().type, plugin->info().plugin_version,
                 plugin->info().file);
  }
  metrics_.set_plugins_loaded(load.settings->registry.plugins().size());
  settings_ = std::make_unique<SettingsHolder>(load.settings);
  return true;
}

std::unique_ptr<kube::Client> OperatorProcess::new_client(int request_timeout_ms) {
  kube::TransportOptions transport_options;
  transport_options.request_timeout_ms = request_timeout_ms;
  transport_options.user_agent = std::string("sqlite-operator/") + SQLOP_VERSION;
  transport_options.on_request = metrics_.rest_client_observer(host_of(client_config_->server));
  auto transport = kube::make_http_transport(*client_config_, transport_options);
  if (!transport.ok()) {
    spdlog::error("API client: {}", transport.error->to_string());
    return nullptr;
  }
  return std::make_unique<kube::Client>(*transport.value);
}

bool OperatorProcess::connect() {
  const kube::ClientConfigLoad load =
      kube::load_client_config(kube::loading_rules_from_environment(options_.kubeconfig, options_.context));
  if (!load.config) {
    spdlog::error("kubeconfig: {}", load.error ? load.error->message() : "no configuration found");
    return false;
  }
  client_config_ = std::make_unique<kube::ClientConfig>(*load.config);
  client_ = new_client(options_.request_timeout_ms);
  if (!client_) return false;
  spdlog::info("API server {} ({})", client_config_->server, client_config_->source);
  return true;
}

bool OperatorProcess::start_servers() {
  serve::ProbeServerOptions probe_options;
  probe_options.metrics_bind_address = options_.metrics_bind_address;
  probe_options.health_probe_bind_address = options_.health_probe_bind_address;
  probe_options.registry = &registry_;
  probes_ = std::make_unique<serve::ProbeServer>(probe_options);
  probes_->healthz().add("ping", [] { return std::optional<std::string>(); });
  probes_->readyz().add("informers", [this]() -> std::optional<std::string> {
    for (const auto& [name, informer] : informers_) {
      if (!informer->has_synced()) return "cache of " + name + " not synced yet";
    }
    return std::nullopt;
  });
  if (auto error = probes_->start()) {
    spdlog::error("{}", *error);
    return false;
  }
  // Tests and scripts read these two lines to find ports picked with ":0".
  if (auto a = probes_->metrics_address()) spdlog::info("serving metrics on http://{}/metrics", *a);
  if (auto a = probes_->probe_address()) spdlog::info("serving health probes on http://{}/healthz", *a);
  return true;
}

Informer& OperatorProcess::add_informer(const kube::ResourceType& type, controller::InformerOptions options) {
  options.reflector.namespace_name = options_.namespace_name;
  // The caches are most of the operator's memory: keep objects as JSON text, parsed on each (rare) read.
  options.store.packed = true;
  auto informer = std::make_unique<Informer>(*client_, type, std::move(options));
  Informer& ref = *informer;
  informers_[type.qualified_name()] = std::move(informer);
  return ref;
}

void OperatorProcess::build_informers() {
  // Children are cached as small projections (reconcile/child_cache.hpp); users' objects as they are.
  const controller::ObjectTransform cache_transform = [](json::Value& object) {
    controller::strip_unused_fields(object);
    reconcile::compact_managed_child(object);
  };
  controller::InformerOptions db_options;
  db_options.resync_period = options_.sync_period;
  db_options.indexers[kSecretIndex] = referenced_secret_keys;
  db_options.indexers[kConfigMapIndex] = referenced_config_map_keys;
  databases_ = &add_informer(types::sqlite_databases(), std::move(db_options));
  auto enqueue_object = [this](const ObjectPtr& object) {
    controller_->enqueue(controller::object_key(*object));
    metrics_.set_managed_databases(databases_->store().size());
  };
  databases_->add_handlers({enqueue_object,
                            [this](const ObjectPtr& old_object, const ObjectPtr& new_object) {
                              if (old_object == new_object || database_changed(*old_object, *new_object)) {
                                controller_->enqueue(controller::object_key(*new_object));
                              }
                            },
                            enqueue_object});

  // Children: a change (or a deletion by hand) re-reconciles the owner, which repairs drift and follows
  // Deployment and PVC status.
  auto enqueue_owner = [this](const ObjectPtr& child) {
    if (const std::string key = owner_key_of_child(*child); !key.empty()) controller_->enqueue(key);
  };
  for (const kube::ResourceType* type : {&types::persistent_volume_claims(), &types::deployments(),
                                         &types::services(), &types::ingresses()}) {
    controller::InformerOptions child_options;
    child_options.reflector.label_selector = managed_children_selector();
    child_options.reflector.transform = cache_transform;
    add_informer(*type, std::move(child_options))
        .add_handlers({enqueue_owner, [enqueue_owner](const ObjectPtr&, const ObjectPtr& n) { enqueue_owner(n); },
                       enqueue_owner});
  }
  // ConfigMaps hold both the children's Litestream config and users' init scripts: one informer for all.
  controller::InformerOptions config_map_options;
  config_map_options.reflector.transform = cache_transform;
  add_informer(types::config_maps(), std::move(config_map_options))
      .add_handlers({[=](const ObjectPtr& o) { enqueue_owner(o), enqueue_referencing(kConfigMapIndex, o); },
                     [=](const ObjectPtr&, const ObjectPtr& o) { enqueue_owner(o), enqueue_referencing(kConfigMapIndex, o); },
                     [=](const ObjectPtr& o) { enqueue_owner(o), enqueue_referencing(kConfigMapIndex, o); }});
  controller::InformerOptions secret_options;
  secret_options.reflector.field_selector = credential_secrets_selector();
  secret_options.reflector.transform = controller::strip_unused_fields;
  add_informer(types::secrets(), std::move(secret_options))
      .add_handlers({[this](const ObjectPtr& o) { enqueue_referencing(kSecretIndex, o); },
                     [this](const ObjectPtr&, const ObjectPtr& o) { enqueue_referencing(kSecretIndex, o); },
                     [this](const ObjectPtr& o) { enqueue_referencing(kSecretIndex, o); }});
}

void OperatorProcess::enqueue_referencing(const char* index, const ObjectPtr& object) {
  for (const std::string& key : databases_->store().index_keys(index, controller::object_key(*object))) {
    controller_->enqueue(key);
  }
}

void OperatorProcess::enqueue_all_databases() {
  for (const std::string& key : databases_->store().keys()) controller_->enqueue(key);
}

std::shared_ptr<const json::Value> OperatorProcess::lookup(const kube::ResourceType& type, const std::string& ns,
                                                          const std::string& name) const {
  const auto it = informers_.find(type.qualified_name());
  if (it == informers_.end()) return nullptr;
  return it->second->store().get(controller::object_key(ns, name));
}

void OperatorProcess::build_controller() {
  controller::EventRecorderOptions event_options;
  event_options.instance = identity_;
  events_ = std::make_unique<controller::EventRecorder>(*client_, event_options);

  const controller::ReconcileFunc reconcile = [this](const std::string& key) {
    const auto [ns, name] = split_key(key);
    reconcile::ReconcilerEnv env{*client_,
                                 [this](const kube::ResourceType& t, const std::string& n, const std::string& o) {
                                   return lookup(t, n, o);
                                 },
                                 [this] { return settings_->get(); }, events_.get(), &verified_, nullptr};
    const reconcile::ReconcileOutcome outcome = reconcile::reconcile_database(env, ns, name);
    switch (outcome.kind) {
      case reconcile::ReconcileOutcome::Kind::Error:
        return controller::ReconcileResult::failure(outcome.error);
      case reconcile::ReconcileOutcome::Kind::Requeue: {
        controller::ReconcileResult again;
        again.requeue_after = std::chrono::milliseconds(250);
        return again;
      }
      case reconcile::ReconcileOutcome::Kind::Done:
        break;
    }
    return controller::ReconcileResult::success();
  };
  controller::ControllerOptions options;
  options.name = kControllerName;
  options.workers = options_.workers;
  options.queue_metrics = metrics_.queue_listener(kControllerName);
  const metrics::ControllerMetrics controller_metrics = metrics_.controller(kControllerName, options_.workers);
  options.on_reconciled = [controller_metrics](const controller::ReconcileReport& r) {
    const bool failed = r.result == "error";
    const metrics::ReconcileResult result = failed                         ? metrics::ReconcileResult::Error
                                            : r.result == "requeue_after" ? metrics::ReconcileResult::RequeueAfter
                                                                          : metrics::ReconcileResult::Success;
    controller_metrics.observe_reconcile(result, r.duration);
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", r.duration.count() * 1000.0);
    log::Fields fields = {{"controller", kControllerName}, {"key", r.key}, {"result", r.result}, {"duration_ms", ms}};
    if (failed) fields.push_back({"error", r.error});
    log::write(failed ? log::Level::Warn : log::Level::Info, "reconciled", fields);
  };
  options.on_active_workers = [controller_metrics](int delta) {
    delta > 0 ? controller_metrics.worker_started() : controller_metrics.worker_finished();
  };
  controller_ = std::make_unique<controller::Controller>(reconcile, std::move(options));
}

void OperatorProcess::start_leading() {
  const std::lock_guard<std::mutex> lock(starter_mutex_);
  if (stopping_ || starter_.joinable()) return;
  starter_ = std::thread([this] { start_workers_when_synced(); });
}

void OperatorProcess::start_workers_when_synced() {
  for (const auto& [name, informer] : informers_) {
    while (!informer->wait_for_sync(std::chrono::milliseconds(200))) {
      if (stopping_) return;
    }
  }
  // The first lists held every object as a parsed tree before packing it; glibc keeps that freed peak
  // mapped unless asked to give it back.
  ::malloc_trim(0);
  spdlog::info("caches synced; starting {} worker(s)", options_.workers);
  controller_->start();
}

void OperatorProcess::stop_starter() {
  stopping_ = true;
  std::thread starter;
  {
    const std::lock_guard<std::mutex> lock(starter_mutex_);
    starter = std::move(starter_);
  }
  if (starter.joinable()) starter.join();
}

void OperatorProcess::reload_settings(const char* why) {
  const SettingsLoad load = load_settings(options_.config_path, settings_->get().get());
  for (const std::string& w : load.warnings) spdlog::warn("config reload: {}", w);
  if (!load.settings) {
    for (const std::string& e : load.errors) spdlog::error("config reload ({}) failed, keeping the running config: {}", why, e);
    metrics_.record_config_reload(false);
    return;
  }
  settings_->set(load.settings);
  metrics_.record_config_reload(true);
  metrics_.set_plugins_loaded(load.settings->registry.plugins().size());
  for (const auto& plugin : load.settings->registry.plugins()) {
    spdlog::info("config reload ({}): backend {} served by {}", why, plugin->info().type, plugin->info().file);
  }
  enqueue_all_databases();
}

int OperatorProcess::wait_for_shutdown() {
  const sigset_t signals = handled_signals();
  FileStamp config_stamp = stamp_of(options_.config_path);
  const auto poll = std::min<std::chrono::milliseconds>(options_.config_poll_interval, std::chrono::milliseconds(500));
  while (true) {
    if (lost_leadership_) {
      spdlog::error("leader election lost; stopping");
      return 1;
    }
    timespec timeout{static_cast<time_t>(poll.count() / 1000), static_cast<long>(poll.count() % 1000) * 1000000L};
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig == SIGTERM || sig == SIGINT) {
      spdlog::info("received {}; shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      return 0;
    }
    if (sig == SIGHUP) {
      config_stamp = stamp_of(options_.config_path);
      reload_settings("SIGHUP");
      continue;
    }
    if (!options_.config_path.empty()) {
      const FileStamp now = stamp_of(options_.config_path);
      if (now != config_stamp) {
        config_stamp = now;
        reload_settings("config file changed");
      }
    }
  }
}

void OperatorProcess::shut_down() {
  stop_starter();
  if (controller_) controller_->stop();  // finishes reconciles in flight
  if (elector_) elector_->stop();        // releases the lease so a standby takes over at once
  metrics_.set_leader(options_.leader_election_id, false);
  for (auto& [name, informer] : informers_) informer->stop();
  if (probes_) probes_->stop();
}

int OperatorProcess::run() {
  // Signals are taken synchronously by the main thread; every thread started from here on inherits the mask.
  const sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a client closing a socket mid-write must not kill the process
  metrics::register_process_metrics(registry_);

  spdlog::info("sqlite-operator {} starting", SQLOP_VERSION);
  if (!load_initial_settings() || !connect()) return 1;
  identity_ = options_.leader_election_identity.empty() ? controller::default_leader_identity()
                                                       : options_.leader_election_identity;
  build_controller();
  build_informers();
  if (!start_servers()) return 1;
  for (auto& [name, informer] : informers_) informer->start();
  spdlog::info("watching {}", options_.namespace_name.empty() ? "all namespaces" : "namespace " + options_.namespace_name);

  if (options_.leader_elect) {
    controller::LeaderElectionConfig config;
    config.lease_namespace = options_.leader_election_namespace.empty() ? client_config_->namespace_name
                                                                        : options_.leader_election_namespace;
    config.lease_name = options_.leader_election_id;
    config.identity = identity_;
    config.lease_duration = options_.lease_duration;
    config.renew_deadline = options_.renew_deadline;
    config.retry_period = options_.retry_period;
    if (auto problem = controller::validate_leader_election_config(config)) {
      spdlog::error("{}", problem->to_string());
      shut_down();
      return 2;
    }
    controller::LeaderCallbacks callbacks;
    callbacks.on_started_leading = [this] {
      metrics_.set_leader(options_.leader_election_id, true);
      start_leading();
    };
    callbacks.on_stopped_leading = [this] {
      metrics_.set_leader(options_.leader_election_id, false);
      lost_leadership_ = true;
    };
    callbacks.on_new_leader = [this](const std::string& id) {
      if (id != identity_) spdlog::info("leader is {}", id);
    };
    spdlog::info("waiting to lead lease {}/{} as {}", config.lease_namespace, config.lease_name, identity_);
    // A hung request must not delay stepping down past the renew deadline: the elector gets its own
    // client whose requests time out well before it.
    lease_client_ = new_client(
        static_cast<int>(std::min<long long>(options_.request_timeout_ms, config.renew_deadline.count() / 2)));
    if (!lease_client_) {
      shut_down();
      return 1;
    }
    elector_ = std::make_unique<controller::LeaderElector>(*lease_client_, config, callbacks);
    elector_->start();
  } else {
    start_leading();
  }

  const int code = wait_for_shutdown();
  shut_down();
  spdlog::info("stopped");
  return code;
}

}  // namespace

int run_operator(const RunOptions& options) { return OperatorProcess(options).run(); }

}  // namespace sqlop::op
