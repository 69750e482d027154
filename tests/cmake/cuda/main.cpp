// A plain C++ user of a CUDA network: only the generated header, no CUDA include.
#include "digits.hpp"

#include <array>
#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: classify_gpu WEIGHTS.safetensors\n");
    return 2;
  }
  netc::Digits net(argv[1]);
  std::array<float, netc::Digits::kInputElements[0]> image{};
  std::array<float, netc::Digits::kOutputElements[0]> logits{};
  net.run_host(image.data(), logits.data());
  std::printf("%g\n", logits[0]);
  return 0;
}
