#include "request_counts.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace sqlop::bench {

RequestCounts parse_counters(const json::Value& counters) {
  RequestCounts out;
  const json::Value* requests = counters.find("requests");
  if (!requests || !requests->is_object()) return out;
  for (const auto& [key, value] : requests->as_object()) {
    if (value.is_number()) out[key] = static_cast<long>(value.as_int());
  }
  return out;
}

RequestCounts subtract(const RequestCounts& a, const RequestCounts& b) {
  RequestCounts out = a;
  for (const auto& [key, n] : b) out[key] -= n;
  for (auto it = out.begin(); it != out.end();) it = it->second == 0 ? out.erase(it) : std::next(it);
  return out;
}

bool is_write(const std::string& verb_and_resource) {
  const std::string verb = verb_and_resource.substr(0, verb_and_resource.find(' '));
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete" || verb == "deletecollection";
}

long total_writes(const RequestCounts& counts) {
  long n = 0;
  for (const auto& [key, count] : counts) n += is_write(key) ? count : 0;
  return n;
}

long total_reads(const RequestCounts& counts) {
  long n = 0;
  for (const auto& [key, count] : counts) n += is_write(key) ? 0 : count;
  return n;
}

std::string describe(const RequestCounts& counts, bool writes, double per) {
  std::ostringstream out;
  for (const auto& [key, count] : counts) {
    if (is_write(key) != writes) continue;
    if (out.tellp() > 0) out << ", ";
    char value[32];
    if (per == 1.0) std::snprintf(value, sizeof value, "%ld", count);
    else std::snprintf(value, sizeof value, "%.2f", count / per);
    out << key << " " << value;
  }
  return out.tellp() > 0 ? out.str() : std::string("none");
}

double metric_sum(const std::string& exposition, const std::string& name) {
  std::istringstream in(exposition);
  double sum = 0;
  bool found = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name, 0) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;  // another metric sharing the prefix (e.g. name_bucket)
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    sum += std::strtod(line.c_str() + space + 1, nullptr);
    found = true;
  }
  return found ? sum : -1;
}

}  // namespace sqlop::bench
