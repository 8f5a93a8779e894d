#include "openapi/validation.hpp"

namespace sqlop::openapi {

std::string to_string(const ValidationError& error) {
  return (error.path.empty() ? std::string("<root>") : error.path) + ": " + error.message;
}

std::string to_string(const ValidationErrors& errors) {
  std::string out;
  for (const ValidationError& e : errors) {
    out += to_string(e);
    out += '\n';
  }
  return out;
}

}  // namespace sqlop::openapi
