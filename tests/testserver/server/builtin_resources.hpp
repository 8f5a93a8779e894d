// The builtin kinds the test server serves (issue 3's list), with the names, scopes and subresources the
// real apiserver gives them.
#pragma once

#include <vector>

#include "server/resource_info.hpp"

namespace sqlop::testserver {

std::vector<ResourceInfoPtr> builtin_resources();

}  // namespace sqlop::testserver
