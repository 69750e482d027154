#include "lowered_networks.h"

#include "lower/lowering_pipeline.h"

#include <llvm/Support/raw_ostream.h>

namespace netc {

bool compile_networks(const Invocation &invocation, const std::string &path, CompiledFile &file) {
  file = compile_file(path, invocation.compile);
  if (!file.readable)
    return false;
  if (file.diags->flush(llvm::errs(), invocation.colors).errors != 0)
    return false;
  if (file.graphs.empty()) {
    llvm::errs() << "netc: error: '" << path << "' has no network\n";
    return false;
  }
  return true;
}

std::vector<KernelList> lower_networks(const Invocation &invocation, const Backend &backend,
                                       const std::string &path, const CompiledFile &file) {
  LoweringSource source{*file.source_mgr, file.program.main().buffer_id, path};
  LoweringOptions options;
  options.print_after_all = invocation.compile.pipeline.print_after_all;
  options.time_passes = invocation.compile.pipeline.time_passes;
  options.fold_input_scale = backend.folds_input_scale;
  std::vector<KernelList> lists;
  for (const Graph &graph : file.graphs)
    lists.push_back(lower_graph(graph, source, options));
  return lists;
}

} // namespace netc
