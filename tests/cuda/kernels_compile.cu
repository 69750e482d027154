// Instantiates every CUDA kernel family in every precision with small, awkward shapes (odd sizes,
// strides, dilation, groups, channel slices, residuals, batch 3), launched the way generated code
// launches them, so that nvcc -Werror compiles each path. Compiled only (ctest cuda-kernels): no
// GPU is needed and nothing here runs.
#include "netc/cuda/kernels.cuh"

// The params at global scope, as the generated code has them: nvcc's host launch stubs cannot name
// a kernel's template argument that lives in a namespace (CUDA 13).

using netc::Activation;
using netc::Dims;
using netc::cuda::Launch;
using netc::cuda::Precision;

constexpr Dims dims(int n, int c, int h, int w) {
  return Dims{n, c, h, w, std::int64_t(c) * h * w};
}
// A channel slice of a tensor with `parent` channels.
constexpr Dims slice(int n, int c, int h, int w, int parent) {
  return Dims{n, c, h, w, std::int64_t(parent) * h * w};
}

// Convolutions: GEMM (stride 2 with padding, into a concat slice with a residual; dilated 1x7 with
// asymmetric padding; the 3-channel stem; 2 groups of 32), direct (depthwise, 32 groups of 4).
// None has an input scale (the last 0): CUDA's lowering folds none in.
constexpr netc::ConvParams kConvStrided{dims(3, 35, 17, 19),
                                        slice(3, 70, 9, 10, 100),
                                        3,
                                        3,
                                        2,
                                        2,
                                        1,
                                        1,
                                        1,
                                        1,
                                        1,
                                        Activation::relu,
                                        70 * 9 * 10,
                                        0};
constexpr netc::ConvParams kConvDilated{
    dims(3, 40, 13, 11), dims(3, 24, 13, 11), 1, 7, 1, 1, 0, 6, 1, 2, 1, Activation::tanh, 0, 0};
constexpr netc::ConvParams kConvStem{
    dims(3, 3, 29, 29), dims(3, 32, 14, 14), 3, 3, 2, 2, 0, 0, 1, 1, 1, Activation::relu6, 0, 0};
constexpr netc::ConvParams kConvGroups{
    dims(3, 64, 7, 7), dims(3, 64, 7, 7), 3, 3, 1, 1, 1, 1, 1, 1, 2, Activation::sigmoid, 0, 0};
constexpr netc::ConvParams kConvDepthwise{
    dims(3, 37, 19, 19), dims(3, 37, 10, 10), 3, 3, 2, 2, 1, 1, 1, 1, 37, Activation::none, 0, 0};
constexpr netc::ConvParams kConvResNeXt{
    dims(3, 128, 9, 9), dims(3, 128, 9, 9), 3, 3, 1, 1, 1, 1, 1, 1, 32,
    Activation::relu,   128 * 9 * 9,        0};
static_assert(!netc::cuda::conv_uses_direct(kConvGroups));
static_assert(netc::cuda::conv_uses_direct(kConvDepthwise));
static_assert(netc::cuda::conv_uses_direct(kConvResNeXt));

constexpr netc::PoolParams kMaxPool{
    dims(3, 13, 17, 17), slice(3, 13, 8, 8, 40), 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, false};
constexpr netc::PoolParams kAvgPool{
    dims(3, 13, 17, 17), dims(3, 13, 9, 9), 3, 3, 2, 2, 1, 1, 2, 2, 1, 1, true};
constexpr netc::AdaptivePoolParams kAdaptive{dims(3, 13, 7, 5), dims(3, 13, 3, 2)};
constexpr netc::LinearParams kLinearGemv{Dims{3, 77, 1, 1, 77}, Dims{3, 10, 1, 1, 10},
                                         Activation::none};
constexpr netc::LinearParams kLinearGemm{Dims{33, 77, 1, 1, 77}, Dims{33, 65, 1, 1, 65},
                                         Activation::relu};
constexpr netc::UnaryParams kUnary{dims(3, 5, 7, 9), dims(3, 5, 7, 9), 0.17f, Activation::sigmoid};
constexpr netc::BinaryParams kBinary{dims(3, 5, 7, 9), slice(3, 5, 7, 9, 11), dims(3, 5, 7, 9),
                                     0.2f, Activation::relu};
// A [C, 1, 1] slice broadcast over the pixels: squeeze-and-excitation.
constexpr netc::BinaryParams kMul{dims(3, 5, 7, 9), slice(3, 5, 1, 1, 8), dims(3, 5, 7, 9), 1.0f,
                                  Activation::none};
constexpr netc::CopyParams kCopy{dims(3, 6, 7, 9), slice(3, 6, 9, 12, 10), 1, 2};
constexpr netc::LrnParams kLrn{dims(3, 21, 5, 5), dims(3, 21, 5, 5), 5, 1e-4f, 0.75f, 2.0f};
constexpr netc::SoftmaxParams kSoftmax{dims(3, 1000, 1, 1), dims(3, 1000, 1, 1)};
constexpr netc::SoftmaxParams kSoftmaxMap{dims(3, 21, 5, 7), dims(3, 21, 5, 7)};
constexpr netc::LayerNormParams kLayerNorm{dims(3, 96, 5, 7), dims(3, 96, 5, 7), 1e-6f};
constexpr netc::LayerNormParams kLayerNormFlat{dims(3, 768, 1, 1), dims(3, 768, 1, 1), 1e-6f};
constexpr netc::ChannelShuffleParams kShuffle{dims(3, 116, 7, 7), dims(3, 116, 7, 7), 2};
constexpr Dims kImage = dims(3, 3, 31, 29);

