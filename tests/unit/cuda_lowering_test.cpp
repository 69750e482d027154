// The CUDA backend's launches checked on the CPU, for every zoo network and every precision: the
// plan the emitter prints (backends/cuda/cuda_launch_plan.h), enumerated block by block and
// thread by thread with the ownership functions the kernels themselves use
// (runtime/netc/cuda/launch.hpp), must write every output element exactly once and stay within
// sm_80's limits. Large networks run at a reduced input size, as in tests/backend/: coverage
// depends on the arithmetic of tiles and edges, not on the size, and the full sizes would take
// minutes.
#include "cuda/cuda_emitter.h"
#include "cuda/cuda_launch_plan.h"
#include "frontend/compile.h"
#include "lower/lowering_pipeline.h"
#include "support/resource_dirs.h"

#include <netc/error.hpp>

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

using namespace netc;

namespace {

struct Case {
  std::string file; // a zoo name, or a path from the repository's root
  std::string network;
  int64_t input_size; // 0: declared
  int64_t batch;
};

// The sizes of tests/backend/check_backend.py's default suite; lenet5 at batch 16 and alexnet at
// batch 9 take the linear layers past kLinearGemvMaxBatch, onto the GEMM.
const Case kCases[] = {
    {"lenet5", "lenet5", 0, 1},
    {"lenet5", "lenet5", 0, 16},
    {"alexnet", "alexnet", 99, 9},
    {"vgg16", "vgg16", 64, 1},
    {"vgg19", "vgg19", 48, 1},
    {"googlenet", "googlenet", 96, 1},
    {"googlenet", "googlenet_aux", 0, 1},
    {"inception_v3", "inception_v3", 107, 1},
    {"inception_v3", "inception_v3_aux", 0, 1},
    {"inception_v4", "inception_v4", 107, 2},
    {"inception_resnet_v1", "inception_resnet_v1", 107, 1},
    {"inception_resnet_v2", "inception_resnet_v2", 107, 1},
    {"xception", "xception", 99, 1},
    {"resnet50", "resnet50", 96, 2},
    {"resnext50_32x4d", "resnext50_32x4d", 96, 1},
    {"tests/backend/ops.netc", "every_op", 0, 2},
};

KernelList lower_case(const Case &c) {
  CompileOptions options;
  options.elaborate.batch = c.batch;
  if (c.input_size) {
    options.elaborate.input_hw = std::pair{c.input_size, c.input_size};
    options.elaborate.check_expects = false;
  }
  options.network = c.network;
  std::string path = c.file.find('/') != std::string::npos
                         ? std::string(NETC_SOURCE_DIR) + "/" + c.file
                         : dsl_library_dir() + "/zoo/" + c.file + ".netc";
  CompiledFile file = compile_file(path, options);
  REQUIRE_FALSE(file.diags->has_errors());
  REQUIRE(file.graphs.size() == 1);
  LoweringSource source{*file.source_mgr, file.program.main().buffer_id, path};
  return lower_graph(file.graphs[0], source);
}

// How many times each element of an output was written, NCHW-indexed.
class WriteCounts {
public:
  explicit WriteCounts(const Dims &d) : d_(d), counts_(size_t(d.n) * d.c * d.h * d.w, 0) {}

  void write(int n, int c, int y, int x) {
    if (n < 0 || n >= d_.n || c < 0 || c >= d_.c || y < 0 || y >= d_.h || x < 0 || x >= d_.w) {
      ++out_of_range_;
      return;
    }
    uint8_t &count = counts_[((size_t(n) * d_.c + c) * d_.h + y) * d_.w + x];
    count = uint8_t(std::min(count + 1, 2));
  }

