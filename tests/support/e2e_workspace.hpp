// The per-test workspace of an end-to-end test: a scratch directory (removed at the end), a log file per
// process, the external tools (found in SQLOP_TOOLS_DIR, which `scripts/deps.sh test` fills), and the
// Litestream and sqlite3 invocations the tests share.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/scratch_dir.hpp"

namespace sqlop::testing {

// A required external program; a missing one fails the test with the command that installs it.
inline std::string required_tool(const std::filesystem::path& path, const std::string& what) {
  if (!std::filesystem::is_regular_file(path)) {
    throw std::runtime_error(what + " is missing (" + path.string() + "): run `scripts/deps.sh test`");
  }
  return path.string();
}

inline std::filesystem::path tools_dir() { return SQLOP_TOOLS_DIR; }
inline std::string litestream_binary() {
  return required_tool(tools_dir() / "node_modules/@flydotio/litestream-linux-x64/litestream", "Litestream 0.3.13");
}
inline std::string azurite_blob_script() {
  return required_tool(tools_dir() / "node_modules/azurite/dist/src/blob/main.js", "azurite-blob");
}
// The node_modules directory that holds s3rver (NODE_PATH for the s3rver launcher).
inline std::string node_modules_with_s3rver() {
  required_tool(tools_dir() / "node_modules/s3rver/lib/s3rver.js", "s3rver");
  return (tools_dir() / "node_modules").string();
}
inline std::string node_binary() {
  const std::string node = find_on_path("node");
  if (node.empty()) throw std::runtime_error("node is not on PATH: run `scripts/deps.sh test`");
  return node;
}
inline std::string sqlite3_binary() {
  const std::string sqlite3 = find_on_path("sqlite3");
  if (sqlite3.empty()) throw std::runtime_error("the sqlite3 CLI is not on PATH: run `scripts/deps.sh test`");
  return sqlite3;
}

class E2eWorkspace {
 public:
  E2eWorkspace() { std::filesystem::create_directories(logs()); }

  const std::filesystem::path& root() const { return scratch_.path(); }
  std::filesystem::path dir(const std::string& name) const {
    const std::filesystem::path d = root() / name;
    std::filesystem::create_directories(d);
    return d;
  }

  // Runs a program to completion; its output goes to logs/NN-<label>.log.
  CompletedProcess run(const std::vector<std::string>& argv, const Environment& env, const std::string& label,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return run_to_completion(argv, env, next_log(label), timeout);
  }
  // Starts a long-running program, stopped when the returned object goes away.
  std::unique_ptr<ChildProcess> start(const std::vector<std::string>& argv, const Environment& env,
                                      const std::string& label) {
    return std::make_unique<ChildProcess>(argv, env, next_log(label));
  }

  // The sqlite3 CLI on one database file; the result's log holds the query output.
  CompletedProcess sql(const std::filesystem::path& db, const std::string& statements) {
    return run({sqlite3_binary(), "-bail", db.string(), statements}, {{"PATH", "/usr/bin:/bin"}}, "sqlite3");
  }

 private:
  std::filesystem::path logs() const { return scratch_.path() / "logs"; }
  std::filesystem::path next_log(const std::string& label) {
    const std::string n = std::to_string(++count_);
    return logs() / ((n.size() < 2 ? "0" + n : n) + "-" + label + ".log");
  }

  ScratchDir scratch_;
  int count_ = 0;
};

// Trims the trailing newline of sqlite3 output.
inline std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace sqlop::testing
