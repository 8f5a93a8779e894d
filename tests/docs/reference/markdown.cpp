#include "reference/markdown.hpp"

namespace sqlop::docs {

namespace {

// '|' escaped and line breaks folded, for any text inside a table.
std::string table_safe(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string cell(const std::string& text) {
  std::string out;
  for (const char c : table_safe(text)) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

std::string code(const std::string& text) {
  const bool has_backtick = text.find('`') != std::string::npos;
  const std::string fence = has_backtick ? "``" : "`";
  const std::string pad = has_backtick ? " " : "";
  return fence + pad + table_safe(text) + pad + fence;
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const std::string& c : cells) out += " " + c + " |";
    return out + "\n";
  };
  std::string out = line(header);
  out += line(std::vector<std::string>(header.size(), "---"));
  for (const auto& row : rows) out += line(row);
  return out;
}

}  // namespace sqlop::docs
