// concat(a, b, ...): joins tensors along channels (features, for flat tensors).
#include "ops/common.h"
#include "ops/registry.h"
#include "support/checked_math.h"

#include <fmt/ranges.h>

namespace netc {

namespace {

class Concat final : public OpDef {
public:
  std::string_view name() const override { return "concat"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {{"inputs", ArgKind::Tensors}};
    return sig;
  }

  ShapeResult infer(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    if (inputs.empty())
      return ShapeError{rules::kOperandMismatch, "concat needs at least one tensor"};
    const TensorType &first = inputs[0];
    int64_t channels = 0;
    for (unsigned i = 0; i < inputs.size(); ++i) {
      const TensorType &t = inputs[i];
      if (t.rank != first.rank)
        return ShapeError{rules::kRankMismatch,
                          fmt::format("concat: operand {} is {} but operand 1 is {}", i + 1,
                                      t.is_spatial() ? "a feature map" : "flat",
                                      first.is_spatial() ? "a feature map" : "flat"),
                          "",
                          {0, i}};
      if (t.is_spatial() && (t.h() != first.h() || t.w() != first.w()))
        return ShapeError{rules::kOperandMismatch,
                          fmt::format("concat: operands differ in spatial size: operand 1 is {}, "
                                      "operand {} is {}",
                                      format_hw(first.h(), first.w()), i + 1,
                                      format_hw(t.h(), t.w())),
                          "",
                          {0, i}};
      std::optional<int64_t> sum = checked_add(channels, t.c());
      if (!sum)
        return ShapeError{rules::kSizeOverflow,
                          "concat: size overflow: the channels add up past 2^63",
                          "",
                          {0, i}};
      channels = *sum;
    }
    TensorType out = first;
    out.dims[1] = channels;
    return out;
  }

  std::string describe(const Attrs &, llvm::ArrayRef<TensorType> inputs) const override {
    std::vector<int64_t> parts;
    for (const TensorType &t : inputs)
      parts.push_back(t.c());
    return fmt::format("concat of {} channels", fmt::join(parts, " + "));
  }

private:
  static std::string format_hw(int64_t h, int64_t w) { return fmt::format("{}x{}", h, w); }
};

} // namespace

std::unique_ptr<OpDef> make_concat() {
  return std::make_unique<Concat>();
}

} // namespace netc
