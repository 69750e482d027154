// The instruction sets netc's CPU kernels are written for, and one vector interface over them.
//
// A kernel is a template on an ISA tag and reaches the hardware only through Simd<Isa>: a vector
// of `width` floats, lane masks as plain bits (lane l is bit l), loads and stores that touch only
// the lanes of their mask (so a row that ends a buffer is never read past its end), and the
// arithmetic the kernels need. Generic is plain C++17 written so that g++ and clang vectorise it
// at -O2 (fixed-trip-count lane loops); Avx2 and Avx512 use intrinsics and exist only where the
// compiler targets them. Loads take a base pointer and a signed offset so that a window hanging
// over the left edge of a row never forms a pointer before the row in portable code.
//
// NaN: max and min return NaN when either operand is NaN (PyTorch's torch.maximum), so a NaN
// pixel survives ReLU, clamps and max pooling instead of being replaced by the other operand.
// Hardware max/min do not: vmaxps returns its second operand when either is NaN, so each ISA
// blends the first operand back in where it is NaN.
//
// exp_vec, sigmoid_vec and tanh_vec (below the ISAs) are vector formulas written once over the
// Simd primitives; their measured accuracy is documented there and asserted by
// tests/unit/kernels/simd_math_test.cpp on every ISA.
#pragma once

#include "netc/activation_formulas.hpp"
#include "netc/kernel_params.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#if (defined(__AVX2__) && defined(__FMA__)) || defined(__AVX512F__)
// g++ 12 warns that the intrinsics' own `__m512 __Y = __Y` placeholders may be (or are) used
// uninitialised (GCC bug 105593), as soon as an intrinsic is inlined into a small function of its
// own; the warning points into the header, so silence it there.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif
#endif

