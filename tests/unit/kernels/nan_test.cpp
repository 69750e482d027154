// NaN through every kernel family, as PyTorch and the reference executor propagate it: a NaN
// pixel or weight must reach the outputs it touches and no others (issue 11: relu, relu6 and max
// pooling used to replace it by the other operand of a max, so a NaN image gave finite logits).
// Each case puts NaN inside the tensor and at its edges (next to the padding, in a vector's tail
// lanes) and expects NaN exactly where the reference has it.
#include "kernel_test_support.h"

#include <netc/cpu/conv_1x1.hpp>
#include <netc/cpu/conv_direct.hpp>
#include <netc/cpu/elementwise.hpp>
#include <netc/cpu/layernorm.hpp>
#include <netc/cpu/linear.hpp>
#include <netc/cpu/pool.hpp>
#include <netc/cpu/softmax.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Outputs start finite, so an element the kernel leaves unwritten cannot pass for a NaN.
constexpr float kUnwritten = 777.0f;

Slice unwritten_output(const TensorType &type, int before, int after) {
  Slice s(type, before, after, kOutputGuard);
  HostTensor fill{{s.size()}, std::vector<double>(std::size_t(s.size()), kUnwritten)};
  s.set(fill);
  return s;
}

// The case with NaN at the dense elements `at` of input `input` (negative: from the end) and the
// reference run again on it.
void put_nans(Case &c, std::vector<std::int64_t> at, unsigned input = 0) {
  std::vector<double> &data = c.inputs.at(input).data;
  for (std::int64_t i : at)
    data.at(std::size_t(i < 0 ? std::int64_t(data.size()) + i : i)) = kNaN;
  c.expected = run_reference(c.net.graph(), c.weights, c.inputs);
}

// NaN exactly where the reference has NaN, the other elements within tol; and the case must
// test something: some NaN expected, and (unless every element is) some number.
void check_nans(const Slice &actual, const HostTensor &expected, Tolerance tol,
                const std::string &what, bool all_nan = false) {
  REQUIRE(std::int64_t(expected.data.size()) == actual.size());
  int failures = 0, nans = 0;
  for (std::int64_t i = 0; i < actual.size(); ++i) {
    const double e = expected.data[std::size_t(i)];
    const double a = actual.at(i);
    nans += std::isnan(e) ? 1 : 0;
    const bool ok = std::isnan(e)
                        ? std::isnan(a)
                        : !std::isnan(a) && std::fabs(a - e) <= tol.abs + tol.rel * std::fabs(e);
    if (!ok && failures++ < 10)
      FAIL_CHECK(what << ": at index " << i << " " << actual.index(i) << ": expected " << e
                      << ", actual " << a);
  }
  CHECK_MESSAGE(failures == 0, what << ": " << failures << " of " << actual.size() << " wrong");
  CHECK_MESSAGE(nans > 0, what << ": the reference has no NaN: the case tests nothing");
  if (!all_nan)
    CHECK_MESSAGE(nans < actual.size(), what << ": NaN everywhere: the case cannot see spreading");
  actual.check_guards(what);
}

std::string one_op(const std::string &input, const std::string &body) {
  return "network t(x: " + input + ") {\n" + body + "  return y\n}\n";
}

void run_pool_with_nans(const std::string &input, const std::string &args,
                        std::vector<std::int64_t> at) {
  const std::string dsl = one_op(input, "  y = maxpool(x, " + args + ") as k\n");
  CAPTURE(dsl);
  Case c = reference_case(dsl, 2);
  put_nans(c, at);
  const Node &k = c.net.node("k");
  Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 1, 2);
  Slice out = unwritten_output(k.type, 2, 1);
  cpu::maxpool<Isa>(serial_context(), pool_params(c.net, k, in.dims(), out.dims()), in.data(),
                    out.data());
  check_nans(out, c.expected[0], {}, "maxpool output");
}

} // namespace

TEST_CASE("NaN: max pooling keeps a NaN of its window, padding never makes one") {
  // [2, 9, 11] per sample: the first and last element (corners beside the padding), one inside,
  // one on the right edge (a vector's tail lanes), and the second sample's last column.
  const std::vector<std::int64_t> at = {0, 5 * 11 + 4, 2 * 11 + 10, 99 + 3 * 11 + 6, -1};
  for (const char *args : {"3, stride=1, pad=1", "3, stride=2, pad=1", "2", "3, stride=3, pad=1",
                           "3, stride=2, ceil_mode=true", "3, stride=1, pad=1, dilation=2"})
    run_pool_with_nans("[2, 9, 11]", args, at);
  run_pool_with_nans("[2, 5, 40]", "3, stride=1, pad=1", {17, 40 + 31, 4 * 40 + 39}); // wide rows
}

