#include "ir/instantiation.h"
#include "support/diagnostics.h"

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
    inst->call_site = {llvm::SMLoc::getFromPointer(start + 4), llvm::SMLoc::getFromPointer(start + 8)};
    inst->repeat_index = i;
    inst->repeat_count = 3;
    Diagnostic d;
    d.loc = llvm::SMLoc::getFromPointer(start + 1);
    d.message = "bad";
    d.instantiation = inst;
    diags.report(d);
  }
  diags.error(llvm::SMLoc::getFromPointer(start), "other");
  CHECK(diags.error_count() == 4);
  std::string out;
  llvm::raw_string_ostream os(out);
  CHECK(diags.flush(os) == 2);
  os.flush();
  CHECK(out.find("d.netc:1:2: error: bad") != std::string::npos);
  CHECK(out.find("d.netc:2:1: note: in repeat 1 of 3 of 'blk', called here (and 2 more "
                 "instantiations)") != std::string::npos);
  CHECK(out.find("d.netc:1:1: error: other") != std::string::npos);
  // Printed in the order first raised.
  CHECK(out.find("error: bad") < out.find("error: other"));
}
