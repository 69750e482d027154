#include "support/source_excerpt.h"

#include <llvm/Support/ConvertUTF.h>
#include <llvm/Support/WithColor.h>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace netc {

namespace {

bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7F;
}

// What LLVM's printer shows well: short lines of printable ASCII and tabs.
bool is_plain(llvm::StringRef line) {
  return line.size() <= kSourceWindow &&
         llvm::all_of(line, [](char c) { return c == '\t' || !is_control(c); }) &&
         llvm::none_of(line, [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// One character as shown, and the byte of the line it comes from.
struct Cell {
  std::string shown;
  size_t byte;
};

std::vector<Cell> cells_of(llvm::StringRef line) {
  std::vector<Cell> cells;
  for (size_t i = 0; i < line.size();) {
    unsigned char c = line[i];
    if (c == '\t') {
      do // to the next tab stop, as LLVM expands tabs
        cells.push_back({" ", i});
      while (cells.size() % 8 != 0);
      ++i;
      continue;
    }
    if (c < 0x80) {
      cells.push_back({is_control(c) ? "?" : std::string(1, c), i});
      ++i;
      continue;
    }
    const auto *at = reinterpret_cast<const llvm::UTF8 *>(line.data() + i);
    size_t length = llvm::getNumBytesForUTF8(c);
    bool valid = i + length <= line.size() && llvm::isLegalUTF8Sequence(at, at + length);
    bool c1_control = c == 0xC2 && valid && static_cast<unsigned char>(line[i + 1]) < 0xA0;
    if (!valid)
      length = 1;
    cells.push_back({valid && !c1_control ? line.substr(i, length).str() : "?", i});
    i += length;
  }
  return cells;
}

} // namespace

std::string without_control_characters(llvm::StringRef text) {
  std::string out = text.str();
  for (char &c : out)
    if (is_control(c) && c != '\n')
      c = '?';
  return out;
}

void print_source_message(const llvm::SourceMgr &sm, llvm::raw_ostream &os, llvm::SMLoc loc,
                          llvm::SourceMgr::DiagKind kind, llvm::StringRef message,
                          llvm::ArrayRef<llvm::SMRange> ranges, bool colors) {
  std::string safe_message = without_control_characters(message);
  llvm::SMDiagnostic diag = sm.GetMessage(loc, kind, safe_message, ranges);
  if (diag.getLineNo() < 0 || diag.getColumnNo() < 0 || is_plain(diag.getLineContents())) {
    sm.PrintMessage(os, diag, colors);
    return;
  }
  // The header alone (no line number: LLVM would print the line), then the line as cells.
  sm.PrintIncludeStack(sm.getBufferInfo(sm.FindBufferContainingLoc(loc)).IncludeLoc, os);
  std::string where =
      fmt::format("{}:{}:{}", diag.getFilename().str(), diag.getLineNo(), diag.getColumnNo() + 1);
  llvm::SMDiagnostic(where, kind, safe_message).print(nullptr, os, colors);

  std::vector<Cell> cells = cells_of(diag.getLineContents());
  size_t column = static_cast<size_t>(diag.getColumnNo());
  auto cell_at = [&](size_t byte) {
    return std::find_if(cells.begin(), cells.end(), [&](const Cell &c) { return c.byte >= byte; }) -
           cells.begin();
  };
  size_t caret = cell_at(column), n = cells.size();
  size_t begin = 0, end = n;
  if (n > kSourceWindow) {
    begin = caret > kSourceWindow / 2 ? caret - kSourceWindow / 2 : 0;
    end = std::min(n, begin + kSourceWindow);
    begin = end - kSourceWindow;
  }
  std::string prefix = begin > 0 ? "..." : "";
  std::string source = prefix;
  for (size_t i = begin; i < end; ++i)
    source += cells[i].shown;
  if (end < n)
    source += "...";
  std::string marks(std::max(end, caret + 1) - begin, ' ');
  for (const std::pair<unsigned, unsigned> &range : diag.getRanges())
    for (size_t i = std::max(begin, size_t(cell_at(range.first)));
         i < std::min(end, size_t(cell_at(range.second))); ++i)
      marks[i - begin] = '~';
  marks[caret - begin] = '^';
  marks.erase(marks.find_last_not_of(' ') + 1);
  os << source << "\n";
  llvm::ColorMode mode = colors ? llvm::ColorMode::Auto : llvm::ColorMode::Disable;
  llvm::WithColor(os, llvm::raw_ostream::GREEN, /*Bold=*/true, /*BG=*/false, mode)
      << std::string(prefix.size(), ' ') << marks << "\n";
}

} // namespace netc
