// The sqlite-operator command line: `render`, `plugins`, `version`, ... Each subcommand parses its
// arguments and calls into the parts that do the work; nothing else lives here.
#pragma once

namespace sqlop::cli {

// Runs the command line; returns the process exit code (0 ok, 1 failure, 2 invalid input or usage).
int run(int argc, char** argv);

}  // namespace sqlop::cli
