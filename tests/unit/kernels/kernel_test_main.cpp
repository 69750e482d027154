// The main of the kernel tests: skips (exit 77, ctest's SKIP_RETURN_CODE) on a CPU without the
// instructions of the ISA under test. This file is compiled without the ISA's flags, and the
// check runs before any static initialiser of the test files, which are compiled with them.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifndef NETC_TEST_ISA
#error "NETC_TEST_ISA must name the ISA under test (Generic, Avx2, Avx512)"
#endif

#define NETC_STRINGIFY2(x) #x
#define NETC_STRINGIFY(x) NETC_STRINGIFY2(x)

namespace {

bool cpu_supports_isa(const char *isa) {
  __builtin_cpu_init();
  if (std::strcmp(isa, "Avx2") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (std::strcmp(isa, "Avx512") == 0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return true;
}

// Priority 101: before the C++ static initialisers (65535) of every file linked in.
__attribute__((constructor(101))) void skip_without_isa() {
  const char *isa = NETC_STRINGIFY(NETC_TEST_ISA);
  if (!cpu_supports_isa(isa)) {
    std::printf("kernel tests for %s skipped: this CPU lacks its instructions\n", isa);
    std::fflush(stdout);
    std::_Exit(77);
  }
}

} // namespace

int main(int argc, char **argv) {
  if (!cpu_supports_isa(NETC_STRINGIFY(NETC_TEST_ISA)))
    return 77;
  doctest::Context context(argc, argv);
  return context.run();
}
