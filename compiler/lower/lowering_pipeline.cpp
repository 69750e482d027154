#include "lower/lowering_pipeline.h"

#include "lower/kernel_printer.h"
#include "lower/passes.h"

#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

#include <chrono>

namespace netc {

namespace {

struct LoweringPass {
  const char *name;
  void (*run)(KernelList &);
  // The option that must be set for the pass to run; null: it always runs.
  bool LoweringOptions::*only_if = nullptr;
};

// Read top to bottom; the order matters where a comment says so.
const LoweringPass kLoweringPipeline[] = {
    // Producer-side fusions, innermost first: batch norm, then the constant scale that follows
    // it, then the residual add (before activations: act(conv + residual) needs the add inside),
    // then the activation.
    {"fold-batch-norm", fold_batch_norm},
    {"fold-scale", fold_scale},
    {"fuse-residual-add", fuse_residual_add},
    {"fuse-activation", fuse_activation},
    // Consumer-side: a per-channel product read only by a 1x1 convolution becomes that
    // convolution's input scale (after fuse-activation: a product with an activation stays).
    {"fold-input-scale", fold_input_scale, &LoweringOptions::fold_input_scale},
    {"remove-dead-kernels", remove_dead_kernels},
    // Storage: concat slices, then the caller's output buffers (an output placed in a concat is
    // copied out), then the arena for the rest, then every kernel's strides.
    {"place-concats", place_concats},
    {"bind-outputs", bind_outputs},
    {"plan-memory", plan_memory},
    {"assign-dims", assign_dims},
};

} // namespace

KernelList lower_graph(const Graph &graph, const LoweringSource &source,
                       const LoweringOptions &options) {
  KernelList list = select_kernels(graph, source);
  if (options.print_after_all) {
    llvm::errs() << "// after select-kernels\n";
    print_kernel_list(list, llvm::errs());
  }
  for (const LoweringPass &pass : kLoweringPipeline) {
    if (pass.only_if && !(options.*pass.only_if))
      continue;
    auto start = std::chrono::steady_clock::now();
    pass.run(list);
    if (options.time_passes) {
      std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
      llvm::errs() << fmt::format("pass {:<20} {:8.3f} ms\n", pass.name, took.count());
    }
    if (options.print_after_all) {
      llvm::errs() << "// after " << pass.name << "\n";
      print_kernel_list(list, llvm::errs());
    }
  }
  return list;
}

} // namespace netc
