// Azure Storage naming rules: blob container names and storage account names.
//
// Pure functions; each returns every rule the input breaks, one reason per rule, phrased to follow the
// field's path ("must be 3-63 characters long"). Account-name reasons never quote the name: it comes from
// a Secret.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqlop::azure {

// A blob container: 3-63 characters; lowercase letters, digits and '-'; starts with a letter or digit;
// no two consecutive hyphens; does not end with a hyphen.
std::vector<std::string> container_name_problems(std::string_view container);

// A storage account: 3-24 lowercase letters and digits.
std::vector<std::string> account_name_problems(std::string_view account);

}  // namespace sqlop::azure
