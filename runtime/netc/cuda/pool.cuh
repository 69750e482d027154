// Max, average and adaptive average pooling in NHWC, with the CPU backend's semantics
// (runtime/netc/cpu/pool.hpp): windows clipped to the input, padding never wins a maximum, a NaN
// in the window always does,
// averages divide by the window clipped to the padded input (count_include_pad; a ceil-mode window
// hanging past the bottom or right padding counts only up to it) or by the input elements in it.
//
// One thread per output element, channels fastest (launch.hpp's elementwise geometry): a warp
// reads neighbouring channels of the same input pixels, contiguous in NHWC.
#pragma once

#include "netc/cuda/common.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/kernel_params.hpp"

namespace netc::cuda {

namespace detail {

// Elements of an average window along one axis, as the CPU's pool_extent.
__device__ __forceinline__ int pool_extent(int start, int kernel, int size, int pad_before,
                                           int pad_after, bool include_pad) {
  const int first = include_pad ? -pad_before : 0;
  const int end = include_pad ? size + pad_after : size;
  const int lo = start < first ? first : start;
  const int hi = start + kernel > end ? end : start + kernel;
  return hi > lo ? hi - lo : 0;
}

} // namespace detail

template <const PoolParams &P>
__global__ void __launch_bounds__(kElementwiseThreads) max_pool(const float *in, float *out) {
  constexpr PoolParams p = P;
  constexpr std::int64_t in_pixel = pixel_stride(p.in);
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const float *src = in + el.n * p.in.batch_stride + el.c;
  float best = -__int_as_float(0x7f800000); // -inf: an all-padding window stays -inf, as on the CPU
  for (int ky = 0; ky < p.kernel_h; ++ky) {
    const int y = el.y * p.stride_h - p.pad_top + ky * p.dilation_h;
    if (y < 0 || y >= p.in.h)
      continue;
    for (int kx = 0; kx < p.kernel_w; ++kx) {
      const int x = el.x * p.stride_w - p.pad_left + kx * p.dilation_w;
      if (x < 0 || x >= p.in.w)
        continue;
      const float v = __ldg(src + (std::int64_t(y) * p.in.w + x) * in_pixel);
      best = detail::max_keeping_nan(v, best); // a NaN in the window wins, as in PyTorch
    }
  }
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] = best;
}

template <const PoolParams &P>
__global__ void __launch_bounds__(kElementwiseThreads) avg_pool(const float *in, float *out) {
  constexpr PoolParams p = P;
  constexpr std::int64_t in_pixel = pixel_stride(p.in);
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const float *src = in + el.n * p.in.batch_stride + el.c;
  const int y0 = el.y * p.stride_h - p.pad_top, x0 = el.x * p.stride_w - p.pad_left;
  float sum = 0.0f;
  for (int ky = 0; ky < p.kernel_h; ++ky) {
    const int y = y0 + ky;
    if (y < 0 || y >= p.in.h)
      continue;
    for (int kx = 0; kx < p.kernel_w; ++kx) {
      const int x = x0 + kx;
      if (x >= 0 && x < p.in.w)
        sum += __ldg(src + (std::int64_t(y) * p.in.w + x) * in_pixel);
    }
  }
  const int count =
      detail::pool_extent(y0, p.kernel_h, p.in.h, p.pad_top, p.pad_bottom, p.count_include_pad) *
      detail::pool_extent(x0, p.kernel_w, p.in.w, p.pad_left, p.pad_right, p.count_include_pad);
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] = sum / float(count > 0 ? count : 1);
}

// PyTorch's bins: output cell i covers rows [floor(i*H/oh), ceil((i+1)*H/oh)), columns alike.
template <const AdaptivePoolParams &P>
__global__ void __launch_bounds__(kElementwiseThreads)
    adaptive_avg_pool(const float *in, float *out) {
  constexpr AdaptivePoolParams p = P;
  constexpr std::int64_t in_pixel = pixel_stride(p.in);
  Element el;
  if (!detail::elementwise_element(p.out, el))
    return;
  const int y0 = int(std::int64_t(el.y) * p.in.h / p.out.h);
  const int y1 = int((std::int64_t(el.y + 1) * p.in.h + p.out.h - 1) / p.out.h);
  const int x0 = int(std::int64_t(el.x) * p.in.w / p.out.w);
  const int x1 = int((std::int64_t(el.x + 1) * p.in.w + p.out.w - 1) / p.out.w);
  const float *src = in + el.n * p.in.batch_stride + el.c;
  float sum = 0.0f;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x)
      sum += __ldg(src + (std::int64_t(y) * p.in.w + x) * in_pixel);
  out[nhwc_offset(p.out, el.n, el.c, el.y, el.x)] = sum / float((y1 - y0) * (x1 - x0));
}

} // namespace netc::cuda