namespace netc::cpu {

struct Generic;
#if defined(__AVX2__) && defined(__FMA__)
struct Avx2;
#endif
#if defined(__AVX512F__)
struct Avx512;
#endif

// Lane masks: bit l selects lane l.
using LaneMask = std::uint32_t;

// Lanes [lo, hi) of a vector; empty when hi <= lo.
constexpr LaneMask lane_range(int lo, int hi) {
  if (hi <= lo)
    return 0;
  LaneMask below_hi = hi >= 32 ? ~LaneMask{0} : (LaneMask{1} << hi) - 1;
  LaneMask below_lo = (LaneMask{1} << lo) - 1;
  return below_hi & ~below_lo;
}

// Inlined whatever the compiler's heuristics say: a register tile only stays in registers when
// every helper that touches it is inlined (clang otherwise passes 4-float structs in halves).
// NETC_INLINE_LAMBDA does the same for a lambda, after its parameter list: `[&](auto j)
// NETC_INLINE_LAMBDA { ... }` (a large unrolled body is otherwise called, its tile in memory).
#if defined(__GNUC__)
#define NETC_INLINE inline __attribute__((always_inline))
#define NETC_INLINE_LAMBDA __attribute__((always_inline))
#else
#define NETC_INLINE inline
#define NETC_INLINE_LAMBDA
#endif

// Calls f(std::integral_constant<int, I>) for I = 0 .. N-1, unrolled at compile time so that
// register tiles indexed by I stay in registers.
template <class F, int... I> NETC_INLINE void unroll_impl(F &f, std::integer_sequence<int, I...>) {
  (f(std::integral_constant<int, I>{}), ...);
}
template <int N, class F> NETC_INLINE void unroll(F &&f) {
  unroll_impl(f, std::make_integer_sequence<int, N>{});
}

// The scalar activations (netc/activation_formulas.hpp): what every vector version agrees with.
inline float activate(Activation act, float x) {
  return activate_scalar(act, x);
}

template <class Isa> struct Simd;

template <> struct Simd<Generic> {
  // Four lanes: one SSE register on a baseline x86-64 build, so a 4x3 tile fits 16 registers.
  static constexpr int width = 4;
  static constexpr LaneMask all = lane_range(0, width);
  struct Vec {
    float v[width];
  };

  static Vec zero() { return set1(0.0f); }
  static Vec set1(float x) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = x;
    return r;
  }
  static Vec load(const float *p) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = p[l];
    return r;
  }
  static void store(float *p, const Vec &a) {
    for (int l = 0; l < width; ++l)
      p[l] = a.v[l];
  }
  // base[off + l] for the lanes of m, fill elsewhere.
  static Vec load_masked(const float *base, std::ptrdiff_t off, LaneMask m, const Vec &fill) {
    Vec r = fill;
    for (int l = 0; l < width; ++l)
      if (m >> l & 1)
        r.v[l] = base[off + l];
    return r;
  }
  // The lanes of m, zero elsewhere, where all of base[off .. off + width) may be read: an AND
  // with a mask of whole words prepared once (select_mask), which vectorises.
  struct Select {
    std::uint32_t bits[width];
  };
  static Select select_mask(LaneMask m) {
    Select s;
    for (int l = 0; l < width; ++l)
      s.bits[l] = 0u - (m >> l & 1u);
    return s;
  }
  static Vec load_select(const float *base, std::ptrdiff_t off, const Select &s) {
    Vec r;
    for (int l = 0; l < width; ++l) {
      std::uint32_t u;
      std::memcpy(&u, base + off + l, sizeof u);
      u &= s.bits[l];
      std::memcpy(&r.v[l], &u, sizeof u);
    }
    return r;
  }
  // base[off + l * stride] for the lanes of m, fill elsewhere.
  static Vec load_strided(const float *base, std::ptrdiff_t off, int stride, LaneMask m,
                          const Vec &fill) {
    Vec r = fill;
    for (int l = 0; l < width; ++l)
      if (m >> l & 1)
        r.v[l] = base[off + std::ptrdiff_t(l) * stride];
    return r;
  }
  static void store_masked(float *base, std::ptrdiff_t off, LaneMask m, const Vec &a) {
    for (int l = 0; l < width; ++l)
      if (m >> l & 1)
        base[off + l] = a.v[l];
  }
  // a * b + c (two roundings: portable code has no fused multiply-add to count on).
  static Vec fma(const Vec &a, const Vec &b, const Vec &c) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] * b.v[l] + c.v[l];
    return r;
  }
  static Vec add(const Vec &a, const Vec &b) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] + b.v[l];
    return r;
  }
  static Vec sub(const Vec &a, const Vec &b) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] - b.v[l];
    return r;
  }
  static Vec mul(const Vec &a, const Vec &b) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] * b.v[l];
    return r;
  }
  static Vec div(const Vec &a, const Vec &b) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] / b.v[l];
    return r;
  }
  // NaN when either lane is NaN: a NaN a is kept by `a != a`, a NaN b by the failed comparison.
  static Vec max(const Vec &a, const Vec &b) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] > b.v[l] || a.v[l] != a.v[l] ? a.v[l] : b.v[l];
    return r;
  }
  static Vec min(const Vec &a, const Vec &b) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] < b.v[l] || a.v[l] != a.v[l] ? a.v[l] : b.v[l];
    return r;
  }
  // a rounded to the nearest integer, ties to even, for |a| < 2^22 (and NaN): adding 1.5 * 2^23
  // leaves no fraction bits, and subtracting it again is exact.
  static Vec round_nearest(const Vec &a) {
    const float shift = 12582912.0f;
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = (a.v[l] + shift) - shift;
    return r;
  }
  // 2^n for whole n in [-126, 127], built in the exponent bits; a NaN lane gives 1.
  static Vec pow2(const Vec &n) {
    Vec r;
    for (int l = 0; l < width; ++l) {
      const std::int32_t e = n.v[l] == n.v[l] ? std::int32_t(n.v[l]) : 0;
      const std::uint32_t bits = std::uint32_t(e + 127) << 23;
      std::memcpy(&r.v[l], &bits, sizeof bits);
    }
    return r;
  }
  // |a|, and a with its sign flipped in the lanes where sign_of is negative (NaN kept).
  static Vec abs(const Vec &a) {
    return bits_op(a, a, [](std::uint32_t x, std::uint32_t) { return x & 0x7fffffffu; });
  }
  static Vec flip_sign(const Vec &a, const Vec &sign_of) {
    return bits_op(a, sign_of,
                   [](std::uint32_t x, std::uint32_t s) { return x ^ (s & 0x80000000u); });
  }
  // a < b ? x : y in every lane.
  static Vec select_less(const Vec &a, const Vec &b, const Vec &x, const Vec &y) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] < b.v[l] ? x.v[l] : y.v[l];
    return r;
  }
  template <class F> static Vec bits_op(const Vec &a, const Vec &b, F f) {
    Vec r;
    for (int l = 0; l < width; ++l) {
      std::uint32_t x, y;
      std::memcpy(&x, &a.v[l], sizeof x);
      std::memcpy(&y, &b.v[l], sizeof y);
      x = f(x, y);
      std::memcpy(&r.v[l], &x, sizeof x);
    }
    return r;
  }
  // Sums and maxima of all lanes, in a fixed order.
  static float reduce_add(const Vec &a) {
    float s = a.v[0];
    for (int l = 1; l < width; ++l)
      s += a.v[l];
    return s;
  }
  static float reduce_max(const Vec &a) {
    float s = a.v[0];
    for (int l = 1; l < width; ++l)
      s = a.v[l] > s || a.v[l] != a.v[l] ? a.v[l] : s;
    return s;
  }
  template <class F> static Vec map(const Vec &a, F f) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = f(a.v[l]);
    return r;
  }
};

