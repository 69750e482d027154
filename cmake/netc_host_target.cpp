// Prints which of the CPU features named on its command line this machine has, one per line, for
// netc_add_network(... TARGET auto) in cmake/NetcAddNetwork.cmake, which takes the best target of
// cmake/NetcCpuTargets.cmake whose features they cover (as best_isa() in backends/cpu/isa.cpp
// does for `netc emit --target=auto`).
#include <cstdio>
#include <cstring>

namespace {

// __builtin_cpu_supports takes a string literal only, hence one line per feature.
bool has(const char *feature) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  if (std::strcmp(feature, "avx2") == 0)
    return __builtin_cpu_supports("avx2");
  if (std::strcmp(feature, "fma") == 0)
    return __builtin_cpu_supports("fma");
  if (std::strcmp(feature, "avx512f") == 0)
    return __builtin_cpu_supports("avx512f");
  if (std::strcmp(feature, "avx512dq") == 0)
    return __builtin_cpu_supports("avx512dq");
  if (std::strcmp(feature, "avx512bw") == 0)
    return __builtin_cpu_supports("avx512bw");
  if (std::strcmp(feature, "avx512vl") == 0)
    return __builtin_cpu_supports("avx512vl");
#endif
  (void)feature;
  return false;
}

} // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (has(argv[i]))
      std::puts(argv[i]);
  return 0;
}
