// Events on a SqliteDatabase (core/v1 Event), what `kubectl describe sqldb` shows the user.
//
// Rate limits, so a resource stuck in a failing state cannot flood the API server (client-go's event
// correlator does the same job): an event identical to one recorded for the same object within
// `dedupe_window` is dropped, and each object has a token bucket (`burst` events, one more every
// `refill_interval`). Recording never blocks the reconcile on a failure: a failed write is logged and
// forgotten. Messages come from status conditions and child names, never from Secret data.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "host/kube/client.hpp"
#include "sqlite_operator/json.hpp"

namespace sqlop::controller {

struct EventRecorderOptions {
  std::string component = "sqlite-operator";  // source.component and reportingController
  std::string instance;                        // reportingInstance: this operator's identity
  std::chrono::seconds dedupe_window{600};
  int burst = 10;
  std::chrono::seconds refill_interval{60};
  std::function<std::string()> now;  // RFC 3339; null = the system clock
};

enum class EventType { Normal, Warning };

class EventRecorder {
 public:
  EventRecorder(const kube::Client& client, EventRecorderOptions options);

  // Records an event about `object` (a SqliteDatabase as read from the API). Returns whether an Event was
  // written (false: rate-limited, or the write failed).
  bool record(const json::Value& object, EventType type, const std::string& reason, const std::string& message);

  // The Event object record() would write; pure, for tests. `sequence` makes the name unique.
  static json::Value make_event(const json::Value& object, EventType type, const std::string& reason,
                                const std::string& message, const EventRecorderOptions& options,
                                const std::string& now, unsigned long long sequence);

 private:
  bool admit(const std::string& object_uid, const std::string& fingerprint);  // applies the rate limits

  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };

  const kube::Client& client_;
  const EventRecorderOptions options_;
  std::mutex mutex_;                                                      // guards the members below
  std::map<std::string, Bucket> buckets_;                                 // by object uid
  std::map<std::string, std::chrono::steady_clock::time_point> recent_;  // fingerprint -> last recorded
  unsigned long long sequence_ = 0;
};

}  // namespace sqlop::controller
