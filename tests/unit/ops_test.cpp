// Each op's shape rule, called directly with normalised attributes.
#include "ops/registry.h"
#include "ops/window.h"

#include <doctest/doctest.h>

#include <limits>
#include <set>

using namespace netc;

namespace {

// The attributes a call gets when it leaves every optional argument out.
Attrs defaults(const OpDef &op) {
  Attrs attrs;
  for (const ParamDecl &d : op.signature())
    if (d.default_value)
      attrs.set(d.name, *d.default_value);
  return attrs;
}

struct Call {
  const OpDef *op;
  Attrs attrs;
  explicit Call(std::string_view name) : op(find_op(name)) {
    REQUIRE(op != nullptr);
    attrs = defaults(*op);
  }
  Call &set(std::string_view name, AttrValue v) {
    attrs.set(name, std::move(v));
    return *this;
  }
  ShapeResult infer(std::vector<TensorType> inputs) {
    op->complete(attrs);
    return op->infer(attrs, inputs);
  }
};

using IntVec = std::vector<int64_t>;
TensorType chw(int64_t c, int64_t h, int64_t w) {
  return TensorType::nchw(1, c, h, w);
}

} // namespace

TEST_CASE("conv2d: PyTorch's output size, padding forms and parameters") {
  Call conv("conv2d");
  conv.set("filters", int64_t{32}).set("kernel", IntVec{3, 3}).set("stride", IntVec{2, 2});
  ShapeResult r = conv.infer({chw(3, 299, 299)});
  REQUIRE_FALSE(r.error);
  CHECK(r.type == chw(32, 149, 149));
  auto params = conv.op->params(conv.attrs, {chw(3, 299, 299)});
  REQUIRE(params.size() == 2);
  CHECK(params[0].shape == IntVec{32, 3, 3, 3});
  CHECK(params[1].name == "bias");
  CHECK(conv.op->macs(conv.attrs, {chw(3, 299, 299)}, r.type) == 32LL * 149 * 149 * 27);

  // Asymmetric [top, bottom, left, right] and a 1x7 kernel keep 17x17.
  Call k17("conv2d");
  k17.set("filters", int64_t{192}).set("kernel", IntVec{1, 7}).set("pad", IntVec{0, 0, 3, 3});
  CHECK(k17.infer({chw(160, 17, 17)}).type == chw(192, 17, 17));

  // TensorFlow "same": output = ceil(input / stride).
  Call same("conv2d");
  same.set("filters", int64_t{8}).set("kernel", IntVec{3, 3}).set("stride", IntVec{2, 2});
  same.set("pad", std::string("same"));
  CHECK(same.infer({chw(3, 224, 224)}).type == chw(8, 112, 112));
  CHECK(same.infer({chw(3, 225, 225)}).type == chw(8, 113, 113));

  // Dilation widens the kernel: 3x3 dilated by 2 covers 5x5.
  Call dil("conv2d");
  dil.set("filters", int64_t{4}).set("kernel", IntVec{3, 3}).set("dilation", IntVec{2, 2});
  CHECK(dil.infer({chw(4, 10, 10)}).type == chw(4, 6, 6));
}

TEST_CASE("conv2d: mistakes") {
  Call big("conv2d");
  big.set("filters", int64_t{8}).set("kernel", IntVec{5, 5});
  ShapeResult r = big.infer({chw(3, 3, 3)});
  REQUIRE(r.error);
  CHECK(r.error->message ==
        "conv2d: kernel 5 is larger than the padded input 3 along the height (input [3, 3, 3])");
  CHECK(r.type.is_poison());

  Call groups("conv2d");
  groups.set("filters", int64_t{64}).set("kernel", IntVec{3, 3}).set("groups", int64_t{32});
  r = groups.infer({chw(100, 8, 8)});
  REQUIRE(r.error);
  CHECK(r.error->message == "conv2d: groups (32) does not divide the input's 100 channels");
  CHECK(r.error->argument == "groups");

  Call declared("conv2d");
  declared.set("filters", int64_t{64}).set("kernel", IntVec{1, 1}).set("in_channels", int64_t{192});
  r = declared.infer({chw(256, 8, 8)});
  REQUIRE(r.error);
  CHECK(r.error->message == "conv2d: in_channels is 192 but the input has 256 channels");

  Call flat("conv2d");
  flat.set("filters", int64_t{8}).set("kernel", IntVec{1, 1});
  r = flat.infer({TensorType::nf(1, 10)});
  REQUIRE(r.error);
  CHECK(r.error->message ==
        "conv2d needs a [C, H, W] feature map, but its input is the flat tensor [10]");

  Call zero("conv2d");
  zero.set("filters", int64_t{0}).set("kernel", IntVec{1, 1});
  CHECK(zero.infer({chw(3, 8, 8)}).error->message == "filters must be positive, got 0");
}

