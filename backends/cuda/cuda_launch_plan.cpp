#include "cuda/cuda_launch_plan.h"

#include <netc/error.hpp>

#include <fmt/format.h>

namespace netc {

namespace {

// Scratch and staging buffers start on 256-byte boundaries, as cudaMalloc's own allocations do,
// so vectorised loads see the alignment they would see in a buffer of their own.
constexpr int64_t kAlignFloats = 64;

int64_t aligned(int64_t floats) {
  return (floats + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
}

cuda::Launch kernel_geometry(const Kernel &k, cuda::Precision precision) {
  return std::visit(
      [&](const auto &p) -> cuda::Launch {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, ConvParams>)
          return cuda::conv_launch(p, precision);
        else if constexpr (std::is_same_v<P, PoolParams>)
          return cuda::pool_launch(p);
        else if constexpr (std::is_same_v<P, AdaptivePoolParams>)
          return cuda::adaptive_pool_launch(p);
        else if constexpr (std::is_same_v<P, LinearParams>)
          return cuda::linear_launch(p, precision);
        else if constexpr (std::is_same_v<P, UnaryParams>)
          return cuda::unary_launch(p);
        else if constexpr (std::is_same_v<P, BinaryParams>)
          return cuda::binary_launch(p);
        else if constexpr (std::is_same_v<P, CopyParams>)
          return cuda::copy_launch(p);
        else if constexpr (std::is_same_v<P, LrnParams>)
          return cuda::lrn_launch(p);
        else if constexpr (std::is_same_v<P, LayerNormParams>)
          return cuda::layernorm_launch(p);
        else if constexpr (std::is_same_v<P, ChannelShuffleParams>)
          return cuda::channel_shuffle_launch(p);
        else
          return cuda::softmax_launch(p);
      },
      k.params);
}

// A network input or output as the NHWC side of its conversion, when it needs one.
std::optional<Dims> converted_dims(const KernelList &list, ValueId v) {
  const TensorType &t = list.values[v].type;
  if (!t.is_spatial() || t.h() * t.w() == 1)
    return std::nullopt;
  return Dims{int(t.n()), int(t.c()), int(t.h()), int(t.w()), t.c() * t.h() * t.w()};
}

// The spatial value a features value was flattened from, through flattens and dropouts.
std::optional<ValueId> flattened_from(const KernelList &list, ValueId v) {
  if (list.values[v].type.is_spatial())
    return std::nullopt;
  for (ValueId cur = v; list.values[cur].view_of;) {
    cur = *list.values[cur].view_of;
    if (list.values[cur].type.is_spatial())
      return cur;
  }
  return std::nullopt;
}

bool reorders(const KernelList &list, std::optional<ValueId> from) {
  return from && list.values[*from].type.h() * list.values[*from].type.w() > 1;
}

// NCHW and NHWC flatten a [C, H, W] in different orders; only a linear layer, whose weights can
// be permuted to match, may read such a flatten.
Flatten flatten_read_by(const KernelList &list, const Kernel &k) {
  for (ValueId in : k.inputs)
    if (k.kind != KernelKind::Linear && reorders(list, flattened_from(list, in)))
      throw Error(fmt::format("{}: the CUDA backend keeps activations in NHWC, so only a linear "
                              "layer may read a flattened [C, H, W] with H*W > 1; this {} reads "
                              "'{}'",
                              k.name, kernel_kind_name(k.kind), list.values[in].name));
  if (k.kind != KernelKind::Linear)
    return {};
  std::optional<ValueId> from = flattened_from(list, k.inputs[0]);
  if (!reorders(list, from))
    return {};
  const TensorType &t = list.values[*from].type;
  if (list.values[list.root_of(*from)].type.c() != t.c())
    throw Error(fmt::format("{}: reads the flatten of '{}', a channel slice of a concat, which "
                            "the CUDA backend cannot reorder",
                            k.name, list.values[*from].name));
  return {int(t.c()), int(t.h()), int(t.w())};
}

} // namespace

const char *precision_name(cuda::Precision precision) {
  switch (precision) {
  case cuda::Precision::fp32:
    return "fp32";
  case cuda::Precision::tf32:
    return "tf32";
  case cuda::Precision::bf16:
    return "bf16";
  case cuda::Precision::fp16:
    return "fp16";
  }
  return "";
}

const char *cuda_function(KernelKind kind) {
  // The convolutions and poolings are named after PyTorch's functions; the rest as the kinds are.
  if (is_convolution(kind))
    return "conv2d";
  if (kind == KernelKind::MaxPool)
    return "max_pool";
  if (kind == KernelKind::AvgPool)
    return "avg_pool";
  if (kind == KernelKind::AdaptiveAvgPool)
    return "adaptive_avg_pool";
  return kernel_kind_name(kind);
}

CudaPlan plan_cuda_launches(const KernelList &list, cuda::Precision precision) {
  CudaPlan plan;
  plan.precision = precision;
  int64_t next = aligned(list.arena_floats);
  auto convert = [&](const NamedValue &v, bool to_nhwc) {
    std::optional<Dims> dims = converted_dims(list, v.value);
    if (!dims)
      return;
    plan.conversions.push_back({v.value, to_nhwc, *dims, next});
    next = aligned(next + dims->n * dims->batch_stride);
    plan.launches.push_back({-1, int(plan.conversions.size()) - 1,
                             to_nhwc ? "nchw_to_nhwc" : "nhwc_to_nchw",
                             cuda::layout_launch(*dims)});
  };
  for (const NamedValue &in : list.inputs)
    convert(in, true);
  for (size_t i = 0; i < list.kernels.size(); ++i) {
    const Kernel &k = list.kernels[i];
    plan.launches.push_back({int(i), -1, cuda_function(k.kind), kernel_geometry(k, precision)});
    plan.flatten.push_back(flatten_read_by(list, k));
  }
  for (const NamedValue &out : list.outputs)
    convert(out, false);
  plan.scratch_floats = next - aligned(list.arena_floats);
  for (const NamedValue &in : list.inputs) {
    plan.input_staging.push_back(next);
    next = aligned(next + *list.values[in.value].type.num_elements());
  }
  for (const NamedValue &out : list.outputs) {
    plan.output_staging.push_back(next);
    next = aligned(next + *list.values[out.value].type.num_elements());
  }
  plan.arena_floats = next;
  return plan;
}

std::string launch_label(const KernelList &list, const CudaPlan &plan, const CudaLaunch &launch) {
  if (launch.kernel >= 0)
    return list.kernels[launch.kernel].name;
  const LayoutConversion &c = plan.conversions[launch.conversion];
  return fmt::format("{} {} ({})", c.to_nhwc ? "input" : "output", list.values[c.value].name,
                     c.to_nhwc ? "NCHW to NHWC" : "NHWC to NCHW");
}

void print_cuda_plan(const KernelList &list, const CudaPlan &plan, llvm::raw_ostream &os) {
  os << fmt::format("cuda launches of {} ({}; arena {} floats with {} of layout scratch):\n",
                    list.network, precision_name(plan.precision), plan.arena_floats,
                    plan.scratch_floats);
  for (const CudaLaunch &l : plan.launches) {
    const cuda::Launch &g = l.geometry;
    os << fmt::format("  {:<18} grid {}x{}x{} block {}x{}x{} shared {:>6}  {}\n", l.function,
                      g.grid_x, g.grid_y, g.grid_z, g.block_x, g.block_y, g.block_z, g.shared_bytes,
                      launch_label(list, plan, l));
  }
}

} // namespace netc
