// Checks that a Secret value is a Google service-account JSON key, the only credential file Litestream's
// gcs client can use through GOOGLE_APPLICATION_CREDENTIALS in this operator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqlop_gcs {

// Every way `key_file` (the decoded Secret value) fails to be a service-account key, each as a reason that
// completes "the value ..." (e.g. "is not valid JSON"). Empty when it looks usable. The reasons never quote
// any part of `key_file`: it is a secret. Pure.
std::vector<std::string> service_account_key_problems(std::string_view key_file);

}  // namespace sqlop_gcs
