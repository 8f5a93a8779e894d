// sqlite_operator/json.hpp: a small, dependency-free JSON value, parser and writer.
//
// Part of the plugin SDK: plugins exchange JSON text with the host, and this header lets a plugin read and
// write it without any other library. The host uses the same type as its document model for Kubernetes
// objects, so there is one way to hold a JSON tree in the project.
//
// Contract:
// - Objects keep insertion order (output is deterministic); equality ignores member order, and an integer
//   equals a double of the same value, which is how Kubernetes compares JSON.
// - Strings are UTF-8; the parser decodes \u escapes (surrogate pairs included) and rejects invalid escapes,
//   control characters, trailing garbage and nesting deeper than ParseOptions::max_depth.
// - Values are plain values: copying copies, nothing is shared. Not thread-safe for concurrent mutation.
// - Like std::vector, inserting into an object or array may move its members: a pointer or reference from
//   find(), operator[] or as_*() into a container is invalidated by a later insertion into that container.
#ifndef SQLITE_OPERATOR_JSON_HPP
#define SQLITE_OPERATOR_JSON_HPP

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sqlop::json {

class Value;
using Array = std::vector<Value>;

enum class Type { Null, Bool, Int, Double, String, Array, Object };

// An insertion-ordered map from string to Value. Lookups are linear: Kubernetes objects have few keys
// per level, and a vector is smaller and faster than a map at that size.
class Object {
 public:
  using Member = std::pair<std::string, Value>;
  using iterator = std::vector<Member>::iterator;
  using const_iterator = std::vector<Member>::const_iterator;

  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Inserts a null member when the key is missing.
  Value& operator[](std::string_view key);
  void set(std::string key, Value value);
  bool erase(std::string_view key);

  std::size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }
  iterator begin() { return members_.begin(); }
  iterator end() { return members_.end(); }
  const_iterator begin() const { return members_.begin(); }
  const_iterator end() const { return members_.end(); }

  friend bool operator==(const Object& a, const Object& b);
  friend bool operator!=(const Object& a, const Object& b) { return !(a == b); }

 private:
  std::vector<Member> members_;
};

class Value {
 public:
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(int i) : data_(static_cast<std::int64_t>(i)) {}
  Value(long i) : data_(static_cast<std::int64_t>(i)) {}
  Value(long long i) : data_(static_cast<std::int64_t>(i)) {}
  Value(unsigned i) : data_(static_cast<std::int64_t>(i)) {}
  Value(double d) : data_(d) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(Array a) : data_(std::move(a)) {}
  Value(Object o) : data_(std::move(o)) {}

  static Value object() { return Value(Object{}); }
  static Value array() { return Value(Array{}); }

  Type type() const { return static_cast<Type>(data_.index()); }
  bool is_null() const { return type() == Type::Null; }
  bool is_bool() const { return type() == Type::Bool; }
  bool is_int() const { return type() == Type::Int; }
  bool is_number() const { return type() == Type::Int || type() == Type::Double; }
  bool is_string() const { return type() == Type::String; }
  bool is_array() const { return type() == Type::Array; }
  bool is_object() const { return type() == Type::Object; }

  // Typed access. The unchecked accessors require the matching type (std::get throws otherwise).
  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const {
    return is_int() ? std::get<std::int64_t>(data_) : static_cast<std::int64_t>(std::get<double>(data_));
  }
  double as_double() const {
    return is_int() ? static_cast<double>(std::get<std::int64_t>(data_)) : std::get<double>(data_);
  }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  std::string& as_string() { return std::get<std::string>(data_); }
  const Array& as_array() const { return std::get<Array>(data_); }
  Array& as_array() { return std::get<Array>(data_); }
  const Object& as_object() const { return std::get<Object>(data_); }
  Object& as_object() { return std::get<Object>(data_); }

