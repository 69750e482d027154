#include "lower/kernel_printer.h"

#include <fmt/format.h>

namespace netc {

namespace {

std::string window(int kh, int kw, int sh, int sw) {
  std::string s = fmt::format("{}x{}", kh, kw);
  if (sh != 1 || sw != 1)
    s += sh == sw ? fmt::format("/{}", sh) : fmt::format("/{}x{}", sh, sw);
  return s;
}

std::string attributes(const Kernel &k) {
  return std::visit(
      [&](const auto &p) -> std::string {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, ConvParams>) {
          std::string s = window(p.kernel_h, p.kernel_w, p.stride_h, p.stride_w);
          if (p.pad_top || p.pad_left)
            s += fmt::format(" pad {},{}", p.pad_top, p.pad_left);
          if (p.dilation_h != 1 || p.dilation_w != 1)
            s += fmt::format(" dilation {},{}", p.dilation_h, p.dilation_w);
          if (p.groups != 1)
            s += fmt::format(" groups {}", p.groups);
          return s;
        } else if constexpr (std::is_same_v<P, PoolParams>) {
          std::string s = window(p.kernel_h, p.kernel_w, p.stride_h, p.stride_w);
          if (p.pad_top || p.pad_left)
            s += fmt::format(" pad {},{}", p.pad_top, p.pad_left);
          if (k.kind == KernelKind::AvgPool && !p.count_include_pad)
            s += " exclude-pad";
          return s;
        } else if constexpr (std::is_same_v<P, UnaryParams>) {
          return p.scale != 1.0f ? fmt::format("scale {:g}", p.scale) : std::string();
        } else if constexpr (std::is_same_v<P, CopyParams>) {
          return p.pad_top || p.pad_left ? fmt::format("pad {},{}", p.pad_top, p.pad_left)
                                         : std::string();
        } else if constexpr (std::is_same_v<P, LrnParams>) {
          return fmt::format("size {}", p.size);
        } else {
          return std::string();
        }
      },
      k.params);
}

} // namespace

std::string describe_storage(const KernelList &list, ValueId v) {
  ValueId root = list.root_of(v);
  const KernelValue &r = list.values[root];
  std::string where;
  switch (r.space) {
  case Space::Arena:
    where = fmt::format("arena+{}", r.offset);
    break;
  case Space::Input:
    where = fmt::format("%{}", list.inputs[r.space_index].name);
    break;
  case Space::Output:
    where = fmt::format("%{}", list.outputs[r.space_index].name);
    break;
  }
  if (root != v) {
    const TensorType &t = list.values[v].type;
    if (t.rank != r.type.rank)
      where += "[view]";
    else if (t.c() != r.type.c())
      where += fmt::format("[c{}:]", list.channel_offset_in_root(v));
  }
  return where;
}

std::string kernel_summary(const Kernel &k) {
  std::string s = kernel_kind_name(k.kind);
  if (std::string a = attributes(k); !a.empty())
    s += " " + a;
  for (const std::string &f : k.fused)
    s += " + " + f;
  return s;
}

void print_kernel_list(const KernelList &list, llvm::raw_ostream &os) {
  os << fmt::format("kernels {} (batch {}, {} parameters, arena {} floats)\n", list.network,
                    list.batch, list.parameter_count, list.arena_floats);
  for (const NamedValue &in : list.inputs)
    os << fmt::format("  input %{} {}\n", in.name,
                      format_shape(list.values[in.value].type.shape()));
  for (const Kernel &k : list.kernels) {
    std::string line = fmt::format("  {} {}", kernel_kind_name(k.kind), k.name);
    if (std::string a = attributes(k); !a.empty())
      line += " " + a;
    if (!k.fused.empty()) {
      line += " [";
      for (size_t i = 0; i < k.fused.size(); ++i)
        line += (i ? ", " : "") + k.fused[i];
      line += "]";
    }
    line += " (";
    for (size_t i = 0; i < k.inputs.size(); ++i)
      line += (i ? ", " : "") + describe_storage(list, k.inputs[i]);
    if (k.input_scale)
      line += " * scale " + describe_storage(list, *k.input_scale);
    if (k.residual)
      line += " + residual " + describe_storage(list, *k.residual);
    line += fmt::format(") -> {} {}\n", describe_storage(list, k.output),
                        format_shape(list.values[k.output].type.shape()));
    os << line;
  }
  for (const NamedValue &out : list.outputs)
    os << fmt::format("  output %{} {}\n", out.name,
                      format_shape(list.values[out.value].type.shape()));
}

} // namespace netc
