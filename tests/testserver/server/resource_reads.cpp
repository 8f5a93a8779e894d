// list and watch.
#include <chrono>
#include <thread>

#include "server/list_options.hpp"
#include "server/media_types.hpp"
#include "server/resource_service.hpp"
#include "server/table_printer.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

std::string key_of(const json::Value& object) {
  const json::Value* meta = object.find("metadata");
  if (!meta) return "/";
  return meta->get_string("namespace") + "/" + meta->get_string("name");
}

// Typed lists carry items without apiVersion/kind; unstructured (custom resource) lists keep them.
json::Value list_item(const ObjectPtr& object, const ResourceInfo& info) {
  if (!info.builtin) return *as_served(object, info);
  json::Value item = *object;
  item.as_object().erase("apiVersion");
  item.as_object().erase("kind");
  return item;
}

ApiError too_old_continue() {
  return gone("The provided continue parameter is too old to display a consistent list result. You can start a new "
              "list without the continue parameter, or use the continue token in this response to retrieve the "
              "remainder of the results. Continuing with the provided token results in an inconsistent list - "
              "objects that were created, modified, or deleted between the time the first chunk was returned and "
              "now may show up in the list.");
}

ApiError too_old_rv(std::int64_t asked, std::int64_t oldest) {
  return gone("too old resource version: " + std::to_string(asked) + " (" + std::to_string(oldest) + ")");
}

json::Value watch_event(const std::string& type, const json::Value& object) {
  json::Value ev = json::Value::object();
  ev["type"] = type;
  ev["object"] = object;
  return ev;
}

json::Value bookmark_object(const ResourceInfo& info, std::int64_t rv, bool initial_events_end) {
  json::Value obj = json::Value::object();
  obj["kind"] = info.kind;
  obj["apiVersion"] = info.api_version();
  obj["metadata"]["resourceVersion"] = std::to_string(rv);
  obj["metadata"]["creationTimestamp"] = nullptr;
  if (initial_events_end) obj["metadata"]["annotations"]["k8s.io/initial-events-end"] = "true";
  return obj;
}

}  // namespace

HttpResponse ResourceService::list(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req) {
  const Rendering rendering = choose_rendering(req.header("accept"));
  if (rendering == Rendering::NotAcceptable) {
    return error_response(not_acceptable("only the following media types are accepted: application/json, "
                                         "application/json;as=Table;v=v1;g=meta.k8s.io"));
  }
  auto parsed = parse_list_options(info, req.query);
  if (auto* err = std::get_if<ApiError>(&parsed)) return error_response(*err);
  const ListOptions& options = std::get<ListOptions>(parsed);

  const std::string ns = info.namespaced ? ri.namespace_ : "";
  std::int64_t rv = 0;
  std::vector<ObjectPtr> items;
  std::string next_key;
  std::int64_t remaining = 0;
  const bool expired = store_.transact([&](Store::Txn& txn) {
    if (options.continue_rv > 0 && options.continue_rv < txn.compacted_rv()) return true;
    rv = options.continue_rv > 0 ? options.continue_rv : txn.rv();
    // Later pages show the collection as it was when the first page was served.
    const std::vector<ObjectPtr> snapshot = options.continue_rv > 0 ? txn.list_at(info.storage_prefix(), ns, rv)
                                                                    : txn.list(info.storage_prefix(), ns);
    for (const ObjectPtr& obj : snapshot) {
      if (!options.continue_after.empty() && key_of(*obj) <= options.continue_after) continue;
      if (options.matches && !options.matches(*obj)) continue;
      if (options.limit > 0 && static_cast<std::int64_t>(items.size()) >= options.limit) {
        if (next_key.empty()) next_key = key_of(*items.back());
        ++remaining;
        continue;
      }
      items.push_back(obj);
    }
    return false;
  });
  if (expired) return error_response(too_old_continue());
  const std::string continue_token = next_key.empty() ? "" : encode_continue(rv, next_key);

  if (rendering == Rendering::Table) {
    TableOptions t;
    t.include_object = query_value(req.query, "includeObject", "Metadata");
    t.resource_version = std::to_string(rv);
    t.continue_token = continue_token;
    std::vector<ObjectPtr> served;
    for (const auto& obj : items) served.push_back(as_served(obj, info));
    return json_response(200, to_table(info, served, t));
  }
  json::Value out = json::Value::object();
  if (rendering == Rendering::PartialObjectMetadata) {
    out["kind"] = "PartialObjectMetadataList";
    out["apiVersion"] = "meta.k8s.io/v1";
  } else {
    out["kind"] = info.list_kind;
    out["apiVersion"] = info.api_version();
  }
  out["metadata"]["resourceVersion"] = std::to_string(rv);
  if (!continue_token.empty()) {
    out["metadata"]["continue"] = continue_token;
    // The apiserver only knows the remaining count when no selector filters the list.
    if (!options.has_selectors) out["metadata"]["remainingItemCount"] = static_cast<long long>(remaining);
  }
  json::Value arr = json::Value::array();
  for (const auto& obj : items) {
    arr.push_back(rendering == Rendering::PartialObjectMetadata ? partial_object_metadata(*obj) : list_item(obj, info));
  }
  out["items"] = std::move(arr);
  return json_response(200, out);
}

