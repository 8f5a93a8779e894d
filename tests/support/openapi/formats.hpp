// openapi/formats.hpp (internal): the string formats the validator checks, as pure predicates. Written from
// the formats' definitions (the Quantity grammar in its OpenAPI description, RFC 3339, RFC 4648) so that the
// validator is an oracle independent of the operator's own parsers.
#pragma once

#include <cstddef>
#include <string_view>

namespace sqlop::openapi::formats {

// resource.Quantity's serialization grammar: <signedNumber><suffix>, suffix one of "" | Ki Mi Gi Ti Pi Ei |
// m k M G T P E | e<signedNumber> | E<signedNumber>; number is digits, digits.digits, digits. or .digits.
bool is_quantity(std::string_view s);

// RFC 3339 date-time as Go's time.RFC3339 parses it: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), with
// real calendar days (leap years included) and no leap second.
bool is_date_time(std::string_view s);

// RFC 3339 full-date: YYYY-MM-DD.
bool is_date(std::string_view s);

// Standard base64 (RFC 4648 section 4) with padding, as Go's encoding/json decodes []byte; CR and LF are
// ignored like Go's decoder does.
bool is_base64(std::string_view s);

// Number of Unicode code points in a UTF-8 string (minLength/maxLength count characters, not bytes).
std::size_t utf8_length(std::string_view s);

}  // namespace sqlop::openapi::formats
