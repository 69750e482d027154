// Writing a file whole, or not at all: the safetensors and .npy writers share it.
#pragma once

#include "netc/error.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace netc {
namespace detail {

// Writes the pieces in order; on failure removes the half-written file and throws.
inline void write_file(const std::string &path,
                       const std::vector<std::pair<const void *, std::size_t>> &pieces) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (f == nullptr)
    throw Error(path + ": cannot write: " + std::strerror(errno));
  int err = 0;
  for (const auto &piece : pieces)
    if (piece.second != 0 && std::fwrite(piece.first, 1, piece.second, f) != piece.second) {
      err = errno != 0 ? errno : EIO;
      break;
    }
  if (std::fclose(f) != 0 && err == 0)
    err = errno != 0 ? errno : EIO;
  if (err != 0) {
    std::remove(path.c_str());
    throw Error(path + ": cannot write: " + std::strerror(err));
  }
}

} // namespace detail
} // namespace netc
