#include "support/suppressions.h"

#include "support/diagnostics.h"
#include "syntax/lexer.h"

#include <doctest/doctest.h>

#include <llvm/Support/MemoryBuffer.h>

using namespace netc;

namespace {

std::vector<std::string> ids(const AllowDirective &d) {
  std::vector<std::string> out;
  for (const AllowDirective::RuleRef &r : d.rules)
    out.push_back(r.id.str());
  return out;
}

} // namespace

TEST_CASE("an ordinary comment is no directive") {
  CHECK_FALSE(parse_allow_directive(" a comment").has_value());
  CHECK_FALSE(parse_allow_directive(" see netc: allow(dropped-pixels)").has_value());
  CHECK_FALSE(parse_allow_directive("").has_value());
  // Comments that quote netc's output are prose.
  CHECK_FALSE(parse_allow_directive(" netc: expected shape [64, 112, 112]").has_value());
  CHECK_FALSE(parse_allow_directive(" netc: allowed(dropped-pixels)").has_value());
}

TEST_CASE("netc: allow reads rule ids separated by commas, spaces and a reason free") {
  std::optional<AllowDirective> d = parse_allow_directive(" netc: allow(dropped-pixels)");
  REQUIRE(d.has_value());
  CHECK_FALSE(d->problem.has_value());
  CHECK(ids(*d) == std::vector<std::string>{"dropped-pixels"});
  CHECK(d->rules[0].offset == 13);

  d = parse_allow_directive("netc:allow( unused-value ,dropped-pixels ) torchvision's stem");
  REQUIRE(d.has_value());
  CHECK_FALSE(d->problem.has_value());
  CHECK(ids(*d) == std::vector<std::string>{"unused-value", "dropped-pixels"});
  CHECK(d->rules[1].offset == 26);
}

TEST_CASE("a malformed netc: directive says what is missing, where") {
  auto problem = [](const char *text) {
    std::optional<AllowDirective> d = parse_allow_directive(text);
    REQUIRE(d.has_value());
    REQUIRE(d->problem.has_value());
    CHECK(d->rules.empty());
    return std::make_pair(*d->problem, d->problem_offset);
  };
  CHECK(problem(" netc: allow dropped-pixels") ==
        std::make_pair(std::string("expected '(' after 'netc: allow'"), size_t(13)));
  CHECK(problem(" netc: allow()") ==
        std::make_pair(std::string("expected a rule id in 'netc: allow(...)'"), size_t(13)));
  CHECK(problem(" netc: allow(a,)") ==
        std::make_pair(std::string("expected a rule id in 'netc: allow(...)'"), size_t(15)));
  CHECK(problem(" netc: allow(a b)") ==
        std::make_pair(std::string("expected ',' or ')' after a rule id in 'netc: allow(...)'"),
                       size_t(15)));
}

TEST_CASE("the lexer records a directive's warning rules on its line, and no error rule") {
  llvm::SourceMgr sm;
  DiagnosticEngine diags{sm};
  sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(
                            "x\ny # netc: allow(dropped-pixels, syntax)\n", "t.netc"),
                        llvm::SMLoc());
  lex(sm.getMemoryBuffer(1)->getBuffer(), diags);
  CHECK(diags.suppressions().allows(1, 2, "dropped-pixels"));
  CHECK_FALSE(diags.suppressions().allows(1, 1, "dropped-pixels"));
  CHECK_FALSE(diags.suppressions().allows(1, 2, "syntax"));
  std::string text;
  llvm::raw_string_ostream os(text);
  DiagnosticCounts counts = diags.flush(os);
  CHECK(counts.warnings == 1);
  CHECK(text.find("t.netc:2:33: warning: 'syntax' is an error and cannot be silenced") !=
        std::string::npos);
}
