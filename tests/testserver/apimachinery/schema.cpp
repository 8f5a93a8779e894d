// The schema lookup that knows nothing (see schema.hpp).
#include "apimachinery/schema.hpp"

namespace sqlop::apimachinery {

SchemaLookup no_schema() {
  return [](const std::vector<std::string>&) { return FieldSchema{}; };
}

}  // namespace sqlop::apimachinery
