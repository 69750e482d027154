// runtime/netc/cuda/launch.hpp, the CUDA kernels' geometry and ownership, checked on the CPU: for
// hand-picked params of every family (odd sizes, strides, groups, channel slices, batch 3), every
// thread of every block of the launch is enumerated through the same functions the kernels use,
// and every output element must be written exactly once, within sm_80's limits.
#include "netc/cuda/launch.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

using namespace netc;
using namespace netc::cuda;

namespace {

constexpr Dims dims(int n, int c, int h, int w) {
  return Dims{n, c, h, w, std::int64_t(c) * h * w};
}
constexpr Dims slice(int n, int c, int h, int w, int parent) {
  return Dims{n, c, h, w, std::int64_t(parent) * h * w};
}

// The first problem found, or "" when every element of `out` is written exactly once by the
// threads of `launch`; `owned(bx, by, bz, tx, ty, tz, visit)` calls visit(n, c, y, x) for each
// element a thread writes.
template <class Owned> std::string coverage(const Launch &l, const Dims &out, Owned owned) {
  std::ostringstream problem;
  const int threads = l.block_x * l.block_y * l.block_z;
  if (threads < 1 || threads > kMaxThreadsPerBlock)
    problem << "block of " << threads << " threads";
  else if (l.shared_bytes < 0 || l.shared_bytes > kMaxSharedStatic)
    problem << "shared memory of " << l.shared_bytes << " bytes";
  else if (l.grid_x < 1 || l.grid_x > kMaxGridX || l.grid_y < 1 || l.grid_y > kMaxGridYZ ||
           l.grid_z < 1 || l.grid_z > kMaxGridYZ)
    problem << "grid " << l.grid_x << "x" << l.grid_y << "x" << l.grid_z;
  if (!problem.str().empty())
    return problem.str();
  std::vector<int> writes(std::size_t(element_count(out)), 0);
  std::string bad;
  for (int bz = 0; bz < l.grid_z; ++bz)
    for (int by = 0; by < l.grid_y; ++by)
      for (int bx = 0; bx < l.grid_x; ++bx)
        for (int tz = 0; tz < l.block_z; ++tz)
          for (int ty = 0; ty < l.block_y; ++ty)
            for (int tx = 0; tx < l.block_x; ++tx)
              owned(bx, by, bz, tx, ty, tz, [&](int n, int c, int y, int x) {
                if (n < 0 || n >= out.n || c < 0 || c >= out.c || y < 0 || y >= out.h || x < 0 ||
                    x >= out.w) {
                  if (bad.empty())
                    bad = "block (" + std::to_string(bx) + "," + std::to_string(by) + "," +
                          std::to_string(bz) + ") thread " + std::to_string(tx) + " writes (" +
                          std::to_string(n) + "," + std::to_string(c) + "," + std::to_string(y) +
                          "," + std::to_string(x) + "), outside the output";
                  return;
                }
                ++writes[((std::size_t(n) * out.c + c) * out.h + y) * out.w + x];
              });
  if (!bad.empty())
    return bad;
  for (std::size_t i = 0; i < writes.size(); ++i)
    if (writes[i] != 1) {
      problem << "element " << i << " (NCHW index) written " << writes[i] << " times";
      return problem.str();
    }
  return "";
}

template <class Params> auto elementwise_owner(const Params &p) {
  return [p](int bx, int, int, int tx, int, int, auto &&visit) {
    for_each_output_elementwise(p.out, bx, tx, visit);
  };
}

constexpr Precision kPrecisions[] = {Precision::fp32, Precision::tf32, Precision::bf16,
                                     Precision::fp16};

} // namespace

TEST_CASE("the coverage check itself catches a double write and a missed element") {
  const Dims out = dims(1, 3, 2, 2);
  const Launch l{1, 1, 1, 12, 1, 1, 0};
  CHECK(coverage(l, out, [&](int bx, int, int, int tx, int, int, auto &&visit) {
          for_each_output_elementwise(out, bx, tx, visit);
        }) == "");
  CHECK(coverage(l, out, [&](int bx, int, int, int tx, int, int, auto &&visit) {
          for_each_output_elementwise(out, bx, tx / 2 * 2, visit); // odd threads repeat even ones
        }) == "element 0 (NCHW index) written 2 times");
  CHECK(coverage(Launch{1, 1, 1, 11, 1, 1, 0}, out,
                 [&](int bx, int, int, int tx, int, int, auto &&visit) {
                   for_each_output_elementwise(out, bx, tx, visit);
                 }) == "element 11 (NCHW index) written 0 times");
  CHECK(coverage(Launch{1, 1, 1, 2048, 1, 1, 0}, out,
                 [](int, int, int, int, int, int, auto &&) {}) == "block of 2048 threads");
}

