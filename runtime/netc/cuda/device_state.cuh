// The member functions of DeviceState (device_state.hpp): the fixed part of every generated CUDA
// class. Every runtime call is checked and fails with a netc::Error naming the network and the
// call (check.hpp).
#pragma once

#include "netc/cuda/check.hpp"
#include "netc/cuda/device_state.hpp"
#include "netc/error.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <string>
#include <utility>

namespace netc::cuda {

namespace detail {
// check() with a message that starts with the network's name, built only on failure: run() and
// run_host() allocate nothing.
inline void check_named(cudaError_t status, const std::string &network, const char *what,
                        const char *value = "", const char *after = "") {
  if (status != cudaSuccess)
    check(status, (network + what + value + after).c_str());
}
} // namespace detail

DeviceState::DeviceState(std::string network, const void *weights, std::size_t weight_bytes,
                         std::size_t arena_floats)
    : network_(std::move(network)) {
  // A constructor that throws runs no destructor: free what was allocated so far.
  try {
    if (weight_bytes != 0) {
      detail::check_named(cudaMalloc(&weights_, weight_bytes), network_,
                          ": cudaMalloc of the weights");
      detail::check_named(cudaMemcpy(weights_, weights, weight_bytes, cudaMemcpyHostToDevice),
                          network_, ": copying the weights to the device");
    }
    detail::check_named(cudaMalloc(&arena_, arena_floats * sizeof(float)), network_,
                        ": cudaMalloc of the arena");
    detail::check_named(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), network_,
                        ": cudaStreamCreate");
  } catch (...) {
    release();
    throw;
  }
}

DeviceState::~DeviceState() {
  release();
}

DeviceState::DeviceState(DeviceState &&other) noexcept {
  *this = std::move(other);
}

DeviceState &DeviceState::operator=(DeviceState &&other) noexcept {
  if (this != &other) {
    release();
    network_ = std::move(other.network_);
    weights_ = std::exchange(other.weights_, nullptr);
    arena_ = std::exchange(other.arena_, nullptr);
    stream_ = std::exchange(other.stream_, nullptr);
    graph_ = std::exchange(other.graph_, nullptr);
    graph_buffers_ = std::move(other.graph_buffers_);
  }
  return *this;
}

// Errors are ignored here: a destructor cannot throw, and the memory goes with the context.
void DeviceState::release() noexcept {
  if (graph_)
    cudaGraphExecDestroy(graph_);
  if (stream_)
    cudaStreamDestroy(stream_);
  if (arena_)
    cudaFree(arena_);
  if (weights_)
    cudaFree(weights_);
  weights_ = nullptr;
  arena_ = nullptr;
  stream_ = nullptr;
  graph_ = nullptr;
  graph_buffers_.clear();
}

void DeviceState::to_device(float *device, const float *host, std::size_t floats,
                            const char *value) const {
  detail::check_named(
      cudaMemcpyAsync(device, host, floats * sizeof(float), cudaMemcpyHostToDevice, stream_),
      network_, ": copying ", value, " to the device");
}

void DeviceState::to_host(float *host, const float *device, std::size_t floats,
                          const char *value) const {
  detail::check_named(
      cudaMemcpyAsync(host, device, floats * sizeof(float), cudaMemcpyDeviceToHost, stream_),
      network_, ": copying ", value, " from the device");
}

void DeviceState::synchronize() const {
  detail::check_named(cudaStreamSynchronize(stream_), network_, ": running");
}

template <class Launch>
void DeviceState::run_graph(std::initializer_list<const void *> buffers, cudaStream_t stream,
                            const Launch &launch) {
  if (!graph_ ||
      !std::equal(buffers.begin(), buffers.end(), graph_buffers_.begin(), graph_buffers_.end()))
    capture(buffers, launch);
  detail::check_named(cudaGraphLaunch(graph_, stream), network_, ": cudaGraphLaunch");
}

// Records the launches on stream_ (a capture needs a stream other than the legacy default) into
// a graph that any stream can then replay.
template <class Launch>
void DeviceState::capture(std::initializer_list<const void *> buffers, const Launch &launch) {
  if (graph_) {
    detail::check_named(cudaGraphExecDestroy(graph_), network_, ": cudaGraphExecDestroy");
    graph_ = nullptr;
  }
  detail::check_named(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal), network_,
                      ": cudaStreamBeginCapture");
  cudaGraph_t graph = nullptr;
  try {
    launch(stream_);
  } catch (...) {
    if (cudaStreamEndCapture(stream_, &graph) == cudaSuccess && graph)
      cudaGraphDestroy(graph);
    throw;
  }
  detail::check_named(cudaStreamEndCapture(stream_, &graph), network_, ": cudaStreamEndCapture");
  cudaError_t instantiated = cudaGraphInstantiate(&graph_, graph, 0);
  cudaGraphDestroy(graph);
  detail::check_named(instantiated, network_, ": cudaGraphInstantiate");
  graph_buffers_.assign(buffers.begin(), buffers.end());
}

// The compute capability check every generated constructor makes first: code compiled for
// sm_<arch> cannot run on an older device.
inline void require_compute_capability(const char *network, int arch) {
  int device = 0, major = 0, minor = 0;
  const std::string name = network;
  check(cudaGetDevice(&device), (name + ": cudaGetDevice").c_str());
  check(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device),
        (name + ": cudaDeviceGetAttribute").c_str());
  check(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device),
        (name + ": cudaDeviceGetAttribute").c_str());
  if (major * 10 + minor < arch)
    throw Error(name + ": generated for sm_" + std::to_string(arch) + " or newer; CUDA device " +
                std::to_string(device) + " is sm_" + std::to_string(major * 10 + minor));
}

} // namespace netc::cuda
