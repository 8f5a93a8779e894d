// apimachinery/go_format.hpp (internal): JSON values printed as Go's fmt prints the apiserver's decoded
// map[string]interface{} values, for error messages that must read like the apiserver's.
#pragma once

#include <sqlite_operator/json.hpp>

#include <string>

namespace sqlop::apimachinery::detail {

// fmt's %v: nil -> "<nil>", strings bare, float64 as %g (shortest, "1e+06"), slices "[a b]", maps
// "map[k1:v1 k2:v2]" with sorted keys.
std::string go_format(const json::Value& value);

// JSON as Go's encoding/json writes a decoded value: map keys sorted, "<", ">" and "&" escaped as \u003c
// \u003e \u0026, floats in Go's shortest form.
std::string go_json(const json::Value& value);

// The dynamic Go type name of a decoded JSON value: "map[string]interface {}", "[]interface {}", "string",
// "int64", "float64", "bool", "<nil>".
std::string go_type_name(const json::Value& value);

// Go's == on two interface{} values holding decoded JSON scalars: same dynamic type and value (an int64
// never equals a float64). Containers are never equal (Go would panic; callers avoid it).
bool go_scalar_equal(const json::Value& a, const json::Value& b);

}  // namespace sqlop::apimachinery::detail
