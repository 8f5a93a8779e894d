#include "server/controllers.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

bool has_owner_refs(const ObjectPtr& o) {
  const json::Value* refs = o ? o->find_path({"metadata", "ownerReferences"}) : nullptr;
  return refs && refs->is_array() && !refs->as_array().empty();
}

bool marked_for_deletion(const ObjectPtr& o) { return o && o->find_path({"metadata", "deletionTimestamp"}); }

}  // namespace

ControllerLoop::ControllerLoop(ControllerDeps deps, WatchHub& hub) : deps_(std::move(deps)) {
  hub.add_listener([this](const Change& c) { on_change(c); });
}

ControllerLoop::~ControllerLoop() { stop(); }

void ControllerLoop::on_change(const Change& change) {
  // Called with the store lock held: only flag work.
  std::lock_guard<std::mutex> lock(mu_);
  bool any = false;
  // A deleted custom resource may be the last one a terminating CRD waits for.
  if (change.prefix == "apiextensions.k8s.io/customresourcedefinitions" || change.type == ChangeType::Deleted) {
    crd_dirty_ = any = true;
  }
  if (change.prefix == "/namespaces" || (!change.ns.empty() && change.type == ChangeType::Deleted)) {
    namespace_dirty_ = any = true;
  }
  // The collector cares about deletions, objects marked for deletion and objects with owners.
  if (change.type == ChangeType::Deleted || marked_for_deletion(change.object) || has_owner_refs(change.object)) {
    gc_dirty_ = any = true;
  }
  if (any) cv_.notify_all();
}

void ControllerLoop::run_once() {
  run_crd_controller(deps_);
  run_namespace_controller(deps_);
  run_garbage_collector(deps_);
}

void ControllerLoop::start() { thread_ = std::thread([this] { loop(); }); }

void ControllerLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void ControllerLoop::loop() {
  for (;;) {
    bool crd = false;
    bool ns = false;
    bool gc = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || crd_dirty_ || namespace_dirty_ || gc_dirty_; });
      if (stopping_) return;
      std::swap(crd, crd_dirty_);
      std::swap(ns, namespace_dirty_);
      std::swap(gc, gc_dirty_);
    }
    try {
      if (crd) run_crd_controller(deps_);
      if (ns) run_namespace_controller(deps_);
      if (gc) run_garbage_collector(deps_);
    } catch (const std::exception&) {
      // A controller pass that throws is retried on the next change; the server keeps serving.
    }
  }
}

}  // namespace sqlop::testserver
