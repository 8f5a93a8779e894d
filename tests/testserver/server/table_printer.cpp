#include "server/table_printer.hpp"

#include "server/ids_and_time.hpp"
#include "server/json_path.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

struct Column {
  std::string name;
  std::string type;
  std::string format;
  std::string description;
  int priority = 0;
};

using CellFn = json::Value (*)(const json::Value& object, std::int64_t now);

struct BuiltinPrinter {
  const char* resource;
  std::vector<std::pair<Column, CellFn>> columns;
};

std::string str_at(const json::Value& o, std::initializer_list<std::string_view> path, const std::string& fallback = {}) {
  const json::Value* v = o.find_path(path);
  return v && v->is_string() ? v->as_string() : fallback;
}

std::int64_t int_at(const json::Value& o, std::initializer_list<std::string_view> path, std::int64_t fallback = 0) {
  const json::Value* v = o.find_path(path);
  return v && v->is_number() ? v->as_int() : fallback;
}

std::size_t size_at(const json::Value& o, std::initializer_list<std::string_view> path) {
  const json::Value* v = o.find_path(path);
  if (!v) return 0;
  if (v->is_object()) return v->as_object().size();
  if (v->is_array()) return v->as_array().size();
  return 0;
}

json::Value age(const json::Value& o, std::int64_t now) {
  const std::int64_t created = parse_rfc3339(str_at(o, {"metadata", "creationTimestamp"}));
  return created < 0 ? json::Value("<unknown>") : json::Value(human_duration(now - created));
}

json::Value name(const json::Value& o, std::int64_t) { return str_at(o, {"metadata", "name"}); }

json::Value ns_phase(const json::Value& o, std::int64_t) { return str_at(o, {"status", "phase"}); }

json::Value cm_data(const json::Value& o, std::int64_t) {
  return static_cast<long long>(size_at(o, {"data"}) + size_at(o, {"binaryData"}));
}

json::Value secret_type(const json::Value& o, std::int64_t) { return str_at(o, {"type"}); }
json::Value secret_data(const json::Value& o, std::int64_t) { return static_cast<long long>(size_at(o, {"data"})); }

json::Value svc_type(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "type"}, "ClusterIP"); }
json::Value svc_cluster_ip(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "clusterIP"}, "<none>"); }
json::Value svc_external_ip(const json::Value&, std::int64_t) { return "<none>"; }
json::Value svc_ports(const json::Value& o, std::int64_t) {
  std::string out;
  if (const json::Value* ports = o.find_path({"spec", "ports"}); ports && ports->is_array()) {
    for (const auto& p : ports->as_array()) {
      std::string one = std::to_string(p.get_int("port", 0));
      if (p.find("nodePort")) one += ":" + std::to_string(p.get_int("nodePort", 0));
      one += "/" + p.get_string("protocol", "TCP");
      out += (out.empty() ? "" : ",") + one;
    }
  }
  return out.empty() ? "<none>" : out;
}
json::Value svc_selector(const json::Value& o, std::int64_t) {
  std::string out;
  if (const json::Value* sel = o.find_path({"spec", "selector"}); sel && sel->is_object()) {
    for (const auto& [k, v] : sel->as_object()) out += (out.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.as_string() : "");
  }
  return out.empty() ? "<none>" : out;
}

json::Value pvc_status(const json::Value& o, std::int64_t) { return str_at(o, {"status", "phase"}); }
json::Value pvc_volume(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "volumeName"}); }
json::Value pvc_capacity(const json::Value& o, std::int64_t) { return str_at(o, {"status", "capacity", "storage"}); }
json::Value pvc_modes(const json::Value& o, std::int64_t) {
  std::string out;
  if (const json::Value* modes = o.find_path({"status", "accessModes"}); modes && modes->is_array()) {
    for (const auto& m : modes->as_array()) {
      const std::string s = m.is_string() ? m.as_string() : "";
      const std::string short_name = s == "ReadWriteOnce" ? "RWO" : s == "ReadOnlyMany" ? "ROX"
                                   : s == "ReadWriteMany" ? "RWX" : s == "ReadWriteOncePod" ? "RWOP" : s;
      out += (out.empty() ? "" : ",") + short_name;
    }
  }
  return out;
}
json::Value pvc_class(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "storageClassName"}, "<unset>"); }
json::Value pvc_vac(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "volumeAttributesClassName"}, "<unset>"); }
json::Value pvc_mode(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "volumeMode"}); }

