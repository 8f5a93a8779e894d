// Small Markdown writers shared by the reference generators: table cells and code spans that survive
// GitHub-flavoured Markdown tables (a '|' ends a cell even inside backticks unless it is escaped).
#pragma once

#include <string>
#include <vector>

namespace sqlop::docs {

// Plain text for a paragraph or a table cell: '|' and HTML's '<', '>', '&' escaped (a description's
// "<name>-service" must not read as a tag), line breaks folded into spaces.
std::string cell(const std::string& text);
// `text` as a code span for a table cell; backticks inside get a longer fence.
std::string code(const std::string& text);
// One table: a header row, the separator and the rows (each already made of cells).
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

}  // namespace sqlop::docs
