// kernel_macs, the multiply-adds a profile (netc emit --profile) divides a kernel's time by: over a
// network's kernels they add up to `netc summary`'s MACs times the batch, lowering having folded
// batch norms and scales and dropped nothing that computes.
#include "analysis/summary.h"
#include "lower/kernel_macs.h"
#include "lower/lowering_pipeline.h"
#include "support.h"
#include "support/resource_dirs.h"

#include <doctest/doctest.h>

#include <filesystem>

using namespace netc;

namespace {

struct Lowered {
  std::vector<KernelList> lists;
  std::vector<int64_t> summary_macs; // per network, at the batch lowered
};

Lowered lower_zoo(const std::string &name, int64_t batch) {
  CompileOptions options;
  options.elaborate.batch = batch;
  std::string path = dsl_library_dir() + "/zoo/" + name + ".netc";
  CompiledFile file = compile_file(path, options);
  REQUIRE_FALSE(file.diags->has_errors());
  LoweringSource source{*file.source_mgr, file.program.main().buffer_id, path};
  Lowered lowered;
  for (const Graph &g : file.graphs) {
    lowered.lists.push_back(lower_graph(g, source));
    lowered.summary_macs.push_back(summarize(g).macs);
  }
  return lowered;
}

int64_t sum_of_kernel_macs(const KernelList &list) {
  int64_t sum = 0;
  for (const Kernel &k : list.kernels)
    sum += kernel_macs(k);
  return sum;
}

} // namespace

TEST_CASE("kernel_macs: LeNet-5's kernels do its 416,520 multiply-adds per image") {
  // The figure is the one dsl/zoo/lenet5.netc's comment derives layer by layer.
  for (int64_t batch : {1, 3}) {
    CAPTURE(batch);
    KernelList list = lower_zoo("lenet5", batch).lists.at(0);
    CHECK(sum_of_kernel_macs(list) == 416520 * batch);
    for (const Kernel &k : list.kernels) {
      CAPTURE(k.name);
      if (k.name == "c1")
        CHECK(kernel_macs(k) == 6 * 28 * 28 * 25 * batch);
      if (k.name == "s2")
        CHECK(kernel_macs(k) == 0);
      if (k.name == "f6")
        CHECK(kernel_macs(k) == 84 * 120 * batch);
    }
  }
}

TEST_CASE("kernel_macs: every zoo network's kernels add up to netc summary's MACs") {
  for (const auto &entry : std::filesystem::directory_iterator(dsl_library_dir() + "/zoo")) {
    std::string name = entry.path().stem().string();
    CAPTURE(name);
    Lowered lowered = lower_zoo(name, 2);
    for (size_t i = 0; i < lowered.lists.size(); ++i) {
      CAPTURE(lowered.lists[i].network);
      CHECK(sum_of_kernel_macs(lowered.lists[i]) == lowered.summary_macs[i]);
    }
  }
}
