// The CPU backend: prints a lowered kernel list as a C++17 class (<network>.hpp and .cpp) that
// loads a safetensors file, plans nothing at run time and calls runtime/netc/cpu/ kernels, one per
// layer, with every size a compile-time constant. Decisions were made by the lowering passes;
// this file only prints them.
#pragma once

#include "common/emitted_file.h"
#include "cpu/isa.h"
#include "lower/kernel_list.h"

#include <string>
#include <vector>

namespace netc {

// The old names of Isa and isa_name, which compiler/driver still uses: to go once it is moved.
using CpuTarget = Isa;
inline const char *cpu_target_name(Isa isa) { return isa_name(isa); }

struct CpuEmitOptions {
  Isa target = Isa::Generic;
  std::string command; // the command that produced the code, for its header comment
  std::string version; // "netc 0.1.0"
  // A safetensors file to embed in the source (small networks): the class then also has a
  // constructor without arguments.
  const std::vector<unsigned char> *embedded_weights = nullptr;
};

std::vector<EmittedFile> emit_cpu(const KernelList &list, const CpuEmitOptions &options);

} // namespace netc
