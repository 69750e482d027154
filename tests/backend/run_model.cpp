// Runs one generated network on .npy inputs and writes its outputs as flat .npy: the program
// check_backend.py builds around each emitted network. It also holds the generated code to what
// it promises: the outputs are poisoned with NaN first, so an element the network never writes
// cannot pass; run() must not allocate (operator new is counted); a second run must give the
// same bits.
//   run_model [--threads=T] WEIGHTS.safetensors IN.npy... OUT.npy...
// T is the network's thread count (0, the default: the hardware's).
// Built with -DNETC_MODEL_HEADER='"lenet5.hpp"' -DNETC_MODEL_CLASS=netc::Lenet5, and with
// -DNETC_MODEL_EMBEDDED for a network emitted with --embed-weights (WEIGHTS is then "-").
#include NETC_MODEL_HEADER

#include "counting_allocator.h"
#include "netc/error.hpp"
#include "netc/npy.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <vector>

using Model = NETC_MODEL_CLASS;

int main(int argc, char **argv) {
  constexpr int kFiles = int(Model::kNumInputs + Model::kNumOutputs);
  const char *program = argv[0];
  int threads = 0;
  if (argc > 1 && std::strncmp(argv[1], "--threads=", 10) == 0) {
    char *end = nullptr;
    threads = int(std::strtol(argv[1] + 10, &end, 10));
    if (*end != '\0' || end == argv[1] + 10) {
      std::fprintf(stderr, "run_model: --threads takes a number, got '%s'\n", argv[1] + 10);
      return 2;
    }
    --argc;
    ++argv;
  }
  if (argc != 2 + kFiles) {
    std::fprintf(stderr,
                 "usage: %s [--threads=T] WEIGHTS.safetensors IN.npy... OUT.npy... (%d .npy "
                 "files)\n",
                 program, kFiles);
    return 2;
  }
  try {
#if defined(NETC_MODEL_EMBEDDED)
    if (std::string(argv[1]) != "-") {
      std::fprintf(stderr, "run_model: the weights are embedded; pass - for WEIGHTS\n");
      return 2;
    }
    Model model{netc::Threads(threads)}; // braces: not a function declaration
#else
    Model model(argv[1], netc::Threads(threads));
#endif
    std::vector<std::vector<float>> inputs, outputs;
    for (std::size_t i = 0; i < Model::kNumInputs; ++i) {
      netc::NpyArray in = netc::read_npy(argv[2 + i]);
      inputs.emplace_back(in.data.begin(), in.data.end());
    }
    for (std::size_t i = 0; i < Model::kNumInputs; ++i)
      if (inputs[i].size() != Model::kInputElements[i]) {
        std::fprintf(stderr, "run_model: input %zu has %zu elements, the network takes %zu\n", i,
                     inputs[i].size(), std::size_t(Model::kInputElements[i]));
        return 1;
      }
    for (std::size_t i = 0; i < Model::kNumOutputs; ++i)
      outputs.emplace_back(Model::kOutputElements[i], std::numeric_limits<float>::quiet_NaN());
    std::vector<const float *> in_ptrs;
    std::vector<float *> out_ptrs;
    for (auto &v : inputs)
      in_ptrs.push_back(v.data());
    for (auto &v : outputs)
      out_ptrs.push_back(v.data());
    long before = allocations;
    model.run(in_ptrs.data(), out_ptrs.data());
    if (long n = allocations - before) {
      std::fprintf(stderr, "run_model: run() allocated %ld times\n", n);
      return 1;
    }
    std::vector<std::vector<float>> first = outputs;
    model.run(in_ptrs.data(), out_ptrs.data());
    for (std::size_t i = 0; i < Model::kNumOutputs; ++i)
      if (std::memcmp(first[i].data(), outputs[i].data(), outputs[i].size() * sizeof(float))) {
        std::fprintf(stderr, "run_model: a second run gave other bits in output %zu\n", i);
        return 1;
      }
    for (std::size_t i = 0; i < Model::kNumOutputs; ++i)
      netc::write_npy(argv[2 + Model::kNumInputs + i], {std::int64_t(outputs[i].size())},
                      outputs[i].data());
  } catch (const netc::Error &e) {
    std::fprintf(stderr, "run_model: %s\n", e.what());
    return 1;
  }
  return 0;
}
