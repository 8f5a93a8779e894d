// Local stand-ins for the cloud stores, each a real server on 127.0.0.1 and a free port, stopped when the
// object goes away: Azurite (Azure Blob) and s3rver (S3, through tests/e2e/s3rver_with_keys.js so that it
// accepts exactly one key pair and checks Signature V4).
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/e2e_azure_shared_key.hpp"
#include "tests/support/e2e_workspace.hpp"
#include "tests/support/process.hpp"

namespace sqlop::testing {

// Generous: Azurite loads a large node program, which takes over 15 s on a busy 2-core machine.
inline constexpr std::chrono::seconds kEmulatorStartTimeout{60};

class Azurite {
 public:
  explicit Azurite(E2eWorkspace& ws) : port_(free_port()) {
    const std::string script = azurite_blob_script();
    process_ = ws.start({node_binary(), script, "--blobHost", "127.0.0.1", "--blobPort", std::to_string(port_), "-l",
                         ws.dir("azurite").string(), "--skipApiVersionCheck", "--disableTelemetry"},
                        {{"PATH", std::filesystem::path(node_binary()).parent_path().string() + ":/usr/bin:/bin"}},
                        "azurite");
    if (!wait_for_port(port_, *process_, kEmulatorStartTimeout)) {
      throw std::runtime_error("Azurite did not start: " + process_->describe());
    }
  }
  int port() const { return port_; }
  // Path-style endpoint, as Litestream's `endpoint` wants it for Azurite.
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_) + "/" + kAzuriteAccount; }
  ChildProcess& process() { return *process_; }
  // "" when created, else why not.
  std::string create_container(const std::string& name) const {
    return create_blob_container("127.0.0.1", port_, kAzuriteAccount, kAzuriteAccountKey, name);
  }

 private:
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

struct S3KeyPair {
  std::string access_key_id;
  std::string secret_access_key;
};

class S3rver {
 public:
  S3rver(E2eWorkspace& ws, const std::string& label, const std::string& bucket, const S3KeyPair& keys)
      : port_(free_port()), bucket_(bucket), directory_(ws.dir(label)) {
    const std::string launcher = std::string(SQLOP_SOURCE_DIR) + "/tests/e2e/s3rver_with_keys.js";
    process_ = ws.start({node_binary(), launcher},
                        {{"PATH", std::filesystem::path(node_binary()).parent_path().string() + ":/usr/bin:/bin"},
                         {"NODE_PATH", node_modules_with_s3rver()},
                         {"FORCE_COLOR", "0"},
                         {"S3RVER_PORT", std::to_string(port_)},
                         {"S3RVER_DIRECTORY", directory_.string()},
                         {"S3RVER_BUCKET", bucket},
                         {"S3RVER_ACCESS_KEY_ID", keys.access_key_id},
                         {"S3RVER_SECRET_ACCESS_KEY", keys.secret_access_key}},
                        label);
    const bool up = wait_for_port(port_, *process_, kEmulatorStartTimeout) &&
                    eventually(kEmulatorStartTimeout, [&] { return process_->log().find("s3rver listening") != std::string::npos; });
    if (!up) throw std::runtime_error("s3rver did not start: " + process_->describe());
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  ChildProcess& process() { return *process_; }
  // Where s3rver keeps the bucket's objects (KEY._S3rver_object files).
  std::filesystem::path bucket_dir() const { return directory_ / bucket_; }

  // Keys of the objects stored under `prefix` ("a/b"), read from s3rver's data directory (its listing
  // API is what is buggy, so the tests do not depend on it).
  std::vector<std::string> object_keys(const std::string& prefix) const {
    static const std::string kSuffix = "._S3rver_object";
    std::vector<std::string> keys;
    const std::filesystem::path start = bucket_dir() / prefix;
    if (!std::filesystem::is_directory(start)) return keys;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(start)) {
      const std::string file = entry.path().filename().string();
      if (!entry.is_regular_file() || file.size() <= kSuffix.size() ||
          file.compare(file.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
        continue;
      }
      const std::string relative = std::filesystem::relative(entry.path(), bucket_dir()).string();
      keys.push_back(relative.substr(0, relative.size() - kSuffix.size()));
    }
    return keys;
  }

 private:
  int port_;
  std::string bucket_;
  std::filesystem::path directory_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace sqlop::testing
