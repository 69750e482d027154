// What maxpool and avgpool share: a window slid over each channel, PyTorch's output size and
// padding limits, and a stride that defaults to the kernel size.
#pragma once

#include "ir/op.h"

namespace netc {

class Pool2d : public OpDef {
public:
  Pool2d(std::string_view name, std::vector<ParamDecl> signature, bool has_dilation)
      : name_(name), signature_(std::move(signature)), has_dilation_(has_dilation) {}

  std::string_view name() const override { return name_; }
  const std::vector<ParamDecl> &signature() const override { return signature_; }

  // PyTorch's default: the stride is the kernel size.
  void complete(Attrs &attrs) const override {
    if (!attrs.has("stride"))
      attrs.set("stride", attrs.get_ints("kernel"));
  }

  ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const override;

private:
  std::string_view name_;
  std::vector<ParamDecl> signature_;
  bool has_dilation_;
};

} // namespace netc
