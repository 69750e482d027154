// A float buffer aligned to 64 bytes (a cache line, an AVX-512 vector), allocated once when a
// generated network is constructed: the activation arena and the packed parameters.
#pragma once

#include "netc/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>

namespace netc {

// Floats rounded up to whole 64-byte lines, so every block of a buffer starts aligned.
constexpr std::size_t padded_floats(std::size_t floats) {
  return (floats + 15) / 16 * 16;
}

class AlignedBuffer {
public:
  // `what` names the buffer ("resnet50: the activation arena") in the netc::Error thrown when it
  // cannot be had, rather than a bare std::bad_alloc: a --batch too large for this machine.
  explicit AlignedBuffer(std::size_t floats, const char *what = "buffer") : size_(floats) {
    if (floats == 0)
      return;
    constexpr std::size_t kMaxFloats = std::numeric_limits<std::size_t>::max() / sizeof(float) - 15;
    if (floats > kMaxFloats)
      throw Error(std::string(what) + ": " + std::to_string(floats) +
                  " floats do not fit in the address space");
    std::size_t bytes = padded_floats(floats) * sizeof(float);
    // No 64-bit machine maps more than 2^47 bytes for a process (x86-64's and AArch64's 48-bit
    // user space): refused without asking, so the answer does not depend on the allocator
    // (AddressSanitizer aborts on such a request instead of throwing).
    constexpr std::uint64_t kMaxBytes = std::uint64_t(1) << 47;
    if (std::uint64_t(bytes) > kMaxBytes)
      throw Error(std::string(what) + ": cannot allocate " + std::to_string(bytes) +
                  " bytes, more than a process's address space");
    try {
      data_ = static_cast<float *>(::operator new[](bytes, std::align_val_t(64)));
    } catch (const std::bad_alloc &) {
      throw Error(std::string(what) + ": cannot allocate " + std::to_string(bytes) + " bytes");
    }
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