TEST_CASE("depthwise_conv2d becomes a grouped conv2d") {
  Call dw("depthwise_conv2d");
  dw.set("kernel", IntVec{3, 3}).set("pad", IntVec{1, 1, 1, 1});
  std::vector<TensorType> in = {chw(728, 19, 19)};
  const OpDef *canonical = dw.op->canonicalize(dw.attrs, in);
  REQUIRE(canonical == find_op("conv2d"));
  CHECK(dw.attrs.get_int("groups") == 728);
  CHECK(dw.attrs.get_int("filters") == 728);
  CHECK(canonical->infer(dw.attrs, in).type == chw(728, 19, 19));
  CHECK(canonical->params(dw.attrs, in)[0].shape == IntVec{728, 1, 3, 3});
}

TEST_CASE("pooling: default stride, ceil_mode and padding limits") {
  Call max("maxpool");
  max.set("kernel", IntVec{3, 3}).set("stride", IntVec{2, 2});
  CHECK(max.infer({chw(64, 147, 147)}).type == chw(64, 73, 73));

  // GoogLeNet's ceil_mode pools: 112 -> 56 (floor would give 55).
  Call ceil("maxpool");
  ceil.set("kernel", IntVec{3, 3}).set("stride", IntVec{2, 2}).set("ceil_mode", true);
  CHECK(ceil.infer({chw(64, 112, 112)}).type == chw(64, 56, 56));
  // ...but never a window that starts in the padding: 14 -> 7, not 8.
  Call ceil2("maxpool");
  ceil2.set("kernel", IntVec{2, 2}).set("stride", IntVec{2, 2}).set("ceil_mode", true);
  CHECK(ceil2.infer({chw(8, 14, 14)}).type == chw(8, 7, 7));

  Call avg("avgpool");
  avg.set("kernel", IntVec{2, 2});
  CHECK(avg.attrs.has("stride") == false);
  CHECK(avg.infer({chw(6, 28, 28)}).type == chw(6, 14, 14));
  CHECK(avg.attrs.get_ints("stride") == IntVec{2, 2});

  Call bad("avgpool");
  bad.set("kernel", IntVec{3, 3}).set("pad", IntVec{2, 2, 2, 2});
  CHECK(bad.infer({chw(6, 28, 28)}).error->message ==
        "avgpool: padding must be at most half the 3x3 kernel");
}

TEST_CASE("global and adaptive average pooling") {
  CHECK(Call("global_avgpool").infer({chw(2048, 7, 7)}).type == chw(2048, 1, 1));
  Call adaptive("adaptive_avgpool");
  adaptive.set("size", IntVec{6, 6});
  CHECK(adaptive.infer({chw(256, 13, 13)}).type == chw(256, 6, 6));
}

TEST_CASE("flatten and linear") {
  CHECK(Call("flatten").infer({chw(256, 6, 6)}).type == TensorType::nf(1, 9216));
  Call fc("linear");
  fc.set("features", int64_t{4096});
  CHECK(fc.infer({TensorType::nf(1, 9216)}).type == TensorType::nf(1, 4096));
  CHECK(fc.op->params(fc.attrs, {TensorType::nf(1, 9216)})[0].shape == IntVec{4096, 9216});

  Call declared("linear");
  declared.set("features", int64_t{4096}).set("in_features", int64_t{9216});
  ShapeResult r = declared.infer({TensorType::nf(1, 12544)});
  REQUIRE(r.error);
  CHECK(r.error->message == "linear: in_features is 9216 but the input has 12544 features");

  ShapeResult spatial = Call("linear").set("features", int64_t{10}).infer({chw(8, 2, 2)});
  REQUIRE(spatial.error);
  CHECK(spatial.error->message ==
        "linear needs a flat input, but its input is the feature map [8, 2, 2]; flatten it first");
}

TEST_CASE("concat adds channels and needs one spatial size") {
  Call cat("concat");
  CHECK(cat.infer({chw(96, 35, 35), chw(96, 35, 35), chw(192, 35, 35)}).type == chw(384, 35, 35));
  ShapeResult r = cat.infer({chw(96, 35, 35), chw(64, 35, 35), chw(96, 34, 34)});
  REQUIRE(r.error);
  CHECK(r.error->message ==
        "concat: operands differ in spatial size: operand 1 is 35x35, operand 3 is 34x34");
  CHECK(r.error->traced_inputs == std::vector<unsigned>{0, 2});
  CHECK(cat.op->describe(cat.attrs, {chw(384, 17, 17), chw(384, 17, 17)}) ==
        "concat of 384 + 384 channels");
}

