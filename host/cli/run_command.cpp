// `sqlite-operator run [flags]`: the controller (host/operator/). Exit status: 0 after SIGTERM, 1 when it
// could not start or lost leadership, 2 for bad flags.
#include <iostream>

#include "host/cli/subcommands.hpp"
#include "host/log/logging.hpp"
#include "host/operator/operator_runtime.hpp"
#include "host/operator/run_options.hpp"

namespace sqlop::cli {

int run_command(const std::vector<std::string>& args) {
  const op::RunOptionsParse parsed = op::parse_run_options(args);
  if (parsed.help) {
    std::cout << op::kRunUsage;
    return 0;
  }
  if (!parsed.options) {
    std::cerr << "run: " << parsed.error << "\n" << op::kRunUsage;
    return 2;
  }
  const log::ConfigParse log_config = log::parse_config(parsed.options->log_level, parsed.options->log_format);
  if (!log_config.ok()) {
    std::cerr << "run: " << log_config.error << "\n";
    return 2;
  }
  log::install(*log_config.config);
  return op::run_operator(*parsed.options);
}

}  // namespace sqlop::cli
