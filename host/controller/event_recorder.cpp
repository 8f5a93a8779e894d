#include "host/controller/event_recorder.hpp"
#include "host/util/rfc3339.hpp"
#include "host/kube/object_meta.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace sqlop::controller {
namespace {


// Event names must be unique in the namespace; client-go uses "<object>.<hex nanoseconds>".
std::string event_name(const std::string& object_name, unsigned long long sequence) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, "%llx", static_cast<unsigned long long>(nanos) + sequence);
  return object_name + "." + suffix;
}

}  // namespace

EventRecorder::EventRecorder(const kube::Client& client, EventRecorderOptions options)
    : client_(client), options_(std::move(options)) {}

json::Value EventRecorder::make_event(const json::Value& object, EventType type, const std::string& reason,
                                      const std::string& message, const EventRecorderOptions& options,
                                      const std::string& now, unsigned long long sequence) {
  json::Value event = json::Value::object();
  event["apiVersion"] = "v1";
  event["kind"] = "Event";
  event["metadata"]["name"] = event_name(kube::metadata_string(object, "name"), sequence);
  event["metadata"]["namespace"] = kube::metadata_string(object, "namespace");
  json::Value& involved = event["involvedObject"];
  involved["apiVersion"] = object.get_string("apiVersion");
  involved["kind"] = object.get_string("kind");
  involved["name"] = kube::metadata_string(object, "name");
  involved["namespace"] = kube::metadata_string(object, "namespace");
  involved["uid"] = kube::metadata_string(object, "uid");
  involved["resourceVersion"] = kube::metadata_string(object, "resourceVersion");
  event["reason"] = reason;
  event["message"] = message.size() > 1024 ? message.substr(0, 1021) + "..." : message;
  event["type"] = type == EventType::Warning ? "Warning" : "Normal";
  event["source"]["component"] = options.component;
  event["firstTimestamp"] = now;
  event["lastTimestamp"] = now;
  event["count"] = 1;
  event["reportingComponent"] = options.component;
  event["reportingInstance"] = options.instance.empty() ? options.component : options.instance;
  return event;
}

bool EventRecorder::admit(const std::string& object_uid, const std::string& fingerprint) {
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = recent_.begin(); it != recent_.end();) {  // forget what is out of the window
    it = now - it->second > options_.dedupe_window ? recent_.erase(it) : std::next(it);
  }
  if (recent_.count(fingerprint)) return false;

  auto [it, inserted] = buckets_.try_emplace(object_uid);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = options_.burst;
  } else {
    const double refill = std::chrono::duration<double>(now - bucket.updated) /
                          std::chrono::duration<double>(options_.refill_interval);
    bucket.tokens = std::min<double>(options_.burst, bucket.tokens + refill);
  }
  bucket.updated = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  recent_[fingerprint] = now;
  return true;
}

bool EventRecorder::record(const json::Value& object, EventType type, const std::string& reason,
                           const std::string& message) {
  const std::string uid = kube::metadata_string(object, "uid");
  if (!admit(uid, uid + '\n' + reason + '\n' + message)) return false;
  unsigned long long sequence = 0;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    sequence = ++sequence_;
  }
  const std::string now = options_.now ? options_.now() : util::now_rfc3339();
  const json::Value event = make_event(object, type, reason, message, options_, now, sequence);
  const auto result = client_.create(kube::types::events(), kube::metadata_string(object, "namespace"), event);
  if (!result.ok()) {
    spdlog::warn("could not record event {} on {}/{}: {}", reason, kube::metadata_string(object, "namespace"), kube::metadata_string(object, "name"),
                 result.error->to_string());
    return false;
  }
  return true;
}

}  // namespace sqlop::controller
