#include "host/cli/commands.hpp"

int main(int argc, char** argv) { return sqlop::cli::run(argc, argv); }
