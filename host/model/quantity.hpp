// Formats Kubernetes and Litestream accept for sizes, durations and names, as pure predicates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sqlop::model {

// A Kubernetes resource.Quantity: "1Gi", "500M", "1.5", "100m", "1e3". Same grammar as the apiserver.
bool is_quantity(std::string_view s);
// The quantity in bytes for storage sizes (binary and decimal suffixes); nullopt if not a quantity.
std::optional<double> quantity_value(std::string_view s);

// A Go time.ParseDuration string, which Litestream uses: "1h", "30m", "1h30m", "1.5s", "300ms".
// Returns nanoseconds; nullopt if Go would refuse it, and then, when `why` is given, a reason a user can act
// on (e.g. that Go has no "d" unit).
std::optional<std::int64_t> parse_go_duration(std::string_view s, std::string* why = nullptr);

// RFC 1123 label: lower-case alphanumerics and '-', starts and ends alphanumeric, at most 63 characters.
bool is_dns1123_label(std::string_view s);
// RFC 1123 subdomain: dot-separated labels, at most 253 characters (names of most Kubernetes objects).
bool is_dns1123_subdomain(std::string_view s);
// RFC 1035 label: like a 1123 label but starts with a letter (Service names).
bool is_dns1035_label(std::string_view s);
// A ConfigMap or Secret data key: [-._a-zA-Z0-9]+, at most 253 characters, not "." or "..", not starting with "..".
bool is_config_map_key(std::string_view s);

}  // namespace sqlop::model