TEST_CASE("convolution: every output element written once, GEMM and direct, every precision") {
  const ConvParams cases[] = {
      // stride 2 with padding into a concat slice, batch 3
      {dims(3, 35, 17, 19), slice(3, 70, 9, 10, 100), 3, 3, 2, 2, 1, 1, 1, 1, 1, Activation::relu,
       0},
      // 1x7 dilated with asymmetric padding; channels not a multiple of the tile
      {dims(3, 40, 13, 11), dims(3, 24, 13, 11), 1, 7, 1, 1, 0, 6, 1, 2, 1, Activation::none, 0},
      // the 3-channel stem, pixels not a multiple of 64
      {dims(3, 3, 29, 29), dims(3, 32, 14, 14), 3, 3, 2, 2, 0, 0, 1, 1, 1, Activation::relu, 0},
      // 1x1, 130 output channels: three channel tiles, the last with 2
      {dims(3, 64, 5, 7), dims(3, 130, 5, 7), 1, 1, 1, 1, 0, 0, 1, 1, 1, Activation::relu, 0},
      // 2 groups of 32 (GEMM over grid z), 4 groups of 48 with a 16-channel tail
      {dims(3, 64, 7, 7), dims(3, 64, 7, 7), 3, 3, 1, 1, 1, 1, 1, 1, 2, Activation::none, 0},
      {dims(3, 96, 6, 5), dims(3, 192, 6, 5), 3, 3, 1, 1, 1, 1, 1, 1, 4, Activation::none, 0},
      // depthwise (direct) and ResNeXt's 32 groups of 4 (direct)
      {dims(3, 37, 19, 19), dims(3, 37, 10, 10), 3, 3, 2, 2, 1, 1, 1, 1, 37, Activation::none, 0},
      {dims(3, 128, 9, 9), slice(3, 128, 9, 9, 256), 3, 3, 1, 1, 1, 1, 1, 1, 32, Activation::relu,
       0},
      // an Inception-sized layer
      {dims(3, 384, 35, 35), dims(3, 96, 35, 35), 3, 3, 1, 1, 1, 1, 1, 1, 1, Activation::relu, 0},
  };
  for (const ConvParams &p : cases)
    for (Precision prec : kPrecisions) {
      CAPTURE(p.in.c);
      CAPTURE(p.out.c);
      CAPTURE(p.groups);
      CAPTURE(int(prec));
      const Launch l = conv_launch(p, prec);
      CHECK(coverage(l, p.out, [&](int bx, int by, int bz, int tx, int ty, int tz, auto &&visit) {
              for_each_output_conv(p, prec, bx, by, bz, tx, ty, tz, visit);
            }) == "");
    }
}

TEST_CASE("convolution: the kernel choice and the GEMM's grid") {
  const ConvParams depthwise{
      dims(1, 728, 19, 19), dims(1, 728, 19, 19), 3, 3, 1, 1, 1, 1, 1, 1, 728, Activation::none, 0};
  CHECK(conv_uses_direct(depthwise));
  const ConvParams dense{
      dims(2, 192, 35, 35), dims(2, 64, 35, 35), 1, 1, 1, 1, 0, 0, 1, 1, 1, Activation::relu, 0};
  CHECK_FALSE(conv_uses_direct(dense));
  const Launch l = conv_launch(dense, Precision::tf32);
  CHECK(l.grid_x == (2 * 35 * 35 + 63) / 64);
  CHECK(l.grid_y == 1);
  CHECK(l.grid_z == 1);
  CHECK(l.block_x == kConvThreads);
}

TEST_CASE("convolution: shared memory within 48 KiB and aligned as WMMA requires") {
  for (Precision prec : kPrecisions) {
    CAPTURE(int(prec));
    const ConvSharedLayout s = conv_shared_layout(prec);
    CHECK(s.bytes <= kMaxSharedStatic);
    CHECK(s.b_offset % 128 == 0);
    if (prec == Precision::fp32) {
      CHECK(s.b_ld % 4 == 0); // float4 reads of B
      continue;
    }
    const int elem = prec == Precision::tf32 ? 4 : 2;
    // ldm a multiple of 16 bytes; every fragment's first element 32-byte aligned
    CHECK((s.a_ld * elem) % 16 == 0);
    CHECK((s.b_ld * elem) % 16 == 0);
    CHECK((s.c_ld * 4) % 16 == 0);
    CHECK((16 * s.a_ld * elem) % 32 == 0);
    CHECK((8 * s.b_ld * elem) % 32 == 0);
    CHECK((16 * s.c_ld * 4) % 32 == 0);
    CHECK(s.bytes >= kConvTileM * s.c_ld * 4);
    CHECK(s.bytes >= s.b_offset + kConvTileK * s.b_ld * elem);
  }
}

