#include "host/cli/commands.hpp"

#include <cstdio>

namespace sqlop::cli {
int run(int, char**) {
  std::puts("sqlite-operator " SQLOP_VERSION);
  return 0;
}
}  // namespace sqlop::cli
