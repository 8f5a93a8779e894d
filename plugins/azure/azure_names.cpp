// Azure container and storage account naming rules; see azure_names.hpp.
#include "azure_names.hpp"

#include <algorithm>

namespace sqlop::azure {
namespace {

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string quoted_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u >= 0x7f) return "a non-printable or non-ASCII character";
  return std::string("'") + c + "'";
}

}  // namespace

std::vector<std::string> container_name_problems(std::string_view container) {
  std::vector<std::string> problems;
  if (container.size() < 3 || container.size() > 63) {
    problems.push_back("must be 3-63 characters long (it has " + std::to_string(container.size()) + ")");
  }
  const auto bad = std::find_if(container.begin(), container.end(), [](char c) { return !is_lower_or_digit(c) && c != '-'; });
  if (bad != container.end()) {
    problems.push_back("must contain only lowercase letters, digits and '-' (found " + quoted_char(*bad) + ")");
  }
  if (!container.empty() && !is_lower_or_digit(container.front())) {
    problems.push_back("must start with a lowercase letter or digit");
  }
  if (container.find("--") != std::string_view::npos) problems.push_back("must not contain consecutive hyphens ('--')");
  if (!container.empty() && container.back() == '-') problems.push_back("must not end with a hyphen");
  return problems;
}

std::vector<std::string> account_name_problems(std::string_view account) {
  std::vector<std::string> problems;
  if (account.size() < 3) problems.push_back("is too short for a storage account name (3-24 characters)");
  if (account.size() > 24) problems.push_back("is too long for a storage account name (3-24 characters)");
  if (!std::all_of(account.begin(), account.end(), is_lower_or_digit)) {
    problems.push_back("must contain only lowercase letters and digits (a storage account name)");
  }
  return problems;
}

}  // namespace sqlop::azure
