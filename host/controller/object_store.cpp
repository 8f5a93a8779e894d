#include "host/controller/object_store.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <unordered_set>

namespace sqlop::controller {

namespace {

std::string resource_version_of(const json::Value& object) {
  const json::Value* rv = object.find_path({"metadata", "resourceVersion"});
  return rv && rv->is_string() ? rv->as_string() : std::string();
}

ObjectPtr parse_packed(const std::string& text) {
  // No depth limit worth the name: the text was written by dump() from an object the store accepted.
  json::ParseOptions options;
  options.max_depth = 1 << 16;
  std::optional<json::Value> parsed = json::parse(text, nullptr, options);
  if (!parsed) {
    // dump() always writes JSON that parse() reads back; reaching this is a bug in one of them.
    spdlog::error("object store: a packed object does not parse back ({} bytes)", text.size());
    return std::make_shared<const json::Value>(json::Value::object());
  }
  return std::make_shared<const json::Value>(std::move(*parsed));
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

ObjectStore::ObjectStore(Indexers indexers, StoreOptions options)
    : indexers_(std::move(indexers)), options_(options) {
  for (const auto& indexer : indexers_) indexes_.emplace(indexer.first, Index{});
}

// --- entries ---------------------------------------------------------------------------------------------

ObjectStore::Entry ObjectStore::make_entry(ObjectPtr object) const {
  Entry entry;
  entry.resource_version = resource_version_of(*object);
  entry.index_values.reserve(indexers_.size());
  for (const auto& indexer : indexers_) entry.index_values.push_back(indexer.second(*object));
  if (options_.packed) {
    entry.text = packer_.pack(json::dump(*object));
  } else {
    entry.object = std::move(object);
  }
  return entry;
}

ObjectPtr ObjectStore::object_of(const Entry& entry) const {
  return entry.object ? entry.object : parse_packed(packer_.unpack(entry.text));
}

bool ObjectStore::same_version(const Entry& stored, const json::Value& object) const {
  const std::string rv = resource_version_of(object);
  if (rv != stored.resource_version) return false;
  return !rv.empty() || *object_of(stored) == object;
}

// --- reads -----------------------------------------------------------------------------------------------

ObjectPtr ObjectStore::get(const std::string& key) const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  const auto found = objects_.find(key);
  return found == objects_.end() ? nullptr : object_of(found->second);
}

std::vector<ObjectPtr> ObjectStore::list() const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& entry : objects_) out.push_back(object_of(entry.second));
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
    for (const std::string& key : *keys) out.push_back(object_of(objects_.at(key)));
  }
  return out;
}

std::vector<std::string> ObjectStore::index_keys(const std::string& index_name, const std::string& value) const {
  const std::shared_lock<std::shared_mutex> lock(mutex_);
  const KeySet* keys = keys_under_locked(index_name, value);
  return keys ? std::vector<std::string>(keys->begin(), keys->end()) : std::vector<std::string>();
}

// --- writes ----------------------------------------------------------------------------------------------

void ObjectStore::index_locked(const std::string& key, const Entry& entry) {
  auto values = entry.index_values.begin();
  for (auto& index : indexes_) {  // indexes_ and indexers_ have the same names in the same order
    for (const std::string& value : *values++) index.second[value].insert(key);
  }
}

void ObjectStore::unindex_locked(const std::string& key, const Entry& entry) {
  auto values = entry.index_values.begin();
  for (auto& index : indexes_) {
    for (const std::string& value : *values++) {
      const auto keys = index.second.find(value);
      if (keys == index.second.end()) continue;
      keys->second.erase(key);
      if (keys->second.empty()) index.second.erase(keys);  // keep the index from growing with stale values
    }
  }
}

ObjectPtr ObjectStore::upsert(ObjectPtr object) {
  const std::string key = object_key(*object);
  Entry entry = make_entry(std::move(object));  // dump and index functions outside the lock
  const std::unique_lock<std::shared_mutex> lock(mutex_);
  const auto [slot, added] = objects_.try_emplace(key);
  ObjectPtr previous;
  if (!added) {
    previous = object_of(slot->second);
    unindex_locked(key, slot->second);
  }
  slot->second = std::move(entry);
  index_locked(key, slot->second);
  return previous;
}

ObjectPtr ObjectStore::erase(const std::string& key) {
  const std::unique_lock<std::shared_mutex> lock(mutex_);
  const auto found = objects_.find(key);
  if (found == objects_.end()) return nullptr;
  ObjectPtr previous = object_of(found->second);
  unindex_locked(key, found->second);
  objects_.erase(found);
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
    const auto [slot, added] = objects_.try_emplace(key);
    if (added) {
      result.added.push_back(object);
      slot->second = make_entry(std::move(object));
      index_locked(key, slot->second);
    } else if (!same_version(slot->second, *object)) {
      result.updated.emplace_back(object_of(slot->second), object);
      unindex_locked(key, slot->second);
      slot->second = make_entry(std::move(object));
      index_locked(key, slot->second);
    }
  }
  for (auto it = objects_.begin(); it != objects_.end();) {
    if (listed.count(it->first) != 0) {
      ++it;
      continue;
    }
    result.deleted.push_back(object_of(it->second));
    unindex_locked(it->first, it->second);
    it = objects_.erase(it);
  }
  return result;
}

}  // namespace sqlop::controller
