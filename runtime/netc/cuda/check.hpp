// Status checks for the generated CUDA code: every runtime call goes through check(), which turns
// a failure into a netc::Error naming the call (the layer, for a launch) and CUDA's message.
#pragma once

#include "netc/error.hpp"

#include <cuda_runtime_api.h>

#include <string>

namespace netc::cuda {

inline void check(cudaError_t status, const char *what) {
  if (status != cudaSuccess)
    throw Error(std::string(what) + ": " + cudaGetErrorName(status) + ": " +
                cudaGetErrorString(status));
}

// After a kernel launch: launch errors (bad configuration, missing kernel image) surface at once.
inline void check_launch(const char *layer) {
  check(cudaGetLastError(), layer);
}

} // namespace netc::cuda