// What the AVX2 and AVX-512 vectors share, written once over their store_aligned/load_aligned.

// Bit l of m moved to bit 2l: the even elements a stride-2 load of the lanes in m reads.
constexpr LaneMask spread_even(LaneMask m) {
  m &= 0xffff;
  m = (m | m << 8) & 0x00ff00ffu;
  m = (m | m << 4) & 0x0f0f0f0fu;
  m = (m | m << 2) & 0x33333333u;
  m = (m | m << 1) & 0x55555555u;
  return m;
}

// The maximum of a vector's lanes (NaN when any is NaN), through an aligned copy in memory whose
// quarters (8 or 16 lanes) are paired as Generic vectors.
template <class S> NETC_INLINE float reduce_max_in_memory(typename S::Vec a) {
  static_assert(S::width == 8 || S::width == 16);
  using G = Simd<Generic>;
  alignas(sizeof(typename S::Vec)) float t[S::width];
  S::store_aligned(t, a);
  if constexpr (S::width == 8)
    return G::reduce_max(G::max(G::load(t), G::load(t + 4)));
  else
    return G::reduce_max(
        G::max(G::max(G::load(t), G::load(t + 4)), G::max(G::load(t + 8), G::load(t + 12))));
}

// f on every lane, through an aligned copy in memory (for scalar-only functions like std::pow).
template <class S, class F> NETC_INLINE typename S::Vec map_in_memory(typename S::Vec a, F f) {
  alignas(sizeof(typename S::Vec)) float t[S::width];
  S::store_aligned(t, a);
  for (float &x : t)
    x = f(x);
  return S::load_aligned(t);
}

