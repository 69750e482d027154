// Located diagnostics for user mistakes, printed clang-style through llvm::SourceMgr.
//
// Diagnostics are collected, not printed at once: an error inside a block body is raised once per
// instantiation of the block, and flush() folds identical ones into a single report that ends
// "(and N more instantiations)".
#pragma once

#include <llvm/Support/SMLoc.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <memory>
#include <string>
#include <vector>

namespace netc {

struct Instantiation;

enum class Severity { Error, Warning, Note };

struct Note {
  llvm::SMLoc loc;
  std::string message;
  std::vector<llvm::SMRange> ranges;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  llvm::SMLoc loc;
  std::string message;
  std::vector<llvm::SMRange> ranges;
  std::vector<Note> notes;
  // The block instantiation the mistake was found in; null at network level or while parsing.
  std::shared_ptr<const Instantiation> instantiation;
};

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(llvm::SourceMgr &source_mgr) : source_mgr_(source_mgr) {}

  void report(Diagnostic diagnostic);
  void error(llvm::SMRange range, std::string message);
  void error(llvm::SMLoc loc, std::string message) { error(llvm::SMRange(loc, loc), std::move(message)); }

  unsigned error_count() const { return error_count_; }

  // Orders the diagnostics raised since `mark` (a pending_count()) by position in the source:
  // the lexer runs before the parser, but a user reads a file top to bottom.
  size_t pending_count() const { return pending_.size(); }
  void sort_since(size_t mark);
  bool has_errors() const { return error_count_ != 0; }

  // Prints the collected diagnostics (identical ones from several instantiations folded) in the
  // order they were first raised, and forgets them. Returns the number of errors printed.
  unsigned flush(llvm::raw_ostream &os, bool colors = false);

  llvm::SourceMgr &source_mgr() { return source_mgr_; }

private:
  llvm::SourceMgr &source_mgr_;
  std::vector<Diagnostic> pending_;
  unsigned error_count_ = 0;
};

// Renders "file:line:col" for a location (used in notes that mention a place in text).
std::string describe_location(const llvm::SourceMgr &source_mgr, llvm::SMLoc loc);

} // namespace netc
