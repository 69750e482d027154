// The instruction sets the CPU backend generates code for (`netc emit --target=...`), and what
// each needs of the compiler and the CPU. The features come from cmake/NetcCpuTargets.cmake, the
// one list netc_add_network() and the tests build with too.
#pragma once

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/ADT/StringRef.h>

#include <string>
#include <vector>

namespace netc {

enum class Isa { Generic, Avx2, Avx512 };

// "generic", "avx2", "avx512": the --target spelling.
const char *isa_name(Isa isa);

// "Generic", "Avx2", "Avx512": the runtime's tag type (runtime/netc/cpu/simd.hpp, netc::cpu::).
const char *isa_tag(Isa isa);

// The CPU features the code needs, as the compiler's -m options and cpu_has() name them:
// {"avx2", "fma"} for avx2; none for generic.
const std::vector<std::string> &isa_features(Isa isa);

// "-mavx2 -mfma": the compile options the code needs.
std::string isa_compile_flags(Isa isa);

// "!defined(__AVX2__) || !defined(__FMA__)": true where the code was compiled without them.
std::string isa_missing_macro(Isa isa);

// The most capable ISA whose every feature `has_feature` reports: what --target=auto chooses
// (`has_feature` asks the host, e.g. through llvm::sys::getHostCPUFeatures, whose names match).
Isa best_isa(llvm::function_ref<bool(llvm::StringRef)> has_feature);

} // namespace netc
