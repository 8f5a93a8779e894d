#include "server/persistence.hpp"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "server/kubeconfig_writer.hpp"

namespace sqlop::testserver {

bool load_data_file(Store& store, const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return true;
  std::stringstream ss;
  ss << in.rdbuf();
  if (ss.str().empty()) return true;
  sqlop::json::ParseError parse_error;
  const auto doc = sqlop::json::parse(ss.str(), &parse_error);
  if (!doc) {
    if (error) *error = path + ": " + parse_error.message;
    return false;
  }
  if (!store.load(*doc)) {
    if (error) *error = path + ": not a kube-testserver data file";
    return false;
  }
  return true;
}

bool save_data_file(const Store& store, const std::string& path, std::string* error) {
  return write_file_atomically(path, sqlop::json::dump(store.dump()), error);
}

DataFileWriter::DataFileWriter(Store& store, std::string path, int interval_ms)
    : store_(store), path_(std::move(path)), interval_ms_(interval_ms) {
  saved_rv_ = store_.current_rv();
  thread_ = std::thread([this] { loop(); });
}

DataFileWriter::~DataFileWriter() { stop(); }

void DataFileWriter::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::string error;
  if (!save_data_file(store_, path_, &error)) spdlog::error("cannot write the data file: {}", error);
}

void DataFileWriter::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [&] { return stopping_; });
    if (stopping_) break;
    const std::int64_t rv = store_.current_rv();
    if (rv == saved_rv_) continue;
    lock.unlock();
    std::string error;
    if (!save_data_file(store_, path_, &error)) spdlog::error("cannot write the data file: {}", error);
    lock.lock();
    saved_rv_ = rv;
  }
}

}  // namespace sqlop::testserver
