// Prints one located message clang-style (file:line:col, message, the source line, a caret)
// with the source line made safe to show: a line from a hostile file may be megabytes long or
// hold escape sequences that would take over the terminal.
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <string>

namespace netc {

// Source lines longer than this many characters are shown as a window around the caret, cut
// ends marked "...".
inline constexpr size_t kSourceWindow = 160;

// Like SourceMgr::PrintMessage, but control characters, invalid UTF-8 and C1 controls are shown
// as '?', tabs as spaces, and long lines cut to kSourceWindow characters around the caret.
void print_source_message(const llvm::SourceMgr &sm, llvm::raw_ostream &os, llvm::SMLoc loc,
                          llvm::SourceMgr::DiagKind kind, llvm::StringRef message,
                          llvm::ArrayRef<llvm::SMRange> ranges, bool colors);

// `text` with control characters (newlines kept) replaced by '?', for messages that quote the
// user's text.
std::string without_control_characters(llvm::StringRef text);

} // namespace netc
