// Formatting times the way the Kubernetes API stores them. Pure apart from now_rfc3339().
#pragma once

#include <chrono>
#include <string>

namespace sqlop::util {

// "2026-11-26T12:34:56Z" (metav1.Time: whole seconds, UTC).
std::string format_rfc3339(std::chrono::system_clock::time_point time);
// "2026-11-26T12:34:56.123456Z" (metav1.MicroTime, as Leases and Events use).
std::string format_rfc3339_micro(std::chrono::system_clock::time_point time);
// format_rfc3339(system_clock::now()).
std::string now_rfc3339();

}  // namespace sqlop::util