json::Value pod_ready(const json::Value& o, std::int64_t) {
  const std::size_t total = size_at(o, {"spec", "containers"});
  std::size_t ready = 0;
  if (const json::Value* st = o.find_path({"status", "containerStatuses"}); st && st->is_array()) {
    for (const auto& c : st->as_array()) ready += c.get_bool("ready", false) ? 1 : 0;
  }
  return std::to_string(ready) + "/" + std::to_string(total);
}
json::Value pod_status(const json::Value& o, std::int64_t) { return str_at(o, {"status", "phase"}, "Pending"); }
json::Value pod_restarts(const json::Value& o, std::int64_t) {
  long long restarts = 0;
  if (const json::Value* st = o.find_path({"status", "containerStatuses"}); st && st->is_array()) {
    for (const auto& c : st->as_array()) restarts += c.get_int("restartCount", 0);
  }
  return restarts;
}
json::Value pod_ip(const json::Value& o, std::int64_t) { return str_at(o, {"status", "podIP"}, "<none>"); }
json::Value pod_node(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "nodeName"}, "<none>"); }

json::Value deploy_ready(const json::Value& o, std::int64_t) {
  return std::to_string(int_at(o, {"status", "readyReplicas"})) + "/" + std::to_string(int_at(o, {"spec", "replicas"}, 1));
}
json::Value deploy_updated(const json::Value& o, std::int64_t) { return static_cast<long long>(int_at(o, {"status", "updatedReplicas"})); }
json::Value deploy_available(const json::Value& o, std::int64_t) { return static_cast<long long>(int_at(o, {"status", "availableReplicas"})); }
json::Value deploy_field(const json::Value& o, const char* field) {
  std::string out;
  if (const json::Value* cs = o.find_path({"spec", "template", "spec", "containers"}); cs && cs->is_array()) {
    for (const auto& c : cs->as_array()) out += (out.empty() ? "" : ",") + c.get_string(field);
  }
  return out;
}
json::Value deploy_containers(const json::Value& o, std::int64_t) { return deploy_field(o, "name"); }
json::Value deploy_images(const json::Value& o, std::int64_t) { return deploy_field(o, "image"); }
json::Value deploy_selector(const json::Value& o, std::int64_t) {
  std::string out;
  if (const json::Value* ml = o.find_path({"spec", "selector", "matchLabels"}); ml && ml->is_object()) {
    for (const auto& [k, v] : ml->as_object()) out += (out.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.as_string() : "");
  }
  return out;
}

json::Value ing_class(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "ingressClassName"}, "<none>"); }
json::Value ing_hosts(const json::Value& o, std::int64_t) {
  std::string out;
  if (const json::Value* rules = o.find_path({"spec", "rules"}); rules && rules->is_array()) {
    for (const auto& r : rules->as_array()) out += (out.empty() ? "" : ",") + r.get_string("host", "*");
  }
  return out.empty() ? "*" : out;
}
json::Value ing_address(const json::Value&, std::int64_t) { return ""; }
json::Value ing_ports(const json::Value& o, std::int64_t) { return size_at(o, {"spec", "tls"}) ? "80, 443" : "80"; }

json::Value lease_holder(const json::Value& o, std::int64_t) { return str_at(o, {"spec", "holderIdentity"}); }
json::Value sa_secrets(const json::Value& o, std::int64_t) { return static_cast<long long>(size_at(o, {"secrets"})); }

