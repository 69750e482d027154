// Max and average pooling over windows, and PyTorch's adaptive average pooling.
//
// Strategy: vectors over the columns of an output row; each tap of the window loads the input
// row's columns under it (contiguous for stride 1, even elements for stride 2, gathered
// otherwise), masked to the columns that exist, so padding reads nothing: it is -inf for the
// maximum (padding never wins) and 0 for the sum. A NaN in a window makes its maximum NaN, as in
// PyTorch: Simd's max keeps NaN from either operand. Average divisors are worked out per lane.
// Adaptive pooling sums each cell's rows with masked vectors (whole rows as one flat run).
#pragma once

#include "netc/cpu/context.hpp"
#include "netc/cpu/simd.hpp"
#include "netc/kernel_params.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>

namespace netc::cpu {

namespace detail {

// The lanes of a vector of output columns starting at ox0 whose tap at input column
// ix0 + lane * stride lies in [0, in_w).
// Divides only for strides other than 1 and 2: this runs for every tap column of every vector.
template <class Isa>
inline LaneMask pool_columns(std::int64_t ix0, int stride, int in_w, LaneMask lanes) {
  constexpr int width = Simd<Isa>::width;
  const auto lanes_until = [stride](std::int64_t x) { // lanes l with l * stride < x, for x > 0
    return stride == 1 ? x : stride == 2 ? (x + 1) >> 1 : (x + stride - 1) / stride;
  };
  std::int64_t lo = ix0 < 0 ? lanes_until(-ix0) : 0;
  std::int64_t hi = ix0 < in_w ? lanes_until(in_w - ix0) : 0;
  lo = lo > width ? width : lo;
  hi = hi > width ? width : hi;
  return lanes & lane_range(int(lo), int(hi));
}

// Runs body(src, dst, y0, y1) for output rows [y0, y1) of one plane (sample x channel), src and
// dst being that plane of `in` and `out`, over every unit of work: the planes, each cut into
// pieces of rows when there are too few planes for the threads.
template <class Body>
inline void for_each_pool_piece(const Context &ctx, const PoolParams &p, const float *in,
                                float *out, Body body) {
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t out_plane = std::ptrdiff_t(p.out.h) * p.out.w;
  const std::int64_t planes = std::int64_t(p.out.n) * p.out.c;
  const RangeCut cut = cut_range(ctx, planes, p.out.h, 1);
  const std::int64_t work = planes * out_plane * p.kernel_h * p.kernel_w;
  ctx.parallel_for(planes * cut.pieces, work, [&](std::int64_t unit, int) {
    const int c = int(unit / cut.pieces % p.out.c);
    const int n = int(unit / cut.pieces / p.out.c);
    const int y0 = int(unit % cut.pieces * cut.length);
    const int y1 = p.out.h - y0 < cut.length ? p.out.h : int(y0 + cut.length);
    body(in + n * p.in.batch_stride + c * in_plane, out + n * p.out.batch_stride + c * out_plane,
         y0, y1);
  });
}

// pool_rows for windows or rows too wide for its tables: taps row by row, each tap's lanes
// worked out as it comes.
template <class Isa, class Combine, class Finish>
inline void pool_rows_unlisted(const Context &ctx, const PoolParams &p, const float *in, float *out,
                               float fill, Combine combine, Finish finish) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int width = S::width;
  const V fill_v = S::set1(fill);
  for_each_pool_piece(ctx, p, in, out, [&](const float *src, float *dst, int y0, int y1) {
    for (int oy = y0; oy < y1; ++oy)
      for (int ox0 = 0; ox0 < p.out.w; ox0 += width) {
        const LaneMask lanes = lane_range(0, p.out.w - ox0 < width ? p.out.w - ox0 : width);
        V acc = fill_v;
        for (int ky = 0; ky < p.kernel_h; ++ky) {
          const int iy = oy * p.stride_h + ky * p.dilation_h - p.pad_top;
          if (iy < 0 || iy >= p.in.h)
            continue;
          const float *row = src + std::ptrdiff_t(iy) * p.in.w;
          for (int kx = 0; kx < p.kernel_w; ++kx) {
            const std::int64_t ix0 =
                std::int64_t(ox0) * p.stride_w + kx * p.dilation_w - p.pad_left;
            const LaneMask m = pool_columns<Isa>(ix0, p.stride_w, p.in.w, lanes);
            if (m == 0)
              continue;
            V x;
            if (p.stride_w == 1)
              x = m == S::all ? S::load(row + ix0) : S::load_masked(row, ix0, m, fill_v);
            else
              x = S::load_strided(row, ix0, p.stride_w, m, fill_v);
            acc = combine(acc, x);
          }
        }
        const V v = finish(acc, oy, ox0);
        const std::ptrdiff_t o = std::ptrdiff_t(oy) * p.out.w + ox0;
        if (lanes == S::all)
          S::store(dst + o, v);
        else
          S::store_masked(dst, o, lanes, v);
      }
  });
}

// Windows up to this size, and rows up to kMaxPoolVectors vectors, run from tables: the input
// rows of each output row, and each tap column's lanes for each vector (the same for every row).
constexpr int kMaxPoolKernel = 16;
constexpr int kMaxPoolVectors = 64;

// The lanes of each tap column kx of each output vector v: masks[v * kernel_w + kx]. Returns
// false (nothing listed) when the row or the window is too wide for the table.
template <class Isa>
inline bool list_pool_columns(const PoolParams &p,
                              LaneMask (&masks)[kMaxPoolVectors * kMaxPoolKernel]) {
  constexpr int width = Simd<Isa>::width;
  const int vectors = (p.out.w + width - 1) / width;
  if (vectors > kMaxPoolVectors || p.kernel_w > kMaxPoolKernel || p.kernel_h > kMaxPoolKernel)
    return false;
  for (int v = 0; v < vectors; ++v) {
    const int ox0 = v * width;
    const LaneMask lanes = lane_range(0, p.out.w - ox0 < width ? p.out.w - ox0 : width);
    for (int kx = 0; kx < p.kernel_w; ++kx)
      masks[v * p.kernel_w + kx] =
          pool_columns<Isa>(std::int64_t(ox0) * p.stride_w + kx * p.dilation_w - p.pad_left,
                            p.stride_w, p.in.w, lanes);
  }
  return true;
}

// Reduces the window under each output column of vectors in row `oy`: `combine(acc, x)` over
// the taps, `finish(acc, oy, ox0)` gives the vector stored. Taps go column by column, and down
// each column the rows that exist. Units: output planes (sample x channel), each cut into
// pieces of rows when there are too few planes for the threads.
template <class Isa, class Combine, class Finish>
inline void pool_rows(const Context &ctx, const PoolParams &p, const float *in, float *out,
                      float fill, Combine combine, Finish finish) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int width = S::width;
  const V fill_v = S::set1(fill);
  LaneMask masks[kMaxPoolVectors * kMaxPoolKernel];
  if (!list_pool_columns<Isa>(p, masks))
    return pool_rows_unlisted<Isa>(ctx, p, in, out, fill, combine, finish);
  // Locals, not p's fields: stores through float pointers would make the compiler reload them.
  const int in_h = p.in.h, in_w = p.in.w, out_w = p.out.w;
  const int kernel_h = p.kernel_h, kernel_w = p.kernel_w, stride_h = p.stride_h;
  const int stride_w = p.stride_w, dilation_h = p.dilation_h, dilation_w = p.dilation_w;
  const int pad_top = p.pad_top, pad_left = p.pad_left;
  for_each_pool_piece(ctx, p, in, out, [&](const float *src, float *dst, int y0, int y1) {
    for (int oy = y0; oy < y1; ++oy) {
      const float *rows[kMaxPoolKernel];
      int row_count = 0;
      for (int ky = 0; ky < kernel_h; ++ky) {
        const int iy = oy * stride_h + ky * dilation_h - pad_top;
        if (iy >= 0 && iy < in_h)
          rows[row_count++] = src + std::ptrdiff_t(iy) * in_w;
      }
      for (int v = 0, ox0 = 0; ox0 < out_w; ++v, ox0 += width) {
        const LaneMask *columns = masks + v * kernel_w;
        V acc = fill_v;
        for (int kx = 0; kx < kernel_w; ++kx) {
          const LaneMask m = columns[kx];
          const std::ptrdiff_t ix0 = std::ptrdiff_t(ox0) * stride_w + kx * dilation_w - pad_left;
          if (m == S::all && stride_w == 1)
            for (int r = 0; r < row_count; ++r)
              acc = combine(acc, S::load(rows[r] + ix0));
          else if (m != 0 && stride_w == 1)
            for (int r = 0; r < row_count; ++r)
              acc = combine(acc, S::load_masked(rows[r], ix0, m, fill_v));
          else if (m != 0)
            for (int r = 0; r < row_count; ++r)
              acc = combine(acc, S::load_strided(rows[r], ix0, stride_w, m, fill_v));
        }
        const V value = finish(acc, oy, ox0);
        const std::ptrdiff_t o = std::ptrdiff_t(oy) * out_w + ox0;
        if (out_w - ox0 >= width)
          S::store(dst + o, value);
        else
          S::store_masked(dst, o, lane_range(0, out_w - ox0), value);
      }
    }
  });
}

