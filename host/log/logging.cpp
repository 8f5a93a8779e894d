#include "host/log/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>

#include "sqlite_operator/json.hpp"

namespace sqlop::log {

namespace {

constexpr const char* kLoggerName = "sqlite-operator";

// The fields of the record being written on this thread (set by write() around the spdlog call, read by
// the formatter, which a synchronous logger runs on the same thread).
thread_local const Fields* t_current_fields = nullptr;

const char* level_name(spdlog::level::level_enum level, bool upper) {
  switch (level) {
    case spdlog::level::trace: return upper ? "TRACE" : "trace";
    case spdlog::level::debug: return upper ? "DEBUG" : "debug";
    case spdlog::level::info: return upper ? "INFO" : "info";
    case spdlog::level::warn: return upper ? "WARN" : "warn";
    case spdlog::level::err: return upper ? "ERROR" : "error";
    case spdlog::level::critical: return upper ? "CRITICAL" : "critical";
    default: return upper ? "OFF" : "off";
  }
}

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

void append_escaped_char(std::string& out, char c) {
  switch (c) {
    case '\\': out += "\\\\"; break;
    case '"': out += "\\\""; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (is_control(c)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        out += hex;
      } else {
        out += c;
      }
  }
}

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c == ' ' || c == '=' || c == '"' || c == '\\' || is_control(c)) return true;
  }
  return false;
}

// logfmt: bare when safe, else quoted with escapes.
void append_text_value(std::string& out, std::string_view value) {
  if (!needs_quotes(value)) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) append_escaped_char(out, c);
  out += '"';
}

// The message stays readable (quotes and backslashes as they are) but never breaks the line.
void append_text_message(std::string& out, std::string_view message) {
  for (char c : message) {
    if (is_control(c)) {
      append_escaped_char(out, c);
    } else {
      out += c;
    }
  }
}

std::string render_text(std::string_view ts, spdlog::level::level_enum level, std::string_view message,
                        const Fields& fields) {
  std::string out(ts);
  out += ' ';
  out += level_name(level, true);
  out += ' ';
  append_text_message(out, message);
  for (const auto& field : fields) {
    out += ' ';
    out += field.key;
    out += '=';
    append_text_value(out, field.value);
  }
  return out;
}

std::string render_json(std::string ts, spdlog::level::level_enum level, std::string_view message,
                        const Fields& fields) {
  json::Object record;
  record.set("ts", std::move(ts));
  record.set("level", level_name(level, false));
  record.set("msg", std::string(message));
  for (const auto& field : fields) {
    const bool reserved = field.key == "ts" || field.key == "level" || field.key == "msg";
    record.set(reserved ? "_" + field.key : field.key, field.value);
  }
  return json::dump(json::Value(std::move(record)));
}

class RecordFormatter final : public spdlog::formatter {
 public:
  explicit RecordFormatter(Format format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    static const Fields kNoFields;
    const Fields& fields = t_current_fields ? *t_current_fields : kNoFields;
    const std::string line = render_record(format_, msg.time, msg.level,
                                           std::string_view(msg.payload.data(), msg.payload.size()), fields);
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<RecordFormatter>(format_); }

 private:
  const Format format_;
};

// Clears the thread's current fields however the spdlog call ends.
class FieldsScope {
 public:
  explicit FieldsScope(const Fields& fields) : previous_(t_current_fields) { t_current_fields = &fields; }
  ~FieldsScope() { t_current_fields = previous_; }
  FieldsScope(const FieldsScope&) = delete;
  FieldsScope& operator=(const FieldsScope&) = delete;

 private:
  const Fields* const previous_;
};

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  if (text == "trace") return Level::Trace;
  if (text == "debug") return Level::Debug;
  if (text == "info") return Level::Info;
  if (text == "warn") return Level::Warn;
  if (text == "error") return Level::Error;
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view text) {
  if (text == "text") return Format::Text;
  if (text == "json") return Format::Json;
  return std::nullopt;
}

ConfigParse parse_config(std::string_view log_level, std::string_view log_format) {
  ConfigParse out;
  const auto level = parse_level(log_level);
  if (!level) {
    out.error = "--log-level: unknown level \"" + std::string(log_level) + "\" (want trace, debug, info, warn or error)";
    return out;
  }
  const auto format = parse_format(log_format);
  if (!format) {
    out.error = "--log-format: unknown format \"" + std::string(log_format) + "\" (want text or json)";
    return out;
  }
  out.config = Config{*level, *format};
  return out;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::Trace: return spdlog::level::trace;
    case Level::Debug: return spdlog::level::debug;
    case Level::Info: return spdlog::level::info;
    case Level::Warn: return spdlog::level::warn;
    case Level::Error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string format_timestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<milliseconds>(time.time_since_epoch());
  auto seconds = duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = since_epoch - seconds;
  if (millis.count() < 0) {  // times before 1970: keep the millisecond part positive
    seconds -= std::chrono::seconds(1);
    millis += std::chrono::seconds(1);
  }
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis.count()));
  return buffer;
}

std::string render_record(Format format, std::chrono::system_clock::time_point time, spdlog::level::level_enum level,
                          std::string_view message, const Fields& fields) {
  std::string ts = format_timestamp(time);
  return format == Format::Json ? render_json(std::move(ts), level, message, fields)
                                : render_text(ts, level, message, fields);
}

std::unique_ptr<spdlog::formatter> make_formatter(Format format) { return std::make_unique<RecordFormatter>(format); }

std::shared_ptr<spdlog::logger> make_logger(const Config& config, spdlog::sink_ptr sink) {
  auto logger = std::make_shared<spdlog::logger>(kLoggerName, std::move(sink));
  logger->set_formatter(make_formatter(config.format));
  logger->set_level(to_spdlog(config.level));
  return logger;
}

void install(const Config& config) {
  spdlog::set_default_logger(make_logger(config, std::make_shared<spdlog::sinks::stderr_sink_mt>()));
}

void write(Level level, std::string_view message, const Fields& fields) {
  spdlog::logger* logger = spdlog::default_logger_raw();
  const auto spd_level = to_spdlog(level);
  if (!logger || !logger->should_log(spd_level)) return;
  FieldsScope scope(fields);
  logger->log(spd_level, spdlog::string_view_t(message.data(), message.size()));
}

}  // namespace sqlop::log
