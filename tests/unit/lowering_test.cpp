// The lowering passes on every zoo network: what they guarantee the emitters, checked as
// invariants (no two live values share bytes, every kernel reads values already written, concats
// gone, sizes consistent), plus the fusions counted on networks whose structure is known.
#include "lower/lowering_pipeline.h"
#include "support.h"
#include "support/resource_dirs.h"

#include <doctest/doctest.h>

#include <llvm/Support/Path.h>

#include <filesystem>

using namespace netc;

namespace {

std::vector<KernelList> lower_zoo_file(const std::string &name, int64_t batch = 1) {
  CompileOptions options;
  options.elaborate.batch = batch;
  std::string path = dsl_library_dir() + "/zoo/" + name + ".netc";
  CompiledFile file = compile_file(path, options);
  REQUIRE_FALSE(file.diags->has_errors());
  LoweringSource source{*file.source_mgr, file.program.main().buffer_id, path};
  std::vector<KernelList> lists;
  for (const Graph &g : file.graphs)
    lists.push_back(lower_graph(g, source));
  return lists;
}

struct Interval {
  int first = INT32_MAX;
  int last = -1;
};

// Floats [begin, end) of a value's elements within its root, sample 0 to the last sample.
std::pair<int64_t, int64_t> extent(const KernelList &list, ValueId v) {
  const KernelValue &root = list.values[list.root_of(v)];
  const TensorType &t = list.values[v].type;
  int64_t per_sample = *t.num_elements() / t.n();
  int64_t begin =
      list.channel_offset_in_root(v) * (root.type.is_spatial() ? root.type.h() * root.type.w() : 1);
  int64_t end = begin + (t.n() - 1) * list.batch_stride(v) + per_sample;
  return {root.offset + begin, root.offset + end};
}

void check_invariants(const KernelList &list) {
  CAPTURE(list.network);
  std::vector<Interval> life(list.values.size());
  std::vector<bool> written(list.values.size(), false);
  for (const NamedValue &in : list.inputs)
    written[in.value] = true;
  for (int i = 0; i < int(list.kernels.size()); ++i) {
    const Kernel &k = list.kernels[i];
    CAPTURE(k.name);
    CHECK(k.kind != KernelKind::Concat);
    std::vector<ValueId> reads = k.inputs;
    if (k.residual)
      reads.push_back(*k.residual);
    for (ValueId in : reads) {
      // A view is written when its root's producers have run; checked through the root.
      bool ready = written[in] || written[list.root_of(in)];
      for (ValueId v = 0; v < list.values.size() && !ready; ++v)
        ready = written[v] && list.root_of(v) == list.root_of(in);
      CHECK(ready);
    }
    written[k.output] = true;
    for (ValueId v : reads) {
      Interval &l = life[list.root_of(v)];
      l.first = std::min(l.first, i);
      l.last = std::max(l.last, i);
    }
    Interval &l = life[list.root_of(k.output)];
    l.first = std::min(l.first, i);
    l.last = std::max(l.last, i);
    // A kernel never writes over what it reads (residuals excepted, which may alias on purpose).
    for (ValueId in : k.inputs)
      if (list.values[list.root_of(in)].space == list.values[list.root_of(k.output)].space &&
          list.values[list.root_of(in)].space == Space::Arena) {
        auto [a0, a1] = extent(list, in);
        auto [b0, b1] = extent(list, k.output);
        CHECK((a1 <= b0 || b1 <= a0));
      }
  }
  for (const NamedValue &out : list.outputs) {
    CHECK(list.values[out.value].space == Space::Output);
    CHECK(written[out.value]);
  }
  // No two arena roots alive at once share a float.
  std::vector<ValueId> roots;
  for (ValueId v = 0; v < list.values.size(); ++v)
    if (!list.values[v].view_of && list.values[v].space == Space::Arena && life[v].last >= 0)
      roots.push_back(v);
  for (size_t i = 0; i < roots.size(); ++i) {
    const KernelValue &a = list.values[roots[i]];
    int64_t a_end = a.offset + *a.type.num_elements();
    CHECK(a_end <= list.arena_floats);
    CHECK(a.offset % 16 == 0);
    for (size_t j = i + 1; j < roots.size(); ++j) {
      const KernelValue &b = list.values[roots[j]];
      const Interval &la = life[roots[i]], &lb = life[roots[j]];
      if (la.last < lb.first || lb.last < la.first)
        continue;
      int64_t b_end = b.offset + *b.type.num_elements();
      INFO(a.name, " and ", b.name, " are alive together");
      CHECK((a_end <= b.offset || b_end <= a.offset));
    }
  }
}

int count_fused(const KernelList &list, const std::string &what) {
  int n = 0;
  for (const Kernel &k : list.kernels)
    n += int(std::count(k.fused.begin(), k.fused.end(), what));
  return n;
}

int count_kind(const KernelList &list, KernelKind kind) {
  return int(std::count_if(list.kernels.begin(), list.kernels.end(),
                           [&](const Kernel &k) { return k.kind == kind; }));
}

} // namespace

TEST_CASE("every zoo network lowers to a kernel list that keeps the invariants") {
  for (const auto &entry : std::filesystem::directory_iterator(dsl_library_dir() + "/zoo")) {
    std::string name = entry.path().stem().string();
    CAPTURE(name);
    for (int64_t batch : {1, 3})
      for (const KernelList &list : lower_zoo_file(name, batch))
        check_invariants(list);
  }
}

TEST_CASE("ResNet-50: every batch norm, residual add and relu disappears into a convolution") {
  KernelList list = lower_zoo_file("resnet50").at(0);
  CHECK(count_fused(list, "batchnorm") == 53);
  CHECK(count_fused(list, "add") == 16);
  CHECK(count_kind(list, KernelKind::Binary) == 0);
  CHECK(count_kind(list, KernelKind::Unary) == 0);
  CHECK(count_kind(list, KernelKind::ConvDirect) + count_kind(list, KernelKind::Conv1x1) == 53);
}

TEST_CASE("Inception-ResNet-v2: the residual scale and add fold into the up-projection") {
  KernelList list = lower_zoo_file("inception_resnet_v2").at(0);
  CHECK(count_fused(list, "add") == 40);
  CHECK(count_fused(list, "scale 0.17") == 10);
  CHECK(count_fused(list, "scale 0.1") == 20);
  CHECK(count_fused(list, "scale 0.2") == 9);
  CHECK(count_kind(list, KernelKind::Unary) == 0);
  // Every concat branch is computed in place: no copies.
  CHECK(count_kind(list, KernelKind::Copy) == 0);
}

TEST_CASE("the arena is smaller than the sum of all activations by far") {
  for (const char *name : {"inception_v4", "resnet50", "vgg16"}) {
    CAPTURE(name);
    KernelList list = lower_zoo_file(name).at(0);
    int64_t all = 0;
    for (const KernelValue &v : list.values)
      if (!v.view_of && v.space == Space::Arena)
        all += *v.type.num_elements();
    CHECK(list.arena_floats * 4 < all);
  }
}