TEST_CASE("NaN: a channel of NaN stays NaN through max pooling, its neighbours do not") {
  const std::string dsl = one_op("[3, 6, 7]", "  y = maxpool(x, 3, stride=2, pad=1) as k\n");
  Case c = reference_case(dsl, 1);
  std::vector<std::int64_t> channel;
  for (std::int64_t i = 42; i < 84; ++i)
    channel.push_back(i);
  put_nans(c, channel);
  const Node &k = c.net.node("k");
  Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 0, 0);
  Slice out = unwritten_output(k.type, 0, 0);
  cpu::maxpool<Isa>(serial_context(), pool_params(c.net, k, in.dims(), out.dims()), in.data(),
                    out.data());
  check_nans(out, c.expected[0], {}, "maxpool output");
}

TEST_CASE("NaN: every activation, standalone and after a residual add") {
  // [37]: full vectors and a tail; [2, 17, 17] bigger. NaN first, inside and last.
  for (const char *input : {"[37]", "[2, 17, 17]"})
    for (const char *act : {"relu", "relu6", "sigmoid", "tanh", "identity"}) {
      const std::string unary = one_op(input, std::string("  y = ") + act + "(x)\n");
      CAPTURE(unary);
      Case u = reference_case(unary, 2, 1, -8, 8);
      put_nans(u, {0, 20, -1});
      const TensorType &type = u.net.graph().node(u.net.graph().inputs[0]).type;
      Slice in = input_slice(u.inputs[0], type, 1, 1);
      Slice out = unwritten_output(type, 2, 0);
      cpu::unary<Isa>(serial_context(),
                      UnaryParams{in.dims(), out.dims(), 1.0f, activation_named(act)}, in.data(),
                      out.data());
      check_nans(out, u.expected[0], {1e-6, 1e-5}, std::string(act) + " output");

      const std::string binary = std::string("network t(a: ") + input + ", b: " + input +
                                 ") {\n  y = " + act + "(add(a, b))\n  return y\n}\n";
      CAPTURE(binary);
      Case b = reference_case(binary, 1, 2, -8, 8);
      put_nans(b, {3}, 0);
      put_nans(b, {-2}, 1);
      const TensorType &b_type = b.net.graph().node(b.net.graph().inputs[0]).type;
      Slice ia = input_slice(b.inputs[0], b_type, 0, 1);
      Slice ib = input_slice(b.inputs[1], b_type, 2, 0);
      Slice ob = unwritten_output(b_type, 0, 0);
      cpu::binary<Isa>(serial_context(),
                       BinaryParams{ia.dims(), ib.dims(), ob.dims(), 1.0f, activation_named(act)},
                       ia.data(), ib.data(), ob.data());
      check_nans(ob, b.expected[0], {1e-6, 1e-5}, std::string(act) + "(add) output");
    }
}

TEST_CASE("NaN: a product, and a NaN factor of a broadcast product, reach only their elements") {
  const char *const shapes[][2] = {
      {"[37]", "[37]"}, {"[2, 17, 17]", "[2, 17, 17]"}, {"[5, 3, 7]", "[5, 1, 1]"}};
  for (const auto &shape : shapes) {
    const std::string dsl = std::string("network t(a: ") + shape[0] + ", b: " + shape[1] +
                            ") {\n  y = mul(a, b)\n  return y\n}\n";
    CAPTURE(dsl);
    Case c = reference_case(dsl, 2, 1, -8, 8);
    // a's first and last element; b's second (with [5, 1, 1]: all of sample 0's channel 1).
    put_nans(c, {0, -1}, 0);
    put_nans(c, {1}, 1);
    const TensorType &a_type = c.net.graph().node(c.net.graph().inputs[0]).type;
    const TensorType &b_type = c.net.graph().node(c.net.graph().inputs[1]).type;
    Slice a = input_slice(c.inputs[0], a_type, 1, 0);
    Slice b = input_slice(c.inputs[1], b_type, 0, 2);
    Slice out = unwritten_output(a_type, 0, 1);
    cpu::mul<Isa>(serial_context(),
                  BinaryParams{a.dims(), b.dims(), out.dims(), 1.0f, Activation::none}, a.data(),
                  b.data(), out.data());
    check_nans(out, c.expected[0], {}, "mul output");
  }
}

TEST_CASE("NaN: softmax of a pixel with a NaN is NaN in every channel") {
  for (const char *input : {"[37]", "[7, 5, 9]"}) {
    const std::string dsl = one_op(input, "  y = softmax(x) as k\n");
    CAPTURE(dsl);
    Case c = reference_case(dsl, 2);
    // Flat: the first sample's first feature (the maximum's seed) and the second's last;
    // feature maps: a pixel's channel 0, another's last channel.
    put_nans(c, {0, -1});
    const Node &k = c.net.node("k");
    Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 1, 0);
    Slice out = unwritten_output(k.type, 0, 2);
    cpu::softmax<Isa>(serial_context(), SoftmaxParams{in.dims(), out.dims()}, in.data(),
                      out.data());
    check_nans(out, c.expected[0], {1e-7, 1e-5}, "softmax output", std::string(input) == "[37]");
  }
}