namespace {

dim3 grid(const Launch &l) {
  return dim3(unsigned(l.grid_x), unsigned(l.grid_y), unsigned(l.grid_z));
}
dim3 block(const Launch &l) {
  return dim3(unsigned(l.block_x), unsigned(l.block_y), unsigned(l.block_z));
}

template <const netc::ConvParams &P, Precision Prec>
void launch_conv(const float *in, const void *w, const float *bias, const float *res, float *out) {
  constexpr Launch l = netc::cuda::conv_launch(P, Prec);
  netc::cuda::conv2d<P, Prec><<<grid(l), block(l), l.shared_bytes>>>(in, w, bias, res, out);
  netc::cuda::check_launch("conv");
}

template <Precision Prec>
void every_conv(const float *in, const void *w, const float *b, float *out) {
  launch_conv<kConvStrided, Prec>(in, w, b, out, out);
  launch_conv<kConvDilated, Prec>(in, w, b, nullptr, out);
  launch_conv<kConvStem, Prec>(in, w, b, nullptr, out);
  launch_conv<kConvGroups, Prec>(in, w, b, nullptr, out);
  launch_conv<kConvDepthwise, Prec>(in, w, b, nullptr, out);
  launch_conv<kConvResNeXt, Prec>(in, w, b, out, out);
}

template <const netc::LinearParams &P, Precision Prec>
void launch_linear(const float *in, const void *w, const float *bias, float *out) {
  constexpr Launch l = netc::cuda::linear_launch(P, Prec);
  netc::cuda::linear<P, Prec><<<grid(l), block(l), l.shared_bytes>>>(in, w, bias, out);
}

template <Precision Prec>
void every_linear(const float *in, const void *w, const float *b, float *out) {
  launch_linear<kLinearGemv, Prec>(in, w, b, out);
  launch_linear<kLinearGemm, Prec>(in, w, b, out);
}

} // namespace

void launch_every_kernel(const float *in, const void *w, const float *b, float *out) {
  every_conv<Precision::fp32>(in, w, b, out);
  every_conv<Precision::tf32>(in, w, b, out);
  every_conv<Precision::bf16>(in, w, b, out);
  every_conv<Precision::fp16>(in, w, b, out);
  every_linear<Precision::fp32>(in, w, b, out);
  every_linear<Precision::tf32>(in, w, b, out);
  every_linear<Precision::bf16>(in, w, b, out);
  every_linear<Precision::fp16>(in, w, b, out);

  constexpr Launch max_l = netc::cuda::pool_launch(kMaxPool);
  netc::cuda::max_pool<kMaxPool><<<grid(max_l), block(max_l)>>>(in, out);
  constexpr Launch avg_l = netc::cuda::pool_launch(kAvgPool);
  netc::cuda::avg_pool<kAvgPool><<<grid(avg_l), block(avg_l)>>>(in, out);
  constexpr Launch ad_l = netc::cuda::adaptive_pool_launch(kAdaptive);
  netc::cuda::adaptive_avg_pool<kAdaptive><<<grid(ad_l), block(ad_l)>>>(in, out);
  constexpr Launch un_l = netc::cuda::unary_launch(kUnary);
  netc::cuda::unary<kUnary><<<grid(un_l), block(un_l)>>>(out, out);
  constexpr Launch bin_l = netc::cuda::binary_launch(kBinary);
  netc::cuda::binary<kBinary><<<grid(bin_l), block(bin_l)>>>(out, in, out);
  constexpr Launch mul_l = netc::cuda::binary_launch(kMul);
  netc::cuda::mul<kMul><<<grid(mul_l), block(mul_l)>>>(out, in, out);
  constexpr Launch copy_l = netc::cuda::copy_launch(kCopy);
  netc::cuda::copy<kCopy><<<grid(copy_l), block(copy_l)>>>(in, out);
  constexpr Launch lrn_l = netc::cuda::lrn_launch(kLrn);
  netc::cuda::lrn<kLrn><<<grid(lrn_l), block(lrn_l)>>>(in, out);
  constexpr Launch sm_l = netc::cuda::softmax_launch(kSoftmax);
  netc::cuda::softmax<kSoftmax><<<grid(sm_l), block(sm_l)>>>(in, out);
  constexpr Launch smm_l = netc::cuda::softmax_launch(kSoftmaxMap);
  netc::cuda::softmax<kSoftmaxMap><<<grid(smm_l), block(smm_l)>>>(out, out);
  constexpr Launch ln_l = netc::cuda::layernorm_launch(kLayerNorm);
  netc::cuda::layernorm<kLayerNorm><<<grid(ln_l), block(ln_l)>>>(in, in, in, out);
  constexpr Launch lnf_l = netc::cuda::layernorm_launch(kLayerNormFlat);
  netc::cuda::layernorm<kLayerNormFlat><<<grid(lnf_l), block(lnf_l)>>>(out, in, in, out);
  constexpr Launch cs_l = netc::cuda::channel_shuffle_launch(kShuffle);
  netc::cuda::channel_shuffle<kShuffle><<<grid(cs_l), block(cs_l)>>>(in, out);
  constexpr Launch lay_l = netc::cuda::layout_launch(kImage);
  netc::cuda::nchw_to_nhwc<kImage><<<grid(lay_l), block(lay_l)>>>(in, out);
  netc::cuda::nhwc_to_nchw<kImage><<<grid(lay_l), block(lay_l)>>>(in, out);
  netc::cuda::check(cudaGetLastError(), "kernels_compile");
}
