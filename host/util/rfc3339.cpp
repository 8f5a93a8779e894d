#include "host/util/rfc3339.hpp"

#include <cstdio>
#include <ctime>

namespace sqlop::util {
namespace {

// Splits a time into whole seconds and a non-negative microsecond fraction (times before 1970 borrow).
std::pair<std::time_t, long long> split(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<microseconds>(time.time_since_epoch());
  auto secs = duration_cast<seconds>(since_epoch);
  auto micros = since_epoch - secs;
  if (micros.count() < 0) {
    secs -= seconds(1);
    micros += seconds(1);
  }
  return {static_cast<std::time_t>(secs.count()), static_cast<long long>(micros.count())};
}

std::string format(std::chrono::system_clock::time_point time, bool with_micros) {
  const auto [secs, micros] = split(time);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char text[64];  // room for any year the int fields can hold, so the output is never cut
  if (with_micros) {
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, micros);
  } else {
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  }
  return text;
}

}  // namespace

std::string format_rfc3339(std::chrono::system_clock::time_point time) { return format(time, false); }
std::string format_rfc3339_micro(std::chrono::system_clock::time_point time) { return format(time, true); }
std::string now_rfc3339() { return format_rfc3339(std::chrono::system_clock::now()); }

}  // namespace sqlop::util
