// What `netc emit --profile` adds to a generated class: run() reads std::chrono::steady_clock
// before its first kernel and after each kernel, and charges each kernel the time since the
// previous reading. The times are wall-clock times on the calling thread, so a kernel spread over
// the pool is charged until its last unit ends. One clock reading per kernel, nothing allocated:
// the table is an array sized at compile time. Code emitted without --profile has none of this.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace netc::cpu {

using ProfileClock = std::chrono::steady_clock;

// One kernel of run(), in run()'s order.
struct KernelProfile {
  const char *layer; // the layer: "features.6.branch1.0.conv"
  const char *kind;  // what runs it: "conv_direct 3x3/2", "conv_1x1", "maxpool 3x3/2", "copy"
  std::int64_t macs; // multiply-adds of one call, the whole batch (0: pools, copies, ...)
  std::int64_t calls = 0;
  ProfileClock::duration time{}; // summed over the calls
};

template <std::size_t N> class Profiler {
public:
  explicit Profiler(const std::array<KernelProfile, N> &kernels) : kernels_(kernels) {}

  // Before run()'s first kernel.
  void start() { last_ = ProfileClock::now(); }
  // After kernel `index`: charges it the time since the previous reading.
  void lap(std::size_t index) {
    const ProfileClock::time_point now = ProfileClock::now();
    kernels_[index].time += now - last_;
    ++kernels_[index].calls;
    last_ = now;
  }

  const std::array<KernelProfile, N> &kernels() const { return kernels_; }
  void reset() {
    for (KernelProfile &k : kernels_) {
      k.calls = 0;
      k.time = {};
    }
  }

private:
  std::array<KernelProfile, N> kernels_;
  ProfileClock::time_point last_{};
};

} // namespace netc::cpu
