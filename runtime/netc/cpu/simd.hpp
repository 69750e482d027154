// The instruction sets netc's CPU kernels are written for, and one vector interface over them.
//
// A kernel is a template on an ISA tag and reaches the hardware only through Simd<Isa>: a vector
// of `width` floats, lane masks as plain bits (lane l is bit l), loads and stores that touch only
// the lanes of their mask (so a row that ends a buffer is never read past its end), and the
// arithmetic the kernels need. Generic is plain C++17 written so that g++ and clang vectorise it
// at -O2 (fixed-trip-count lane loops); Avx2 and Avx512 use intrinsics and exist only where the
// compiler targets them. Loads take a base pointer and a signed offset so that a window hanging
// over the left edge of a row never forms a pointer before the row in portable code.
#pragma once

#include "netc/kernel_params.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#if (defined(__AVX2__) && defined(__FMA__)) || defined(__AVX512F__)
// g++ 12 warns that the intrinsics' own `__m512 __Y = __Y` placeholders may be used uninitialised
// (GCC bug 105593); the warning points into the header, so silence it there.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
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
#if defined(__GNUC__)
#define NETC_INLINE inline __attribute__((always_inline))
#else
#define NETC_INLINE inline
#endif

// Calls f(std::integral_constant<int, I>) for I = 0 .. N-1, unrolled at compile time so that
// register tiles indexed by I stay in registers.
template <class F, int... I> NETC_INLINE void unroll_impl(F &f, std::integer_sequence<int, I...>) {
  (f(std::integral_constant<int, I>{}), ...);
}
template <int N, class F> NETC_INLINE void unroll(F &&f) {
  unroll_impl(f, std::make_integer_sequence<int, N>{});
}

// The scalar activations: the reference every vector version agrees with.
inline float activate(Activation act, float x) {
  switch (act) {
  case Activation::none:
    return x;
  case Activation::relu:
    return x > 0.0f ? x : 0.0f;
  case Activation::relu6:
    return x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;
  case Activation::sigmoid:
    return 1.0f / (1.0f + std::exp(-x));
  case Activation::tanh:
    return std::tanh(x);
  }
  return x;
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
  static Vec max(const Vec &a, const Vec &b) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] > b.v[l] ? a.v[l] : b.v[l];
    return r;
  }
  static Vec min(const Vec &a, const Vec &b) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = a.v[l] < b.v[l] ? a.v[l] : b.v[l];
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
      s = a.v[l] > s ? a.v[l] : s;
    return s;
  }
  template <class F> static Vec map(const Vec &a, F f) {
    Vec r;
    for (int l = 0; l < width; ++l)
      r.v[l] = f(a.v[l]);
    return r;
  }
};

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
  static Vec max(Vec a, Vec b) { return _mm256_max_ps(a, b); }
  static Vec min(Vec a, Vec b) { return _mm256_min_ps(a, b); }
  static float reduce_add(Vec a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
  }
  static float reduce_max(Vec a) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
  }
  template <class F> static Vec map(Vec a, F f) {
    alignas(32) float t[width];
    _mm256_store_ps(t, a);
    for (float &x : t)
      x = f(x);
    return _mm256_load_ps(t);
  }

  // Bit l of m moved to bit 2l.
  static LaneMask spread_even(LaneMask m) {
    m &= 0xffff;
    m = (m | m << 8) & 0x00ff00ffu;
    m = (m | m << 4) & 0x0f0f0f0fu;
    m = (m | m << 2) & 0x33333333u;
    m = (m | m << 1) & 0x55555555u;
    return m;
  }
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
  static Vec max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
  static Vec min(Vec a, Vec b) { return _mm512_min_ps(a, b); }
  static float reduce_add(Vec a) {
    __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(a),
                              _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
  }
  static float reduce_max(Vec a) {
    __m256 s8 = _mm256_max_ps(_mm512_castps512_ps256(a),
                              _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
  }
  template <class F> static Vec map(Vec a, F f) {
    alignas(64) float t[width];
    _mm512_store_ps(t, a);
    for (float &x : t)
      x = f(x);
    return _mm512_load_ps(t);
  }

  // Bit l of m moved to bit 2l.
  static LaneMask spread_even(LaneMask m) {
    m &= 0xffff;
    m = (m | m << 8) & 0x00ff00ffu;
    m = (m | m << 4) & 0x0f0f0f0fu;
    m = (m | m << 2) & 0x33333333u;
    m = (m | m << 1) & 0x55555555u;
    return m;
  }
};
#endif

// act(x) on every lane. relu and relu6 are vector operations; sigmoid and tanh call the exact
// scalar functions lane by lane.
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
    return S::map(x, [](float v) { return activate(Activation::sigmoid, v); });
  case Activation::tanh:
    return S::map(x, [](float v) { return activate(Activation::tanh, v); });
  }
  return x;
}

} // namespace netc::cpu
