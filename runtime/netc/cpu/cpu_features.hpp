// Refusing, at construction, to run code generated for instructions this CPU lacks: a clear
// netc::Error instead of an illegal-instruction crash in the middle of run().
#pragma once

#include "netc/error.hpp"

#include <initializer_list>
#include <string>

namespace netc::cpu {

// True when the CPU has `feature` (each of cmake/NetcCpuTargets.cmake: "avx2", "fma", "avx512f",
// ...); true where the compiler offers no way to ask (the code then runs as it would have anyway).
inline bool cpu_has(const char *feature) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  std::string f = feature;
  if (f == "avx2")
    return __builtin_cpu_supports("avx2");
  if (f == "fma")
    return __builtin_cpu_supports("fma");
  if (f == "avx512f")
    return __builtin_cpu_supports("avx512f");
  if (f == "avx512dq")
    return __builtin_cpu_supports("avx512dq");
  if (f == "avx512bw")
    return __builtin_cpu_supports("avx512bw");
  if (f == "avx512vl")
    return __builtin_cpu_supports("avx512vl");
  return false;
#else
  (void)feature;
  return true;
#endif
}

inline void require_cpu_features(const char *network, const char *target,
                                 std::initializer_list<const char *> features) {
  for (const char *f : features)
    if (!cpu_has(f))
      throw Error(std::string(network) + " was generated for --target=" + target +
                  ", but this CPU lacks " + f + "; regenerate it with --target=auto");
}

} // namespace netc::cpu