#if (defined(__AVX2__) && defined(__FMA__)) || defined(__AVX512F__)
// The sum of an __m256's lanes in a fixed order (halves, then pairs): AVX2's reduce_add, and
// AVX-512's once it has added its two halves.
NETC_INLINE float reduce_add_256(__m256 a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
#endif

#if defined(__AVX2__) && defined(__FMA__)
template <> struct Simd<Avx2> {
  static constexpr int width = 8;
  static constexpr LaneMask all = lane_range(0, width);
  using Vec = __m256;

  // Lane l of the result is all ones when bit l of m is set.
  static __m256i lanes_of(LaneMask m) {
    const __m256i bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(int(m)), bits), bits);
  }

  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec set1(float x) { return _mm256_set1_ps(x); }
  static Vec load(const float *p) { return _mm256_loadu_ps(p); }
  static void store(float *p, Vec a) { _mm256_storeu_ps(p, a); }
  static Vec load_masked(const float *base, std::ptrdiff_t off, LaneMask m, Vec fill) {
    __m256i lanes = lanes_of(m);
    return _mm256_blendv_ps(fill, _mm256_maskload_ps(base + off, lanes),
                            _mm256_castsi256_ps(lanes));
  }
  using Select = __m256;
  static Select select_mask(LaneMask m) { return _mm256_castsi256_ps(lanes_of(m)); }
  static Vec load_select(const float *base, std::ptrdiff_t off, Select s) {
    return _mm256_and_ps(_mm256_loadu_ps(base + off), s);
  }
  static Vec load_strided(const float *base, std::ptrdiff_t off, int stride, LaneMask m, Vec fill) {
    __m256i lanes = lanes_of(m);
    if (stride == 2) {
      // Even elements of two masked loads: elements 2l of the lanes in m, and nothing else.
      LaneMask e = spread_even(m);
      __m256 lo = _mm256_maskload_ps(base + off, lanes_of(e & 0xff));
      __m256 hi = _mm256_maskload_ps(base + off + 8, lanes_of(e >> 8));
      __m256 even = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
      even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), 0xd8));
      return _mm256_blendv_ps(fill, even, _mm256_castsi256_ps(lanes));
    }
    __m256i index =
        _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(stride));
    return _mm256_mask_i32gather_ps(fill, base + off, index, _mm256_castsi256_ps(lanes), 4);
  }
  static void store_masked(float *base, std::ptrdiff_t off, LaneMask m, Vec a) {
    _mm256_maskstore_ps(base + off, lanes_of(m), a);
  }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm256_sub_ps(a, b); }
  static Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
  static Vec div(Vec a, Vec b) { return _mm256_div_ps(a, b); }
  // vmaxps gives b where either is NaN; a NaN a is blended back in.
  static Vec max(Vec a, Vec b) {
    return _mm256_blendv_ps(_mm256_max_ps(a, b), a, _mm256_cmp_ps(a, a, _CMP_UNORD_Q));
  }
  static Vec min(Vec a, Vec b) {
    return _mm256_blendv_ps(_mm256_min_ps(a, b), a, _mm256_cmp_ps(a, a, _CMP_UNORD_Q));
  }
  static Vec round_nearest(Vec a) {
    return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static Vec pow2(Vec n) {
    const __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
  }
  static Vec abs(Vec a) {
    return _mm256_and_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
  }
  static Vec flip_sign(Vec a, Vec sign_of) {
    return _mm256_xor_ps(a, _mm256_and_ps(sign_of, _mm256_set1_ps(-0.0f)));
  }
  static Vec select_less(Vec a, Vec b, Vec x, Vec y) {
    return _mm256_blendv_ps(y, x, _mm256_cmp_ps(a, b, _CMP_LT_OQ));
  }
  static float reduce_add(Vec a) { return reduce_add_256(a); }
  // p 32-byte aligned (the stack copies of reduce_max and map).
  static void store_aligned(float *p, Vec a) { _mm256_store_ps(p, a); }
  static Vec load_aligned(const float *p) { return _mm256_load_ps(p); }
  static float reduce_max(Vec a) { return reduce_max_in_memory<Simd>(a); }
  template <class F> static Vec map(Vec a, F f) { return map_in_memory<Simd>(a, f); }
};
#endif

