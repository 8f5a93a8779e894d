#include "host/cli/commands.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "host/cli/subcommands.hpp"

namespace sqlop::cli {
namespace {

constexpr const char* kUsage =
    "usage: sqlite-operator <command> [options]\n"
    "commands:\n"
    "  run       run the controller: reconcile SqliteDatabases in a cluster until SIGTERM\n"
    "  render    print the objects the operator creates for SqliteDatabases in files (no cluster needed)\n"
    "  plugins   list the loaded backend plugins and any plugin file that was refused;\n"
    "            'plugins check FILE.so' runs the conformance kit on one plugin\n"
    "  version   print the version and the plugin ABI version\n"
    "Run 'sqlite-operator <command> --help' for a command's options.\n";

int dispatch(const std::string& command, const std::vector<std::string>& args) {
  if (command == "run") return run_command(args);
  if (command == "render") return render_command(args);
  if (command == "plugins") return plugins_command(args);
  if (command == "version" || command == "--version") return version_command(args);
  if (command == "help" || command == "-h" || command == "--help") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << (command.empty() ? "missing command\n" : "unknown command '" + command + "'\n") << kUsage;
  return 2;
}

}  // namespace

int run(int argc, char** argv) {
  // Logs go to stderr so that commands can print manifests on stdout.
  spdlog::set_default_logger(spdlog::stderr_color_mt("sqlite-operator"));
  const std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    return dispatch(command, args);
  } catch (const std::exception& e) {  // last resort: a clear message and status 1 instead of an abort
    std::cerr << "sqlite-operator: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace sqlop::cli