TEST_CASE("add needs equal shapes and recovers with its first operand") {
  Call add("add");
  CHECK(add.infer({chw(320, 35, 35), chw(320, 35, 35)}).type == chw(320, 35, 35));
  ShapeResult r = add.infer({chw(1152, 17, 17), chw(1154, 17, 17)});
  REQUIRE(r.error);
  CHECK(r.error->message ==
        "add: operands differ in channels: 1152 (operand 1) vs 1154 (operand 2)");
  CHECK(r.type == chw(1152, 17, 17)); // recovered, not poison
  r = add.infer({chw(64, 56, 56), chw(64, 28, 28)});
  CHECK(r.error->message ==
        "add: operands differ in spatial size: 56x56 (operand 1) vs 28x28 (operand 2)");
  r = add.infer({chw(64, 56, 56), chw(256, 28, 28)});
  CHECK(r.error->message ==
        "add: operands differ in shape: [64, 56, 56] (operand 1) vs [256, 28, 28] (operand 2)");
}

TEST_CASE("mul: equal shapes, or a [C, 1, 1] operand broadcast on either side") {
  Call mul("mul");
  CHECK(mul.infer({chw(96, 14, 14), chw(96, 14, 14)}).type == chw(96, 14, 14));
  CHECK(mul.infer({chw(96, 14, 14), chw(96, 1, 1)}).type == chw(96, 14, 14));
  CHECK(mul.infer({chw(96, 1, 1), chw(96, 14, 14)}).type == chw(96, 14, 14));
  CHECK(mul.infer({chw(96, 1, 1), chw(96, 1, 1)}).type == chw(96, 1, 1));
  ShapeResult r = mul.infer({chw(96, 14, 14), chw(24, 1, 1)});
  REQUIRE(r.error);
  CHECK(r.error->message == "mul: operands differ in channels: [96, 14, 14] (operand 1) vs "
                            "[24, 1, 1] (operand 2); only a [C, 1, 1] operand broadcasts");
  CHECK(r.error->traced_inputs == std::vector<unsigned>{0, 1});
  CHECK(r.type == chw(96, 14, 14));
  r = mul.infer({chw(96, 1, 1), chw(96, 14, 7)});
  CHECK_FALSE(r.error);
  r = mul.infer({chw(96, 14, 14), chw(96, 7, 1)});
  CHECK(r.error->message == "mul: operands differ in spatial size: [96, 14, 14] (operand 1) vs "
                            "[96, 7, 1] (operand 2); only a [C, 1, 1] operand broadcasts");
  CHECK(r.type == chw(96, 14, 14)); // recovered with the operand that is not [C, 1, 1]
}

TEST_CASE("batchnorm: shape kept, affine parameters learnable, statistics not") {
  Call bn("batchnorm");
  CHECK(bn.infer({chw(64, 8, 8)}).type == chw(64, 8, 8));
  auto params = bn.op->params(bn.attrs, {chw(64, 8, 8)});
  REQUIRE(params.size() == 4);
  CHECK(params[0].learnable);
  CHECK(params[1].learnable);
  CHECK_FALSE(params[2].learnable);
  CHECK(params[3].name == "running_var");
  bn.set("eps", 0.0);
  CHECK(bn.infer({chw(64, 8, 8)}).error->message == "batchnorm: eps must be positive, got 0");
}

TEST_CASE("shape-keeping ops") {
  for (const char *name :
       {"relu", "relu6", "sigmoid", "tanh", "identity", "softmax", "dropout", "lrn"}) {
    CAPTURE(name);
    Call c(name);
    CHECK(c.infer({chw(16, 5, 5)}).type == chw(16, 5, 5));
    CHECK(c.op->preserves_shape());
  }
  Call s("scale");
  s.set("s", 0.17);
  CHECK(s.infer({chw(16, 5, 5)}).type == chw(16, 5, 5));
  Call d("dropout");
  d.set("p", 1.0);
  CHECK(d.infer({chw(16, 5, 5)}).error->message == "dropout: p must be in [0, 1), got 1");
}

TEST_CASE("zeropad grows the feature map") {
  Call pad("zeropad");
  pad.set("pad", IntVec{0, 1, 0, 1});
  CHECK(pad.infer({chw(3, 224, 224)}).type == chw(3, 225, 225));
  pad.set("pad", std::string("same"));
  CHECK(pad.infer({chw(3, 224, 224)}).error);
}

TEST_CASE("window arithmetic") {
  CHECK(window_output(299, {3, 2, 1, 0, 0}).size == 149);
  CHECK(window_output(35, {3, 1, 1, 1, 1}).size == 35);
  CHECK(window_output(2, {3, 1, 1, 0, 0}).error == "kernel 3 is larger than the padded input 2");
  CHECK(window_output(7, {3, 2, 1, 0, 0, true}).size == 3);
  auto same = resolve_padding(AttrValue(std::string("same")), 224, 224, 7, 7, 2, 2, 1, 1);
  CHECK(same == std::array<int64_t, 4>{2, 3, 2, 3});
}

