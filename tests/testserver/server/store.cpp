#include "server/store.hpp"

#include <algorithm>

namespace sqlop::testserver {

namespace json = sqlop::json;

std::int64_t object_rv(const json::Value& object) {
  const json::Value* rv = object.find_path({"metadata", "resourceVersion"});
  if (!rv || !rv->is_string()) return 0;
  try {
    return std::stoll(rv->as_string());
  } catch (...) {
    return 0;
  }
}

std::string Store::key(const std::string& prefix, const std::string& ns, const std::string& name) {
  return prefix + "/" + ns + "/" + name;
}

ObjectPtr Store::Txn::get(const std::string& prefix, const std::string& ns, const std::string& name) const {
  const auto it = store_.objects_.find(key(prefix, ns, name));
  return it == store_.objects_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::Txn::list(const std::string& prefix, const std::string& ns) const {
  const std::string start = ns.empty() ? prefix + "/" : prefix + "/" + ns + "/";
  std::vector<ObjectPtr> out;
  for (auto it = store_.objects_.lower_bound(start); it != store_.objects_.end(); ++it) {
    if (it->first.compare(0, start.size(), start) != 0) break;
    out.push_back(it->second);
  }
  return out;
}

std::vector<ObjectPtr> Store::Txn::list_at(const std::string& prefix, const std::string& ns, std::int64_t rv) const {
  std::map<std::string, ObjectPtr> state;  // "namespace/name" -> object, in key order
  for (const ObjectPtr& obj : list(prefix, ns)) {
    const json::Value& meta = *obj->find("metadata");
    state[meta.get_string("namespace") + "/" + meta.get_string("name")] = obj;
  }
  for (auto it = store_.history_.rbegin(); it != store_.history_.rend() && it->rv > rv; ++it) {
    if (it->prefix != prefix || (!ns.empty() && it->ns != ns)) continue;
    const std::string k = it->ns + "/" + it->name;
    if (it->type == ChangeType::Added) {
      state.erase(k);
    } else {
      state[k] = it->previous;
    }
  }
  std::vector<ObjectPtr> out;
  out.reserve(state.size());
  for (auto& [k, obj] : state) out.push_back(std::move(obj));
  return out;
}

std::vector<std::pair<std::string, ObjectPtr>> Store::Txn::all() const {
  std::vector<std::pair<std::string, ObjectPtr>> out;
  out.reserve(store_.objects_.size());
  for (const auto& [k, obj] : store_.objects_) {
    // The prefix is "group/resource": the key up to its second '/'.
    const std::size_t first = k.find('/');
    const std::size_t second = k.find('/', first + 1);
    out.emplace_back(k.substr(0, second), obj);
  }
  return out;
}

ObjectPtr Store::Txn::put(const std::string& prefix, const std::string& ns, const std::string& name,
                          json::Value object) {
  const std::int64_t rv = ++store_.rv_;
  object["metadata"]["resourceVersion"] = std::to_string(rv);
  auto stored = std::make_shared<const json::Value>(std::move(object));
  ObjectPtr& slot = store_.objects_[key(prefix, ns, name)];
  Change change;
  change.rv = rv;
  change.type = slot ? ChangeType::Modified : ChangeType::Added;
  change.prefix = prefix;
  change.ns = ns;
  change.name = name;
  change.object = stored;
  change.previous = slot;
  slot = stored;
  store_.record(std::move(change));
  return stored;
}

ObjectPtr Store::Txn::remove(const std::string& prefix, const std::string& ns, const std::string& name,
                             json::Value last) {
  const auto it = store_.objects_.find(key(prefix, ns, name));
  if (it == store_.objects_.end()) return nullptr;
  const std::int64_t rv = ++store_.rv_;
  last["metadata"]["resourceVersion"] = std::to_string(rv);
  auto final_state = std::make_shared<const json::Value>(std::move(last));
  Change change;
  change.rv = rv;
  change.type = ChangeType::Deleted;
  change.prefix = prefix;
  change.ns = ns;
  change.name = name;
  change.object = final_state;
  change.previous = it->second;
  store_.objects_.erase(it);
  store_.record(std::move(change));
  return final_state;
}

std::int64_t Store::Txn::rv() const { return store_.rv_; }

void Store::record(Change change) {
  hub_.publish(change);
  history_.push_back(std::move(change));
  while (history_.size() > history_limit_) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
}

std::int64_t Store::current_rv() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

Store::WatchStart Store::watch(WatchScope scope, std::int64_t from_rv, std::size_t max_queued) {
  std::lock_guard<std::mutex> lock(mu_);
  WatchStart start;
  start.oldest_rv = compacted_rv_ + 1;
  if (from_rv >= 0 && from_rv < compacted_rv_) {
    start.too_old_rv = from_rv;
    return start;
  }
  auto watcher = std::make_shared<Watcher>(scope, max_queued);
  if (from_rv < 0) {
    Txn txn(*this);
    for (const ObjectPtr& obj : txn.list(scope.prefix, scope.ns)) {
      if (!scope.matches || scope.matches(*obj)) {
        watcher->push({"ADDED", obj});
        ++start.initial_events;
      }
    }
  } else {
    for (const Change& c : history_) {
      if (c.rv > from_rv) watcher->offer(c);
    }
  }
  watcher->set_progress_rv(rv_);
  start.start_rv = rv_;
  hub_.add(watcher);
  start.watcher = std::move(watcher);
  return start;
}

void Store::stop_watch(const std::shared_ptr<Watcher>& watcher) {
  watcher->close();
  hub_.remove(watcher);
}

void Store::compact() {
  std::lock_guard<std::mutex> lock(mu_);
  history_.clear();
  compacted_rv_ = rv_;
}

std::int64_t Store::compacted_rv() const {
  std::lock_guard<std::mutex> lock(mu_);
  return compacted_rv_;
}

void Store::set_history_limit(std::size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  history_limit_ = limit;
  while (history_.size() > history_limit_) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
}

json::Value Store::dump() const {
  std::lock_guard<std::mutex> lock(mu_);
  json::Value state = json::Value::object();
  state["resourceVersion"] = std::to_string(rv_);
  json::Value objects = json::Value::array();
  for (const auto& [k, obj] : objects_) {
    json::Value entry = json::Value::object();
    entry["key"] = k;
    entry["object"] = *obj;
    objects.push_back(std::move(entry));
  }
  state["objects"] = std::move(objects);
  return state;
}

bool Store::load(const json::Value& state) {
  const json::Value* objects = state.find("objects");
  if (!objects || !objects->is_array()) return false;
  std::map<std::string, ObjectPtr> loaded;
  for (const json::Value& entry : objects->as_array()) {
    const std::string k = entry.get_string("key");
    const json::Value* obj = entry.find("object");
    if (k.empty() || !obj || !obj->is_object()) return false;
    loaded[k] = std::make_shared<const json::Value>(*obj);
  }
  std::int64_t rv = 1;
  try {
    rv = std::stoll(state.get_string("resourceVersion", "1"));
  } catch (...) {
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  objects_ = std::move(loaded);
  rv_ = rv;
  history_.clear();
  compacted_rv_ = rv;  // history before the restart is gone, as after an etcd compaction
  return true;
}

std::size_t Store::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return objects_.size();
}

}  // namespace sqlop::testserver
