#include "cpu/isa.h"

#include <llvm/ADT/StringExtras.h>

#include <cassert>
#include <string_view>

namespace netc {

namespace {

struct IsaFeatures {
  std::string_view name;
  std::vector<std::string> features;
};

// Made at build time from cmake/NetcCpuTargets.cmake (backends/CMakeLists.txt).
const IsaFeatures kIsaFeatures[] = {
#include "cpu/cpu_target_features.inc"
};

} // namespace

const char *isa_name(Isa isa) {
  switch (isa) {
  case Isa::Generic:
    return "generic";
  case Isa::Avx2:
    return "avx2";
  case Isa::Avx512:
    return "avx512";
  }
  return "";
}

const char *isa_tag(Isa isa) {
  switch (isa) {
  case Isa::Generic:
    return "Generic";
  case Isa::Avx2:
    return "Avx2";
  case Isa::Avx512:
    return "Avx512";
  }
  return "";
}

const std::vector<std::string> &isa_features(Isa isa) {
  for (const IsaFeatures &t : kIsaFeatures)
    if (t.name == isa_name(isa))
      return t.features;
  assert(false && "an ISA missing from cmake/NetcCpuTargets.cmake");
  static const std::vector<std::string> none;
  return none;
}

std::string isa_compile_flags(Isa isa) {
  std::string flags;
  for (const std::string &f : isa_features(isa))
    flags += (flags.empty() ? "-m" : " -m") + f;
  return flags;
}

std::string isa_missing_macro(Isa isa) {
  std::string macro;
  for (const std::string &f : isa_features(isa))
    macro +=
        (macro.empty() ? "!defined(__" : " || !defined(__") + llvm::StringRef(f).upper() + "__)";
  return macro;
}

Isa best_isa(llvm::function_ref<bool(llvm::StringRef)> has_feature) {
  for (Isa isa : {Isa::Avx512, Isa::Avx2}) {
    bool all = true;
    for (const std::string &f : isa_features(isa))
      all = all && has_feature(f);
    if (all)
      return isa;
  }
  return Isa::Generic;
}

} // namespace netc
