// The JSONPath subset CRD additionalPrinterColumns use: .a.b, ['a'], [0], [*], and filters
// [?(@.type=="Ready")] (== and != against a string or number). Pure.
#pragma once

#include <string>
#include <vector>

#include "sqlite_operator/json.hpp"

namespace sqlop::testserver {

// Every value the path selects, in document order; empty when nothing matches or the path is malformed.
std::vector<sqlop::json::Value> evaluate_json_path(const sqlop::json::Value& root, const std::string& path);

}  // namespace sqlop::testserver