#if defined(__AVX512F__)
template <> struct Simd<Avx512> {
  static constexpr int width = 16;
  static constexpr LaneMask all = lane_range(0, width);
  using Vec = __m512;

  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec set1(float x) { return _mm512_set1_ps(x); }
  static Vec load(const float *p) { return _mm512_loadu_ps(p); }
  static void store(float *p, Vec a) { _mm512_storeu_ps(p, a); }
  static Vec load_masked(const float *base, std::ptrdiff_t off, LaneMask m, Vec fill) {
    return _mm512_mask_loadu_ps(fill, __mmask16(m), base + off);
  }
  using Select = __mmask16;
  static Select select_mask(LaneMask m) { return __mmask16(m); }
  static Vec load_select(const float *base, std::ptrdiff_t off, Select s) {
    return _mm512_maskz_loadu_ps(s, base + off);
  }
  static Vec load_strided(const float *base, std::ptrdiff_t off, int stride, LaneMask m, Vec fill) {
    if (stride == 2) {
      // Even elements of two masked loads: elements 2l of the lanes in m, and nothing else.
      LaneMask e = spread_even(m);
      __m512 lo = _mm512_maskz_loadu_ps(__mmask16(e & 0xffff), base + off);
      __m512 hi = _mm512_maskz_loadu_ps(__mmask16(e >> 16), base + off + 16);
      const __m512i even =
          _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
      return _mm512_mask_mov_ps(fill, __mmask16(m), _mm512_permutex2var_ps(lo, even, hi));
    }
    __m512i index =
        _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                           _mm512_set1_epi32(stride));
    return _mm512_mask_i32gather_ps(fill, __mmask16(m), index, base + off, 4);
  }
  static void store_masked(float *base, std::ptrdiff_t off, LaneMask m, Vec a) {
    _mm512_mask_storeu_ps(base + off, __mmask16(m), a);
  }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm512_sub_ps(a, b); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static Vec div(Vec a, Vec b) { return _mm512_div_ps(a, b); }
  // vmaxps gives b where either is NaN; a NaN a is put back by a masked move.
  static Vec max(Vec a, Vec b) {
    return _mm512_mask_mov_ps(_mm512_max_ps(a, b), _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q), a);
  }
  static Vec min(Vec a, Vec b) {
    return _mm512_mask_mov_ps(_mm512_min_ps(a, b), _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q), a);
  }
  static Vec round_nearest(Vec a) {
    return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static Vec pow2(Vec n) {
    const __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
  }
  static Vec abs(Vec a) {
    return _mm512_castsi512_ps(
        _mm512_and_epi32(_mm512_castps_si512(a), _mm512_set1_epi32(0x7fffffff)));
  }
  static Vec flip_sign(Vec a, Vec sign_of) {
    const __m512i sign =
        _mm512_and_epi32(_mm512_castps_si512(sign_of), _mm512_set1_epi32(int(0x80000000u)));
    return _mm512_castsi512_ps(_mm512_xor_epi32(_mm512_castps_si512(a), sign));
  }
  static Vec select_less(Vec a, Vec b, Vec x, Vec y) {
    return _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ), x);
  }
  static float reduce_add(Vec a) {
    return reduce_add_256(
        _mm256_add_ps(_mm512_castps512_ps256(a),
                      _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1))));
  }
  // p 64-byte aligned (the stack copies of reduce_max and map).
  static void store_aligned(float *p, Vec a) { _mm512_store_ps(p, a); }
  static Vec load_aligned(const float *p) { return _mm512_load_ps(p); }
  static float reduce_max(Vec a) { return reduce_max_in_memory<Simd>(a); }
  template <class F> static Vec map(Vec a, F f) { return map_in_memory<Simd>(a, f); }
};
#endif

// ---- exp, sigmoid, tanh, erf and gelu on vectors ------------------------------------------------
//
// Written once over the Simd primitives (Generic's fma has two roundings; the bounds hold for it
// too). Largest relative error against double precision over every float of [-104, 89] (exp),
// [-104, 104] (sigmoid) and [-12, 12] (tanh, erf) (bench/simd_math_sweep.cpp), AVX-512 and
// generic; no subnormal result is more than one subnormal step off (gelu: four).
// tests/unit/kernels/simd_math_test.cpp asserts the bounds on every ISA:
//   exp_vec      9.1e-8 AVX-512, 8.8e-8 generic (under 1 ulp)     asserted < 1.2e-7
//   sigmoid_vec  1.8e-7 both                                       asserted < 2.5e-7
//   tanh_vec     1.5e-7 both (absolute 9.2e-8)                     asserted < 2e-7 (abs < 1e-7)
//   silu         2.1e-7 over [-80, 80] (x * sigmoid_vec)           asserted < 3.2e-7
//   hardswish    absolute 3.6e-7 over [-10, 10]                   asserted < 4e-7
//   erf_vec      2.5e-7 generic, 1.9e-7 AVX2/AVX-512, over [-12, 12]   asserted < 2.7e-7
//   gelu_vec     5.1e-7 generic, 4.6e-7 AVX2/AVX-512, over [-100, 100]  asserted < 5.5e-7
//                (negative tail included: x Phi(x) through erfc; subnormal results within 4 steps)
// NaN gives NaN; exp(+inf) = +inf, exp(-inf) = 0, sigmoid(+-inf) = 1 / 0, tanh(+-inf) = +-1,
// erf(+-inf) = +-1, gelu(+inf) = +inf and gelu(-inf) = NaN (PyTorch's -inf * 0).
// Subnormals are handled, not flushed: subnormal inputs act as the tiny numbers they are
// (exp = 1, tanh(x) = x), and exp and sigmoid round results below 2^-126 to the subnormal
// nearest (gradual underflow, as std::exp), because 2^n is applied as two factors.

