// What a generated CUDA class owns on the device, and the code that manages it, the same for
// every network: the packed weights, the activation arena, a stream, and, with --cuda-graph, the
// captured graph. The generated class holds one DeviceState and prints only what differs between
// networks (runtime/netc/cuda/CONTRACT.md).
//
// This header includes no CUDA header, so that the generated <network>.hpp, which includes it,
// builds in plain C++; the member functions are defined in device_state.cuh, which the generated
// .cu includes (through kernels.cuh).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

// CUDA's handle types as cuda_runtime.h declares them.
typedef struct CUstream_st *cudaStream_t;
typedef struct CUgraphExec_st *cudaGraphExec_t;

namespace netc::cuda {

class DeviceState {
public:
  DeviceState() = default;
  // On the current CUDA device: uploads `weight_bytes` bytes of packed weights (none: nothing
  // is allocated for them), allocates `arena_floats` floats and creates a non-blocking stream.
  // Throws netc::Error naming `network` and the call that failed, having freed what it allocated.
  inline DeviceState(std::string network, const void *weights, std::size_t weight_bytes,
                     std::size_t arena_floats);
  inline ~DeviceState();
  DeviceState(const DeviceState &) = delete;
  DeviceState &operator=(const DeviceState &) = delete;
  inline DeviceState(DeviceState &&other) noexcept;
  inline DeviceState &operator=(DeviceState &&other) noexcept;

  const unsigned char *weights() const { return weights_; }
  float *arena() const { return arena_; }
  cudaStream_t stream() const { return stream_; }

  // run_host()'s copies, queued on stream(); `value` names the input or output in errors.
  inline void to_device(float *device, const float *host, std::size_t floats,
                        const char *value) const;
  inline void to_host(float *host, const float *device, std::size_t floats,
                      const char *value) const;
  // Waits for everything queued on stream().
  inline void synchronize() const;

  // Replays on `stream` what `launch(cudaStream_t)` queues on the stream it is given, as a CUDA
  // graph: captured on stream() the first time, and again whenever `buffers` (the caller's inputs
  // and outputs) differ from those of the last capture, since the graph holds their addresses.
  // Allocates nothing unless it captures.
  template <class Launch>
  void run_graph(std::initializer_list<const void *> buffers, cudaStream_t stream,
                 const Launch &launch);

private:
  template <class Launch>
  void capture(std::initializer_list<const void *> buffers, const Launch &launch);
  inline void release() noexcept;

  std::string network_;
  unsigned char *weights_ = nullptr; // every packed weight and bias
  float *arena_ = nullptr;           // activations, layout scratch, run_host()'s staging
  cudaStream_t stream_ = nullptr;    // run_host()'s and the graph capture's
  cudaGraphExec_t graph_ = nullptr;
  std::vector<const void *> graph_buffers_; // the buffers graph_ was captured with
};

} // namespace netc::cuda
