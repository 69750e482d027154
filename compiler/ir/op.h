// What an operation is: its DSL signature, its shape rule, its parameters and its cost. Each op
// lives in one file under compiler/ops/ and is listed with one line in ir/ops.def, which gives its
// OpKind; ops/registry.cpp builds the table from that list.
#pragma once

#include "ir/attrs.h"
#include "ir/tensor_type.h"
#include "support/rules.h"

#include <llvm/ADT/ArrayRef.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netc {

// Every op, one enumerator per line of ir/ops.def. Dispatch on an op is a switch over OpKind with
// no `default:`, so that -Werror=switch flags every place a new op has not reached yet.
enum class OpKind {
#define NETC_OP(name) name,
#include "ir/ops.def"
};

// The op's DSL name: "conv2d".
std::string_view op_kind_name(OpKind kind);

// The kinds of argument a DSL call can bind. The elaborator converts and checks the DSL value
// against the kind, so ops read normalised attributes only.
enum class ArgKind {
  Tensor,  // one input tensor
  Tensors, // every remaining positional argument: inputs of concat and add
  Int,
  Float, // an int is accepted too
  Bool,
  IntPair, // int or [h, w]; stored as [h, w]
  Padding, // int, [h, w], [top, bottom, left, right], "same" or "valid"; stored as
           // [top, bottom, left, right] or the string
};

struct ParamDecl {
  std::string name;
  ArgKind kind;
  // Attribute used when the call leaves the argument out. Without one the argument is
  // required, unless `optional` is set: then the attribute is absent (the op decides).
  std::optional<AttrValue> default_value;
  bool optional = false;
};

// A learnable parameter (weight, bias) or buffer (running statistics) of a layer, named as
// PyTorch's state_dict() names it below the layer.
struct ParamSpec {
  std::string name;
  std::vector<int64_t> shape;
  bool learnable = true;

  int64_t num_elements() const;
};

// Why a shape rule failed. The diagnostic points at `argument` if set (the DSL argument at fault),
// and traces the operands in `traced_inputs` back to where their shapes came from.
struct ShapeError {
  std::string_view rule; // from support/rules.h
  std::string message;
  std::string argument;
  std::vector<unsigned> traced_inputs;
  // The type to go on with. Poison (the default) silences everything downstream; an op may offer
  // a better guess when one is obvious, so later instantiations of a block are still checked.
  TensorType recovered = TensorType::poison();
};

struct ShapeResult {
  TensorType type;
  std::optional<ShapeError> error;

  ShapeResult(TensorType t) : type(t) {}
  ShapeResult(ShapeError e) : type(e.recovered), error(std::move(e)) {}
};

class OpDef {
public:
  virtual ~OpDef() = default;

  // Set once by the registry from ir/ops.def; name() is op_kind_name(kind()).
  OpKind kind() const { return kind_; }
  virtual std::string_view name() const = 0;
  // The DSL parameters, tensor inputs first.
  virtual const std::vector<ParamDecl> &signature() const = 0;

  // Fills in defaults that depend on other arguments (a pool's stride defaults to its kernel).
  virtual void complete(Attrs &attrs) const {}
  // Ops that are spelled differently in the DSL but are another op (depthwise_conv2d is a
  // conv2d with groups = channels) rewrite themselves here; inputs are not poison.
  virtual const OpDef *canonicalize(Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const {
    return this;
  }

  // The shape rule. Inputs are never poison.
  virtual ShapeResult infer(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const = 0;

  virtual std::vector<ParamSpec> params(const Attrs &attrs,
                                        llvm::ArrayRef<TensorType> inputs) const {
    return {};
  }
  // Multiply-accumulates for one run (batch included), counted as torchinfo and fvcore count
  // them: convolutions and linear layers only.
  virtual int64_t macs(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs,
                       const TensorType &output) const {
    return 0;
  }

  // True when the output has its first input's shape: a shape's origin lies further up.
  virtual bool preserves_shape() const { return false; }
  // True when `op(x) as _` inside a block gives the layer the block call's own name, so its
  // parameters sit on the block as a PyTorch module's own parameters do (layer_scale).
  virtual bool attaches_to_block() const { return false; }
  // How a diagnostic note describes a node of this op as the origin of a shape:
  // "conv2d with 1154 filters", "concat of 384 + 384 + 384 channels".
  virtual std::string describe(const Attrs &attrs, llvm::ArrayRef<TensorType> inputs) const {
    return std::string(name());
  }

private:
  friend class OpRegistry; // ops/registry.cpp
  OpKind kind_ = OpKind::conv2d;
};

} // namespace netc
