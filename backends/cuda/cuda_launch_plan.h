// What the CUDA backend launches for a lowered kernel list, and with which geometry: one launch
// per kernel, plus the layout conversions at the network's edges (the caller's buffers are NCHW,
// activations on the GPU are NHWC). The emitter prints this plan, `netc lower --backend=cuda`
// shows it, and tests/unit/cuda_lowering_test.cpp checks its coverage: one function, so the three
// cannot disagree. The geometry itself comes from runtime/netc/cuda/launch.hpp, the same header the
// kernels are written against.
#pragma once

#include "lower/kernel_list.h"

#include <netc/cuda/launch.hpp>

#include <llvm/Support/raw_ostream.h>

#include <optional>
#include <string>
#include <vector>

namespace netc {

const char *precision_name(cuda::Precision precision); // "tf32"

// A network input or output converted between the caller's NCHW buffer and NHWC scratch in the
// arena. Values with H = W = 1 (features) are the same in both layouts and need none.
struct LayoutConversion {
  ValueId value;       // the network's input or output value
  bool to_nhwc;        // true: an input, converted before the first kernel
  Dims dims;           // the NHWC side
  int64_t scratch = 0; // floats from the arena's start
};

// The [C, H, W] a linear layer's input was flattened from, when the flatten changes the order of
// the features (H*W > 1): activations in NHWC hold them as (y, x, c), so the layer's weight
// columns are permuted at load time (runtime/netc/cuda/pack.hpp). Zeros otherwise.
struct Flatten {
  int c = 0, h = 0, w = 0;
};

struct CudaLaunch {
  int kernel = -1;           // index into KernelList::kernels, or -1 for a layout conversion
  int conversion = -1;       // index into CudaPlan::conversions, or -1 for a kernel
  const char *function = ""; // the runtime's __global__ template: "conv2d", "nchw_to_nhwc"
  cuda::Launch geometry{};
};

struct CudaPlan {
  cuda::Precision precision = cuda::Precision::fp32;
  std::vector<LayoutConversion> conversions;
  std::vector<CudaLaunch> launches; // in order: input conversions, kernels, output conversions
  int64_t scratch_floats = 0;       // the conversions' scratch, after the memory plan's arena
  // Device staging for run_host()'s copies, after the scratch, one buffer per input and output.
  std::vector<int64_t> input_staging, output_staging;
  int64_t arena_floats = 0;     // everything: memory plan, scratch, staging
  std::vector<Flatten> flatten; // per kernel; set for linear layers only
};

// Throws netc::Error for what NHWC cannot express: a layer other than a linear one reading a
// flattened [C, H, W] with H*W > 1, or a linear layer reading the flatten of a concat's slice.
CudaPlan plan_cuda_launches(const KernelList &list, cuda::Precision precision);

// The runtime function a kernel kind launches: "conv2d", "max_pool", ...
const char *cuda_function(KernelKind kind);

// The layer a launch belongs to, for messages: a kernel's name, or "input image (NCHW to NHWC)".
std::string launch_label(const KernelList &list, const CudaPlan &plan, const CudaLaunch &launch);

// `netc lower --backend=cuda`: every launch with its grid, block and shared memory.
void print_cuda_plan(const KernelList &list, const CudaPlan &plan, llvm::raw_ostream &os);

} // namespace netc
