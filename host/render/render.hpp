// Rendering one SqliteDatabase into the Kubernetes objects that must exist for it. Pure: no I/O besides
// calls into the (pure, reentrant) backend plugins. The `render` command and the controller both call this.
//
// Contract: deterministic (same inputs -> identical objects, in the same order and member order); when any
// error is found, no object is returned (never a half-valid set of children); credentials never appear in
// the output as values (the output is checked for every supplied Secret value before it is returned).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "host/config/operator_config.hpp"
#include "host/model/field_error.hpp"
#include "host/model/sqlite_database.hpp"
#include "host/plugins/registry.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::render {

// Secrets and ConfigMaps the resource references, by name, from its namespace, as API objects (Secret data
// base64-encoded; stringData already folded into data).
struct ReferencedObjects {
  std::map<std::string, json::Value> secrets;
  std::map<std::string, json::Value> config_maps;
  // true: the maps hold everything that exists (the controller's cache), so a missing object is an error;
  // false: they hold what the user supplied (the render command), so a missing one is only "not checked".
  bool complete = false;
};

struct RenderInputs {
  const model::SqliteDatabase& resource;
  const config::OperatorConfig& config;
  const plugins::Registry& registry;
  const ReferencedObjects& referenced;
};

struct RenderOutput {
  std::vector<json::Value> objects;  // PVC, ConfigMap, Deployment, Service, Ingress (those that apply)
  model::Diagnostics diagnostics;    // errors (then objects is empty) and warnings
  std::string config_hash;           // what the pod template's config-hash annotation holds
};

RenderOutput render_children(const RenderInputs& inputs);

}  // namespace sqlop::render
