#include "support/diagnostics.h"

#include "support/instantiation.h"
#include "support/source_excerpt.h"

#include <llvm/Support/WithColor.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace netc {

namespace {

// At most this many block calls of an instantiation chain are shown, the first kBacktraceHead
// of them innermost.
constexpr size_t kMaxBacktrace = 10;
constexpr size_t kBacktraceHead = 6;

llvm::SourceMgr::DiagKind kind_of(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  }
  return llvm::SourceMgr::DK_Error;
}

// The text that identifies "the same mistake": where it is shown and what it says, notes
// included (a different operand trace is a different mistake).
std::string fold_key(const FoldedDiagnostic &f) {
  std::string key =
      fmt::format("{}|{}|{}", static_cast<int>(f.diagnostic->severity),
                  static_cast<const void *>(f.loc.getPointer()), f.diagnostic->message);
  for (const Note &note : f.notes)
    key += fmt::format("|{}|{}", static_cast<const void *>(note.loc.getPointer()),
                       note.fold_text.empty() ? note.message : note.fold_text);
  return key;
}

} // namespace

void DiagnosticEngine::report(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::Error)
    ++error_count_;
  if (limit_reached_)
    return;
  // Errors as they will be printed: after the rule configuration, identical ones folded.
  if (error_limit_ != 0 && diagnostic.severity != Severity::Note &&
      level_of(diagnostic) == RuleLevel::Error) {
    std::string key = fold_key(present(diagnostic, Severity::Error));
    if (!kept_errors_.count(key)) {
      if (kept_errors_.size() >= error_limit_) {
        limit_reached_ = true;
        return;
      }
      kept_errors_.insert(std::move(key));
    }
  }
  pending_.push_back(std::move(diagnostic));
}

void DiagnosticEngine::clear() {
  pending_.clear();
  kept_errors_.clear();
  limit_reached_ = false;
}

void DiagnosticEngine::sort_since(size_t mark) {
  std::stable_sort(pending_.begin() + mark, pending_.end(),
                   [](const Diagnostic &a, const Diagnostic &b) {
                     return a.loc.getPointer() < b.loc.getPointer();
                   });
}

void DiagnosticEngine::error(std::string_view rule, llvm::SMRange range, std::string message) {
  Diagnostic d;
  d.rule = rule;
  d.loc = range.Start;
  if (range.Start != range.End)
    d.ranges.push_back(range);
  d.message = std::move(message);
  report(std::move(d));
}

FoldedDiagnostic DiagnosticEngine::present(const Diagnostic &d, Severity severity) const {
  FoldedDiagnostic f{&d, severity};
  f.loc = d.loc;
  f.ranges = d.ranges;
  f.notes = d.notes;
  for (const Instantiation *inst = d.instantiation.get(); inst; inst = inst->parent.get())
    f.backtrace.push_back(inst);
  auto in_library = [&](llvm::SMLoc loc) {
    return loc.isValid() && is_library_buffer(source_mgr_.FindBufferContainingLoc(loc));
  };
  if (!in_library(d.loc))
    return f;
  auto user_call =
      std::find_if(f.backtrace.begin(), f.backtrace.end(),
                   [&](const Instantiation *inst) { return !in_library(inst->call_site.Start); });
  if (user_call == f.backtrace.end())
    return f;
  const Instantiation &call = **user_call;
  f.loc = call.call_site.Start;
  f.ranges = {call.call_site};
  f.notes.insert(
      f.notes.begin(),
      Note{d.loc, fmt::format("in '{}': {}", f.backtrace.front()->block, d.message), d.ranges});
  // The call is the headline's place now; a repeat's iteration still deserves its note.
  if (call.repeat_count == 0)
    f.backtrace.erase(user_call);
  return f;
}

bool DiagnosticEngine::allowed_on_line(llvm::SMLoc loc, std::string_view rule) const {
  unsigned buffer = loc.isValid() ? source_mgr_.FindBufferContainingLoc(loc) : 0;
  return buffer != 0 && suppressions_.allows(buffer, source_mgr_.FindLineNumber(loc, buffer), rule);
}

RuleLevel DiagnosticEngine::level_of(const Diagnostic &d) const {
  RuleLevel level = config_.level_of(d.rule);
  const Rule *rule = find_rule(d.rule);
  if (level == RuleLevel::Off || suppressions_.empty() || !rule ||
      rule->default_level != RuleLevel::Warning)
    return level;
  // The warning's own line (in a block body: every call's), or the user's line it is shown at.
  if (allowed_on_line(d.loc, d.rule))
    return RuleLevel::Off;
  llvm::SMLoc shown = present(d, Severity::Warning).loc;
  return shown != d.loc && allowed_on_line(shown, d.rule) ? RuleLevel::Off : level;
}

