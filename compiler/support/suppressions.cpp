#include "support/suppressions.h"

#include "support/diagnostics.h"
#include "support/rules.h"
#include "support/spelling.h"

#include <fmt/format.h>

#include <cctype>

namespace netc {

namespace {

constexpr llvm::StringRef kPrefix = "netc:";
constexpr llvm::StringRef kAllow = "allow";

bool is_rule_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

} // namespace

std::optional<AllowDirective> parse_allow_directive(llvm::StringRef comment) {
  size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < comment.size() && (comment[pos] == ' ' || comment[pos] == '\t'))
      ++pos;
  };
  skip_spaces();
  if (!comment.substr(pos).startswith(kPrefix))
    return std::nullopt;
  pos += kPrefix.size();
  skip_spaces();
  // Comments that quote netc ("# netc: expected shape ...") are prose, not directives.
  if (!comment.substr(pos).startswith(kAllow) ||
      (pos + kAllow.size() < comment.size() && is_rule_char(comment[pos + kAllow.size()])))
    return std::nullopt;
  pos += kAllow.size();
  AllowDirective directive;
  auto fail = [&](std::string message) {
    directive.rules.clear();
    directive.problem = std::move(message);
    directive.problem_offset = pos;
    return directive;
  };
  skip_spaces();
  if (pos >= comment.size() || comment[pos] != '(')
    return fail("expected '(' after 'netc: allow'");
  ++pos;
  for (;;) {
    skip_spaces();
    size_t start = pos;
    while (pos < comment.size() && is_rule_char(comment[pos]))
      ++pos;
    if (pos == start)
      return fail("expected a rule id in 'netc: allow(...)'");
    directive.rules.push_back({comment.slice(start, pos), start});
    skip_spaces();
    if (pos < comment.size() && comment[pos] == ',') {
      ++pos;
      continue;
    }
    if (pos < comment.size() && comment[pos] == ')')
      return directive;
    return fail("expected ',' or ')' after a rule id in 'netc: allow(...)'");
  }
}

void read_allow_comment(llvm::StringRef comment, DiagnosticEngine &diags) {
  std::optional<AllowDirective> directive = parse_allow_directive(comment);
  if (!directive)
    return;
  auto warn = [&](size_t offset, size_t length, std::string message) {
    Diagnostic d;
    d.severity = Severity::Warning;
    d.rule = rules::kInvalidSuppression;
    d.loc = llvm::SMLoc::getFromPointer(comment.data() + offset);
    if (length > 0)
      d.ranges.push_back({d.loc, llvm::SMLoc::getFromPointer(comment.data() + offset + length)});
    d.message = std::move(message);
    diags.report(std::move(d));
  };
  if (directive->problem) {
    warn(directive->problem_offset, 0, *directive->problem);
    return;
  }
  llvm::SourceMgr &source_mgr = diags.source_mgr();
  llvm::SMLoc here = llvm::SMLoc::getFromPointer(comment.data());
  unsigned buffer = source_mgr.FindBufferContainingLoc(here);
  for (const AllowDirective::RuleRef &ref : directive->rules) {
    const Rule *rule = find_rule(ref.id);
    if (!rule) {
      std::vector<std::string> ids;
      for (const Rule &r : all_rules())
        ids.emplace_back(r.id);
      std::string hint = closest(ref.id, ids);
      warn(ref.offset, ref.id.size(),
           fmt::format("unknown rule '{}' in 'netc: allow'{}", ref.id.str(),
                       hint.empty() ? " (netc rules lists them)"
                                    : fmt::format("; did you mean '{}'?", hint)));
      continue;
    }
    if (rule->default_level == RuleLevel::Error) {
      warn(ref.offset, ref.id.size(),
           fmt::format("'{}' is an error and cannot be silenced; 'netc: allow' silences warnings",
                       ref.id.str()));
      continue;
    }
    if (buffer != 0)
      diags.suppressions().allow(buffer, source_mgr.FindLineNumber(here, buffer), rule->id);
  }
}

} // namespace netc
