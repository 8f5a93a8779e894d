// Test helper: a strict reader of the Prometheus text exposition format 0.0.4, independent of the
// registry's writer, so tests check what a scraper would see. It rejects what Prometheus would reject or
// what our format promises never to produce: samples before their family's HELP/TYPE, a family declared
// twice, sample names that do not belong to the current family, bad label syntax or escapes, values that
// are not numbers, and a missing final newline.
#pragma once

#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sqlop::testing {

struct ParsedSample {
  std::string name;  // full sample name, e.g. "x_bucket"
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct ParsedFamily {
  std::string help;
  std::string type;
  std::vector<ParsedSample> samples;
};

struct ParsedExposition {
  std::vector<std::string> order;  // family names in the order they appeared
  std::map<std::string, ParsedFamily> families;
  std::string error;  // first problem found; "" when the text is valid

  bool ok() const { return error.empty(); }
  bool has(const std::string& family) const { return families.count(family) > 0; }
  // The value of the sample `name` with exactly these labels; nullopt when absent.
  std::optional<double> value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& [family_name, family] : families) {
      for (const auto& sample : family.samples) {
        if (sample.name == name && sample.labels == labels) return sample.value;
      }
    }
    return std::nullopt;
  }
};

namespace prometheus_text_detail {

inline bool parse_value(const std::string& text, double* out) {
  using limits = std::numeric_limits<double>;
  if (text == "+Inf" || text == "-Inf" || text == "NaN") {
    *out = text == "NaN" ? limits::quiet_NaN() : text == "+Inf" ? limits::infinity() : -limits::infinity();
    return true;
  }
  if (text.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

inline bool belongs_to(const std::string& sample, const std::string& family, const std::string& type) {
  if (sample == family) return type != "histogram";
  if (type != "histogram") return false;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (sample == family + suffix) return true;
  }
  return false;
}

// Parses `{a="x",b="y"}` starting at text[pos] == '{'; leaves pos after '}'.
inline bool parse_labels(const std::string& text, std::size_t& pos, std::map<std::string, std::string>& labels) {
  ++pos;
  while (pos < text.size() && text[pos] != '}') {
    const std::size_t eq = text.find('=', pos);
    if (eq == std::string::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    const std::string name = text.substr(pos, eq - pos);
    if (name.empty() || labels.count(name)) return false;
    std::string value;
    pos = eq + 2;
    for (;; ++pos) {
      if (pos >= text.size()) return false;
      const char c = text[pos];
      if (c == '"') break;
      if (c == '\n') return false;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (++pos >= text.size()) return false;
      const char e = text[pos];
      if (e == 'n') value += '\n';
      else if (e == '\\' || e == '"') value += e;
      else return false;
    }
    labels[name] = value;
    ++pos;  // past the closing quote
    if (pos < text.size() && text[pos] == ',') ++pos;
  }
  if (pos >= text.size()) return false;
  ++pos;  // past '}'
  return true;
}

}  // namespace prometheus_text_detail

inline ParsedExposition parse_prometheus_text(const std::string& text) {
  using namespace prometheus_text_detail;
  ParsedExposition out;
  if (!text.empty() && text.back() != '\n') return out.error = "no final newline", out;
  std::string current;  // family whose samples may follow
  std::size_t start = 0;
  for (int line_no = 1; start < text.size(); ++line_no) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (line.rfind("# HELP ", 0) == 0) {
      const std::size_t space = line.find(' ', 7);
      const std::string name = line.substr(7, space - 7);
      if (out.has(name)) return out.error = where + "family declared twice: " + name, out;
      out.order.push_back(name);
      out.families[name].help = space == std::string::npos ? "" : line.substr(space + 1);
      current = name;
    } else if (line.rfind("# TYPE ", 0) == 0) {
      const std::size_t space = line.find(' ', 7);
      const std::string name = line.substr(7, space - 7);
      if (name != current || space == std::string::npos) return out.error = where + "TYPE without HELP", out;
      const std::string type = line.substr(space + 1);
      if (type != "counter" && type != "gauge" && type != "histogram") return out.error = where + "bad type", out;
      out.families[name].type = type;
    } else if (line.empty() || line[0] == '#') {
      return out.error = where + "unexpected line", out;
    } else {
      ParsedSample sample;
      std::size_t pos = line.find_first_of("{ ");
      if (pos == std::string::npos) return out.error = where + "no value", out;
      sample.name = line.substr(0, pos);
      if (line[pos] == '{' && !parse_labels(line, pos, sample.labels)) return out.error = where + "bad labels", out;
      if (pos >= line.size() || line[pos] != ' ') return out.error = where + "no space before value", out;
      if (!parse_value(line.substr(pos + 1), &sample.value)) return out.error = where + "bad value", out;
      if (current.empty() || !belongs_to(sample.name, current, out.families[current].type)) {
        return out.error = where + "sample " + sample.name + " outside its family", out;
      }
      out.families[current].samples.push_back(std::move(sample));
    }
  }
  return out;
}

}  // namespace sqlop::testing