std::vector<FoldedDiagnostic> DiagnosticEngine::fold() const {
  std::vector<FoldedDiagnostic> groups;
  std::map<std::string, size_t> group_of;
  for (const Diagnostic &d : pending_) {
    Severity severity = d.severity;
    if (severity != Severity::Note) {
      switch (level_of(d)) {
      case RuleLevel::Off:
        continue;
      case RuleLevel::Warning:
        severity = Severity::Warning;
        break;
      case RuleLevel::Error:
        severity = Severity::Error;
        break;
      }
    }
    FoldedDiagnostic folded = present(d, severity);
    auto [it, inserted] = group_of.try_emplace(fold_key(folded), groups.size());
    if (inserted)
      groups.push_back(std::move(folded));
    else
      ++groups[it->second].more_instantiations;
  }
  return groups;
}

std::string FoldedDiagnostic::headline() const {
  // Like clang, a warning names the flag that controls it.
  if (severity == Severity::Warning || diagnostic->severity == Severity::Warning)
    return fmt::format("{} [-W{}{}]", diagnostic->message,
                       severity == Severity::Error ? "error=" : "", diagnostic->rule);
  return diagnostic->message;
}

std::vector<Note> FoldedDiagnostic::all_notes() const {
  std::vector<Note> notes = this->notes;
  const std::vector<const Instantiation *> &chain = backtrace;
  for (size_t i = 0; i < chain.size(); ++i) {
    // Like clang's template backtrace: the innermost and outermost calls, not hundreds.
    if (chain.size() > kMaxBacktrace && i == kBacktraceHead) {
      size_t skipped = chain.size() - kMaxBacktrace;
      notes.push_back(
          {llvm::SMLoc(), fmt::format("(skipping {} block calls in the backtrace)", skipped)});
      i += skipped - 1;
      continue;
    }
    const Instantiation &inst = *chain[i];
    std::string text = describe_instantiation(inst);
    if (i == 0 && more_instantiations > 0)
      text += fmt::format(" (and {} more instantiation{})", more_instantiations,
                          more_instantiations == 1 ? "" : "s");
    notes.push_back({inst.call_site.Start, text, {inst.call_site}});
  }
  return notes;
}

DiagnosticCounts DiagnosticEngine::flush(llvm::raw_ostream &os, bool colors) {
  DiagnosticCounts counts;
  for (const FoldedDiagnostic &folded : fold()) {
    counts.errors += folded.severity == Severity::Error;
    counts.warnings += folded.severity == Severity::Warning;
    print_source_message(source_mgr_, os, folded.loc, kind_of(folded.severity), folded.headline(),
                         folded.ranges, colors);
    for (const Note &note : folded.all_notes()) {
      if (note.loc.isValid())
        print_source_message(source_mgr_, os, note.loc, llvm::SourceMgr::DK_Note, note.message,
                             note.ranges, colors);
      else
        os << "note: " << without_control_characters(note.message) << "\n";
    }
  }
  if (limit_reached_)
    print_error_limit_reached(os, colors);
  clear();
  return counts;
}

void print_error_limit_reached(llvm::raw_ostream &os, bool colors) {
  llvm::ColorMode mode = colors ? llvm::ColorMode::Auto : llvm::ColorMode::Disable;
  llvm::WithColor(os, llvm::raw_ostream::RED, /*Bold=*/true, /*BG=*/false, mode) << "fatal error: ";
  os << "too many errors emitted, stopping now [-ferror-limit=]\n";
}

std::string describe_instantiation(const Instantiation &inst) {
  if (inst.repeat_count > 0)
    return fmt::format("in repeat {} of {} of '{}', called here", inst.repeat_index,
                       inst.repeat_count, inst.block);
  return fmt::format("in '{}', called here", inst.block);
}

std::string describe_location(const llvm::SourceMgr &source_mgr, llvm::SMLoc loc) {
  unsigned buffer = source_mgr.FindBufferContainingLoc(loc);
  if (buffer == 0)
    return "<unknown>";
  auto [line, col] = source_mgr.getLineAndColumn(loc, buffer);
  return fmt::format("{}:{}:{}", source_mgr.getMemoryBuffer(buffer)->getBufferIdentifier().str(),
                     line, col);
}

} // namespace netc
