// Runs a network emitted with `netc emit --profile` and prints its profile: the program
// tests/backend/check_profile.py builds around one.
//   profile_model WEIGHTS.safetensors RUNS
// Runs the network RUNS times on a zero input and prints the profile, one kernel a line
// (layer, kind, MACs, calls, nanoseconds, tab-separated), then a line "reset", then the profile
// after reset_profile() and one more run. run() must allocate nothing while profiling either:
// operator new is counted.
// Built with -DNETC_MODEL_HEADER='"lenet5.hpp"' -DNETC_MODEL_CLASS=netc::Lenet5.
#include NETC_MODEL_HEADER

#include "counting_allocator.h"
#include "netc/error.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

using Model = NETC_MODEL_CLASS;

namespace {

void print_profile(const Model &model) {
  for (const netc::cpu::KernelProfile &k : model.profile())
    std::printf("%s\t%s\t%lld\t%lld\t%lld\n", k.layer, k.kind, static_cast<long long>(k.macs),
                static_cast<long long>(k.calls),
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(k.time).count()));
}

} // namespace

int main(int argc, char **argv) {
  static_assert(Model::kNumInputs == 1 && Model::kNumOutputs == 1, "one input, one output");
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s WEIGHTS.safetensors RUNS\n", argv[0]);
    return 2;
  }
  try {
    Model model(argv[1], netc::Threads(1));
    std::vector<float> input(Model::kInputElements[0]), output(Model::kOutputElements[0]);
    long before = allocations;
    for (int i = 0, runs = std::atoi(argv[2]); i < runs; ++i)
      model.run(input.data(), output.data());
    if (long n = allocations - before) {
      std::fprintf(stderr, "profile_model: run() allocated %ld times\n", n);
      return 1;
    }
    print_profile(model);
    model.reset_profile();
    std::printf("reset\n");
    model.run(input.data(), output.data());
    print_profile(model);
  } catch (const netc::Error &e) {
    std::fprintf(stderr, "profile_model: %s\n", e.what());
    return 1;
  }
  return 0;
}
