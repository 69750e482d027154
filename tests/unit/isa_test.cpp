// backends/cpu/isa.cpp: the compile options, guard and --target=auto choice all come from the one
// list of CPU features per target, cmake/NetcCpuTargets.cmake.
#include "cpu/isa.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace netc;

TEST_CASE("isa: options and guard follow cmake/NetcCpuTargets.cmake") {
  CHECK(isa_compile_flags(Isa::Generic) == "");
  CHECK(isa_compile_flags(Isa::Avx2) == "-mavx2 -mfma");
  // As netc_add_network() and the kernel tests compile it: the same six features.
  CHECK(isa_compile_flags(Isa::Avx512) ==
        "-mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma");
  CHECK(isa_missing_macro(Isa::Avx2) == "!defined(__AVX2__) || !defined(__FMA__)");
  CHECK(isa_missing_macro(Isa::Generic) == "");
  CHECK(std::string(isa_name(Isa::Avx512)) == "avx512");
  CHECK(std::string(isa_tag(Isa::Avx512)) == "Avx512");
}

TEST_CASE("isa: --target=auto takes the best ISA whose every feature the host has") {
  auto best = [](std::set<std::string> host) {
    return best_isa([&](llvm::StringRef f) { return host.count(f.str()) != 0; });
  };
  CHECK(best({}) == Isa::Generic);
  CHECK(best({"avx2"}) == Isa::Generic); // no FMA
  CHECK(best({"avx2", "fma"}) == Isa::Avx2);
  // AVX-512F alone (Xeon Phi) is not enough for code compiled with -mavx512dq/bw/vl.
  CHECK(best({"avx2", "fma", "avx512f"}) == Isa::Avx2);
  CHECK(best({"avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"}) == Isa::Avx512);
}