  // Member lookup that never throws: nullptr when this is not an object or the key is missing.
  const Value* find(std::string_view key) const { return is_object() ? as_object().find(key) : nullptr; }
  Value* find(std::string_view key) { return is_object() ? as_object().find(key) : nullptr; }
  // Walks a chain of keys; nullptr as soon as one is missing.
  const Value* find_path(std::initializer_list<std::string_view> keys) const {
    const Value* v = this;
    for (auto k : keys) {
      if (!(v = v->find(k))) return nullptr;
    }
    return v;
  }
  // Member access that turns a null value into an object first (for building documents).
  Value& operator[](std::string_view key) {
    if (is_null()) data_ = Object{};
    return as_object()[key];
  }
  // Typed reads with a fallback for a missing member or a member of another type.
  std::string get_string(std::string_view key, std::string fallback = {}) const {
    const Value* v = find(key);
    return v && v->is_string() ? v->as_string() : fallback;
  }
  bool get_bool(std::string_view key, bool fallback) const {
    const Value* v = find(key);
    return v && v->is_bool() ? v->as_bool() : fallback;
  }
  std::int64_t get_int(std::string_view key, std::int64_t fallback) const {
    const Value* v = find(key);
    return v && v->is_number() ? v->as_int() : fallback;
  }
  void push_back(Value v) {
    if (is_null()) data_ = Array{};
    as_array().push_back(std::move(v));
  }

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> data_;
};

struct ParseOptions {
  bool reject_duplicate_keys = false;  // the Kubernetes API's strict field validation needs this
  int max_depth = 512;
};

struct ParseError {
  std::size_t offset = 0;
  std::string message;
};

// Parses one JSON text. On failure returns nullopt and, when `error` is given, fills it.
std::optional<Value> parse(std::string_view text, ParseError* error = nullptr, const ParseOptions& options = {});

// Writes compact JSON (indent < 0) or pretty JSON with `indent` spaces per level.
std::string dump(const Value& value, int indent = -1);
void dump_to(std::string& out, const Value& value, int indent = -1);

// Appends the JSON string literal for `s` (with quotes) to `out`.
void append_quoted(std::string& out, std::string_view s);

// ---------------------------------------------------------------------------------------------------
// Implementation (header-only so plugins need nothing but this SDK).

inline const Value* Object::find(std::string_view key) const {
  for (const auto& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}
inline Value* Object::find(std::string_view key) {
  for (auto& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}
inline Value& Object::operator[](std::string_view key) {
  if (Value* v = find(key)) return *v;
  members_.emplace_back(std::string(key), Value());
  return members_.back().second;
}
inline void Object::set(std::string key, Value value) {
  if (Value* v = find(key)) {
    *v = std::move(value);
  } else {
    members_.emplace_back(std::move(key), std::move(value));
  }
}
inline bool Object::erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}
inline bool operator==(const Object& a, const Object& b) {
  if (a.size() != b.size()) return false;
  for (const auto& m : a) {
    const Value* other = b.find(m.first);
    if (!other || !(m.second == *other)) return false;
  }
  return true;
}
inline bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  return a.data_ == b.data_;
}