// Sizes near 2^63 are refused as overflow; computing them would be undefined behaviour.
TEST_CASE("window arithmetic refuses sizes past 64 bits") {
  const int64_t huge = int64_t{1} << 62;
  WindowOutput padded = window_output(224, {3, 1, 1, huge, huge});
  CHECK(padded.overflow);
  CHECK(padded.error ==
        "size overflow: the input 224 padded by 4611686018427387904 and 4611686018427387904 "
        "exceeds 2^63 pixels");
  WindowOutput dilated = window_output(224, {huge, 1, huge, 0, 0});
  CHECK(dilated.overflow);
  CHECK(dilated.error == "size overflow: the dilated kernel spans more than 2^63 pixels");
  // One pad of 2^62 fits: the output is as long as the padded input allows.
  CHECK(window_output(8, {1, huge, 1, huge, 0}).size == 2);
  auto same = resolve_padding(AttrValue(std::string("same")), 8, 8, huge, huge, 1, 1, huge, huge);
  CHECK(same[0] == std::numeric_limits<int64_t>::max()); // clamped; window_output refuses it
}

TEST_CASE("zeropad, flatten and concat refuse sizes past 64 bits") {
  Call pad("zeropad");
  pad.set("pad", IntVec{int64_t{1} << 62, int64_t{1} << 62, 0, 0});
  ShapeResult padded = pad.infer({chw(3, 224, 224)});
  REQUIRE(padded.error);
  CHECK(padded.error->rule == rules::kSizeOverflow);
  CHECK(padded.error->message ==
        "zeropad: size overflow: the padded height does not fit in 64 bits");

  Call flatten("flatten");
  ShapeResult flat = flatten.infer({chw(int64_t{1} << 31, int64_t{1} << 31, int64_t{1} << 31)});
  REQUIRE(flat.error);
  CHECK(flat.error->rule == rules::kSizeOverflow);

  Call concat("concat");
  const int64_t max = std::numeric_limits<int64_t>::max();
  ShapeResult joined = concat.infer({chw(max, 2, 2), chw(max, 2, 2)});
  REQUIRE(joined.error);
  CHECK(joined.error->rule == rules::kSizeOverflow);
}

TEST_CASE("every registered op has a unique name and a tensor first parameter") {
  std::set<std::string_view> names;
  for (const auto &op : all_ops()) {
    CAPTURE(op->name());
    CHECK(names.insert(op->name()).second);
    REQUIRE_FALSE(op->signature().empty());
    ArgKind first = op->signature().front().kind;
    CHECK((first == ArgKind::Tensor || first == ArgKind::Tensors));
  }
  CHECK(names.size() == 31);
}

TEST_CASE("chunk follows torch.chunk; channel_shuffle needs groups that divide the channels") {
  Call c("chunk");
  c.set("chunks", int64_t{4}).set("index", int64_t{2});
  CHECK(c.infer({chw(10, 3, 3)}).type == chw(3, 3, 3)); // chunks of 3: 3, 3, 3, 1
  CHECK(chunk_offset(c.attrs, 10) == 6);
  c.set("index", int64_t{3});
  CHECK(c.infer({chw(10, 3, 3)}).type == chw(1, 3, 3));
  c.set("chunks", int64_t{4}).set("index", int64_t{3});
  ShapeResult fewer = c.infer({chw(6, 3, 3)}); // torch.chunk gives 3 chunks of 2
  REQUIRE(fewer.error);
  CHECK(fewer.error->argument == "index");

  Call s("channel_shuffle");
  s.set("groups", int64_t{2});
  CHECK(s.infer({chw(116, 28, 28)}).type == chw(116, 28, 28));
  s.set("groups", int64_t{3});
  ShapeResult r = s.infer({chw(116, 28, 28)});
  REQUIRE(r.error);
  CHECK(r.error->message == "channel_shuffle: 116 channels do not split into 3 groups");
}

TEST_CASE("layer_scale and pointwise_linear name their parameters as torchvision does") {
  Call ls("layer_scale");
  CHECK(ls.op->attaches_to_block());
  auto params = ls.op->params(ls.attrs, {chw(96, 56, 56)});
  REQUIRE(params.size() == 1);
  CHECK(params[0].name == "layer_scale");
  CHECK(params[0].shape == IntVec{96, 1, 1});

  Call pl("pointwise_linear");
  pl.set("features", int64_t{384}).set("bias", true);
  CHECK(pl.infer({chw(96, 56, 56)}).type == chw(384, 56, 56));
  CHECK(pl.op->params(pl.attrs, {chw(96, 56, 56)})[0].shape == IntVec{384, 96});
  CHECK(pl.op->macs(pl.attrs, {chw(96, 56, 56)}, chw(384, 56, 56)) == 384 * 56 * 56 * 96);
}
