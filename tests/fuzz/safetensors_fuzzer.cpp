// libFuzzer target over the safetensors reader (runtime/netc/safetensors.hpp): any bytes must give
// a validated file or a netc::Error, never a crash, a read out of bounds or a hang. Every byte of
// every tensor is read, so that ASan catches a tensor that points past the input. Build and run:
// docs/fuzzing.md.
#include "netc/safetensors.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const netc::TensorSpec specs[] = {{"conv.weight", 4, {2, 1, 1, 1}},
                                           {"conv.bias", 1, {2}},
                                           {"fc.weight", 2, {3, 2}},
                                           {"s", 0, {}}};
  try {
    netc::SafetensorsFile file = netc::SafetensorsFile::view(data, size, "fuzz.safetensors");
    volatile unsigned sum = 0;
    for (const netc::TensorInfo &t : file.tensors()) {
      for (std::size_t i = 0; i < t.size_bytes; ++i)
        sum = sum + t.data[i];
      if (file.find(t.name) != &t)
        __builtin_trap(); // names are unique, so find must land on this very tensor
      if (t.dtype == "F32") {
        std::vector<float> values(t.size_bytes / sizeof(float));
        netc::read_f32(t, values.data());
      }
    }
    netc::check_tensors(file, specs, sizeof specs / sizeof specs[0]);
  } catch (const netc::Error &) {
  }
  return 0;
}
