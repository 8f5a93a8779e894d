#include "host/controller/informer.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace sqlop::controller {

namespace {

ReflectorOptions named(ReflectorOptions options, const std::string& name) {
  options.name = name;
  return options;
}

}  // namespace

Informer::Informer(const kube::Client& client, kube::ResourceType type, InformerOptions options)
    : resync_period_(options.resync_period),
      store_(std::move(options.indexers), options.store),
      reflector_(client, std::move(type), store_, named(std::move(options.reflector), options.name),
                 [this](const StoreChange& change) { dispatch(change); }) {}

Informer::~Informer() { stop(); }

void Informer::add_handlers(InformerHandlers handlers) { handlers_.push_back(std::move(handlers)); }

void Informer::start() {
  reflector_.start();
  if (resync_period_.count() > 0) resync_thread_ = std::thread([this] { run_resync(); });
}

void Informer::stop() {
  {
    const std::lock_guard<std::mutex> lock(resync_mutex_);
    resync_stop_ = true;
  }
  resync_wake_.notify_all();
  {
    const std::lock_guard<std::mutex> lock(join_mutex_);
    if (resync_thread_.joinable()) resync_thread_.join();
  }
  reflector_.stop();
}

void Informer::dispatch(const StoreChange& change) const {
  for (const InformerHandlers& handlers : handlers_) {
    switch (change.type) {
      case StoreChange::Type::Added:
        if (handlers.on_add) handlers.on_add(change.object);
        break;
      case StoreChange::Type::Updated:
      case StoreChange::Type::Sync:
        if (handlers.on_update) handlers.on_update(change.old_object, change.object);
        break;
      case StoreChange::Type::Deleted:
        if (handlers.on_delete) handlers.on_delete(change.object);
        break;
    }
  }
}

void Informer::run_resync() {
  std::unique_lock<std::mutex> lock(resync_mutex_);
  for (;;) {
    if (resync_wake_.wait_for(lock, resync_period_, [this] { return resync_stop_; })) return;
    if (!reflector_.has_synced()) continue;  // nothing to resync before the first list
    lock.unlock();
    spdlog::debug("{}: resync of {} objects", name(), store_.size());
    reflector_.resync();
    lock.lock();
  }
}

}  // namespace sqlop::controller