// e^x: x = n ln2 + r with |r| <= ln2 / 2, e^r = 1 + r + r^2 Q(r) with Q a degree-4 Chebyshev fit
// of (e^r - 1 - r) / r^2 (error 8e-9), and 2^n built in the exponent bits as 2^n1 * 2^n2.
// ln 2 is split in two: ln2_hi has 12 bits, so n * ln2_hi and x - n * ln2_hi are exact.
template <class Isa> inline typename Simd<Isa>::Vec exp_vec(typename Simd<Isa>::Vec x) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  // Beyond these e^x rounds to +inf or to 0; the clamps keep n in range (and NaN as NaN).
  x = S::min(S::max(x, S::set1(-104.0f)), S::set1(89.0f));
  const V n = S::round_nearest(S::mul(x, S::set1(1.44269504088896341f)));
  V r = S::fma(n, S::set1(-0.693115234375f), x);
  r = S::fma(n, S::set1(-3.19461833e-05f), r);
  V q = S::set1(0.0013926392421126366f);
  q = S::fma(q, r, S::set1(0.008363345637917519f));
  q = S::fma(q, r, S::set1(0.04166655242443085f));
  q = S::fma(q, r, S::set1(0.16666576266288757f));
  q = S::fma(q, r, S::set1(0.5f));
  const V p = S::add(S::fma(S::mul(r, r), q, r), S::set1(1.0f));
  // n in [-150, 128]: each half in [-75, 64], a normal power of two.
  const V n1 = S::round_nearest(S::mul(n, S::set1(0.5f)));
  const V n2 = S::sub(n, n1);
  return S::mul(S::mul(p, S::pow2(n1)), S::pow2(n2));
}

// 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) for x < 0: e^-|x| never overflows, and a
// negative x keeps its relative accuracy down to the subnormals.
template <class Isa> inline typename Simd<Isa>::Vec sigmoid_vec(typename Simd<Isa>::Vec x) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  const V one = S::set1(1.0f);
  const V e = exp_vec<Isa>(S::sub(S::zero(), S::abs(x)));
  return S::div(S::select_less(x, S::zero(), e, one), S::add(one, e));
}

// Below |x| = 0.625 the odd polynomial x + x^3 P(x^2), P a degree-5 Chebyshev fit (relative error
// 4e-9), which keeps tanh(x) ~ x accurate near 0; above it (1 - e) / (1 + e) with e = e^-2|x|,
// no cancellation there (e <= 0.29). e = 0 gives 1 exactly for large |x|.
template <class Isa> inline typename Simd<Isa>::Vec tanh_vec(typename Simd<Isa>::Vec x) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  const V one = S::set1(1.0f);
  const V a = S::abs(x);
  const V s = S::mul(a, a);
  V p = S::set1(0.002292744815349579f);
  p = S::fma(p, s, S::set1(-0.008343945257365704f));
  p = S::fma(p, s, S::set1(0.02176891826093197f));
  p = S::fma(p, s, S::set1(-0.053959257900714874f));
  p = S::fma(p, s, S::set1(0.13333304226398468f));
  p = S::fma(p, s, S::set1(-0.3333333432674408f));
  const V small = S::fma(S::mul(a, s), p, a);
  const V e = exp_vec<Isa>(S::mul(a, S::set1(-2.0f)));
  const V large = S::div(S::sub(one, e), S::add(one, e));
  // On |x|, the sign put back last: tanh(-0) = -0.
  return S::flip_sign(S::select_less(a, S::set1(0.625f), small, large), x);
}

