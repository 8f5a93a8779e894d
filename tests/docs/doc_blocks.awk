# Splits Markdown files into their fenced code blocks, for docs_examples_test.sh.
#   awk -v out=DIR -f doc_blocks.awk FILE.md ...
# Writes each block to DIR/block-N (indentation of the fence removed) and prints one index line per block:
#   FILE<TAB>LINE<TAB>LANG<TAB>MARKER<TAB>DIR/block-N
# MARKER is the text of a `<!-- doc-test: ... -->` comment on the line right above the opening fence
# ("doc-test: " stripped), or "-" when there is none.
function marker_of(line,    m) {
  if (line !~ /^[ \t]*<!--[ \t]*doc-test:.*-->[ \t]*$/) return "-"
  m = line
  sub(/^[ \t]*<!--[ \t]*doc-test:[ \t]*/, "", m)
  sub(/[ \t]*-->[ \t]*$/, "", m)
  return m
}
FNR == 1 { inside = 0; previous = "" }
!inside && /^[ \t]*```/ {
  indent = $0; sub(/```.*/, "", indent)
  lang = $0; sub(/^[ \t]*```/, "", lang); sub(/[ \t].*$/, "", lang)
  if (lang == "") lang = "-"
  count++
  file = out "/block-" count
  printf "" > file
  printf "%s\t%d\t%s\t%s\t%s\n", FILENAME, FNR, lang, marker_of(previous), file
  inside = 1
  next
}
inside && /^[ \t]*```[ \t]*$/ { inside = 0; close(file); previous = $0; next }
inside {
  line = $0
  if (index(line, indent) == 1) line = substr(line, length(indent) + 1)
  print line > file
  next
}
{ previous = $0 }
