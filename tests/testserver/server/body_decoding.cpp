#include "server/body_decoding.hpp"

#include <set>

#include "host/yaml/yaml_json.hpp"

namespace sqlop::testserver {

namespace json = sqlop::json;

namespace {

// A scanner over valid JSON that only follows structure and keys.
class DuplicateScanner {
 public:
  explicit DuplicateScanner(std::string_view s) : s_(s) {}

  std::vector<std::string> run() {
    value("");
    return found_;
  }

 private:
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }

  std::string string_token() {
    std::string raw;
    ++pos_;  // opening quote
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
        raw += s_[pos_++];
      }
      raw += s_[pos_++];
    }
    ++pos_;  // closing quote
    // Decode escapes through the real parser so keys compare as the decoder sees them.
    if (raw.find('\\') == std::string::npos) return raw;
    auto decoded = json::parse("\"" + raw + "\"");
    return decoded && decoded->is_string() ? decoded->as_string() : raw;
  }

  void value(const std::string& path) {
    ws();
    if (pos_ >= s_.size()) return;
    const char c = s_[pos_];
    if (c == '{') {
      object(path);
    } else if (c == '[') {
      array(path);
    } else if (c == '"') {
      string_token();
    } else {
      while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && s_[pos_] != ']' && s_[pos_] != ' ' &&
             s_[pos_] != '\n' && s_[pos_] != '\r' && s_[pos_] != '\t') {
        ++pos_;
      }
    }
  }

  void object(const std::string& path) {
    ++pos_;
    std::set<std::string> seen;
    for (;;) {
      ws();
      if (pos_ >= s_.size()) return;
      if (s_[pos_] == '}') {
        ++pos_;
        return;
      }
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      const std::string key = string_token();
      const std::string child = path.empty() ? key : path + "." + key;
      if (!seen.insert(key).second) found_.push_back(child);
      ws();
      if (pos_ < s_.size() && s_[pos_] == ':') ++pos_;
      value(child);
    }
  }

  void array(const std::string& path) {
    ++pos_;
    std::size_t index = 0;
    for (;;) {
      ws();
      if (pos_ >= s_.size()) return;
      if (s_[pos_] == ']') {
        ++pos_;
        return;
      }
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      value(path + "[" + std::to_string(index++) + "]");
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::vector<std::string> found_;
};

}  // namespace

std::vector<std::string> find_duplicate_fields(std::string_view text) { return DuplicateScanner(text).run(); }

std::string unknown_field_text(const std::string& path) { return "unknown field \"" + path + "\""; }
std::string duplicate_field_text(const std::string& path) { return "duplicate field \"" + path + "\""; }

std::variant<DecodedBody, ApiError> decode_body(const std::string& media_type, const std::string& body) {
  const bool yaml = media_type == "application/yaml" || media_type == "application/apply-patch+yaml";
  if (yaml) {
    const sqlop::yaml::LoadResult loaded = sqlop::yaml::load_all(body);
    if (!loaded.ok()) return bad_request("error converting YAML to JSON: yaml: " + loaded.error);
    if (loaded.documents.empty()) return bad_request("the request body is empty");
    // A JSON body sent as YAML still reports its duplicates.
    DecodedBody out{loaded.documents.front().value, {}};
    if (json::parse(body)) out.duplicate_fields = find_duplicate_fields(body);
    return out;
  }
  json::ParseError error;
  auto value = json::parse(body, &error);
  if (!value) {
    return bad_request("the request body could not be decoded as JSON: " + error.message + " at offset " +
                       std::to_string(error.offset));
  }
  return DecodedBody{std::move(*value), find_duplicate_fields(body)};
}

}  // namespace sqlop::testserver
