// Serving resource requests: get, list, watch, create, update, patch, delete and deletecollection of every
// kind in the resource table, with the apiserver's semantics (see issue 3). The parts live in
// resource_reads.cpp (get, list, watch), resource_writes.cpp (create, update, patch, apply) and
// resource_deletes.cpp (delete, finalizers, propagation); object_rules.cpp holds the per-kind rules.
// Controllers (garbage collector, namespace and CRD controllers) write through the *_internal functions so
// their changes follow the same rules and produce the same watch events.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/api_error.hpp"
#include "server/faults.hpp"
#include "server/http_types.hpp"
#include "server/resource_table.hpp"
#include "server/schema_support.hpp"
#include "server/store.hpp"

namespace sqlop::testserver {

struct ServiceSettings {
  std::size_t watch_queue_limit = 100000;  // events queued for one slow watch before it is cut
  int bookmark_interval_ms = 60000;        // BOOKMARK cadence for allowWatchBookmarks watches
  int default_watch_timeout_s = 1800;      // watches without timeoutSeconds end after this
};

// What a DELETE asks for.
struct DeleteRequest {
  std::string propagation;  // "", Background, Foreground, Orphan
  std::string precondition_uid;
  std::string precondition_rv;
  bool dry_run = false;
};

class ResourceService {
 public:
  ResourceService(ResourceTable& table, Store& store, const SchemaSupport& schemas, Faults& faults,
                  ServiceSettings settings)
      : table_(table), store_(store), schemas_(schemas), faults_(faults), settings_(settings) {}

  void serve(const RequestInfo& ri, const ResourceInfoPtr& info, const HttpRequest& req, ResponseSink& sink);

  // Controller writes. `mutate` edits a copy of the live object and returns false to leave it alone.
  enum class Outcome { Done, NotFound, Unchanged, Failed };
  Outcome update_internal(const ResourceInfo& info, const std::string& ns, const std::string& name,
                          const std::function<bool(sqlop::json::Value&)>& mutate, const std::string& subresource = "");
  Outcome delete_internal(const ResourceInfo& info, const std::string& ns, const std::string& name,
                          const DeleteRequest& request);
  // Creates an object as a controller would (no fieldValidation, manager "kube-testserver").
  Outcome create_internal(const ResourceInfo& info, const sqlop::json::Value& object);

 private:
  struct WriteContext;
  struct WriteResult {
    int status = 200;
    ObjectPtr object;
    std::optional<ApiError> error;
    std::vector<std::string> warnings;
    bool deleted = false;
  };
  struct DeleteResult {
    ObjectPtr object;
    bool deleted = false;
    std::optional<ApiError> error;
  };

  HttpResponse get(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req);
  HttpResponse list(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req);
  void watch(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req, ResponseSink& sink);
  HttpResponse create(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req);
  HttpResponse update(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req);
  HttpResponse patch(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req);
  HttpResponse remove(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req);
  HttpResponse remove_collection(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req);
  HttpResponse scale(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req);

  // The write pipeline shared by create, update, patch and apply; runs inside a store transaction.
  WriteResult write_locked(Store::Txn& txn, const WriteContext& ctx, ObjectPtr live, sqlop::json::Value candidate);
  DeleteResult delete_locked(Store::Txn& txn, const ResourceInfo& info, const std::string& ns,
                             const std::string& name, const DeleteRequest& request);

  ResourceTable& table_;
  Store& store_;
  const SchemaSupport& schemas_;
  Faults& faults_;
  const ServiceSettings settings_;
  // Allocations of the Service registry (guarded by the store lock: only used inside transactions).
  unsigned service_ip_counter_ = 9;
  unsigned node_port_counter_ = 0;
};

// Helpers shared by the resource_*.cpp files.
HttpResponse json_response(int status, const sqlop::json::Value& body, const std::vector<std::string>& warnings = {});
HttpResponse error_response(const ApiError& error);
// The object as served at `info`'s version (custom resources are converted by rewriting apiVersion).
ObjectPtr as_served(const ObjectPtr& object, const ResourceInfo& info);
std::string warning_header_value(const std::string& text);

}  // namespace sqlop::testserver
