#include "host/controller/object_store.hpp"

#include <mutex>
#include <unordered_set>

namespace sqlop::controller {

namespace {

std::string resource_version_of(const json::Value& object) {
  const json::Value* rv = object.find_path({"metadata", "resourceVersion"});
  return rv && rv->is_string() ? rv->as_string() : std::string();
}

}  // namespace

std::string object_key(const std::string& namespace_name, const std::string& name) {
  return namespace_name.empty() ? name : namespace_name + "/" + name;
}

std::string object_key(const json::Value& object) {
  const json::Value* metadata = object.find("metadata");
  if (!metadata) return {};
  const std::string name = metadata->get_string("name");
  if (name.empty()) return {};
  return object_key(metadata->get_string("namespace"), name);
}

bool same_object_version(const json::Value& a, const json::Value& b) {
  const std::string rv_a = resource_version_of(a);
  const std::string rv_b = resource_version_of(b);
  if (rv_a != rv_b) return false;
  return !rv_a.empty() || a == b;
}

ObjectStore::ObjectStore(Indexers indexers) : indexers_(std::move(indexers)) {
  for (const auto& indexer : indexers_) indexes_.emplace(indexer.first, Index{});
}

// --- reads -----------------------------------------------------------------------------------------------

ObjectPtr ObjectStore::get(const std::string& key) const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  const auto found = objects_.find(key);
  return found == objects_.end() ? nullptr : found->second;
}

std::vector<ObjectPtr> ObjectStore::list() const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& entry : objects_) out.push_back(entry.second);
  return out;
}

std::vector<std::string> ObjectStore::keys() const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  std::vector<std::string> out;
  out.reserve(objects_.size());
  for (const auto& entry : objects_) out.push_back(entry.first);
  return out;
}

std::size_t ObjectStore::size() const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  return objects_.size();
}

const ObjectStore::KeySet* ObjectStore::keys_under_locked(const std::string& index_name,
                                                          const std::string& value) const {
  const auto index = indexes_.find(index_name);
  if (index == indexes_.end()) return nullptr;
  const auto keys = index->second.find(value);
  return keys == index->second.end() ? nullptr : &keys->second;
}

std::vector<ObjectPtr> ObjectStore::by_index(const std::string& index_name, const std::string& value) const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  std::vector<ObjectPtr> out;
  if (const KeySet* keys = keys_under_locked(index_name, value)) {
    out.reserve(keys->size());
    for (const std::string& key : *keys) out.push_back(objects_.at(key));
  }
  return out;
}

std::vector<std::string> ObjectStore::index_keys(const std::string& index_name, const std::string& value) const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  const KeySet* keys = keys_under_locked(index_name, value);
  return keys ? std::vector<std::string>(keys->begin(), keys->end()) : std::vector<std::string>();
}

// --- writes ----------------------------------------------------------------------------------------------

void ObjectStore::index_locked(const std::string& key, const json::Value& object) {
  for (const auto& indexer : indexers_) {
    Index& index = indexes_[indexer.first];
    for (const std::string& value : indexer.second(object)) index[value].insert(key);
  }
}

void ObjectStore::unindex_locked(const std::string& key, const json::Value& object) {
  for (const auto& indexer : indexers_) {
    Index& index = indexes_[indexer.first];
    // The function is pure, so it files the old object under the same values as when it was indexed.
    for (const std::string& value : indexer.second(object)) {
      const auto keys = index.find(value);
      if (keys == index.end()) continue;
      keys->second.erase(key);
      if (keys->second.empty()) index.erase(keys);  // keep the index from growing with stale values
    }
  }
}

ObjectPtr ObjectStore::upsert(ObjectPtr object) {
  const std::string key = object_key(*object);
  const std::unique_lock<std::shared_mutex> lock(mutex_);
  ObjectPtr& slot = objects_[key];
  ObjectPtr previous = std::move(slot);
  if (previous) unindex_locked(key, *previous);
  slot = std::move(object);
  index_locked(key, *slot);
  return previous;
}

ObjectPtr ObjectStore::erase(const std::string& key) {
  const std::unique_lock<std::shared_mutex> lock(mutex_);
  const auto found = objects_.find(key);
  if (found == objects_.end()) return nullptr;
  ObjectPtr previous = std::move(found->second);
  objects_.erase(found);
  unindex_locked(key, *previous);
  return previous;
}

ReplaceResult ObjectStore::replace(std::vector<ObjectPtr> objects) {
  ReplaceResult result;
  const std::unique_lock<std::shared_mutex> lock(mutex_);
  std::unordered_set<std::string> listed;
  listed.reserve(objects.size());
  for (ObjectPtr& object : objects) {
    std::string key = object_key(*object);
    if (key.empty()) continue;
    listed.insert(key);
    ObjectPtr& slot = objects_[key];
    if (!slot) {
      slot = std::move(object);
      index_locked(key, *slot);
      result.added.push_back(slot);
    } else if (!same_object_version(*slot, *object)) {
      unindex_locked(key, *slot);
      ObjectPtr previous = std::exchange(slot, std::move(object));
      index_locked(key, *slot);
      result.updated.emplace_back(std::move(previous), slot);
    }
  }
  for (auto it = objects_.begin(); it != objects_.end();) {
    if (listed.count(it->first) != 0) {
      ++it;
      continue;
    }
    unindex_locked(it->first, *it->second);
    result.deleted.push_back(std::move(it->second));
    it = objects_.erase(it);
  }
  return result;
}

}  // namespace sqlop::controller