TEST_CASE("NaN: layernorm of a pixel with a NaN is NaN in every channel") {
  for (const char *input : {"[37]", "[7, 5, 9]"}) {
    const std::string dsl = one_op(input, "  y = layernorm(x) as k\n");
    CAPTURE(dsl);
    Case c = reference_case(dsl, 2);
    put_nans(c, {0, -1});
    const Node &k = c.net.node("k");
    Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 1, 0);
    Slice out = unwritten_output(k.type, 0, 2);
    const HostTensor &w = c.weights.at("k.weight"), &b = c.weights.at("k.bias");
    const std::vector<float> weight(w.data.begin(), w.data.end()),
        bias(b.data.begin(), b.data.end());
    cpu::layernorm<Isa>(serial_context(), LayerNormParams{in.dims(), out.dims(), 1e-5f}, in.data(),
                        weight.data(), bias.data(), out.data());
    check_nans(out, c.expected[0], {1e-5, 1e-5}, "layernorm output", std::string(input) == "[37]");
  }
}

TEST_CASE("NaN: a convolution's fused activation keeps NaN from an input pixel or a weight") {
  struct Family {
    const char *name;
    ConvKernel kernel;
    const char *args;
  };
  const Family families[] = {
      {"conv_direct",
       {cpu::conv_direct_packed_size<Isa>, cpu::conv_direct_scratch_floats<Isa>,
        cpu::conv_direct_pack<Isa>, cpu::conv_direct<Isa>},
       "11, 3, pad=1"},
      {"conv_1x1",
       {cpu::conv_1x1_packed_size<Isa>, cpu::conv_1x1_scratch_floats<Isa>, cpu::conv_1x1_pack<Isa>,
        cpu::conv_1x1<Isa>},
       "11, 1"}};
  for (const Family &f : families)
    for (const char *act : all_activation_names())
      for (bool nan_weight : {false, true}) {
        const std::string dsl = one_op("[5, 9, 19]", std::string("  y = conv2d(x, ") + f.args +
                                                         ") as c\n  y = " + act + "(y)\n");
        CAPTURE(f.name);
        CAPTURE(dsl);
        CAPTURE(nan_weight);
        Case c = reference_case(dsl, 2, 1, -4, 4);
        if (nan_weight) {
          // Output channel 0, input channel 0, the centre tap: a tap that meets the padding would
          // leave the border to a choice (the reference skips padded taps, an im2col multiplies
          // the NaN by a padded zero), which this test does not make.
          c.weights.at("c.weight").data.at(4) = kNaN;
          c.expected = run_reference(c.net.graph(), c.weights, c.inputs);
        } else {
          put_nans(c, {0, 3 * 171 + 4 * 19 + 18, -1}); // corners and a right edge
        }
        const Node &conv = c.net.node("c");
        Slice in = input_slice(c.inputs[0], c.net.input_of(conv).type, 1, 1);
        Slice out = unwritten_output(conv.type, 0, 1);
        const ConvParams p =
            conv_params(c.net, conv, in.dims(), out.dims(), activation_named(act), 0);
        AlignedBuffer packed(f.kernel.packed_size(p));
        const std::vector<float> weight = to_floats(c.weights.at("c.weight"));
        f.kernel.pack(p, weight.data(), packed.data());
        const std::vector<float> bias = bias_of(c.weights, conv, conv.type.c());
        AlignedBuffer scratch(f.kernel.scratch_floats(p));
        const cpu::Context ctx(nullptr, scratch.data(), scratch.size());
        f.kernel.run(ctx, p, in.data(), packed.data(), bias.data(), nullptr, out.data());
        check_nans(out, c.expected[0], {2e-5, 2e-5}, std::string(f.name) + " output");
      }
}

TEST_CASE("NaN: linear's fused activation keeps NaN from an input feature") {
  for (const char *act : all_activation_names()) {
    const std::string dsl =
        one_op("[37]", std::string("  y = linear(x, 33) as k\n  y = ") + act + "(y)\n");
    CAPTURE(dsl);
    Case c = reference_case(dsl, 3);
    put_nans(c, {37 + 5}); // the second sample only
    const Node &k = c.net.node("k");
    Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 0, 1);
    Slice out = unwritten_output(k.type, 1, 0);
    const LinearParams p{in.dims(), out.dims(), activation_named(act)};
    AlignedBuffer packed(cpu::linear_packed_size<Isa>(p));
    const std::vector<float> weight = to_floats(c.weights.at("k.weight"));
    cpu::linear_pack<Isa>(p, weight.data(), packed.data());
    const std::vector<float> bias = bias_of(c.weights, k, k.type.c());
    cpu::linear<Isa>(serial_context(), p, in.data(), packed.data(), bias.data(), out.data());
    check_nans(out, c.expected[0], {2e-5, 2e-5}, "linear output");
  }
}