void ResourceService::watch(const RequestInfo& ri, const ResourceInfo& info, const HttpRequest& req, ResponseSink& sink) {
  const Rendering rendering = choose_rendering(req.header("accept"));
  if (rendering == Rendering::NotAcceptable) {
    sink.send(error_response(not_acceptable("only the following media types are accepted: application/json, "
                                            "application/json;as=Table;v=v1;g=meta.k8s.io")));
    return;
  }
  auto parsed = parse_list_options(info, req.query);
  if (auto* err = std::get_if<ApiError>(&parsed)) {
    sink.send(error_response(*err));
    return;
  }
  const ListOptions& options = std::get<ListOptions>(parsed);
  const bool bookmarks = query_flag(req.query, "allowWatchBookmarks");
  const bool send_initial = query_flag(req.query, "sendInitialEvents");
  const std::string rv_text = query_value(req.query, "resourceVersion");
  if (send_initial && (query_value(req.query, "resourceVersionMatch") != "NotOlderThan" || !bookmarks)) {
    ApiError e = bad_request("sendInitialEvents requires resourceVersionMatch=NotOlderThan and allowWatchBookmarks=true");
    e.code = 422;
    e.reason = "Invalid";
    sink.send(error_response(e));
    return;
  }
  std::int64_t from_rv = -1;
  if (!rv_text.empty() && rv_text != "0" && !send_initial) {
    try {
      from_rv = std::stoll(rv_text);
    } catch (...) {
      sink.send(error_response(bad_request("invalid resource version: " + rv_text)));
      return;
    }
  }
  std::int64_t timeout_s = settings_.default_watch_timeout_s;
  if (const std::string t = query_value(req.query, "timeoutSeconds"); !t.empty()) {
    try {
      timeout_s = std::stoll(t);
    } catch (...) {
      sink.send(error_response(bad_request("invalid timeoutSeconds: " + t)));
      return;
    }
  }

  WatchScope scope{info.storage_prefix(), info.namespaced ? ri.namespace_ : "", options.matches};
  const std::optional<std::string> forced_gone = faults_.take_gone_watch();
  Store::WatchStart start;
  if (forced_gone) {
    start.too_old_rv = from_rv < 0 ? 0 : from_rv;
    start.oldest_rv = store_.current_rv();
  } else {
    start = store_.watch(scope, from_rv, settings_.watch_queue_limit);
  }
  if (!start.watcher) {
    const ApiError e = too_old_rv(start.too_old_rv, start.oldest_rv);
    if (forced_gone && *forced_gone == "response") {
      sink.send(error_response(e));
      return;
    }
    sink.begin_stream(200, "application/json", {});
    sink.write(json::dump(watch_event("ERROR", status_body(e))) + "\n");
    return;
  }

  const std::shared_ptr<Watcher> watcher = start.watcher;
  const std::string content_type = rendering == Rendering::Table ? "application/json;as=Table;v=v1;g=meta.k8s.io"
                                                                  : "application/json";
  sink.begin_stream(200, content_type, {});
  const int cut_after = faults_.cut_watch_after_events();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  const auto bookmark_every = std::chrono::milliseconds(settings_.bookmark_interval_ms);
  auto next_bookmark = std::chrono::steady_clock::now() + bookmark_every;
  auto next_liveness_check = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  bool headers_sent = false;
  bool initial_end_pending = send_initial;
  int sent = 0;

  auto render = [&](const WatchEvent& ev) {
    const ObjectPtr served = as_served(ev.object, info);
    if (rendering == Rendering::Table) {
      TableOptions t;
      t.include_headers = !headers_sent;
      t.include_object = query_value(req.query, "includeObject", "Metadata");
      headers_sent = true;
      return watch_event(ev.type, to_table(info, {served}, t));
    }
    if (rendering == Rendering::PartialObjectMetadata) return watch_event(ev.type, partial_object_metadata(*served));
    return watch_event(ev.type, *served);
  };

  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    auto wake = std::min({deadline, next_liveness_check, bookmarks ? next_bookmark : deadline});
    WatchEvent ev;
    const Watcher::Wait w = initial_end_pending ? Watcher::Wait::Timeout : watcher->pop(ev, wake);
    if (w == Watcher::Wait::Closed) break;
    if (w == Watcher::Wait::Event) {
      if (!sink.write(json::dump(render(ev)) + "\n")) break;
      if (cut_after > 0 && ++sent >= cut_after) break;
      continue;
    }
    if (initial_end_pending) {
      // sendInitialEvents: the snapshot's ADDED events are queued first; send them, then mark their end.
      bool ok = true;
      for (std::size_t i = 0; i < start.initial_events && ok; ++i) {
        WatchEvent initial;
        if (watcher->pop(initial, std::chrono::steady_clock::now()) != Watcher::Wait::Event) break;
        ok = sink.write(json::dump(render(initial)) + "\n");
      }
      initial_end_pending = false;
      if (!ok || !sink.write(json::dump(watch_event("BOOKMARK", bookmark_object(info, start.start_rv, true))) + "\n")) break;
      continue;
    }
    if (std::chrono::steady_clock::now() >= next_liveness_check) {
      if (sink.client_gone()) break;
      next_liveness_check = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    if (bookmarks && std::chrono::steady_clock::now() >= next_bookmark) {
      if (!sink.write(json::dump(watch_event("BOOKMARK", bookmark_object(info, watcher->progress_rv(), false))) + "\n")) break;
      next_bookmark = std::chrono::steady_clock::now() + bookmark_every;
    }
  }
  store_.stop_watch(watcher);
}

}  // namespace sqlop::testserver
