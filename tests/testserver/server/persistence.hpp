// The optional data file (--data-file): the store is loaded from it at start and written to it, atomically,
// shortly after changes and on SIGTERM, so a restarted server keeps its objects and resourceVersions.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "server/store.hpp"

namespace sqlop::testserver {

// Loads `path` into the store; a missing file is an empty store (true). False and `error` on a bad file.
bool load_data_file(Store& store, const std::string& path, std::string* error);
bool save_data_file(const Store& store, const std::string& path, std::string* error);

// Writes the data file in the background whenever the store's resourceVersion moved (at most every
// `interval_ms`), and once more on stop().
class DataFileWriter {
 public:
  DataFileWriter(Store& store, std::string path, int interval_ms);
  ~DataFileWriter();
  void stop();

 private:
  void loop();
  Store& store_;
  const std::string path_;
  const int interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::int64_t saved_rv_ = -1;
  std::thread thread_;
};

}  // namespace sqlop::testserver
