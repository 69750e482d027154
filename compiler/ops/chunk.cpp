// chunk(x, chunks, index): channels of x as torch.chunk(x, chunks, dim=1)[index] gives them:
// chunks of ceil(C / chunks) channels, the last one shorter when C does not divide. Lowered to a
// view of x at a channel offset, as concat branches are: no copy.
#include "ops/common.h"
#include "ops/registry.h"

namespace netc {

namespace {

class Chunk final : public OpDef {
public:
  std::string_view name() const override { return "chunk"; }

  const std::vector<ParamDecl> &signature() const override {
    static const std::vector<ParamDecl> sig = {
        {"x", ArgKind::Tensor},
        {"chunks", ArgKind::Int},
        {"index", ArgKind::Int},
    };
    return sig;
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override {
    const TensorType &x = inputs[0];
    if (auto e = require_positive(attrs, "chunks"))
      return *e;
    int64_t chunks = attrs.get_int("chunks"), index = attrs.get_int("index");
    int64_t c = x.c();
    if (chunks > c)
      return ShapeError{rules::kInvalidAttribute,
                        fmt::format("chunk: cannot cut {} channels into {} chunks", c, chunks),
                        "chunks",
                        {0}};
    int64_t size = (c + chunks - 1) / chunks;
    int64_t count = (c + size - 1) / size; // torch.chunk may return fewer chunks
    if (index < 0 || index >= count)
      return ShapeError{rules::kInvalidAttribute,
                        count == chunks
                            ? fmt::format("chunk: index {} is out of range: {} channels make {} "
                                          "chunks, 0 to {}",
                                          index, c, count, count - 1)
                            : fmt::format("chunk: index {} is out of range: torch.chunk cuts {} "
                                          "channels into {} chunks of {}, not {}, indices 0 to {}",
                                          index, c, count, size, chunks, count - 1),
                        "index",
                        {0}};
    TensorType out = x;
    out.dims[1] = std::min(size, c - index * size);
    return out;
  }

  std::string describe(const Attrs &attrs, llvm::ArrayRef<TensorType>) const override {
    return fmt::format("chunk {} of {}", attrs.get_int("index"), attrs.get_int("chunks"));
  }
};

} // namespace

// The first channel of chunk `index` (the node's attributes, its input's channels).
int64_t chunk_offset(const Attrs &attrs, int64_t channels) {
  int64_t chunks = attrs.get_int("chunks");
  return attrs.get_int("index") * ((channels + chunks - 1) / chunks);
}

std::unique_ptr<OpDef> make_chunk() {
  return std::make_unique<Chunk>();
}

} // namespace netc