// erfc(a) = e^-a^2 h(t) for 0.75 <= a <= 10.15 (a clamped by the caller), returned as the two
// factors q = h(t) e^-a2_lo and e = e^-a2_hi (a subnormal e is multiplied in last, keeping the
// product's accuracy). t = 1 / (1 + a/2) and h a degree-8 polynomial fit of erfc(a) e^(a^2)
// (relative error 1.8e-8). The caller gives a^2 = a2_hi + a2_lo with a2_hi exact: a relative error
// d in a^2 would cost a^2 d in erfc (2e-5 at a = 10 for one rounding). a2_lo is at most 0.04, and
// e^-a2_lo is its degree-4 Taylor polynomial (error 1e-9).
template <class Isa> struct ErfcTail { typename Simd<Isa>::Vec q, e; };
template <class Isa>
inline ErfcTail<Isa> erfc_tail_vec(typename Simd<Isa>::Vec a, typename Simd<Isa>::Vec a2_hi,
                                   typename Simd<Isa>::Vec a2_lo) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  const V t = S::div(S::set1(2.0f), S::add(a, S::set1(2.0f)));
  V h = S::set1(0.06513380259275436f);
  h = S::fma(h, t, S::set1(-0.13554368913173676f));
  h = S::fma(h, t, S::set1(-0.04084458947181702f));
  h = S::fma(h, t, S::set1(0.1538182646036148f));
  h = S::fma(h, t, S::set1(0.1365421563386917f));
  h = S::fma(h, t, S::set1(0.2588444650173187f));
  h = S::fma(h, t, S::set1(0.2800249457359314f));
  h = S::fma(h, t, S::set1(0.2822865843772888f));
  h = S::fma(h, t, S::set1(-7.414021183649311e-06f));
  const V m = S::sub(S::zero(), a2_lo);
  V p = S::set1(1.0f / 24.0f);
  p = S::fma(p, m, S::set1(1.0f / 6.0f));
  p = S::fma(p, m, S::set1(0.5f));
  p = S::fma(p, m, S::set1(1.0f));
  p = S::fma(p, m, S::set1(1.0f));
  return {S::mul(h, p), exp_vec<Isa>(S::sub(S::zero(), a2_hi))};
}

// v^2 = hi + lo for 0 <= v <= 16: hi = v_hi^2 with v_hi = v rounded to 1/256 (12 bits, so its
// square is exact), lo = (v + v_hi)(v - v_hi), v - v_hi exact.
template <class Isa> struct SquareSplit { typename Simd<Isa>::Vec hi, lo; };
template <class Isa> inline SquareSplit<Isa> square_split(typename Simd<Isa>::Vec v) {
  using S = Simd<Isa>;
  const typename S::Vec v_hi =
      S::mul(S::round_nearest(S::mul(v, S::set1(256.0f))), S::set1(1.0f / 256.0f));
  return {S::mul(v_hi, v_hi), S::mul(S::add(v, v_hi), S::sub(v, v_hi))};
}

// erf(x) / x for |x| < 0.75: a degree-6 polynomial in x^2 (relative error 2.5e-11).
template <class Isa> inline typename Simd<Isa>::Vec erf_small_vec(typename Simd<Isa>::Vec s) {
  using S = Simd<Isa>;
  typename S::Vec p = S::set1(9.461260196985677e-05f);
  p = S::fma(p, s, S::set1(-0.0008355366298928857f));
  p = S::fma(p, s, S::set1(0.0052166897803545f));
  p = S::fma(p, s, S::set1(-0.02686474286019802f));
  p = S::fma(p, s, S::set1(0.1128377839922905f));
  p = S::fma(p, s, S::set1(-0.37612637877464294f));
  return S::fma(p, s, S::set1(1.128379225730896f));
}

// erf(x): x P(x^2) below |x| = 0.75, 1 - erfc(|x|) above (erf >= 0.71 there, so erfc's error
// stays small), the sign put back last (erf(-0) = -0). |x| is clamped to 10.15, where
// erfc is far below half an ulp of 1.
template <class Isa> inline typename Simd<Isa>::Vec erf_vec(typename Simd<Isa>::Vec x) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  const V a = S::abs(x);
  const V small = S::mul(a, erf_small_vec<Isa>(S::mul(a, a)));
  const V ac = S::min(a, S::set1(10.15f)); // NaN stays NaN
  const SquareSplit<Isa> sq = square_split<Isa>(ac);
  const ErfcTail<Isa> c = erfc_tail_vec<Isa>(ac, sq.hi, sq.lo);
  const V large = S::sub(S::set1(1.0f), S::mul(c.q, c.e));
  return S::flip_sign(S::select_less(a, S::set1(0.75f), small, large), x);
}

