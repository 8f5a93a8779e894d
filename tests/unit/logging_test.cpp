// Logging (host/log/logging.hpp): flag parsing, the text and JSON record formats, escaping, and records
// written through spdlog, captured with an ostream sink.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "host/log/logging.hpp"
#include "sqlite_operator/json.hpp"

namespace slog = sqlop::log;
namespace json = sqlop::json;

namespace {

// 2024-05-01T12:00:00.123Z
const std::chrono::system_clock::time_point kTime{std::chrono::milliseconds(1714564800123)};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Makes a logger writing into `out` spdlog's default for the test's duration.
class CapturedLog {
 public:
  CapturedLog(slog::Format format, slog::Level level) : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(slog::make_logger({level, format}, std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> lines() const { return lines_of(out_.str()); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace

TEST_CASE("log flags parse, bad values name the flag", "[log]") {
  CHECK(slog::parse_level("trace") == slog::Level::Trace);
  CHECK(slog::parse_level("debug") == slog::Level::Debug);
  CHECK(slog::parse_level("info") == slog::Level::Info);
  CHECK(slog::parse_level("warn") == slog::Level::Warn);
  CHECK(slog::parse_level("error") == slog::Level::Error);
  CHECK_FALSE(slog::parse_level("INFO"));
  CHECK(slog::parse_format("json") == slog::Format::Json);
  CHECK_FALSE(slog::parse_format("yaml"));

  const auto good = slog::parse_config("debug", "json");
  REQUIRE(good.ok());
  CHECK(good.config->level == slog::Level::Debug);
  CHECK(good.config->format == slog::Format::Json);

  const auto bad_level = slog::parse_config("loud", "text");
  CHECK_FALSE(bad_level.ok());
  CHECK(bad_level.error.find("--log-level") == 0);
  CHECK(bad_level.error.find("loud") != std::string::npos);
  const auto bad_format = slog::parse_config("info", "xml");
  CHECK_FALSE(bad_format.ok());
  CHECK(bad_format.error.find("--log-format") == 0);
}

TEST_CASE("timestamps are RFC 3339 UTC with milliseconds", "[log]") {
  CHECK(slog::format_timestamp(kTime) == "2024-05-01T12:00:00.123Z");
  CHECK(slog::format_timestamp(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("text records: message then key=value fields, quoted when needed", "[log]") {
  CHECK(slog::render_record(slog::Format::Text, kTime, spdlog::level::info, "reconciled",
                           {{"key", "ns/name"}, {"duration_ms", "12.5"}, {"result", "success"}}) ==
        "2024-05-01T12:00:00.123Z INFO reconciled key=ns/name duration_ms=12.5 result=success");
  CHECK(slog::render_record(slog::Format::Text, kTime, spdlog::level::err, "failed",
                           {{"error", "say \"hi\"\nbye"}, {"empty", ""}, {"eq", "a=b"}}) ==
        "2024-05-01T12:00:00.123Z ERROR failed error=\"say \\\"hi\\\"\\nbye\" empty=\"\" eq=\"a=b\"");
  // A message never breaks the line.
  CHECK(slog::render_record(slog::Format::Text, kTime, spdlog::level::warn, "two\nlines", {}) ==
        "2024-05-01T12:00:00.123Z WARN two\\nlines");
}

TEST_CASE("JSON records are one object with ts, level, msg and the fields", "[log]") {
  const std::string line = slog::render_record(slog::Format::Json, kTime, spdlog::level::info, "quote \" and\nnewline",
                                              {{"key", "ns/name"}, {"error", "a \"b\"\n\tc\\"}, {"msg", "clash"}});
  CHECK(line.find('\n') == std::string::npos);
  const auto parsed = json::parse(line);
  REQUIRE(parsed);
  CHECK(parsed->get_string("ts") == "2024-05-01T12:00:00.123Z");
  CHECK(parsed->get_string("level") == "info");
  CHECK(parsed->get_string("msg") == "quote \" and\nnewline");
  CHECK(parsed->get_string("key") == "ns/name");
  CHECK(parsed->get_string("error") == "a \"b\"\n\tc\\");
  CHECK(parsed->get_string("_msg") == "clash");
  // Members keep their order: ts, level, msg first.
  const auto& members = parsed->as_object();
  REQUIRE(members.size() == 6);
  CHECK(members.begin()->first == "ts");
  CHECK((members.begin() + 1)->first == "level");
  CHECK((members.begin() + 2)->first == "msg");
}

TEST_CASE("records written through spdlog in JSON parse line by line", "[log]") {
  CapturedLog capture(slog::Format::Json, slog::Level::Info);
  slog::info("reconciled", {{"key", "default/db"}, {"duration_ms", "12.5"}, {"result", "success"}});
  spdlog::info("plain {} message", "spdlog");  // other code's spdlog calls use the same format
  slog::debug("filtered out", {{"key", "x"}});
  slog::error("bad \"spec\"\nsecond line", {{"key", "default/db"}});

  const auto lines = capture.lines();
  REQUIRE(lines.size() == 3);
  std::vector<json::Value> records;
  for (const auto& line : lines) {
    INFO(line);
    auto parsed = json::parse(line);
    REQUIRE(parsed);
    records.push_back(*parsed);
  }
  CHECK(records[0].get_string("msg") == "reconciled");
  CHECK(records[0].get_string("result") == "success");
  CHECK(records[1].get_string("msg") == "plain spdlog message");
  CHECK(records[1].find("key") == nullptr);  // no fields left over from the previous record
  CHECK(records[2].get_string("level") == "error");
  CHECK(records[2].get_string("msg") == "bad \"spec\"\nsecond line");
}

TEST_CASE("records written through spdlog in text honour the level", "[log]") {
  CapturedLog capture(slog::Format::Text, slog::Level::Warn);
  slog::info("hidden");
  slog::warn("shown", {{"key", "ns/a b"}});
  const auto lines = capture.lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].size() > 25);
  CHECK(lines[0].substr(24) == " WARN shown key=\"ns/a b\"");
}