TEST_CASE("linear: GEMV for small batches, the convolution GEMM for large ones") {
  const LinearParams cases[] = {
      {Dims{1, 77, 1, 1, 77}, Dims{1, 10, 1, 1, 10}, Activation::none},
      {Dims{3, 2048, 1, 1, 2048}, Dims{3, 1000, 1, 1, 1000}, Activation::none},
      {Dims{8, 300, 1, 1, 300}, Dims{8, 129, 1, 1, 129}, Activation::relu},
      {Dims{9, 77, 1, 1, 77}, Dims{9, 65, 1, 1, 65}, Activation::relu},
      {Dims{130, 256, 1, 1, 256}, Dims{130, 1000, 1, 1, 1000}, Activation::none},
  };
  for (const LinearParams &p : cases)
    for (Precision prec : kPrecisions) {
      CAPTURE(p.in.n);
      CAPTURE(int(prec));
      const Launch l = linear_launch(p, prec);
      CHECK(coverage(l, p.out, [&](int bx, int by, int bz, int tx, int ty, int tz, auto &&visit) {
              for_each_output_linear(p, prec, bx, by, bz, tx, ty, tz, visit);
            }) == "");
    }
  CHECK(linear_uses_gemv(cases[2]));
  CHECK_FALSE(linear_uses_gemv(cases[3]));
}

TEST_CASE("softmax: one warp per pixel covers every channel") {
  const SoftmaxParams cases[] = {
      {dims(3, 1000, 1, 1), dims(3, 1000, 1, 1)},
      {dims(3, 21, 5, 7), dims(3, 21, 5, 7)},
      {dims(1, 33, 3, 3), slice(1, 33, 3, 3, 40)},
  };
  for (const SoftmaxParams &p : cases) {
    CAPTURE(p.out.c);
    CHECK(coverage(softmax_launch(p), p.out,
                   [&](int bx, int by, int bz, int tx, int ty, int tz, auto &&visit) {
                     for_each_output_softmax(p, bx, by, bz, tx, ty, tz, visit);
                   }) == "");
  }
}

TEST_CASE("pooling, adaptive pooling, unary, binary, mul, copy, LRN: one thread per element") {
  const PoolParams max_pool{
      dims(3, 13, 17, 17), slice(3, 13, 8, 8, 40), 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, false};
  CHECK(coverage(pool_launch(max_pool), max_pool.out, elementwise_owner(max_pool)) == "");
  const PoolParams avg_pool{
      dims(3, 13, 17, 17), dims(3, 13, 9, 9), 3, 3, 2, 2, 1, 1, 2, 2, 1, 1, true};
  CHECK(coverage(pool_launch(avg_pool), avg_pool.out, elementwise_owner(avg_pool)) == "");
  const AdaptivePoolParams adaptive{dims(3, 13, 7, 5), dims(3, 13, 3, 2)};
  CHECK(coverage(adaptive_pool_launch(adaptive), adaptive.out, elementwise_owner(adaptive)) == "");
  const UnaryParams unary{dims(3, 5, 7, 9), dims(3, 5, 7, 9), 0.5f, Activation::relu};
  CHECK(coverage(unary_launch(unary), unary.out, elementwise_owner(unary)) == "");
  const BinaryParams binary{dims(3, 5, 7, 9), slice(3, 5, 7, 9, 11), dims(3, 5, 7, 9), 0.2f,
                            Activation::relu};
  CHECK(coverage(binary_launch(binary), binary.out, elementwise_owner(binary)) == "");
  // mul launches with binary's geometry, b a [C, 1, 1] slice broadcast over the pixels.
  const BinaryParams mul{slice(3, 5, 7, 9, 7), slice(3, 5, 1, 1, 8), dims(3, 5, 7, 9), 1.0f,
                         Activation::none};
  CHECK(coverage(binary_launch(mul), mul.out, elementwise_owner(mul)) == "");
  const CopyParams copy{dims(3, 6, 7, 9), slice(3, 6, 9, 12, 10), 1, 2};
  CHECK(coverage(copy_launch(copy), copy.out, elementwise_owner(copy)) == "");
  const LrnParams lrn{dims(3, 21, 5, 5), dims(3, 21, 5, 5), 5, 1e-4f, 0.75f, 2.0f};
  CHECK(coverage(lrn_launch(lrn), lrn.out, elementwise_owner(lrn)) == "");
}

TEST_CASE("layout conversion: both directions cover the tensor") {
  const Dims d = dims(3, 3, 31, 29);
  CHECK(coverage(layout_launch(d), d, [&](int bx, int, int, int tx, int, int, auto &&visit) {
          for_each_output_elementwise(d, bx, tx, visit);
        }) == "");
  CHECK(coverage(layout_launch(d), d, [&](int bx, int, int, int tx, int, int, auto &&visit) {
          for_each_output_nhwc_to_nchw(d, bx, tx, visit);
        }) == "");
}

TEST_CASE("NHWC addressing: pixel stride of a slice is the parent's channels") {
  const Dims s = slice(2, 32, 5, 7, 96);
  CHECK(pixel_stride(s) == 96);
  CHECK(nhwc_offset(s, 1, 3, 2, 4) == 1 * 96 * 35 + (2 * 7 + 4) * 96 + 3);
  const Dims features{4, 1000, 1, 1, 1024};
  CHECK(pixel_stride(features) == 1024);
  const Element e = nhwc_element(dims(2, 3, 4, 5), 3 * 4 * 5 + (1 * 5 + 2) * 3 + 2);
  CHECK(e.n == 1);
  CHECK(e.y == 1);
  CHECK(e.x == 2);
  CHECK(e.c == 2);
}
