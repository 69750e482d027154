#include "common/params_literal.h"

#include <fmt/format.h>

namespace netc {

namespace {

std::string dims(const Dims &d) {
  return fmt::format("{{{}, {}, {}, {}, {}}}", d.n, d.c, d.h, d.w, d.batch_stride);
}

// `q` qualifies the names: "netc::" or "".
std::string act(Activation a, std::string_view q) {
  return fmt::format("{}Activation::{}", q, activation_name(a));
}

// The shortest text that reads back as the same float, as a float literal: "1.0f", "0.17f".
std::string real(float f) {
  std::string s = fmt::format("{}", f);
  if (s.find_first_of(".en") == std::string::npos)
    s += ".0";
  return s + "f";
}

std::string fields(const ConvParams &p, std::string_view q) {
  return fmt::format("{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}", dims(p.in),
                     dims(p.out), p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.pad_top,
                     p.pad_left, p.dilation_h, p.dilation_w, p.groups, act(p.act, q),
                     p.residual_batch_stride, p.in_scale_batch_stride);
}
std::string fields(const PoolParams &p, std::string_view) {
  return fmt::format("{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}", dims(p.in), dims(p.out),
                     p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.pad_top, p.pad_left,
                     p.pad_bottom, p.pad_right, p.dilation_h, p.dilation_w, p.count_include_pad);
}
std::string fields(const AdaptivePoolParams &p, std::string_view) {
  return fmt::format("{}, {}", dims(p.in), dims(p.out));
}
std::string fields(const LinearParams &p, std::string_view q) {
  return fmt::format("{}, {}, {}", dims(p.in), dims(p.out), act(p.act, q));
}
std::string fields(const UnaryParams &p, std::string_view q) {
  return fmt::format("{}, {}, {}, {}", dims(p.in), dims(p.out), real(p.scale), act(p.act, q));
}
std::string fields(const BinaryParams &p, std::string_view q) {
  return fmt::format("{}, {}, {}, {}, {}", dims(p.a), dims(p.b), dims(p.out), real(p.b_scale),
                     act(p.act, q));
}
std::string fields(const CopyParams &p, std::string_view) {
  return fmt::format("{}, {}, {}, {}", dims(p.in), dims(p.out), p.pad_top, p.pad_left);
}
std::string fields(const LrnParams &p, std::string_view) {
  return fmt::format("{}, {}, {}, {}, {}, {}", dims(p.in), dims(p.out), p.size, real(p.alpha),
                     real(p.beta), real(p.k));
}
std::string fields(const SoftmaxParams &p, std::string_view) {
  return fmt::format("{}, {}", dims(p.in), dims(p.out));
}
std::string fields(const LayerNormParams &p, std::string_view) {
  return fmt::format("{}, {}, {}", dims(p.in), dims(p.out), real(p.eps));
}
std::string fields(const ChannelShuffleParams &p, std::string_view) {
  return fmt::format("{}, {}, {}", dims(p.in), dims(p.out), p.groups);
}

} // namespace

std::string params_type(const KernelParams &params) {
  static const char *const names[] = {
      "ConvParams",    "PoolParams",      "AdaptivePoolParams",  "LinearParams",
      "UnaryParams",   "BinaryParams",    "CopyParams",          "LrnParams",
      "SoftmaxParams", "LayerNormParams", "ChannelShuffleParams"};
  static_assert(std::variant_size_v<KernelParams> == std::size(names));
  return names[params.index()];
}

std::string params_literal(const KernelParams &params, std::string_view names_qualifier) {
  return std::string(names_qualifier) + params_type(params) + "{" +
         std::visit([&](const auto &p) { return fields(p, names_qualifier); }, params) + "}";
}

} // namespace netc
