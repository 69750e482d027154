// Located diagnostics for user mistakes, printed clang-style through llvm::SourceMgr.
//
// Diagnostics are collected, not printed at once: an error inside a block body is raised once per
// instantiation of the block, and flush() folds identical ones into a single report that ends
// "(and N more instantiations)".
//
// A mistake found inside a library block (netc's own dsl/, which the user does not edit) is
// shown at the call in the user's files that led to it, the library line kept as a note: editors
// and CI annotations point at a line the user can change.
#pragma once

#include "support/rules.h"
#include "support/suppressions.h"

#include <llvm/Support/SMLoc.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace netc {

struct Instantiation;

enum class Severity { Error, Warning, Note };

struct Note {
  llvm::SMLoc loc;
  std::string message;
  std::vector<llvm::SMRange> ranges;
  // What makes two notes the same when diagnostics fold, if not the message: a layer name
  // differs from one instantiation to the next, the mistake does not.
  std::string fold_text;
};

struct Diagnostic {
  Severity severity = Severity::Error; // the rule's level may change it when printed
  std::string_view rule = rules::kSyntax;
  llvm::SMLoc loc;
  std::string message;
  std::vector<llvm::SMRange> ranges;
  std::vector<Note> notes;
  // The block instantiation the mistake was found in; null at network level or while parsing.
  std::shared_ptr<const Instantiation> instantiation;
  // The graph node a shape-derived warning was computed at, or the one an `expect` checks: a
  // failed `expect` hides the warnings downstream of it (passes/expect_cascade.h).
  std::optional<uint32_t> node;
};

struct DiagnosticCounts {
  unsigned errors = 0;
  unsigned warnings = 0;
};

// One diagnostic as printed: identical ones from several instantiations folded into it, its
// severity after the rule configuration, its place moved out of the library.
struct FoldedDiagnostic {
  const Diagnostic *diagnostic;
  Severity severity;
  unsigned more_instantiations = 0;
  // Where it is shown: the diagnostic's own place, or the user's call of the library block.
  llvm::SMLoc loc;
  std::vector<llvm::SMRange> ranges;
  // The diagnostic's own notes, after the library line's note when it was moved.
  std::vector<Note> notes;
  // The block calls still to show, innermost first (those in the library, then the user's).
  std::vector<const Instantiation *> backtrace;

  // The message as shown, a warning's flag included.
  std::string headline() const;
  // The diagnostic's own notes, then its instantiation backtrace (innermost first, long ones
  // cut in the middle; a note without location says what was cut).
  std::vector<Note> all_notes() const;
};

// Errors shown before "too many errors emitted, stopping now", as clang's -ferror-limit.
inline constexpr unsigned kDefaultErrorLimit = 20;

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(llvm::SourceMgr &source_mgr) : source_mgr_(source_mgr) {}

  void set_rule_config(RuleConfig config) { config_ = std::move(config); }
  const RuleConfig &rule_config() const { return config_; }
  // At most `limit` different errors are kept (0: no limit); once one more is reported, every
  // later diagnostic is dropped, so random bytes cannot fill memory with errors.
  void set_error_limit(unsigned limit) { error_limit_ = limit; }
  // True once an error beyond the limit was dropped: the lexer stops then, and flush() ends
  // with the "too many errors" line.
  bool error_limit_reached() const { return limit_reached_; }

  // A buffer of netc's DSL library: mistakes inside it are shown at the user's call.
  void mark_library_buffer(unsigned buffer_id) { library_buffers_.insert(buffer_id); }
  bool is_library_buffer(unsigned buffer_id) const { return library_buffers_.count(buffer_id); }

  // The lines `# netc: allow(<rule>)` comments silence warnings on (the lexer records them).
  LineSuppressions &suppressions() { return suppressions_; }
  // The level `d` is shown at: its rule's configured level, or Off for a warning a
  // `# netc: allow` comment silences (support/suppressions.h). Notes have no level.
  RuleLevel level_of(const Diagnostic &d) const;

  void report(Diagnostic diagnostic);
  void error(std::string_view rule, llvm::SMRange range, std::string message);
  void error(std::string_view rule, llvm::SMLoc loc, std::string message) {
    error(rule, llvm::SMRange(loc, loc), std::move(message));
  }

  // Errors reported so far, before folding (warnings promoted by --werror not included).
  unsigned error_count() const { return error_count_; }

  // Orders the diagnostics raised since `mark` (a pending_count()) by position in the source:
  // the lexer runs before the parser, but a user reads a file top to bottom.
  size_t pending_count() const { return pending_.size(); }
  void sort_since(size_t mark);
  bool has_errors() const { return error_count_ != 0; }

  // The collected diagnostics in the order first raised, identical ones folded, rules applied
  // (diagnostics of rules turned off left out). Valid until flush() or clear().
  std::vector<FoldedDiagnostic> fold() const;
  // Prints fold() clang-style and forgets the diagnostics. Returns what was printed. Source lines
  // are shown safely: control characters as '?', long lines cut to a window around the caret.
  DiagnosticCounts flush(llvm::raw_ostream &os, bool colors = false);
  void clear();
  // What was reported and not yet flushed, unfolded (`netc graph` marks failed nodes with it).
  const std::vector<Diagnostic> &pending() const { return pending_; }
  // The same, to edit before printing: a check that hides or annotates diagnostics.
  std::vector<Diagnostic> &pending() { return pending_; }

  llvm::SourceMgr &source_mgr() { return source_mgr_; }

private:
  llvm::SourceMgr &source_mgr_;
  std::vector<Diagnostic> pending_;
  RuleConfig config_;
  std::set<unsigned> library_buffers_;
  LineSuppressions suppressions_;
  unsigned error_count_ = 0;
  unsigned error_limit_ = 0;
  std::set<std::string> kept_errors_; // fold keys of the errors kept, for the limit
  bool limit_reached_ = false;

  FoldedDiagnostic present(const Diagnostic &d, Severity severity) const;
  bool allowed_on_line(llvm::SMLoc loc, std::string_view rule) const;
};

// "fatal error: too many errors emitted, stopping now [-ferror-limit=]", clang's words.
void print_error_limit_reached(llvm::raw_ostream &os, bool colors = false);

// Renders "file:line:col" for a location (used in notes that mention a place in text).
std::string describe_location(const llvm::SourceMgr &source_mgr, llvm::SMLoc loc);

// "in repeat 3 of 20 of 'block17', called here", as the instantiation notes say it.
std::string describe_instantiation(const Instantiation &inst);

} // namespace netc
