// The main of the kernel tests: skips (exit 77, ctest's SKIP_RETURN_CODE) on a CPU without the
// instructions of the ISA under test. This file is compiled without the ISA's flags, and the
// check runs before any static initialiser of the test files, which are compiled with them.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "netc/cpu/cpu_features.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#ifndef NETC_TEST_ISA
#error "NETC_TEST_ISA must name the ISA under test (Generic, Avx2, Avx512)"
#endif
#ifndef NETC_TEST_FEATURES
#error "NETC_TEST_FEATURES must list the CPU features of the ISA under test (\"avx2 fma\")"
#endif

#define NETC_STRINGIFY2(x) #x
#define NETC_STRINGIFY(x) NETC_STRINGIFY2(x)

namespace {

// Whether this CPU has every feature of NETC_TEST_FEATURES ("avx2 fma"), the ISA's features in
// cmake/NetcCpuTargets.cmake.
bool cpu_supports_isa() {
  std::string features = NETC_TEST_FEATURES;
  std::size_t start = 0;
  while (start < features.size()) {
    std::size_t end = features.find(' ', start);
    if (end == std::string::npos)
      end = features.size();
    if (end > start && !netc::cpu::cpu_has(features.substr(start, end - start).c_str()))
      return false;
    start = end + 1;
  }
  return true;
}

// Priority 101: before the C++ static initialisers (65535) of every file linked in.
__attribute__((constructor(101))) void skip_without_isa() {
  const char *isa = NETC_STRINGIFY(NETC_TEST_ISA);
  if (!cpu_supports_isa()) {
    std::printf("kernel tests for %s skipped: this CPU lacks its instructions\n", isa);
    std::fflush(stdout);
    std::_Exit(77);
  }
}

} // namespace

int main(int argc, char **argv) {
  if (!cpu_supports_isa())
    return 77;
  doctest::Context context(argc, argv);
  return context.run();
}
