// managedFields bookkeeping for ordinary writes, and the shared pieces of server-side apply (see apply.hpp
// and managed.hpp). Follows k8s.io/apimachinery/pkg/util/managedfields/internal: the FieldManager chain
// (version check, last-applied, cap managers, manager identifiers, managed-fields updater, strip meta) and
// structured-merge-diff's Updater.Update.
#include <algorithm>
#include <vector>

#include "apimachinery/managed.hpp"

namespace sqlop::apimachinery::detail {
namespace {

constexpr std::size_t kMaxUpdateManagers = 10;  // DefaultMaxUpdateManagers

FieldSet path_set(std::initializer_list<std::initializer_list<const char*>> paths) {
  FieldSet out;
  for (const auto& p : paths) {
    Path path;
    for (const char* f : p) path.push_back(PathElement::of_field(f));
    out.insert(path);
  }
  return out;
}

// Seconds-comparable: RFC 3339 UTC texts of one format order as their times do.
std::string time_key(const std::optional<std::string>& t) { return t ? *t : std::string(); }

}  // namespace

std::string manager_identifier(const std::string& manager, const std::string& operation, const std::string& api_version,
                               const std::string& subresource) {
  json::Value id = json::Value::object();
  if (!manager.empty()) id["manager"] = manager;
  if (!operation.empty()) id["operation"] = operation;
  if (!api_version.empty() && operation != "Apply") id["apiVersion"] = api_version;
  if (!subresource.empty()) id["subresource"] = subresource;
  return json::dump(id);
}

std::optional<Managed> decode_managed(const json::Value* entries, std::string* error) {
  Managed out;
  if (!entries || entries->is_null()) return out;
  if (!entries->is_array()) {
    if (error) *error = "managedFields must be a list";
    return std::nullopt;
  }
  const json::Array& list = entries->as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::Value& e = list[i];
    ManagerEntry entry;
    entry.manager = e.get_string("manager");
    entry.operation = e.get_string("operation");
    entry.api_version = e.get_string("apiVersion");
    entry.subresource = e.get_string("subresource");
    if (const json::Value* t = e.find("time"); t && t->is_string()) entry.time = t->as_string();
    if (entry.operation != "Apply" && entry.operation != "Update") {
      if (error) *error = "operation must be `Apply` or `Update`";
      return std::nullopt;
    }
    if (entry.api_version.empty()) {
      if (error) *error = "apiVersion must not be empty";
      return std::nullopt;
    }
    const std::string type = e.get_string("fieldsType");
    if (type != "FieldsV1") {
      if (error) {
        *error = type.empty() ? "missing fieldsType in managed fields entry " + std::to_string(i)
                              : "invalid fieldsType \"" + type + "\" in managed fields entry " + std::to_string(i);
      }
      return std::nullopt;
    }
    static const json::Value kNone;
    const json::Value* v1 = e.find("fieldsV1");
    std::optional<FieldSet> fields = FieldSet::from_fields_v1(v1 ? *v1 : kNone);
    if (!fields) {
      if (error) *error = "error decoding versioned set from entry " + std::to_string(i);
      return std::nullopt;
    }
    entry.fields = std::move(*fields);
    out[manager_identifier(entry.manager, entry.operation, entry.api_version, entry.subresource)] = std::move(entry);
  }
  return out;
}

json::Value encode_managed(const Managed& managed) {
  if (managed.empty()) return json::Value();
  std::vector<const ManagerEntry*> entries;
  for (const auto& [id, entry] : managed) entries.push_back(&entry);
  std::stable_sort(entries.begin(), entries.end(), [](const ManagerEntry* p, const ManagerEntry* q) {
    if (p->operation != q->operation) return p->operation < q->operation;
    if (time_key(p->time) != time_key(q->time)) return time_key(p->time) < time_key(q->time);
    if (p->manager != q->manager) return p->manager < q->manager;
    if (p->api_version != q->api_version) return p->api_version < q->api_version;
    return p->subresource < q->subresource;
  });
  json::Value out = json::Value::array();
  for (const ManagerEntry* e : entries) {
    json::Value v = json::Value::object();
    if (!e->manager.empty()) v["manager"] = e->manager;
    v["operation"] = e->operation;
    v["apiVersion"] = e->api_version;
    if (e->time) v["time"] = *e->time;
    v["fieldsType"] = "FieldsV1";
    v["fieldsV1"] = e->fields.to_fields_v1();
    if (!e->subresource.empty()) v["subresource"] = e->subresource;
    out.push_back(std::move(v));
  }
  return out;
}

