// libFuzzer target over the whole front end: lexer, parser, imports of the standard library,
// elaboration and shape inference, summary. Any input must give diagnostics, never a crash or a
// hang. Build and run: docs/fuzzing.md.
#include "analysis/summary.h"
#include "frontend/compile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  netc::CompiledFile file = netc::compile_buffer(text, "fuzz.netc", netc::CompileOptions{});
  std::string sink;
  llvm::raw_string_ostream os(sink);
  file.diags->flush(os);
  for (const netc::Graph &graph : file.graphs)
    netc::print_summary_json(netc::summarize(graph), os);
  return 0;
}