json::Value ev_last_seen(const json::Value& o, std::int64_t now) {
  std::string t = str_at(o, {"lastTimestamp"});
  if (t.empty()) t = str_at(o, {"eventTime"});
  const std::int64_t at = parse_rfc3339(t);
  return at < 0 ? json::Value("<unknown>") : json::Value(human_duration(now - at));
}
json::Value ev_type(const json::Value& o, std::int64_t) { return str_at(o, {"type"}); }
json::Value ev_reason(const json::Value& o, std::int64_t) { return str_at(o, {"reason"}); }
json::Value ev_object(const json::Value& o, std::int64_t) {
  std::string kind = str_at(o, {"involvedObject", "kind"});
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kind + "/" + str_at(o, {"involvedObject", "name"});
}
json::Value ev_message(const json::Value& o, std::int64_t) { return str_at(o, {"message"}); }

json::Value crd_created(const json::Value& o, std::int64_t) { return str_at(o, {"metadata", "creationTimestamp"}); }

Column col(const char* n, const char* type = "string", int priority = 0, const char* format = "") {
  return Column{n, type, format, "", priority};
}

const std::vector<BuiltinPrinter>& builtin_printers() {
  static const std::vector<BuiltinPrinter> printers{
      {"namespaces", {{col("Status"), ns_phase}, {col("Age"), age}}},
      {"configmaps", {{col("Data", "integer"), cm_data}, {col("Age"), age}}},
      {"secrets", {{col("Type"), secret_type}, {col("Data", "integer"), secret_data}, {col("Age"), age}}},
      {"services",
       {{col("Type"), svc_type}, {col("Cluster-IP"), svc_cluster_ip}, {col("External-IP"), svc_external_ip},
        {col("Port(s)"), svc_ports}, {col("Age"), age}, {col("Selector", "string", 1), svc_selector}}},
      {"persistentvolumeclaims",
       {{col("Status"), pvc_status}, {col("Volume"), pvc_volume}, {col("Capacity"), pvc_capacity},
        {col("Access Modes"), pvc_modes}, {col("StorageClass"), pvc_class},
        {col("VolumeAttributesClass"), pvc_vac}, {col("Age"), age}, {col("VolumeMode", "string", 1), pvc_mode}}},
      {"pods",
       {{col("Ready"), pod_ready}, {col("Status"), pod_status}, {col("Restarts", "string"), pod_restarts},
        {col("Age"), age}, {col("IP", "string", 1), pod_ip}, {col("Node", "string", 1), pod_node}}},
      {"deployments",
       {{col("Ready"), deploy_ready}, {col("Up-to-date", "integer"), deploy_updated},
        {col("Available", "integer"), deploy_available}, {col("Age"), age},
        {col("Containers", "string", 1), deploy_containers}, {col("Images", "string", 1), deploy_images},
        {col("Selector", "string", 1), deploy_selector}}},
      {"ingresses",
       {{col("Class"), ing_class}, {col("Hosts"), ing_hosts}, {col("Address"), ing_address},
        {col("Ports"), ing_ports}, {col("Age"), age}}},
      {"leases", {{col("Holder"), lease_holder}, {col("Age"), age}}},
      {"serviceaccounts", {{col("Secrets", "integer"), sa_secrets}, {col("Age"), age}}},
      {"customresourcedefinitions", {{col("Created At", "date"), crd_created}}},
  };
  return printers;
}

const BuiltinPrinter* builtin_printer(const ResourceInfo& info) {
  if (!info.builtin) return nullptr;
  for (const auto& p : builtin_printers()) {
    if (info.resource == p.resource) return &p;
  }
  return nullptr;
}

json::Value column_json(const Column& c) {
  json::Value d = json::Value::object();
  d["name"] = c.name;
  d["type"] = c.type;
  d["format"] = c.format;
  d["description"] = c.description;
  d["priority"] = c.priority;
  return d;
}

Column name_column() {
  return Column{"Name", "string", "name",
                "Name must be unique within a namespace. Is required when creating resources, although some "
                "resources may allow a client to request the generation of an appropriate name automatically.",
                0};
}

