// A float buffer aligned to 64 bytes (a cache line, an AVX-512 vector), allocated once when a
// generated network is constructed: the activation arena and the packed parameters.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace netc {

// Floats rounded up to whole 64-byte lines, so every block of a buffer starts aligned.
constexpr std::size_t padded_floats(std::size_t floats) { return (floats + 15) / 16 * 16; }

class AlignedBuffer {
public:
  explicit AlignedBuffer(std::size_t floats) : size_(floats) {
    if (floats == 0)
      return;
    data_ = static_cast<float *>(::operator new[](padded_floats(floats) * sizeof(float),
                                                  std::align_val_t(64)));
  }
  ~AlignedBuffer() {
    if (data_)
      ::operator delete[](data_, std::align_val_t(64));
  }
  AlignedBuffer(AlignedBuffer &&other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
    other.size_ = 0;
  }
  AlignedBuffer &operator=(AlignedBuffer &&other) noexcept {
    if (this != &other) {
      this->~AlignedBuffer();
      data_ = other.data_;
      size_ = other.size_;
      other.data_ = nullptr;
      other.size_ = 0;
    }
    return *this;
  }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;

  float *data() { return data_; }
  const float *data() const { return data_; }
  std::size_t size() const { return size_; }

private:
  float *data_ = nullptr;
  std::size_t size_ = 0;
};

} // namespace netc
