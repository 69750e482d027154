// The front end as one call: read a file and its imports, elaborate its networks and run the
// check pipeline. Shared by every `netc` subcommand.
#pragma once

#include "config/netc_config.h"
#include "elaborate/elaborator.h"
#include "elaborate/program.h"
#include "ir/graph.h"
#include "passes/pipeline.h"

#include <llvm/Support/SourceMgr.h>

#include <memory>
#include <string>
#include <vector>

namespace netc {

struct CompileOptions {
  LoadOptions load;
  ElaborateOptions elaborate;
  PipelineOptions pipeline;
  std::string network;                       // only this network of the file; empty: all
  RuleConfig rules;                          // from the command line; on top of .netc.yaml's
  bool read_config = true;                   // look for .netc.yaml beside the file and above
  unsigned error_limit = kDefaultErrorLimit; // errors printed before stopping; 0: no limit
};

struct CompiledFile {
  std::unique_ptr<llvm::SourceMgr> source_mgr = std::make_unique<llvm::SourceMgr>();
  std::unique_ptr<DiagnosticEngine> diags = std::make_unique<DiagnosticEngine>(*source_mgr);
  NetcConfig config; // the .netc.yaml that applies (path empty if none)
  Program program;
  std::vector<Graph> graphs;
  bool readable = true; // false if the file itself could not be read (already reported)
};

// Diagnostics stay in result.diags until flushed.
CompiledFile compile_file(const std::string &path, const CompileOptions &options);
// The same for text in memory (tests and the fuzzer).
CompiledFile compile_buffer(llvm::StringRef text, llvm::StringRef name,
                            const CompileOptions &options);

} // namespace netc
