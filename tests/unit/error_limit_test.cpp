#include "support/diagnostics.h"
#include "support/instantiation.h"

#include <doctest/doctest.h>

#include <llvm/Support/MemoryBuffer.h>

using namespace netc;

namespace {

struct Source {
  llvm::SourceMgr sm;
  const char *start;
  explicit Source(llvm::StringRef text) {
    sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "e.netc"), llvm::SMLoc());
    start = sm.getMemoryBuffer(1)->getBufferStart();
  }
  llvm::SMLoc at(size_t offset) const { return llvm::SMLoc::getFromPointer(start + offset); }
};

std::string flushed(DiagnosticEngine &diags) {
  std::string out;
  llvm::raw_string_ostream os(out);
  diags.flush(os);
  return os.str();
}

} // namespace

TEST_CASE("past the error limit, diagnostics are dropped and the fatal line ends the report") {
  Source src("abcdef\n");
  DiagnosticEngine diags(src.sm);
  diags.set_error_limit(2);
  for (size_t i = 0; i < 5; ++i)
    diags.error(rules::kSyntax, src.at(i), "bad " + std::to_string(i));
  CHECK(diags.error_limit_reached());
  CHECK(diags.error_count() == 5); // every error still counts: the exit status stays right
  CHECK(diags.pending().size() == 2);
  std::string out = flushed(diags);
  CHECK(out.find("e.netc:1:2: error: bad 1") != std::string::npos);
  CHECK(out.find("bad 2") == std::string::npos);
  CHECK(llvm::StringRef(out).endswith(
      "fatal error: too many errors emitted, stopping now [-ferror-limit=]\n"));
  CHECK(!diags.error_limit_reached()); // flush starts over
}

TEST_CASE("an error raised by every instantiation of a block counts once toward the limit") {
  Source src("abc\ncall\n");
  DiagnosticEngine diags(src.sm);
  diags.set_error_limit(1);
  for (int i = 1; i <= 4; ++i) {
    auto inst = std::make_shared<Instantiation>();
    inst->block = "blk";
    inst->call_site = {src.at(4), src.at(8)};
    inst->repeat_index = i;
    inst->repeat_count = 4;
    Diagnostic d;
    d.loc = src.at(1);
    d.message = "bad";
    d.instantiation = inst;
    diags.report(d);
  }
  CHECK(!diags.error_limit_reached());
  std::string out = flushed(diags);
  CHECK(out.find("(and 3 more instantiations)") != std::string::npos);
  CHECK(out.find("fatal") == std::string::npos);
}

TEST_CASE("warnings and rules turned off do not count toward the limit; 0 means no limit") {
  Source src("abcdef\n");
  DiagnosticEngine diags(src.sm);
  diags.set_error_limit(1);
  Diagnostic warning;
  warning.severity = Severity::Warning;
  warning.rule = rules::kUnusedValue;
  for (size_t i = 0; i < 3; ++i) {
    warning.loc = src.at(i);
    diags.report(warning);
  }
  diags.error(rules::kSyntax, src.at(4), "the one error");
  CHECK(!diags.error_limit_reached());
  CHECK(diags.pending().size() == 4);
  diags.clear();

  diags.set_error_limit(0);
  for (size_t i = 0; i < 6; ++i)
    diags.error(rules::kSyntax, src.at(i), "bad " + std::to_string(i));
  CHECK(!diags.error_limit_reached());
  CHECK(diags.pending().size() == 6);
}
