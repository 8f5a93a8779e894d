// Playing a rendered SqliteDatabase pod on the host: its init containers and the Litestream container run as
// real processes through the pod simulator, plus the checks the end-to-end tests share (Litestream restores
// into a side file, metrics scrape, Secret values absent from text).
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "host/render/names.hpp"
#include "sqlite_operator/base64.hpp"
#include "tests/support/e2e_render.hpp"
#include "tests/support/e2e_workspace.hpp"
#include "tests/support/pod_simulator.hpp"

namespace sqlop::testing {

// Replaces each `{{NAME}}` in `text` by its value (ports and endpoints known only at run time).
inline std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const std::string token = "{{" + name + "}}";
    for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size())) {
      text.replace(at, token.size(), value);
    }
  }
  return text;
}

class PlayedPod {
 public:
  PlayedPod(E2eWorkspace& ws, const RenderedResource& rendered, const std::string& volumes_dir = "pod")
      : ws_(ws),
        db_pod_path_(database_pod_path(rendered)),
        sim_(PodInputs{rendered.out.objects, rendered.referenced.secrets, rendered.referenced.config_maps,
                       {{kLitestreamImage, litestream_binary()}}, ws.dir(volumes_dir)}) {}

  const PodSimulator& simulator() const { return sim_; }
  // The database file on the host (inside the simulated database PVC).
  std::filesystem::path database() const { return sim_.host_path("litestream", db_pod_path_); }
  std::filesystem::path config_file() const { return sim_.host_path("litestream", render::kLitestreamConfigFile); }

  // Runs an init container (restore, create-database) to completion.
  CompletedProcess run_init(const std::string& name) {
    const ContainerRun c = sim_.container(name);
    return ws_.run(c.argv, c.env, name);
  }

  std::unique_ptr<ChildProcess> start_litestream() {
    const ContainerRun c = sim_.container("litestream");
    return ws_.start(c.argv, c.env, "litestream-replicate");
  }

  // Litestream (the container's binary, env and config) run with other arguments, e.g. `databases`.
  CompletedProcess litestream(std::vector<std::string> args, const std::string& label) {
    const ContainerRun c = sim_.container("litestream");
    args.insert(args.begin(), c.argv.front());
    return ws_.run(args, c.env, label);
  }

  // `litestream restore -config CFG -o OUT DB`: what an operator would do by hand to look into the backup
  // without touching the live database.
  CompletedProcess restore_copy(const std::filesystem::path& out) {
    remove_database_files(out);
    return litestream({"restore", "-config", config_file().string(), "-o", out.string(), database().string()},
                      "litestream-restore-copy");
  }

  void remove_database() const { remove_database_files(database()); }

  static void remove_database_files(const std::filesystem::path& db) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", ".tmp"}) std::filesystem::remove(db.string() + suffix, ignored);
  }

 private:
  static std::string database_pod_path(const RenderedResource& rendered) {
    // The database path is the last argument of the rendered restore container.
    const json::Value& args = *rendered.container("restore").find("args");
    return args.as_array().back().as_string();
  }

  E2eWorkspace& ws_;
  std::string db_pod_path_;
  PodSimulator sim_;
};

// Rows of a query as sqlite3 prints them ("" when the query fails; the caller checks).
inline std::string query(E2eWorkspace& ws, const std::filesystem::path& db, const std::string& sql) {
  const CompletedProcess p = ws.sql(db, sql);
  return p.status.exited_zero() ? trimmed(p.log) : "<sqlite3 failed: " + trimmed(p.log) + ">";
}

// GET http://127.0.0.1:port/path; the body, or "" when the request fails.
inline std::string http_get(int port, const std::string& path) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    std::ostringstream text;
    text << body.rdbuf();
    return response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK ? text.str() : std::string();
  } catch (const std::exception&) {
    return {};
  }
}

// Every Secret value the test supplied, labelled "Secret NAME key KEY" (the label is safe to print).
inline std::vector<std::pair<std::string, std::string>> secret_values(const RenderedResource& r) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& [name, secret] : r.referenced.secrets) {
    if (const json::Value* data = secret.find("data")) {
      for (const auto& [key, encoded] : data->as_object()) {
        values.emplace_back("Secret " + name + " key " + key, base64::decode(encoded.as_string()).value_or(""));
      }
    }
  }
  return values;
}

// The Secret values (by label) that occur in `text`; empty when none does. Never returns a value itself.
// `identifiers`: Secret keys whose values are names, not credentials (an Azure account name legitimately
// appears in an endpoint and in Litestream's log).
inline std::vector<std::string> leaked_secrets(const RenderedResource& r, const std::string& text,
                                               const std::set<std::string>& identifiers = {}) {
  std::vector<std::string> leaks;
  for (const auto& [label, value] : secret_values(r)) {
    const std::string key = label.substr(label.rfind(" key ") + 5);
    if (identifiers.count(key)) continue;
    if (!value.empty() && text.find(value) != std::string::npos) leaks.push_back(label);
  }
  return leaks;
}

// Copies a store's objects (key -> file) into a directory laid out like a `file` replica, so Litestream can
// restore from what really reached the store (s3rver cannot serve a restore itself).
inline void copy_objects_as_file_replica(const std::filesystem::path& store_dir, const std::vector<std::string>& keys,
                                         const std::string& prefix, const std::filesystem::path& replica_dir) {
  for (const std::string& key : keys) {
    const std::filesystem::path target = replica_dir / std::filesystem::path(key).lexically_relative(prefix);
    std::filesystem::create_directories(target.parent_path());
    std::filesystem::copy_file(store_dir / (key + "._S3rver_object"), target,
                               std::filesystem::copy_options::overwrite_existing);
  }
}

}  // namespace sqlop::testing
