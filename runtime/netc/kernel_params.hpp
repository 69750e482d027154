// What one kernel of a generated network does, with every size fixed at compile time. The compiler
// lowers a network to a list of these (compiler/lower/kernel_list.h) and the emitters print them as
// constexpr aggregates; the CPU kernels (runtime/netc/cpu/) and the CUDA kernels read the same
// structs, so both backends share one lowering.
//
// Activations are float32, NCHW on the CPU (runtime/netc/cpu/) and NHWC on CUDA
// (runtime/netc/cuda/launch.hpp's nhwc_offset); the structs are the same for both. A tensor's
// samples lie `batch_stride` floats apart: C*H*W for a tensor of its own, more for a channel slice
// of a larger tensor (a branch writing straight into its part of a concat's output). In NCHW such
// a slice starts channel_offset*H*W floats into its parent; in NHWC channel_offset floats, and
// its pixels lie batch_stride/(H*W) floats apart (the parent's C). A tensor of features [N, F] is
// Dims{N, F, 1, 1, stride} in either layout.
#pragma once

#include <cstdint>

namespace netc {

// `none`, then every activation of netc/activations.def.
enum class Activation : int {
  none,
#define NETC_ACTIVATION(name, pytorch) name,
#include "netc/activations.def"
};

struct Dims {
  int n, c, h, w;
  std::int64_t batch_stride;
};

// Convolution with batch norm folded into weight and bias and the activation fused:
//   out = act(conv(in, weight) + bias + residual)
// `residual` (optional, a tensor of out's shape read with residual_batch_stride) is a residual
// connection fused into the epilogue. A 1x1 convolution may also scale its input channels:
//   out = act(conv(in * in_scale, weight) + bias + residual)
// with in_scale [N, in_c, 1, 1] read with in_scale_batch_stride (squeeze-and-excitation's gate,
// folded in by compiler/lower/fold_input_scale.cpp); in_scale_batch_stride is 0 when there is
// none (a scale has in_c >= 1 floats per sample). Weights arrive in PyTorch's
// [out_c][in_c/groups][kh][kw] and are repacked once, at construction, into whatever layout the
// kernel wants.
struct ConvParams {
  Dims in, out;
  int kernel_h, kernel_w;
  int stride_h, stride_w;
  int pad_top, pad_left; // the bottom and right padding follow from the output size
  int dilation_h, dilation_w;
  int groups;
  Activation act;
  std::int64_t residual_batch_stride;
  std::int64_t in_scale_batch_stride;
};

// Max or average pooling. Output sizes are final (ceil_mode already applied); windows are clipped
// to the input. Averages divide as PyTorch does: with count_include_pad, by the window's extent
// clipped to the padded input (hence the bottom and right padding: a ceil-mode window may hang
// past them); without it, by the number of input elements in the window.
struct PoolParams {
  Dims in, out;
  int kernel_h, kernel_w;
  int stride_h, stride_w;
  int pad_top, pad_left;
  int pad_bottom, pad_right;
  int dilation_h, dilation_w; // max pooling only; 1 for average pooling
  bool count_include_pad;
};

// PyTorch's adaptive average pooling: output cell i covers rows floor(i*H/oh) to
// ceil((i+1)*H/oh) (exclusive), and the same for columns. Global average pooling is out 1x1.
struct AdaptivePoolParams {
  Dims in, out;
};

// out[n][o] = act(sum_i weight[o][i] * in[n][i] + bias[o]); in.c = in_features (C*H*W after a
// flatten), out.c = out_features, h = w = 1.
struct LinearParams {
  Dims in, out;
  Activation act;
};

// out = act(scale * in): a standalone activation or scale. out may be in (in place).
struct UnaryParams {
  Dims in, out;
  float scale;
  Activation act;
};

// out = act(a + b_scale * b): a residual add. out may be a or b (in place). The same struct
// describes a product, out = act(a * (b_scale * b)), where b may also be [C, 1, 1] (h = w = 1)
// against out's H x W: one factor per channel, broadcast over the pixels.
struct BinaryParams {
  Dims a, b, out;
  float b_scale;
  Activation act;
};

// Copies in into out at row pad_top, column pad_left, and writes zeros around it: a zeropad, or
// (with no padding) the copy of a value into its channel slice of a concat when it could not be
// written there in the first place.
struct CopyParams {
  Dims in, out;
  int pad_top, pad_left;
};

// PyTorch's LocalResponseNorm across channels:
//   out[c] = in[c] / (k + alpha / size * sum_{c' = c - size/2}^{c + (size-1)/2} in[c']^2)^beta
// with channels outside [0, C) counting as zero.
struct LrnParams {
  Dims in, out;
  int size;
  float alpha, beta, k;
};

// Softmax over channels (features), at every pixel.
struct SoftmaxParams {
  Dims in, out;
};

// Layer normalisation over channels at every pixel (features of a flat tensor):
//   out[c] = (in[c] - mean) / sqrt(var + eps) * weight[c] + bias[c]
// with mean and the biased variance over the C channels of that pixel (nn.LayerNorm, LayerNorm2d).
struct LayerNormParams {
  Dims in, out;
  float eps;
};

// ShuffleNet's channel shuffle: output channel j*groups + g is input channel g*(C/groups) + j.
struct ChannelShuffleParams {
  Dims in, out;
  int groups;
};

} // namespace netc
