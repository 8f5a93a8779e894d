// One function per subcommand; each takes the arguments after its name and returns the exit code.
#pragma once

#include <string>
#include <vector>

namespace sqlop::cli {

int render_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
// `plugins check FILE.so ...`: the args after "check".
int plugins_check_command(const std::vector<std::string>& args);
int version_command(const std::vector<std::string>& args);
int run_command(const std::vector<std::string>& args);

}  // namespace sqlop::cli