// Elements of an average window along one axis: [start, start + kernel) clipped to the padded
// input [-pad_before, size + pad_after) with count_include_pad, else to the input [0, size).
inline int pool_extent(int start, int kernel, int size, int pad_before, int pad_after,
                       bool include_pad) {
  int lo = start, hi = start + kernel;
  const int first = include_pad ? -pad_before : 0;
  const int end = include_pad ? size + pad_after : size;
  lo = lo < first ? first : lo;
  hi = hi > end ? end : hi;
  return hi > lo ? hi - lo : 0;
}

// 0, 1, 2, ...: each lane's index, for the widest vector.
alignas(64) inline constexpr float kLaneIndex[16] = {0, 1, 2,  3,  4,  5,  6,  7,
                                                     8, 9, 10, 11, 12, 13, 14, 15};

// The sum of n contiguous floats, in a fixed order.
template <class Isa> inline float sum_run(const float *p, std::ptrdiff_t n) {
  using S = Simd<Isa>;
  constexpr int width = S::width;
  typename S::Vec acc = S::zero();
  std::ptrdiff_t i = 0;
  for (; i + width <= n; i += width)
    acc = S::add(acc, S::load(p + i));
  if (i < n)
    acc = S::add(acc, S::load_masked(p, i, lane_range(0, int(n - i)), S::zero()));
  return S::reduce_add(acc);
}

} // namespace detail