json::Value with_managed(json::Value object, const Managed& managed) {
  json::Value& meta = object["metadata"];
  if (!meta.is_object()) meta = json::Value::object();
  json::Value encoded = encode_managed(managed);
  if (encoded.is_null()) {
    meta.as_object().erase("managedFields");
  } else {
    meta["managedFields"] = std::move(encoded);
  }
  return object;
}

std::string print_manager(const ManagerEntry& entry) {
  std::string out;
  json::append_quoted(out, entry.manager);
  if (!entry.subresource.empty()) {
    out += " with subresource ";
    json::append_quoted(out, entry.subresource);
  }
  if (entry.operation == "Update") out += " using " + entry.api_version;
  return out;
}

FieldSet stripped_fields() {
  return path_set({{"apiVersion"}, {"kind"}, {"metadata"}, {"metadata", "name"}, {"metadata", "namespace"},
                   {"metadata", "creationTimestamp"}, {"metadata", "selfLink"}, {"metadata", "uid"},
                   {"metadata", "clusterName"}, {"metadata", "generation"}, {"metadata", "managedFields"},
                   {"metadata", "resourceVersion"}});
}

FieldSet reset_set(const ManagedFieldsContext& context) {
  FieldSet out;
  for (const auto& p : context.reset_fields) {
    Path path;
    for (const std::string& f : p) path.push_back(PathElement::of_field(f));
    if (!path.empty()) out.insert(path);
  }
  return out;
}

json::Value zero_object(const std::string& api_version, const std::string& kind) {
  const auto parsed = [](const char* text) { return json::parse(text).value(); };
  const char* const meta = R"("metadata":{"creationTimestamp":null})";
  std::string body;
  if (api_version == "apps/v1" && kind == "Deployment") {
    body = std::string(meta) + R"(,"spec":{"selector":null,"template":{"metadata":{"creationTimestamp":null},)"
           R"("spec":{"containers":null}},"strategy":{}},"status":{})";
  } else if (api_version == "v1" && kind == "Pod") {
    body = std::string(meta) + R"(,"spec":{"containers":null},"status":{})";
  } else if (api_version == "v1" && kind == "Service") {
    body = std::string(meta) + R"(,"spec":{},"status":{"loadBalancer":{}})";
  } else if (api_version == "v1" && kind == "PersistentVolumeClaim") {
    body = std::string(meta) + R"(,"spec":{"resources":{}},"status":{})";
  } else if (api_version == "v1" && kind == "Namespace") {
    body = std::string(meta) + R"(,"spec":{},"status":{})";
  } else if (api_version == "networking.k8s.io/v1" && kind == "Ingress") {
    body = std::string(meta) + R"(,"spec":{},"status":{"loadBalancer":{}})";
  } else if (api_version == "coordination.k8s.io/v1" && kind == "Lease") {
    body = std::string(meta) + R"(,"spec":{})";
  } else if (api_version == "v1" && kind == "Event") {
    body = std::string(meta) + R"(,"involvedObject":{},"source":{},"firstTimestamp":null,"lastTimestamp":null,)"
           R"("eventTime":null,"reportingComponent":"","reportingInstance":"")";
  } else if (api_version == "v1" && (kind == "ConfigMap" || kind == "Secret" || kind == "ServiceAccount")) {
    body = meta;
  } else {
    return json::Value::object();  // unstructured (custom resources): nothing
  }
  return parsed(("{" + body + "}").c_str());
}

json::Value without_nulls(const json::Value& v) {
  if (v.is_object()) {
    json::Object out;
    for (const auto& [k, member] : v.as_object()) {
      if (!member.is_null()) out.set(k, without_nulls(member));
    }
    return json::Value(std::move(out));
  }
  if (v.is_array()) {
    json::Array out;
    for (const json::Value& e : v.as_array()) out.push_back(without_nulls(e));
    return json::Value(std::move(out));
  }
  return v;
}

}  // namespace sqlop::apimachinery::detail

