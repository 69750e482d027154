// The CUDA backend: prints a lowered kernel list as a CUDA C++ class (<network>.hpp and .cu) with
// the CPU class's API, plus device pointers and a stream. Weights are folded and packed on the
// host at construction and uploaded into one device allocation beside one activation arena; run()
// launches one runtime/netc/cuda/ kernel per layer (or replays them as a CUDA graph) and allocates
// nothing. Decisions were made by the lowering passes and the launch plan; this file only prints.
#pragma once

#include "common/emitted_file.h"
#include "lower/kernel_list.h"
#include "support/version.h"

#include <netc/cuda/launch.hpp>

#include <string>
#include <vector>

namespace netc {

struct CudaEmitOptions {
  cuda::Precision precision = cuda::Precision::fp32;
  int arch = 80;           // the oldest compute capability the code is for: sm_80 -> 80
  bool cuda_graph = false; // capture the launches into a CUDA graph on the first run
  std::string command;     // the command that produced the code, for its header comment
  std::string version = netc_version(); // "netc 0.1.0", for the banner
};

// Throws netc::Error for a network the CUDA backend cannot express (named in the message).
std::vector<EmittedFile> emit_cuda(const KernelList &list, const CudaEmitOptions &options);

} // namespace netc