template <class Isa>
inline void maxpool(const Context &ctx, const PoolParams &p, const float *in, float *out) {
  using S = Simd<Isa>;
  detail::pool_rows<Isa>(
      ctx, p, in, out, -std::numeric_limits<float>::infinity(),
      [](typename S::Vec acc, typename S::Vec x) { return S::max(acc, x); },
      [](typename S::Vec acc, int, int) { return acc; });
}

// With count_include_pad the divisor is the window clipped to the padded input, as PyTorch
// clips a ceil-mode window that hangs past the bottom or right padding. Each sum is multiplied by
// the divisor's reciprocal (within an ulp of dividing; a division per vector took three times as
// long as the window's nine additions). For windows of every row, the common case, the
// reciprocals of each vector of columns are worked out once per call.
template <class Isa>
inline void avgpool(const Context &ctx, const PoolParams &p, const float *in, float *out) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  constexpr int width = S::width;
  // Each lane's columns as pool_extent counts them, in vector arithmetic (small integers,
  // exact in float): the window [start, start + kernel_w) clipped to [first, end).
  const auto columns = [&](int ox0) {
    const float first = p.count_include_pad ? float(-p.pad_left) : 0.0f;
    const float end = float(p.in.w + (p.count_include_pad ? p.pad_right : 0));
    const V start = S::sub(S::mul(S::add(S::set1(float(ox0)), S::load(detail::kLaneIndex)),
                                  S::set1(float(p.stride_w))),
                           S::set1(float(p.pad_left)));
    const V lo = S::max(start, S::set1(first));
    const V hi = S::min(S::add(start, S::set1(float(p.kernel_w))), S::set1(end));
    return S::max(S::sub(hi, lo), S::zero());
  };
  // 1 / (rows x columns), at least 1: lanes past the row end are not stored.
  const auto reciprocal = [](V cols, int rows) {
    return S::div(S::set1(1.0f), S::max(S::mul(cols, S::set1(float(rows))), S::set1(1.0f)));
  };
  // Listed for rows as long as pool_rows lists the columns of; longer ones divide as they go.
  constexpr int kMaxListed = detail::kMaxPoolVectors;
  const int vectors = int((p.out.w + width - 1) / width);
  V full_rows[kMaxListed];
  for (int v = 0; v < vectors && v < kMaxListed; ++v)
    full_rows[v] = reciprocal(columns(v * width), p.kernel_h);
  detail::pool_rows<Isa>(
      ctx, p, in, out, 0.0f, [](V acc, V x) { return S::add(acc, x); },
      [&](V acc, int oy, int ox0) {
        const int rows = detail::pool_extent(oy * p.stride_h - p.pad_top, p.kernel_h, p.in.h,
                                             p.pad_top, p.pad_bottom, p.count_include_pad);
        const int v = ox0 / width;
        return S::mul(acc, rows == p.kernel_h && v < kMaxListed ? full_rows[v]
                                                                : reciprocal(columns(ox0), rows));
      });
}

