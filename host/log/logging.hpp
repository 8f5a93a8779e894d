// Logging setup (spdlog) and a small API for structured log lines.
//
//   log::info("reconciled", {{"key", "ns/name"}, {"duration_ms", "12.5"}, {"result", "success"}});
// renders as
//   text  2024-05-01T12:00:00.123Z INFO reconciled key=ns/name duration_ms=12.5 result=success
//   json  {"ts":"2024-05-01T12:00:00.123Z","level":"info","msg":"reconciled","key":"ns/name",...}
// One record is always one line: in text, values holding spaces, quotes, '=' or control characters are
// quoted with backslash escapes (logfmt), and newlines in the message are escaped; JSON is escaped by
// json.hpp. Field keys that collide with ts/level/msg get a leading '_' in JSON. Plain spdlog calls
// (spdlog::info(...)) elsewhere in the program go through the same formatter, without fields.
//
// Logs go to stderr through a synchronous logger (the formatter reads the fields of the record being
// written on the writing thread; an asynchronous logger would lose them).
// Thread-safety: install() once at start-up, before other threads log; the write functions from any thread.
// Never pass secret values as fields or messages.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>

namespace sqlop::log {

enum class Level { Trace, Debug, Info, Warn, Error };
enum class Format { Text, Json };

struct Config {
  Level level = Level::Info;
  Format format = Format::Text;
};

struct ConfigParse {
  std::optional<Config> config;
  std::string error;  // names the flag at fault: "--log-level: unknown level \"loud\" (want ...)"
  bool ok() const { return config.has_value(); }
};

std::optional<Level> parse_level(std::string_view text);    // trace, debug, info, warn, error
std::optional<Format> parse_format(std::string_view text);  // text, json
// The values of --log-level and --log-format.
ConfigParse parse_config(std::string_view log_level, std::string_view log_format);

struct Field {
  std::string key;
  std::string value;
};
using Fields = std::vector<Field>;

// One record rendered in `format`, without the trailing newline. Pure.
std::string render_record(Format format, std::chrono::system_clock::time_point time, spdlog::level::level_enum level,
                          std::string_view message, const Fields& fields);
// RFC 3339 in UTC with milliseconds: "2024-05-01T12:00:00.123Z". Pure.
std::string format_timestamp(std::chrono::system_clock::time_point time);

// A spdlog formatter rendering records with render_record (fields from the write functions below).
std::unique_ptr<spdlog::formatter> make_formatter(Format format);
// A synchronous logger named "sqlite-operator" writing to `sink` at config.level in config.format.
std::shared_ptr<spdlog::logger> make_logger(const Config& config, spdlog::sink_ptr sink);
// Makes make_logger(config, stderr) spdlog's default logger.
void install(const Config& config);

spdlog::level::level_enum to_spdlog(Level level);

// Writes through spdlog's default logger; does nothing (no formatting) when `level` is filtered out.
void write(Level level, std::string_view message, const Fields& fields = {});
inline void trace(std::string_view message, const Fields& fields = {}) { write(Level::Trace, message, fields); }
inline void debug(std::string_view message, const Fields& fields = {}) { write(Level::Debug, message, fields); }
inline void info(std::string_view message, const Fields& fields = {}) { write(Level::Info, message, fields); }
inline void warn(std::string_view message, const Fields& fields = {}) { write(Level::Warn, message, fields); }
inline void error(std::string_view message, const Fields& fields = {}) { write(Level::Error, message, fields); }

}  // namespace sqlop::log
