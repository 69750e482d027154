#include "support/diagnostics.h"
#include "support/instantiation.h"

#include <doctest/doctest.h>

#include <llvm/Support/MemoryBuffer.h>

using namespace netc;

TEST_CASE("identical diagnostics from several instantiations fold into one") {
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy("abc\ncall\n", "d.netc"),
                        llvm::SMLoc());
  const char *start = sm.getMemoryBuffer(1)->getBufferStart();
  DiagnosticEngine diags(sm);
  for (int i = 1; i <= 3; ++i) {
    auto inst = std::make_shared<Instantiation>();
    inst->block = "blk";
    inst->call_site = {llvm::SMLoc::getFromPointer(start + 4),
                       llvm::SMLoc::getFromPointer(start + 8)};
    inst->repeat_index = i;
    inst->repeat_count = 3;
    Diagnostic d;
    d.loc = llvm::SMLoc::getFromPointer(start + 1);
    d.message = "bad";
    d.instantiation = inst;
    diags.report(d);
  }
  diags.error(rules::kSyntax, llvm::SMLoc::getFromPointer(start), "other");
  CHECK(diags.error_count() == 4);
  std::string out;
  llvm::raw_string_ostream os(out);
  CHECK(diags.flush(os).errors == 2);
  os.flush();
  CHECK(out.find("d.netc:1:2: error: bad") != std::string::npos);
  CHECK(out.find("d.netc:2:1: note: in repeat 1 of 3 of 'blk', called here (and 2 more "
                 "instantiations)") != std::string::npos);
  CHECK(out.find("d.netc:1:1: error: other") != std::string::npos);
  // Printed in the order first raised.
  CHECK(out.find("error: bad") < out.find("error: other"));
}

TEST_CASE("rule levels: warnings name their flag, can be turned off or into errors") {
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy("block f(x, y) {}\n", "w.netc"),
                        llvm::SMLoc());
  const char *start = sm.getMemoryBuffer(1)->getBufferStart();
  auto run = [&](RuleConfig config) {
    DiagnosticEngine diags(sm);
    diags.set_rule_config(config);
    Diagnostic d;
    d.severity = Severity::Warning;
    d.rule = rules::kUnusedParameter;
    d.loc = llvm::SMLoc::getFromPointer(start + 11);
    d.message = "parameter 'y' is never used";
    diags.report(d);
    std::string out;
    llvm::raw_string_ostream os(out);
    unsigned errors = diags.flush(os).errors;
    os.flush();
    return std::pair{errors, out};
  };
  auto [errors, text] = run({});
  CHECK(errors == 0);
  CHECK(text.find("w.netc:1:12: warning: parameter 'y' is never used [-Wunused-parameter]") !=
        std::string::npos);

  RuleConfig werror;
  CHECK_FALSE(werror.apply_flag("error"));
  std::tie(errors, text) = run(werror);
  CHECK(errors == 1);
  CHECK(text.find("error: parameter 'y' is never used [-Werror=unused-parameter]") !=
        std::string::npos);

  RuleConfig off;
  CHECK_FALSE(off.apply_flag("no-unused-parameter"));
  std::tie(errors, text) = run(off);
  CHECK(text.empty());

  RuleConfig bad;
  CHECK(bad.apply_flag("no-operand-mismatch") ==
        std::optional<std::string>("'operand-mismatch' is an error and cannot be turned off or "
                                   "into a warning"));
  CHECK(bad.apply_flag("error=no-such-rule") ==
        std::optional<std::string>("unknown rule 'no-such-rule' (netc rules lists them)"));
}

TEST_CASE("a mistake inside a library block is shown at the user's call") {
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy("x = lib_block(y)\n", "user.netc"),
                        llvm::SMLoc());
  sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy("bad line\nlib_inner()\n", "lib.netc"),
                        llvm::SMLoc());
  const char *user = sm.getMemoryBuffer(1)->getBufferStart();
  const char *lib = sm.getMemoryBuffer(2)->getBufferStart();
  auto at = [](const char *p) { return llvm::SMLoc::getFromPointer(p); };
  DiagnosticEngine diags(sm);
  diags.mark_library_buffer(2);

  // user.netc calls lib_block, whose body (in lib.netc) calls lib_inner, where the mistake is.
  auto outer = std::make_shared<Instantiation>();
  outer->block = "lib_block";
  outer->call_site = {at(user + 4), at(user + 16)};
  auto inner = std::make_shared<Instantiation>();
  inner->block = "lib_inner";
  inner->call_site = {at(lib + 9), at(lib + 20)};
  inner->parent = outer;
  Diagnostic d;
  d.loc = at(lib);
  d.ranges = {{at(lib), at(lib + 3)}};
  d.message = "bad";
  d.instantiation = inner;
  diags.report(d);

  std::vector<FoldedDiagnostic> folded = diags.fold();
  REQUIRE(folded.size() == 1);
  CHECK(folded[0].loc == at(user + 4));
  std::string out;
  llvm::raw_string_ostream os(out);
  diags.flush(os);
  os.flush();
  CHECK(out.find("user.netc:1:5: error: bad\n") != std::string::npos);
  CHECK(out.find("lib.netc:1:1: note: in 'lib_inner': bad\n") != std::string::npos);
  CHECK(out.find("lib.netc:2:1: note: in 'lib_inner', called here\n") != std::string::npos);
  // The user's call is the error's place now, not a note.
  CHECK(out.find("note: in 'lib_block'") == std::string::npos);
}
