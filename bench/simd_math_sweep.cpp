// The accuracy of runtime/netc/cpu/simd.hpp's exp_vec, sigmoid_vec, tanh_vec, erf_vec and gelu_vec
// against double precision over every float of their ranges (or every STRIDE-th bit pattern), as
// docs/benchmarks.md reports it. Relative error where the result is a normal float; a subnormal
// result more than one subnormal step off (four for gelu, a few ulps), or a result that should
// round to inf and does not, is printed. A second argument runs only the function of that name.
//   g++ -std=c++17 -O2 -I runtime -DISA=Avx512 -mavx512f -mavx512dq -mavx512bw -mavx512vl
//       -mavx2 -mfma bench/simd_math_sweep.cpp -o sweep && ./sweep [STRIDE [NAME]]
// (-DISA=Avx2 -mavx2 -mfma, or -DISA=Generic and no flags, for the other targets.) Every float
// takes a few minutes of one core.
#include <netc/cpu/simd.hpp>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifndef ISA
#define ISA Generic
#endif

namespace {

using namespace netc::cpu;
using S = Simd<ISA>;

// f against reference on the floats of [-limit, limit], every stride-th bit pattern of each sign.
template <class F, class R>
void sweep(const char *name, float limit, unsigned stride, F f, R reference,
           int subnormal_steps = 1) {
  double worst_rel = 0, worst_abs = 0;
  float rel_at = 0, abs_at = 0;
  long points = 0;
  alignas(64) float in[S::width], out[S::width];
  int filled = 0;
  auto flush = [&] {
    S::store(out, f(S::load(in)));
    for (int l = 0; l < filled; ++l, ++points) {
      const double e = reference(double(in[l])), a = out[l];
      if (std::isinf(float(e))) {
        if (a != double(float(e)))
          std::printf("  %s: %a gives %a, not inf\n", name, in[l], a);
        continue;
      }
      const double diff = std::fabs(a - e);
      if (diff > worst_abs)
        worst_abs = diff, abs_at = in[l];
      if (std::fabs(e) >= FLT_MIN) {
        if (diff / std::fabs(e) > worst_rel)
          worst_rel = diff / std::fabs(e), rel_at = in[l];
      } else if (diff > subnormal_steps * 0x1p-149) {
        std::printf("  %s: %a gives the subnormal %a, expected %a\n", name, in[l], a, e);
      }
    }
    filled = 0;
  };
  std::uint32_t top;
  std::memcpy(&top, &limit, sizeof top);
  for (std::uint32_t sign : {0u, 0x80000000u})
    for (std::uint64_t bits = 0; bits <= top; bits += stride) {
      const std::uint32_t b = std::uint32_t(bits) | sign;
      std::memcpy(&in[filled++], &b, sizeof b);
      if (filled == S::width)
        flush();
    }
  if (filled > 0)
    flush();
  std::printf("%-8s %ld points: max relative error %.3g at %a, max absolute %.3g at %a\n", name,
              points, worst_rel, rel_at, worst_abs, abs_at);
}

} // namespace

int main(int argc, char **argv) {
  const unsigned stride = argc > 1 ? unsigned(std::atoi(argv[1])) : 1;
  auto wanted = [&](const char *name) { return argc < 3 || std::strcmp(argv[2], name) == 0; };
  if (wanted("exp"))
    sweep(
        "exp", 104.0f, stride, [](S::Vec v) { return exp_vec<ISA>(v); },
        [](double x) { return std::exp(x); });
  if (wanted("sigmoid"))
    sweep(
        "sigmoid", 104.0f, stride, [](S::Vec v) { return sigmoid_vec<ISA>(v); },
        [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
  if (wanted("tanh"))
    sweep(
        "tanh", 12.0f, stride, [](S::Vec v) { return tanh_vec<ISA>(v); },
        [](double x) { return std::tanh(x); });
  if (wanted("erf"))
    sweep(
        "erf", 12.0f, stride, [](S::Vec v) { return erf_vec<ISA>(v); },
        [](double x) { return std::erf(x); });
  if (wanted("gelu"))
    sweep(
        "gelu", 100.0f, stride, [](S::Vec v) { return gelu_vec<ISA>(v); },
        [](double x) { return 0.5 * x * std::erfc(-x * 0.70710678118654752440); }, 4);
}
