// The type of a value in the IR: float32 tensors of rank 4 (N, C, H, W) or rank 2 (N, F).
// A poison type marks a value whose shape could not be computed; nothing that depends on it
// reports again, so one mistake gives one error.
#pragma once

#include <llvm/ADT/ArrayRef.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace netc {

enum class DType { F32 };

struct TensorType {
  DType dtype = DType::F32;
  int rank = 0; // 0 only for poison
  std::array<int64_t, 4> dims{};

  static TensorType poison() { return {}; }
  static TensorType nchw(int64_t n, int64_t c, int64_t h, int64_t w) {
    return {DType::F32, 4, {n, c, h, w}};
  }
  static TensorType nf(int64_t n, int64_t f) { return {DType::F32, 2, {n, f, 0, 0}}; }

  bool is_poison() const { return rank == 0; }
  bool is_spatial() const { return rank == 4; }
  int64_t n() const { return dims[0]; }
  int64_t c() const { return dims[1]; }
  int64_t h() const { return dims[2]; }
  int64_t w() const { return dims[3]; }
  llvm::ArrayRef<int64_t> shape() const { return llvm::ArrayRef<int64_t>(dims.data(), rank); }
  // The dims after the batch: what the DSL writes as [C, H, W] or [F].
  llvm::ArrayRef<int64_t> sample_shape() const { return shape().drop_front(); }
  // Number of elements, or nullopt on overflow.
  std::optional<int64_t> num_elements() const;

  bool operator==(const TensorType &) const = default;
};

// "[1, 384, 35, 35]"
std::string format_shape(llvm::ArrayRef<int64_t> dims);
// "[384, 35, 35]": the DSL's way, batch left out
std::string format_sample_shape(const TensorType &type);

} // namespace netc
