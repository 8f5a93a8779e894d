#include "host/controller/reflector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "host/kube/api_error.hpp"

namespace sqlop::controller {

namespace {

std::string resource_version_of(const json::Value& object) {
  const json::Value* rv = object.find_path({"metadata", "resourceVersion"});
  return rv && rv->is_string() ? rv->as_string() : std::string();
}

// An ERROR event that arrived as an event rather than as an error value: its object is a metav1.Status.
kube::ApiError error_from_status(const json::Value& status) {
  return kube::api_error_from_response(static_cast<int>(status.get_int("code", 500)), json::dump(status));
}

}  // namespace

Reflector::Reflector(const kube::Client& client, kube::ResourceType type, ObjectStore& store,
                     ReflectorOptions options, ChangeListener listener)
    : client_(client),
      type_(std::move(type)),
      store_(store),
      options_(std::move(options)),
      name_(options_.name.empty() ? type_.qualified_name() : options_.name),
      listener_(std::move(listener)),
      random_(options_.random ? options_.random : make_random_source()),
      backoff_(options_.backoff, random_) {}

Reflector::~Reflector() { stop(); }

void Reflector::start() {
  thread_ = std::thread([this] { run(); });
}

void Reflector::stop() {
  {
    const std::lock_guard<std::mutex> lock(state_mutex_);
    stop_requested_ = true;
    if (open_stream_) open_stream_->cancel();
  }
  wake_.notify_all();
  const std::lock_guard<std::mutex> lock(join_mutex_);
  if (thread_.joinable()) thread_.join();
}

bool Reflector::stop_requested() const {
  const std::lock_guard<std::mutex> lock(state_mutex_);
  return stop_requested_;
}

bool Reflector::wait_for_sync(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_mutex_);
  wake_.wait_for(lock, timeout, [this] { return synced_.load() || stop_requested_; });
  return synced_.load();
}

std::string Reflector::last_resource_version() const {
  const std::lock_guard<std::mutex> lock(state_mutex_);
  return resource_version_;
}

void Reflector::set_resource_version(std::string resource_version) {
  const std::lock_guard<std::mutex> lock(state_mutex_);
  resource_version_ = std::move(resource_version);
}

void Reflector::resync() {
  const std::lock_guard<std::mutex> lock(dispatch_mutex_);
  // One object at a time, not list(): a packed store parses each object it hands out, and a whole
  // store's worth of trees at once is a peak the allocator keeps long after. The store cannot change
  // meanwhile: its writers hold dispatch_mutex_ too.
  for (const std::string& key : store_.keys()) {
    if (const ObjectPtr object = store_.get(key)) report({StoreChange::Type::Sync, object, object});
  }
}

void Reflector::report(const StoreChange& change) const {
  if (!listener_) return;
  try {
    listener_(change);
  } catch (const std::exception& e) {
    // A throwing listener is a bug; losing one notification beats ending the watch thread (and the process).
    spdlog::error("{}: change listener threw: {}", name_, e.what());
  } catch (...) {
    spdlog::error("{}: change listener threw", name_);
  }
}

// --- the loop --------------------------------------------------------------------------------------------

void Reflector::run() {
  bool need_list = true;
  while (!stop_requested()) {
    if (need_list) {
      if (const std::optional<kube::ApiError> error = list_into_store()) {
        spdlog::warn("{}: list failed: {}", name_, error->to_string());
        pause_after_failure(error->retry_after_seconds);
        continue;
      }
      need_list = false;
    }
    const WatchEnd end = watch_once();
    switch (end.next) {
      case WatchEnd::Next::Resume:
        break;
      case WatchEnd::Next::Relist:
        need_list = true;
        // Expired although nothing happened since the list: relisting at once could loop; wait first.
        if (events_since_list_ == 0) pause_after_failure(0);
        break;
      case WatchEnd::Next::Retry:
        pause_after_failure(end.retry_after_seconds);
        break;
    }
  }
}

void Reflector::pause_after_failure(int retry_after_seconds) {
  const std::chrono::milliseconds delay =
      std::max<std::chrono::milliseconds>(backoff_.next(), std::chrono::seconds(retry_after_seconds));
  spdlog::debug("{}: retrying in {} ms", name_, delay.count());
  std::unique_lock<std::mutex> lock(state_mutex_);
  wake_.wait_for(lock, delay, [this] { return stop_requested_; });
}

