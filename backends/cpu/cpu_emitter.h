// The CPU backend: prints a lowered kernel list as a C++17 class (<network>.hpp and .cpp) that
// loads a safetensors file, plans nothing at run time and calls runtime/netc/cpu/ kernels, one per
// layer, with every size a compile-time constant. Decisions were made by the lowering passes;
// this file only prints them.
#pragma once

#include "common/emitted_file.h"
#include "cpu/isa.h"
#include "lower/kernel_list.h"
#include "support/version.h"

#include <string>
#include <vector>

namespace netc {

struct CpuEmitOptions {
  Isa target = Isa::Generic;
  std::string command; // the command that produced the code, for its header comment
  std::string version = netc_version(); // "netc 0.1.0", for the banner
  // A safetensors file to embed in the source (small networks): the class then also has a
  // constructor without arguments.
  const std::vector<unsigned char> *embedded_weights = nullptr;
  // --profile: run() times each kernel and the class has profile() (runtime/netc/cpu/profile.hpp).
  // Off, the code has no trace of it.
  bool profile = false;
  // Run 3x3, stride-1, dilation-1, ungrouped convolutions as Winograd F(4x4, 3x3)
  // (runtime/netc/cpu/conv_winograd.hpp): fewer multiplications, more rounding.
  bool winograd = false;
};

std::vector<EmittedFile> emit_cpu(const KernelList &list, const CpuEmitOptions &options);

} // namespace netc
