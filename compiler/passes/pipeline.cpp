#include "passes/pipeline.h"

#include "ir/printer.h"
#include "passes/dropped_pixels.h"
#include "passes/verify_graph.h"

#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

#include <chrono>

namespace netc {

namespace {

struct PassEntry {
  const char *name;
  PassFn run;
};

// Read top to bottom. Order matters where a comment says so.
const PassEntry kCheckPipeline[] = {
    // The elaborator built the graph and inferred its types as it went (blocks may read their
    // inputs' sizes); make sure it is well formed before anything reads it.
    {"verify-graph", verify_graph},
    // Warnings that need shapes.
    {"check-dropped-pixels", check_dropped_pixels},
};

template <size_t N>
Graph run_passes(const PassEntry (&passes)[N], Graph graph, PassContext &context,
                 const PipelineOptions &options) {
  for (const PassEntry &pass : passes) {
    auto start = std::chrono::steady_clock::now();
    graph = pass.run(std::move(graph), context);
    if (options.time_passes) {
      std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
      llvm::errs() << fmt::format("pass {:<16} {:8.3f} ms\n", pass.name, took.count());
    }
    if (options.print_after_all) {
      llvm::errs() << "// after " << pass.name << "\n";
      print_graph(graph, llvm::errs());
    }
  }
  return graph;
}

} // namespace

Graph run_check_pipeline(Graph graph, PassContext &context, const PipelineOptions &options) {
  return run_passes(kCheckPipeline, std::move(graph), context, options);
}

} // namespace netc