std::optional<kube::ApiError> Reflector::list_into_store() {
  kube::ListOptions list;
  list.label_selector = options_.label_selector;
  list.field_selector = options_.field_selector;
  list.limit = options_.page_size;
  list.item_transform = options_.transform;  // page by page: the full objects of a big list never pile up
  ++lists_;
  kube::Result<kube::ObjectList> result = client_.list(type_, options_.namespace_name, list);
  if (!result.ok() && result.error->is_gone() && list.limit > 0) {
    // A continue token expired between pages (the server compacted meanwhile): one unpaged list, as
    // client-go does, instead of paging into the same wall again.
    spdlog::info("{}: paged list expired; listing without paging", name_);
    list.limit = 0;
    ++lists_;
    result = client_.list(type_, options_.namespace_name, list);
  }
  if (!result.ok()) return result.error;

  kube::ObjectList& listed = *result.value;
  std::vector<ObjectPtr> objects;
  objects.reserve(listed.items.size());
  for (json::Value& item : listed.items) {
    objects.push_back(std::make_shared<const json::Value>(std::move(item)));
  }
  listed.items = {};

  ReplaceResult changes;
  {
    const std::lock_guard<std::mutex> lock(dispatch_mutex_);
    changes = store_.replace(std::move(objects));
    for (const ObjectPtr& gone : changes.deleted) report({StoreChange::Type::Deleted, gone, gone});
    for (const auto& updated : changes.updated) report({StoreChange::Type::Updated, updated.first, updated.second});
    for (const ObjectPtr& added : changes.added) report({StoreChange::Type::Added, nullptr, added});
  }
  set_resource_version(listed.resource_version);
  events_since_list_ = 0;
  backoff_.reset();

  if (!synced_.load()) {
    {
      const std::lock_guard<std::mutex> lock(state_mutex_);
      synced_.store(true);
    }
    wake_.notify_all();
    spdlog::info("{}: synced {} objects at resourceVersion {}", name_, store_.size(), listed.resource_version);
  } else {
    spdlog::info("{}: relisted {} objects: {} added, {} updated, {} deleted", name_, store_.size(),
                 changes.added.size(), changes.updated.size(), changes.deleted.size());
  }
  return std::nullopt;
}

Reflector::WatchEnd Reflector::watch_once() {
  kube::WatchOptions watch;
  watch.resource_version = last_resource_version();
  watch.label_selector = options_.label_selector;
  watch.field_selector = options_.field_selector;
  watch.allow_bookmarks = true;
  watch.timeout_seconds = jittered_watch_timeout_seconds(options_.min_watch_timeout, random_());
  ++watches_;
  kube::Result<std::unique_ptr<kube::WatchStream>> opened = client_.watch(type_, options_.namespace_name, watch);
  if (!opened.ok()) return on_watch_error(*opened.error);

  const std::unique_ptr<kube::WatchStream> stream = std::move(*opened.value);
  {
    const std::lock_guard<std::mutex> lock(state_mutex_);
    if (stop_requested_) return {};
    open_stream_ = stream.get();
  }
  const WatchEnd end = read_events(*stream);
  {
    // Before the stream is destroyed: stop() must not cancel a stream that no longer exists.
    const std::lock_guard<std::mutex> lock(state_mutex_);
    open_stream_ = nullptr;
  }
  return end;
}

Reflector::WatchEnd Reflector::read_events(kube::WatchStream& stream) {
  const auto started = std::chrono::steady_clock::now();
  bool any_event = false;
  for (;;) {
    kube::WatchStream::Next next = stream.next();
    if (next.error) return stop_requested() ? WatchEnd{} : on_watch_error(*next.error);
    if (!next.event) {
      const bool too_short = std::chrono::steady_clock::now() - started < options_.short_watch;
      if (!any_event && too_short && !stop_requested()) {
        spdlog::debug("{}: watch ended at once without events", name_);
        return {WatchEnd::Next::Retry, 0};
      }
      return {};
    }
    if (next.event->type == kube::WatchEvent::Type::Error) return on_watch_error(error_from_status(next.event->object));
    if (!any_event) {
      any_event = true;
      backoff_.reset();  // the server is answering again
    }
    apply_event(std::move(*next.event));
  }
}

Reflector::WatchEnd Reflector::on_watch_error(const kube::ApiError& error) {
  if (error.is_gone()) {
    spdlog::info("{}: watch history expired ({}); relisting", name_, error.to_string());
    return {WatchEnd::Next::Relist, 0};
  }
  spdlog::warn("{}: watch failed: {}", name_, error.to_string());
  return {WatchEnd::Next::Retry, error.retry_after_seconds};
}

void Reflector::apply_event(kube::WatchEvent event) {
  std::string resource_version = resource_version_of(event.object);
  if (event.type == kube::WatchEvent::Type::Bookmark) {
    if (!resource_version.empty()) set_resource_version(std::move(resource_version));
    return;
  }
  if (options_.transform) options_.transform(event.object);
  const ObjectPtr object = std::make_shared<const json::Value>(std::move(event.object));
  const std::string key = object_key(*object);
  if (key.empty()) {
    spdlog::warn("{}: ignored a watch event for an object without metadata.name", name_);
  } else {
    const std::lock_guard<std::mutex> lock(dispatch_mutex_);
    if (event.type == kube::WatchEvent::Type::Deleted) {
      // A deletion of an object never stored (e.g. created and deleted during a relist) is no news.
      if (ObjectPtr previous = store_.erase(key)) report({StoreChange::Type::Deleted, previous, object});
    } else if (ObjectPtr previous = store_.upsert(object)) {
      if (!same_object_version(*previous, *object)) report({StoreChange::Type::Updated, previous, object});
    } else {
      report({StoreChange::Type::Added, nullptr, object});
    }
  }
  ++events_since_list_;
  if (!resource_version.empty()) set_resource_version(std::move(resource_version));
}

}  // namespace sqlop::controller