// gelu(x) = x Phi(x), Phi(x) = (1 + erf(z)) / 2 with z = x / sqrt 2. Below |z| = 0.75 through
// erf_small_vec; above it Phi = 1 - erfc(|z|)/2 for x > 0 and erfc(|z|)/2 for x < 0, so the
// negative tail keeps its relative accuracy (PyTorch's float 1 + erf(z) loses it: 4 % at x = -5).
// z^2 = x^2 / 2 is split from x itself (no rounding of x / sqrt 2 in the exponent). Past
// |x| = 14.35 (|z| = 10.15) x Phi(x) is below the least subnormal and e is set to 0, so that the
// result is +-0 there, x for x large, and NaN for -inf (-inf * 0, as PyTorch).
template <class Isa> inline typename Simd<Isa>::Vec gelu_vec(typename Simd<Isa>::Vec x) {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  const V half = S::set1(0.5f);
  const V ax = S::abs(x);
  const V z = S::mul(x, S::set1(0.707106781186547524f));
  const V small =
      S::mul(S::mul(x, half), S::fma(z, erf_small_vec<Isa>(S::mul(z, z)), S::set1(1.0f)));
  const V axc = S::min(ax, S::set1(14.35f)); // NaN stays NaN
  const SquareSplit<Isa> sq = square_split<Isa>(axc);
  ErfcTail<Isa> c = erfc_tail_vec<Isa>(S::mul(axc, S::set1(0.707106781186547524f)),
                                       S::mul(sq.hi, half), S::mul(sq.lo, half));
  c.e = S::select_less(ax, S::set1(14.35f), c.e, S::zero());
  // x erfc / 2 for x < 0 with e last (its subnormals stay one rounding); x (1 - erfc / 2) for
  // x > 0 without x * e, which is NaN for x = +inf.
  const V negative = S::mul(S::mul(S::mul(x, half), c.q), c.e);
  const V positive = S::mul(x, S::sub(S::set1(1.0f), S::mul(S::mul(half, c.q), c.e)));
  const V tail = S::select_less(x, S::zero(), negative, positive);
  return S::select_less(S::mul(ax, S::set1(0.707106781186547524f)), S::set1(0.75f), small, tail);
}

// act(x) on every lane, NaN passing through every activation.
template <class Isa>
inline typename Simd<Isa>::Vec activate_vec(Activation act, typename Simd<Isa>::Vec x) {
  using S = Simd<Isa>;
  switch (act) {
  case Activation::none:
    return x;
  case Activation::relu:
    return S::max(x, S::zero());
  case Activation::relu6:
    return S::min(S::max(x, S::zero()), S::set1(6.0f));
  case Activation::sigmoid:
    return sigmoid_vec<Isa>(x);
  case Activation::tanh:
    return tanh_vec<Isa>(x);
  case Activation::silu: // x * sigmoid(x): sigmoid_vec's error plus one rounding
    return S::mul(x, sigmoid_vec<Isa>(x));
  case Activation::hardswish:
    return S::mul(x, activate_vec<Isa>(Activation::hardsigmoid, x));
  case Activation::hardsigmoid: // relu6(x + 3) / 6; max and min keep NaN
    return S::mul(S::min(S::max(S::add(x, S::set1(3.0f)), S::zero()), S::set1(6.0f)),
                  S::set1(1.0f / 6.0f));
  case Activation::gelu:
    return gelu_vec<Isa>(x);
  }
  return x;
}

// none, relu and relu6 as one clamp, min(max(x, lo), hi), which a kernel's epilogue inlines
// rather than call activate_vec for every vector. S::max and S::min keep a NaN in their first
// operand, as relu and relu6 do.
template <class Isa> struct ClampActivation {
  using S = Simd<Isa>;
  using V = typename S::Vec;
  explicit ClampActivation(Activation act)
      : applies(act == Activation::none || act == Activation::relu || act == Activation::relu6),
        lo(S::set1(act == Activation::none ? -INFINITY : 0.0f)),
        hi(S::set1(act == Activation::relu6 ? 6.0f : INFINITY)) {}
  V operator()(V x) const { return S::min(S::max(x, lo), hi); }
  bool applies; // act is none, relu or relu6
  V lo, hi;
};

} // namespace netc::cpu