namespace detail {

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options) : s_(text), options_(options) {}

  std::optional<Value> run(ParseError* error) {
    std::optional<Value> v = parse_value(0);
    if (v) {
      skip_ws();
      if (pos_ != s_.size()) v = fail("unexpected data after the JSON value");
    }
    if (!v && error) *error = ParseError{pos_, message_};
    return v;
  }

 private:
  std::optional<Value> fail(std::string message) {
    if (message_.empty()) message_ = std::move(message);
    return std::nullopt;
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool consume(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::optional<Value> parse_value(int depth) {
    if (depth > options_.max_depth) return fail("nesting too deep");
    skip_ws();
    if (pos_ >= s_.size()) return fail("unexpected end of input");
    switch (s_[pos_]) {
      case '{': return parse_object(depth);
      case '[': return parse_array(depth);
      case '"': {
        std::string str;
        if (!parse_string(str)) return std::nullopt;
        return Value(std::move(str));
      }
      case 't': if (consume("true")) return Value(true); break;
      case 'f': if (consume("false")) return Value(false); break;
      case 'n': if (consume("null")) return Value(nullptr); break;
      default: return parse_number();
    }
    return fail("invalid literal");
  }

  std::optional<Value> parse_object(int depth) {
    ++pos_;
    Object obj;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return Value(std::move(obj));
    }
    for (;;) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a string key");
      std::string key;
      if (!parse_string(key)) return std::nullopt;
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':' after key");
      ++pos_;
      std::optional<Value> v = parse_value(depth + 1);
      if (!v) return std::nullopt;
      if (Value* existing = obj.find(key)) {
        if (options_.reject_duplicate_keys) return fail("duplicate field \"" + key + "\"");
        *existing = std::move(*v);
      } else {
        obj.set(std::move(key), std::move(*v));
      }
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return Value(std::move(obj));
      }
      return fail("expected ',' or '}' in object");
    }
  }

  std::optional<Value> parse_array(int depth) {
    ++pos_;
    Array arr;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return Value(std::move(arr));
    }
    for (;;) {
      std::optional<Value> v = parse_value(depth + 1);
      if (!v) return std::nullopt;
      arr.push_back(std::move(*v));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return Value(std::move(arr));
      }
      return fail("expected ',' or ']' in array");
    }
  }

  bool hex4(unsigned& out) {
    if (pos_ + 4 > s_.size()) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_++];
      out <<= 4;
      if (c >= '0' && c <= '9') out |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f') out |= unsigned(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') out |= unsigned(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  bool parse_string(std::string& out) {
    ++pos_;  // opening quote
    for (;;) {
      if (pos_ >= s_.size()) return static_cast<bool>(fail("unterminated string"));
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return static_cast<bool>(fail("control character in string"));
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) return static_cast<bool>(fail("unterminated escape"));
      const char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return static_cast<bool>(fail("invalid \\u escape"));
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned low = 0;
            if (!consume("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) {
              return static_cast<bool>(fail("invalid surrogate pair"));
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return static_cast<bool>(fail("unpaired surrogate"));
          }
          append_utf8(out, cp);
          break;
        }
        default: return static_cast<bool>(fail("invalid escape"));
      }
    }
  }

  std::optional<Value> parse_number() {
    const std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ - from;
    };
    const std::size_t int_start = pos_;
    if (digits() == 0) return fail("invalid value");
    if (s_[int_start] == '0' && pos_ - int_start > 1) return fail("leading zero in number");
    bool is_integer = true;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      is_integer = false;
      if (digits() == 0) return fail("digits expected after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      is_integer = false;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return fail("digits expected in exponent");
    }
    const std::string text(s_.substr(start, pos_ - start));
    if (is_integer) {
      errno = 0;
      char* end = nullptr;
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno != ERANGE) return Value(static_cast<std::int64_t>(v));
    }
    return Value(std::strtod(text.c_str(), nullptr));
  }

  std::string_view s_;
  const ParseOptions& options_;
  std::size_t pos_ = 0;
  std::string message_;
};

inline void newline(std::string& out, int indent, int depth) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}

inline void write(std::string& out, const Value& v, int indent, int depth) {
  switch (v.type()) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Type::Int: out += std::to_string(v.as_int()); break;
    case Type::Double: {
      const double d = v.as_double();
      if (!std::isfinite(d)) {
        out += "null";  // JSON has no NaN or infinity
        break;
      }
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      out += buf;
      break;
    }
    case Type::String: append_quoted(out, v.as_string()); break;
    case Type::Array: {
      const Array& a = v.as_array();
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, depth + 1);
        write(out, a[i], indent, depth + 1);
      }
      if (!a.empty()) newline(out, indent, depth);
      out += ']';
      break;
    }
    case Type::Object: {
      const Object& o = v.as_object();
      out += '{';
      bool first = true;
      for (const auto& m : o) {
        if (!first) out += ',';
        first = false;
        newline(out, indent, depth + 1);
        append_quoted(out, m.first);
        out += indent < 0 ? ":" : ": ";
        write(out, m.second, indent, depth + 1);
      }
      if (!o.empty()) newline(out, indent, depth);
      out += '}';
      break;
    }
  }
}

}  // namespace detail

inline void append_quoted(std::string& out, std::string_view s) {
  static const char* const hex = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += hex[(c >> 4) & 0xF];
          out += hex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

inline std::optional<Value> parse(std::string_view text, ParseError* error, const ParseOptions& options) {
  return detail::Parser(text, options).run(error);
}

inline void dump_to(std::string& out, const Value& value, int indent) { detail::write(out, value, indent, 0); }

inline std::string dump(const Value& value, int indent) {
  std::string out;
  dump_to(out, value, indent);
  return out;
}

}  // namespace sqlop::json

#endif  // SQLITE_OPERATOR_JSON_HPP