// Output cell (i, j) averages rows [floor(i*H/oh), ceil((i+1)*H/oh)) and the same for columns.
template <class Isa>
inline void adaptive_avgpool(const Context &ctx, const AdaptivePoolParams &p, const float *in,
                             float *out) {
  const std::ptrdiff_t in_plane = std::ptrdiff_t(p.in.h) * p.in.w;
  const std::ptrdiff_t out_plane = std::ptrdiff_t(p.out.h) * p.out.w;
  // Units: runs of output planes (sample x channel).
  const std::int64_t planes = std::int64_t(p.out.n) * p.out.c;
  const RangeCut cut = cut_range(ctx, 1, planes, 1);
  ctx.parallel_for(cut.pieces, planes * in_plane, [&](std::int64_t unit, int) {
    const std::int64_t end =
        planes - unit * cut.length < cut.length ? planes : (unit + 1) * cut.length;
    for (std::int64_t plane = unit * cut.length; plane < end; ++plane) {
      const int c = int(plane % p.out.c), n = int(plane / p.out.c);
      const float *src = in + n * p.in.batch_stride + c * in_plane;
      float *dst = out + n * p.out.batch_stride + c * out_plane;
      for (int i = 0; i < p.out.h; ++i) {
        const int y0 = int(std::int64_t(i) * p.in.h / p.out.h);
        const int y1 = int((std::int64_t(i + 1) * p.in.h + p.out.h - 1) / p.out.h);
        for (int j = 0; j < p.out.w; ++j) {
          const int x0 = int(std::int64_t(j) * p.in.w / p.out.w);
          const int x1 = int((std::int64_t(j + 1) * p.in.w + p.out.w - 1) / p.out.w);
          float sum = 0.0f;
          if (x0 == 0 && x1 == p.in.w) {
            sum = detail::sum_run<Isa>(src + std::ptrdiff_t(y0) * p.in.w,
                                       std::ptrdiff_t(y1 - y0) * p.in.w);
          } else {
            for (int y = y0; y < y1; ++y)
              sum += detail::sum_run<Isa>(src + std::ptrdiff_t(y) * p.in.w + x0, x1 - x0);
          }
          dst[std::ptrdiff_t(i) * p.out.w + j] = sum / float((y1 - y0) * (x1 - x0));
        }
      }
    }
  });
}

} // namespace netc::cpu