// A custom resource column's cell, as the apiextensions table convertor computes it.
json::Value custom_cell(const PrinterColumn& column, const json::Value& object, std::int64_t now) {
  const std::vector<json::Value> values = evaluate_json_path(object, column.json_path);
  if (values.empty()) return nullptr;
  if (column.type == "date" && values.size() == 1 && values.front().is_string()) {
    const std::int64_t at = parse_rfc3339(values.front().as_string());
    return at < 0 ? values.front() : json::Value(human_duration(now - at));
  }
  if (values.size() == 1) {
    const json::Value& v = values.front();
    if (v.is_object() || v.is_array()) return json::dump(v);
    return v;
  }
  std::string joined;
  for (const auto& v : values) joined += (joined.empty() ? "" : " ") + (v.is_string() ? v.as_string() : json::dump(v));
  return joined;
}

bool is_event(const ResourceInfo& info) { return info.builtin && info.resource == "events"; }

}  // namespace

json::Value partial_object_metadata(const json::Value& object) {
  json::Value p = json::Value::object();
  p["kind"] = "PartialObjectMetadata";
  p["apiVersion"] = "meta.k8s.io/v1";
  if (const json::Value* meta = object.find("metadata")) p["metadata"] = *meta;
  return p;
}

json::Value column_definitions(const ResourceInfo& info) {
  json::Value defs = json::Value::array();
  if (is_event(info)) {
    for (const char* n : {"Last Seen", "Type", "Reason", "Object", "Message"}) defs.push_back(column_json(col(n)));
    return defs;
  }
  defs.push_back(column_json(name_column()));
  if (const BuiltinPrinter* p = builtin_printer(info)) {
    for (const auto& [c, fn] : p->columns) defs.push_back(column_json(c));
  } else if (!info.builtin && !info.columns.empty()) {
    for (const auto& c : info.columns) {
      defs.push_back(column_json(Column{c.name, c.type, c.format, c.description, c.priority}));
    }
  } else {
    Column c = col("Age", "date");
    c.description = "CreationTimestamp is a timestamp representing the server time when this object was created.";
    defs.push_back(column_json(c));
  }
  return defs;
}

json::Value to_table(const ResourceInfo& info, const std::vector<ObjectPtr>& objects, const TableOptions& options) {
  json::Value table = json::Value::object();
  table["kind"] = "Table";
  table["apiVersion"] = "meta.k8s.io/v1";
  table["metadata"] = json::Value::object();
  if (!options.resource_version.empty()) table["metadata"]["resourceVersion"] = options.resource_version;
  if (!options.continue_token.empty()) table["metadata"]["continue"] = options.continue_token;
  table["columnDefinitions"] = options.include_headers ? column_definitions(info) : json::Value(nullptr);
  const std::int64_t now = options.now ? options.now : now_seconds();
  const BuiltinPrinter* printer = builtin_printer(info);
  json::Value rows = json::Value::array();
  for (const ObjectPtr& obj : objects) {
    json::Value cells = json::Value::array();
    if (is_event(info)) {
      for (CellFn fn : {ev_last_seen, ev_type, ev_reason, ev_object, ev_message}) cells.push_back(fn(*obj, now));
    } else {
      cells.push_back(name(*obj, now));
      if (printer) {
        for (const auto& [c, fn] : printer->columns) cells.push_back(fn(*obj, now));
      } else if (!info.builtin && !info.columns.empty()) {
        for (const auto& c : info.columns) cells.push_back(custom_cell(c, *obj, now));
      } else {
        cells.push_back(age(*obj, now));
      }
    }
    json::Value row = json::Value::object();
    row["cells"] = std::move(cells);
    if (options.include_object == "Object") {
      row["object"] = *obj;
    } else if (options.include_object != "None") {
      row["object"] = partial_object_metadata(*obj);
    }
    rows.push_back(std::move(row));
  }
  table["rows"] = std::move(rows);
  return table;
}

}  // namespace sqlop::testserver
