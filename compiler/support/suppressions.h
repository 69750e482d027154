// Per-line warning suppressions: a comment `# netc: allow(<rule>, ...)` silences the warnings of
// those rules whose place is on the comment's line, as clang-tidy's `// NOLINT(check)`. A warning
// inside a block body is silenced by a comment on its line in the block, at every call; one inside
// a library block (netc's own dsl/) also by a comment on the user's line it is shown at. Errors are
// never silenced; a warning that --werror or -Werror=<id> makes an error is, like the warning.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace netc {

class DiagnosticEngine;

// A comment's text (after '#') read as a directive.
struct AllowDirective {
  struct RuleRef {
    llvm::StringRef id;
    size_t offset; // in the comment
  };
  std::vector<RuleRef> rules;
  // Set when the comment starts with "netc: allow" but is not "netc: allow(<rule>, ...)".
  std::optional<std::string> problem;
  size_t problem_offset = 0;
};

// Nullopt for an ordinary comment: one whose text, spaces skipped, does not start with the words
// "netc: allow" (comments that quote netc's messages start "netc:" too). Text after the closing
// ')' is free (a reason).
std::optional<AllowDirective> parse_allow_directive(llvm::StringRef comment);

// The lines each rule is allowed on, by source buffer and line number.
class LineSuppressions {
public:
  void allow(unsigned buffer, unsigned line, std::string_view rule) {
    allowed_.insert({buffer, line, std::string(rule)});
  }
  bool allows(unsigned buffer, unsigned line, std::string_view rule) const {
    return allowed_.count({buffer, line, std::string(rule)}) != 0;
  }
  bool empty() const { return allowed_.empty(); }

private:
  std::set<std::tuple<unsigned, unsigned, std::string>> allowed_;
};

// Reads one comment (the text after '#', a slice of a buffer of the engine's SourceMgr): records
// the warning rules a directive allows on its line, and warns (invalid-suppression) about a
// malformed directive, an unknown rule (with a did-you-mean) or an error rule.
void read_allow_comment(llvm::StringRef comment, DiagnosticEngine &diags);

} // namespace netc