  // "" when every element was written once; else what went wrong, with the first element.
  std::string problem() const {
    if (out_of_range_)
      return fmt::format("{} writes outside the output", out_of_range_);
    for (size_t i = 0; i < counts_.size(); ++i)
      if (counts_[i] != 1) {
        size_t x = i % d_.w, y = i / d_.w % d_.h, c = i / (size_t(d_.w) * d_.h) % d_.c,
               n = i / (size_t(d_.w) * d_.h * d_.c);
        return fmt::format("element (n {}, c {}, y {}, x {}) written {} times", n, c, y, x,
                           counts_[i] == 2 ? "2 or more" : "0");
      }
    return "";
  }

private:
  Dims d_;
  std::vector<uint8_t> counts_;
  size_t out_of_range_ = 0;
};

// The output a launch writes, in Dims terms (features as [N, F, 1, 1]).
Dims output_dims(const KernelList &list, const CudaPlan &plan, const CudaLaunch &l) {
  if (l.kernel < 0)
    return plan.conversions[l.conversion].dims;
  return std::visit([](const auto &p) { return p.out; }, list.kernels[l.kernel].params);
}

// Calls visit(n, c, y, x) for each element thread (tx, ty, tz) of block (bx, by, bz) writes.
template <class Visit>
void for_each_output(const KernelList &list, const CudaPlan &plan, const CudaLaunch &l, int bx,
                     int by, int bz, int tx, int ty, int tz, Visit &&visit) {
  if (l.kernel < 0) {
    const LayoutConversion &c = plan.conversions[l.conversion];
    if (c.to_nhwc)
      cuda::for_each_output_elementwise(c.dims, bx, tx, visit);
    else
      cuda::for_each_output_nhwc_to_nchw(c.dims, bx, tx, visit);
    return;
  }
  std::visit(
      [&](const auto &p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, ConvParams>)
          cuda::for_each_output_conv(p, plan.precision, bx, by, bz, tx, ty, tz, visit);
        else if constexpr (std::is_same_v<P, LinearParams>)
          cuda::for_each_output_linear(p, plan.precision, bx, by, bz, tx, ty, tz, visit);
        else if constexpr (std::is_same_v<P, SoftmaxParams>)
          cuda::for_each_output_softmax(p, bx, by, bz, tx, ty, tz, visit);
        else if constexpr (std::is_same_v<P, LayerNormParams>)
          cuda::for_each_output_layernorm(p, bx, by, bz, tx, ty, tz, visit);
        else
          cuda::for_each_output_elementwise(p.out, bx, tx, visit);
      },
      list.kernels[l.kernel].params);
}

// "" when the launch is within sm_80's limits and covers its output exactly once.
std::string check_launch(const KernelList &list, const CudaPlan &plan, const CudaLaunch &l) {
  const cuda::Launch &g = l.geometry;
  int threads = g.block_x * g.block_y * g.block_z;
  if (g.grid_x < 1 || g.grid_y < 1 || g.grid_z < 1 || g.block_x < 1 || g.block_y < 1 ||
      g.block_z < 1)
    return "empty grid or block";
  if (threads > cuda::kMaxThreadsPerBlock || g.block_z > 64)
    return fmt::format("{} threads per block", threads);
  if (g.grid_y > cuda::kMaxGridYZ || g.grid_z > cuda::kMaxGridYZ)
    return fmt::format("grid {}x{}x{} past sm_80's limits", g.grid_x, g.grid_y, g.grid_z);
  if (g.shared_bytes < 0 || g.shared_bytes > cuda::kMaxSharedOptIn)
    return fmt::format("{} bytes of shared memory", g.shared_bytes);
  WriteCounts counts(output_dims(list, plan, l));
  auto visit = [&](int n, int c, int y, int x) { counts.write(n, c, y, x); };
  for (int bz = 0; bz < g.grid_z; ++bz)
    for (int by = 0; by < g.grid_y; ++by)
      for (int bx = 0; bx < g.grid_x; ++bx)
        for (int tz = 0; tz < g.block_z; ++tz)
          for (int ty = 0; ty < g.block_y; ++ty)
            for (int tx = 0; tx < g.block_x; ++tx)
              for_each_output(list, plan, l, bx, by, bz, tx, ty, tz, visit);
  return counts.problem();
}

const cuda::Precision kPrecisions[] = {cuda::Precision::fp32, cuda::Precision::tf32,
                                       cuda::Precision::bf16, cuda::Precision::fp16};

} // namespace

