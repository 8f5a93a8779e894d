// The controllers a real control plane runs that tests depend on: CRD establishment and cleanup
// (apiextensions), the namespace lifecycle controller, and the garbage collector (ownerReferences,
// orphan and foreground finalizers). They run on one background thread, woken by committed changes, and
// write through ResourceService so their changes look like any other write (events, resourceVersions).
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/resource_service.hpp"

namespace sqlop::testserver {

struct ControllerDeps {
  ResourceTable& table;
  Store& store;
  ResourceService& service;
  const SchemaSupport& schemas;
  std::map<std::string, std::string> crd_served_rv;  // CRD name -> resourceVersion its resources were built from
};

// One pass of each controller; each returns true when it wrote something (another pass may be needed).
bool run_crd_controller(ControllerDeps& deps);
bool run_namespace_controller(ControllerDeps& deps);
bool run_garbage_collector(ControllerDeps& deps);

// Builds the served resources of a CRD object (one per served version); empty when the CRD is invalid.
std::vector<ResourceInfoPtr> crd_resources(const sqlop::json::Value& crd, const SchemaSupport& schemas);

class ControllerLoop {
 public:
  ControllerLoop(ControllerDeps deps, WatchHub& hub);
  ~ControllerLoop();
  void start();
  void stop();
  // Runs the controllers now, on the caller's thread (start-up, before serving).
  void run_once();

 private:
  void on_change(const Change& change);
  void loop();

  ControllerDeps deps_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool crd_dirty_ = true;
  bool namespace_dirty_ = true;
  bool gc_dirty_ = true;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sqlop::testserver
