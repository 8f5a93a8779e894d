// Pure helpers over what the servers report: kube-testserver's request counters
// ({"total": n, "requests": {"create secrets": 1, "patch deployments.apps": 3, ...}}) split into writes
// and reads, and sums of samples from a Prometheus text exposition.
#pragma once

#include <map>
#include <string>

#include "sqlite_operator/json.hpp"

namespace sqlop::bench {

// "verb resource" -> count.
using RequestCounts = std::map<std::string, long>;

RequestCounts parse_counters(const json::Value& counters);

// a - b per key, keys that end at 0 dropped (b holds the benchmark's own requests).
RequestCounts subtract(const RequestCounts& a, const RequestCounts& b);

// Writes change state: create, update, patch, delete, deletecollection. Reads are get, list and watch.
bool is_write(const std::string& verb_and_resource);
long total_writes(const RequestCounts& counts);
long total_reads(const RequestCounts& counts);

// "create secrets: 1, patch deployments.apps: 3" for the keys that pass `filter` (writes or reads).
std::string describe(const RequestCounts& counts, bool writes, double per = 1.0);

// Sum of every sample of metric `name` (all label sets) in a Prometheus text exposition; -1 if none.
double metric_sum(const std::string& exposition, const std::string& name);

}  // namespace sqlop::bench