TEST_CASE("CUDA launches write every output element exactly once, within sm_80's limits") {
  for (const Case &c : kCases) {
    KernelList list = lower_case(c);
    for (cuda::Precision precision : kPrecisions) {
      CudaPlan plan = plan_cuda_launches(list, precision);
      std::string where = fmt::format("{} at {} batch {}, {}", c.network,
                                      c.input_size ? std::to_string(c.input_size) : "declared",
                                      c.batch, precision_name(precision));
      CAPTURE(where);
      CHECK(plan.launches.size() >= list.kernels.size());
      for (const CudaLaunch &l : plan.launches) {
        std::string label = launch_label(list, plan, l);
        CAPTURE(label);
        CHECK(check_launch(list, plan, l) == "");
      }
    }
  }
}

TEST_CASE("the emitted .cu launches exactly the plan, each with its geometry") {
  for (const Case &c : kCases) {
    KernelList list = lower_case(c);
    CAPTURE(c.network);
    CudaEmitOptions options;
    options.precision = cuda::Precision::tf32;
    CudaPlan plan = plan_cuda_launches(list, options.precision);
    std::vector<EmittedFile> files = emit_cuda(list, options);
    REQUIRE(files.size() == 2);
    CHECK(files[0].name == c.network + ".hpp");
    CHECK(files[1].name == c.network + ".cu");
    const std::string &cu = files[1].text;
    size_t at = 0;
    for (const CudaLaunch &l : plan.launches) {
      const cuda::Launch &g = l.geometry;
      std::string launch =
          fmt::format("<<<dim3({}, {}, {}), dim3({}, {}, {}), {}, stream>>>", g.grid_x, g.grid_y,
                      g.grid_z, g.block_x, g.block_y, g.block_z, g.shared_bytes);
      at = cu.find(launch, at);
      CAPTURE(launch);
      REQUIRE(at != std::string::npos);
      ++at;
    }
    size_t launches = 0;
    for (size_t p = cu.find("<<<"); p != std::string::npos; p = cu.find("<<<", p + 1))
      ++launches;
    CHECK(launches == plan.launches.size());
    // The header is for plain C++: no CUDA include.
    CHECK(files[0].text.find("#include <cuda") == std::string::npos);
  }
}

TEST_CASE("a network whose spatial input is converted keeps its scratch apart from the arena") {
  KernelList list = lower_case(kCases[0]);
  CudaPlan plan = plan_cuda_launches(list, cuda::Precision::fp32);
  REQUIRE(plan.conversions.size() == 1); // lenet5's image; its logits [N, 10] need none
  CHECK(plan.conversions[0].to_nhwc);
  CHECK(plan.conversions[0].scratch >= list.arena_floats);
  CHECK(plan.launches.front().function == std::string("nchw_to_nhwc"));
  CHECK(plan.arena_floats >= plan.conversions[0].scratch + 32 * 32);
}

TEST_CASE("a linear layer after a spatial flatten gets its weights permuted to NHWC order") {
  KernelList list = lower_case(kCases[2]); // alexnet: adaptive pool to [256, 6, 6], flattened
  CudaPlan plan = plan_cuda_launches(list, cuda::Precision::fp32);
  std::vector<Flatten> linear;
  for (size_t i = 0; i < list.kernels.size(); ++i)
    if (list.kernels[i].kind == KernelKind::Linear)
      linear.push_back(plan.flatten[i]);
  REQUIRE(linear.size() == 3);
  CHECK(linear[0].c == 256);
  CHECK(linear[0].h == 6);
  CHECK(linear[0].w == 6);
  CHECK(linear[1].c == 0); // the classifier's later layers read features
  CHECK(linear[2].c == 0);
}

TEST_CASE(
    "a flattened [C, H, W] read by anything but a linear layer is refused, naming the layer") {
  CompiledFile file = compile_buffer("network n(image: [3, 4, 4]) {\n"
                                     "  x = flatten(image) |> relu() as act\n"
                                     "  return x\n"
                                     "}\n",
                                     "flatten.netc", CompileOptions{});
  REQUIRE_FALSE(file.diags->has_errors());
  LoweringSource source{*file.source_mgr, file.program.main().buffer_id, "flatten.netc"};
  KernelList list = lower_graph(file.graphs.at(0), source);
  CHECK_THROWS_WITH_AS(plan_cuda_launches(list, cuda::Precision::fp32),
                       doctest::Contains("act: the CUDA backend keeps activations in NHWC, so "
                                         "only a linear layer may read a flattened [C, H, W]"),
                       Error);
}