namespace sqlop::apimachinery {
namespace {

using namespace detail;

// managedFields: [] or [{}] in a request clears them (isResetManagedFields).
bool is_reset(const json::Value* entries) {
  if (!entries || !entries->is_array()) return false;
  const json::Array& list = entries->as_array();
  return list.empty() || (list.size() == 1 && list[0].is_object() && list[0].as_object().empty());
}

// CapManagersManager: beyond ten Update entries the oldest merge into "ancient-changes" per apiVersion.
void cap_update_managers(Managed& managed) {
  std::vector<std::string> updaters;
  for (const auto& [id, entry] : managed) {
    if (entry.operation != "Apply") updaters.push_back(id);
  }
  if (updaters.size() <= kMaxUpdateManagers) return;
  std::stable_sort(updaters.begin(), updaters.end(), [&](const std::string& a, const std::string& b) {
    const std::string ta = time_key(managed[a].time);
    const std::string tb = time_key(managed[b].time);
    return ta != tb ? ta < tb : a < b;
  });
  std::map<std::string, std::string> first_per_version;
  std::size_t length = updaters.size();
  for (std::size_t i = 0; i < updaters.size() && length > kMaxUpdateManagers; ++i) {
    const ManagerEntry entry = managed[updaters[i]];
    const std::string bucket = manager_identifier("ancient-changes", "Update", entry.api_version, "");
    auto first = first_per_version.find(entry.api_version);
    if (first == first_per_version.end()) {
      first_per_version[entry.api_version] = updaters[i];
      continue;
    }
    if (!managed.count(bucket)) {
      ManagerEntry moved = managed[first->second];
      managed.erase(first->second);
      moved.manager = "ancient-changes";
      moved.subresource.clear();
      managed[bucket] = std::move(moved);
    }
    ManagerEntry& b = managed[bucket];
    b.fields = entry.fields.union_with(b.fields);
    b.time = entry.time;
    managed.erase(updaters[i]);
    --length;
  }
}

}  // namespace

json::Value update_managed_fields(const json::Value* live, const json::Value& updated, const std::string& manager,
                                  const ManagedFieldsContext& context, const SchemaLookup& schema,
                                  const std::string& operation) {
  const json::Value* request_entries = updated.find_path({"metadata", "managedFields"});
  Managed managed;
  const bool subresource = !context.subresource.empty();
  std::optional<Managed> from_request;
  if (!subresource && is_reset(request_entries)) {
    from_request = Managed{};
  } else if (!subresource && request_entries && !request_entries->is_null()) {
    from_request = decode_managed(request_entries, nullptr);
    if (from_request && from_request->empty()) from_request.reset();
  }
  if (from_request) {
    managed = std::move(*from_request);
  } else if (live) {
    managed = decode_managed(live->find_path({"metadata", "managedFields"}), nullptr).value_or(Managed{});
  }
  // skipNonAppliedManager: an existing object whose managedFields are empty (cleared by a client) stays
  // untracked until someone applies.
  const json::Value* uid = live ? live->find_path({"metadata", "uid"}) : nullptr;
  if (managed.empty() && uid && uid->is_string() && !uid->as_string().empty()) {
    return with_managed(updated, managed);
  }

  json::Value new_object = updated;
  if (json::Value* meta = new_object.find("metadata"); meta && meta->is_object()) meta->as_object().erase("managedFields");
  json::Value old_object = live ? *live : zero_object(context.api_version, context.kind);
  if (json::Value* meta = old_object.find("metadata"); meta && meta->is_object()) meta->as_object().erase("managedFields");

  const Structured structured(schema);
  const FieldSet reset = reset_set(context);
  const Comparison c = structured.compare(&old_object, new_object).excluding(reset);

  // Every existing entry loses what this write changed or removed (Updater.update with force).
  const FieldSet changed = c.modified.union_with(c.added);
  for (auto it = managed.begin(); it != managed.end();) {
    it->second.fields = it->second.fields.difference(changed).difference(c.removed);
    it = it->second.fields.empty() ? managed.erase(it) : std::next(it);
  }
  // The write's own fields ("current-operation"), merged into the manager's entry with a new time.
  const FieldSet own = changed.recursive_difference(reset).difference(stripped_fields());
  if (!own.empty()) {
    const std::string id = manager_identifier(manager, operation, context.api_version, context.subresource);
    ManagerEntry& entry = managed[id];
    entry.fields = own.union_with(entry.fields);
    entry.manager = manager;
    entry.operation = operation;
    entry.api_version = context.api_version;
    entry.subresource = context.subresource;
    entry.time = context.now;
  }
  cap_update_managers(managed);
  return with_managed(updated, managed);
}

std::string default_field_manager(const std::string& user_agent) {
  // prefixFromUserAgent: up to the first "/", control characters dropped, at most 128 bytes of whole
  // characters.
  const std::string prefix = user_agent.substr(0, user_agent.find('/'));
  std::string name;
  for (std::size_t i = 0; i < prefix.size();) {
    const unsigned char c = static_cast<unsigned char>(prefix[i]);
    const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    if (c < 0x20 || c == 0x7f) {
      ++i;
      continue;
    }
    if (name.size() + length > 128) break;
    name += prefix.substr(i, length);
    i += length;
  }
  return name;
}

}  // namespace sqlop::apimachinery
