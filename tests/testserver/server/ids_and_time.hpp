// Server-generated identities and timestamps: uids (random v4 UUIDs), metav1.Time strings, random numbers
// for generateName. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace sqlop::testserver {

// A random version 4 UUID, as the apiserver puts in metadata.uid.
std::string new_uid();
// Now in metav1.Time format: RFC 3339 UTC with second precision ("2025-01-02T03:04:05Z").
std::string now_rfc3339();
// Now as RFC 3339 with microseconds (metav1.MicroTime, used by Events and Leases).
std::string now_rfc3339_micro();
// Seconds since the epoch of a metav1.Time string; -1 when it does not parse.
std::int64_t parse_rfc3339(const std::string& text);
std::int64_t now_seconds();
// A uniform random number in [0, n).
unsigned random_below(unsigned n);
// "5s", "3m", "2d": how kubectl shows an age (duration.HumanDuration).
std::string human_duration(std::int64_t seconds);

}  // namespace sqlop::testserver
