// libFuzzer target over .netc.yaml parsing: any text must give located errors or a config,
// never a crash or a hang. Build and run: docs/fuzzing.md.
#include "config/netc_config.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr source_mgr;
  netc::DiagnosticEngine diags(source_mgr);
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  netc::parse_config(text, ".netc.yaml", diags);
  std::string sink;
  llvm::raw_string_ostream os(sink);
  diags.flush(os);
  return 0;
}
