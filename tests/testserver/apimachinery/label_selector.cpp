// Label selectors: the `labelSelector` grammar, metav1.LabelSelector conversion and matching, with the
// apiserver's parse errors (k8s.io/apimachinery/pkg/labels). See selectors.hpp.
#include <algorithm>
#include <cstdlib>
#include <set>

#include "apimachinery/objects.hpp"
#include "apimachinery/selectors.hpp"

namespace sqlop::apimachinery {
namespace {

enum class Token {
  Error, End, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan, Identifier, In, LessThan,
  NotEquals, NotIn, OpenPar
};

struct Item {
  Token token;
  std::string literal;
};

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

// The tokens spelled with special symbols, and the two keywords.
bool keyword(const std::string& s, Token& out) {
  static const std::pair<const char*, Token> table[] = {
      {")", Token::ClosedPar}, {",", Token::Comma}, {"!", Token::DoesNotExist}, {"==", Token::DoubleEquals},
      {"=", Token::Equals},    {">", Token::GreaterThan}, {"in", Token::In},     {"<", Token::LessThan},
      {"!=", Token::NotEquals}, {"notin", Token::NotIn},   {"(", Token::OpenPar}};
  for (const auto& [text, token] : table) {
    if (s == text) {
      out = token;
      return true;
    }
  }
  return false;
}

// Splits the selector into tokens the way labels.Lexer does: identifiers run until a special symbol or
// whitespace; special symbols form the longest known operator.
std::vector<Item> scan(std::string_view s) {
  std::vector<Item> items;
  std::size_t pos = 0;
  for (;;) {
    while (pos < s.size() && is_whitespace(s[pos])) ++pos;
    if (pos >= s.size()) {
      items.push_back({Token::End, ""});
      return items;
    }
    if (is_special(s[pos])) {
      std::string buffer;
      Item last{Token::Error, ""};
      while (pos < s.size() && is_special(s[pos])) {
        buffer += s[pos];
        Token t;
        if (keyword(buffer, t)) {
          last = {t, buffer};
          ++pos;
        } else if (last.token != Token::Error) {
          break;
        } else {
          ++pos;
        }
      }
      if (last.token == Token::Error) last.literal = "error expected: keyword found '" + buffer + "'";
      items.push_back(last);
      continue;
    }
    std::string buffer;
    while (pos < s.size() && !is_special(s[pos]) && !is_whitespace(s[pos])) buffer += s[pos++];
    Token t;
    items.push_back(keyword(buffer, t) ? Item{t, buffer} : Item{Token::Identifier, buffer});
  }
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

// A field.Error's text: "<field>: Invalid value: <value>: <detail>".
std::string invalid_text(const std::string& field, const json::Value& value, const std::string& detail) {
  const Cause c = field_invalid(field, value, detail);
  return c.field + ": " + c.message;
}

// A []string as the apiserver prints it in field errors (JSON; a nil slice is null).
json::Value string_list(const std::vector<std::string>& values) {
  if (values.empty()) return json::Value();
  json::Value out = json::Value::array();
  for (const auto& v : values) out.push_back(v);
  return out;
}

bool parse_int64(const std::string& s, long long& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(s.c_str(), &end, 10);
  return errno == 0 && end && *end == '\0' && !std::isspace(static_cast<unsigned char>(s[0]));
}

// labels.NewRequirement's checks; `path` is the field path prefix ("" when parsing a selector string, where
// the apiserver prints the nil path as "<nil>" for the key and "values" for values).
std::vector<std::string> requirement_problems(const std::string& key, LabelOperator op,
                                              const std::vector<std::string>& values, const std::string& key_path,
                                              const std::string& values_path) {
  std::vector<std::string> errs;
  const std::vector<std::string> key_problems = qualified_name_problems(key);
  if (!key_problems.empty()) errs.push_back(invalid_text(key_path, key, join(key_problems, "; ")));
  switch (op) {
    case LabelOperator::In:
    case LabelOperator::NotIn:
      if (values.empty()) {
        errs.push_back(invalid_text(values_path, string_list(values), "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case LabelOperator::Equals:
    case LabelOperator::DoubleEquals:
    case LabelOperator::NotEquals:
      if (values.size() != 1) {
        errs.push_back(invalid_text(values_path, string_list(values), "exact-match compatibility requires one single value"));
      }
      break;
    case LabelOperator::Exists:
    case LabelOperator::DoesNotExist:
      if (!values.empty()) {
        errs.push_back(invalid_text(values_path, string_list(values), "values set must be empty for exists and does not exist"));
      }
      break;
    case LabelOperator::GreaterThan:
    case LabelOperator::LessThan:
      if (values.size() != 1) {
        errs.push_back(invalid_text(values_path, string_list(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        long long ignored = 0;
        if (!parse_int64(values[i], ignored)) {
          errs.push_back(invalid_text(values_path + "[" + std::to_string(i) + "]", values[i],
                                      "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      }
      break;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::vector<std::string> problems = label_value_problems(values[i]);
    if (!problems.empty()) {
      errs.push_back(invalid_text(values_path + "[" + std::to_string(i) + "][" + key + "]", values[i], join(problems, "; ")));
    }
  }
  return errs;
}

// utilerrors.Aggregate's text.
std::string aggregate(const std::vector<std::string>& errs) {
  std::vector<std::string> distinct;
  for (const auto& e : errs) {
    if (std::find(distinct.begin(), distinct.end(), e) == distinct.end()) distinct.push_back(e);
  }
  if (distinct.size() == 1) return distinct.front();
  return "[" + join(distinct, ", ") + "]";
}

class Parser {
 public:
  explicit Parser(std::string_view text) : items_(scan(text)) {}

  Result<LabelSelector> run() {
    LabelSelector selector;
    for (;;) {
      const Item& next = lookahead_value();
      if (next.token == Token::End) break;
      if (next.token != Token::Identifier && next.token != Token::DoesNotExist) {
        return bad_request("found '" + next.literal + "', expected: !, identifier, or 'end of string'");
      }
      std::string error;
      std::optional<LabelRequirement> r = parse_requirement(error);
      if (!r) return bad_request("unable to parse requirement: " + error);
      selector.requirements.push_back(std::move(*r));
      const Item after = consume_value();
      if (after.token == Token::End) break;
      if (after.token != Token::Comma) {
        return bad_request("found '" + after.literal + "', expected: ',' or 'end of string'");
      }
      const Item& following = lookahead_value();
      if (following.token != Token::Identifier && following.token != Token::DoesNotExist) {
        return bad_request("found '" + following.literal + "', expected: identifier after ','");
      }
    }
    std::stable_sort(selector.requirements.begin(), selector.requirements.end(),
                     [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
    return selector;
  }

 private:
  // In a values context the keywords "in" and "notin" are plain identifiers.
  static Item as_value(Item item) {
    if (item.token == Token::In || item.token == Token::NotIn) item.token = Token::Identifier;
    return item;
  }
  const Item& lookahead_value() {
    scratch_ = as_value(items_[pos_]);
    return scratch_;
  }
  Item consume_value() { return as_value(items_[pos_++]); }
  Item consume_operator() { return items_[pos_++]; }

  std::optional<LabelRequirement> parse_requirement(std::string& error) {
    LabelRequirement r;
    Item item = consume_value();
    bool negated = false;
    if (item.token == Token::DoesNotExist) {
      negated = true;
      item = consume_value();
    }
    if (item.token != Token::Identifier) {
      error = "found '" + item.literal + "', expected: identifier";
      return std::nullopt;
    }
    const std::vector<std::string> key_problems = qualified_name_problems(item.literal);
    if (!key_problems.empty()) {
      error = invalid_text("<nil>", item.literal, join(key_problems, "; "));
      return std::nullopt;
    }
    r.key = item.literal;
    // "!key" is complete by itself (a following "=v" then fails in the caller); "key" alone before "," or
    // the end means exists.
    const Token next = lookahead_value().token;
    if (negated || next == Token::End || next == Token::Comma) {
      r.op = negated ? LabelOperator::DoesNotExist : LabelOperator::Exists;
      return check(std::move(r), error);
    }
    const Item op = consume_operator();
    switch (op.token) {
      case Token::In: r.op = LabelOperator::In; break;
      case Token::Equals: r.op = LabelOperator::Equals; break;
      case Token::DoubleEquals: r.op = LabelOperator::DoubleEquals; break;
      case Token::GreaterThan: r.op = LabelOperator::GreaterThan; break;
      case Token::LessThan: r.op = LabelOperator::LessThan; break;
      case Token::NotIn: r.op = LabelOperator::NotIn; break;
      case Token::NotEquals: r.op = LabelOperator::NotEquals; break;
      default:
        error = "found '" + op.literal + "', expected: in, notin, =, ==, !=, gt, lt";
        return std::nullopt;
    }
    std::set<std::string> values;
    const bool ok = (r.op == LabelOperator::In || r.op == LabelOperator::NotIn) ? parse_values(values, error)
                                                                                : parse_exact_value(values, error);
    if (!ok) return std::nullopt;
    r.values.assign(values.begin(), values.end());
    return check(std::move(r), error);
  }

  static std::optional<LabelRequirement> check(LabelRequirement r, std::string& error) {
    const std::vector<std::string> problems = requirement_problems(r.key, r.op, r.values, "key", "values");
    if (!problems.empty()) {
      error = aggregate(problems);
      return std::nullopt;
    }
    return r;
  }

  bool parse_values(std::set<std::string>& values, std::string& error) {
    const Item open = consume_value();
    if (open.token != Token::OpenPar) {
      error = "found '" + open.literal + "' expected: '('";
      return false;
    }
    const Item first = lookahead_value();
    if (first.token == Token::ClosedPar) {  // "()" is one empty value
      consume_value();
      values.insert("");
      return true;
    }
    if (first.token != Token::Identifier && first.token != Token::Comma) {
      error = "found '" + first.literal + "', expected: ',', ')' or identifier";
      return false;
    }
    if (!parse_identifier_list(values, error)) return false;
    if (consume_value().token != Token::ClosedPar) {
      error = "found '" + first.literal + "', expected: ')'";
      return false;
    }
    return true;
  }

  // "a,b", with empty values where commas meet: "(,a)" "(a,)" "(a,,b)".
  bool parse_identifier_list(std::set<std::string>& values, std::string& error) {
    for (;;) {
      const Item item = consume_value();
      if (item.token == Token::Identifier) {
        values.insert(item.literal);
        const Item next = lookahead_value();
        if (next.token == Token::Comma) continue;
        if (next.token == Token::ClosedPar) return true;
        error = "found '" + next.literal + "', expected: ',' or ')'";
        return false;
      }
      if (item.token == Token::Comma) {
        if (values.empty()) values.insert("");
        const Token next = lookahead_value().token;
        if (next == Token::ClosedPar) {
          values.insert("");
          return true;
        }
        if (next == Token::Comma) values.insert("");
        continue;
      }
      error = "found '" + item.literal + "', expected: ',', or identifier";
      return false;
    }
  }

  bool parse_exact_value(std::set<std::string>& values, std::string& error) {
    const Token next = lookahead_value().token;
    if (next == Token::End || next == Token::Comma) {
      values.insert("");
      return true;
    }
    const Item item = consume_value();
    if (item.token == Token::Identifier) {
      values.insert(item.literal);
      return true;
    }
    error = "found '" + item.literal + "', expected: identifier";
    return false;
  }

  std::vector<Item> items_;
  std::size_t pos_ = 0;
  Item scratch_;
};

const std::string* label_of(const json::Value& labels, const std::string& key) {
  const json::Value* v = labels.find(key);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

bool requirement_matches(const LabelRequirement& r, const json::Value& labels) {
  const std::string* value = label_of(labels, r.key);
  const auto has = [&](const std::string& v) { return std::find(r.values.begin(), r.values.end(), v) != r.values.end(); };
  switch (r.op) {
    case LabelOperator::In:
    case LabelOperator::Equals:
    case LabelOperator::DoubleEquals: return value && has(*value);
    case LabelOperator::NotIn:
    case LabelOperator::NotEquals: return !value || !has(*value);
    case LabelOperator::Exists: return value != nullptr;
    case LabelOperator::DoesNotExist: return value == nullptr;
    case LabelOperator::GreaterThan:
    case LabelOperator::LessThan: {
      long long actual = 0;
      long long bound = 0;
      if (!value || r.values.size() != 1 || !parse_int64(*value, actual) || !parse_int64(r.values[0], bound)) {
        return false;
      }
      return r.op == LabelOperator::GreaterThan ? actual > bound : actual < bound;
    }
  }
  return false;
}

std::string requirement_string(const LabelRequirement& r) {
  std::string out = r.op == LabelOperator::DoesNotExist ? "!" + r.key : r.key;
  switch (r.op) {
    case LabelOperator::Exists:
    case LabelOperator::DoesNotExist: return out;
    case LabelOperator::Equals: out += "="; break;
    case LabelOperator::DoubleEquals: out += "=="; break;
    case LabelOperator::NotEquals: out += "!="; break;
    case LabelOperator::In: out += " in "; break;
    case LabelOperator::NotIn: out += " notin "; break;
    case LabelOperator::GreaterThan: out += ">"; break;
    case LabelOperator::LessThan: out += "<"; break;
  }
  const bool set = r.op == LabelOperator::In || r.op == LabelOperator::NotIn;
  std::vector<std::string> values = r.values;
  std::sort(values.begin(), values.end());
  return out + (set ? "(" : "") + join(values, ",") + (set ? ")" : "");
}

}  // namespace

Result<LabelSelector> parse_label_selector(std::string_view text) { return Parser(text).run(); }

Result<LabelSelector> label_selector_from_json(const json::Value& selector) {
  LabelSelector out;
  if (selector.is_null()) {
    out.matches_nothing = true;
    return out;
  }
  if (const json::Value* match_labels = selector.find("matchLabels"); match_labels && match_labels->is_object()) {
    for (const auto& [key, value] : match_labels->as_object()) {
      LabelRequirement r{key, LabelOperator::Equals, {value.is_string() ? value.as_string() : std::string()}};
      const auto problems = requirement_problems(r.key, r.op, r.values, "key", "values");
      if (!problems.empty()) return bad_request(aggregate(problems));
      out.requirements.push_back(std::move(r));
    }
  }
  if (const json::Value* expressions = selector.find("matchExpressions"); expressions && expressions->is_array()) {
    for (const json::Value& e : expressions->as_array()) {
      LabelRequirement r;
      r.key = e.get_string("key");
      const std::string op = e.get_string("operator");
      if (op == "In") r.op = LabelOperator::In;
      else if (op == "NotIn") r.op = LabelOperator::NotIn;
      else if (op == "Exists") r.op = LabelOperator::Exists;
      else if (op == "DoesNotExist") r.op = LabelOperator::DoesNotExist;
      else return bad_request("\"" + op + "\" is not a valid label selector operator");
      if (const json::Value* values = e.find("values"); values && values->is_array()) {
        for (const json::Value& v : values->as_array()) r.values.push_back(v.is_string() ? v.as_string() : std::string());
      }
      const auto problems = requirement_problems(r.key, r.op, r.values, "key", "values");
      if (!problems.empty()) return bad_request(aggregate(problems));
      std::sort(r.values.begin(), r.values.end());
      out.requirements.push_back(std::move(r));
    }
  }
  std::stable_sort(out.requirements.begin(), out.requirements.end(),
                   [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
  return out;
}

bool matches_labels(const LabelSelector& selector, const json::Value& labels) {
  if (selector.matches_nothing) return false;
  static const json::Value kNoLabels = json::Value::object();
  const json::Value& set = labels.is_object() ? labels : kNoLabels;
  for (const LabelRequirement& r : selector.requirements) {
    if (!requirement_matches(r, set)) return false;
  }
  return true;
}

bool matches(const LabelSelector& selector, const json::Value& object) {
  const json::Value* labels = object.find_path({"metadata", "labels"});
  return matches_labels(selector, labels ? *labels : json::Value());
}

std::string to_string(const LabelSelector& selector) {
  std::vector<std::string> parts;
  for (const LabelRequirement& r : selector.requirements) parts.push_back(requirement_string(r));
  return join(parts, ",");
}

}  // namespace sqlop::apimachinery
