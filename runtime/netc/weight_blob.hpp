// Every packed weight and bias of a network in one host buffer, each on a 256-byte boundary, so a
// GPU backend copies them to the device in one allocation and one transfer and finds each by its
// offset.
#pragma once

#include <cstddef>
#include <cstring>
#include <vector>

namespace netc {

class WeightBlob {
public:
  static constexpr std::size_t kAlignment = 256;

  // Appends `size` bytes at the next boundary; returns the offset they start at.
  std::size_t add(const void *data, std::size_t size) {
    std::size_t offset = (bytes_.size() + kAlignment - 1) / kAlignment * kAlignment;
    bytes_.resize(offset + size);
    if (size != 0)
      std::memcpy(bytes_.data() + offset, data, size);
    return offset;
  }
  std::size_t add(const std::vector<unsigned char> &bytes) {
    return add(bytes.data(), bytes.size());
  }
  std::size_t add(const std::vector<float> &floats) {
    return add(floats.data(), floats.size() * sizeof(float));
  }

  const unsigned char *data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }

private:
  std::vector<unsigned char> bytes_;
};

} // namespace netc
