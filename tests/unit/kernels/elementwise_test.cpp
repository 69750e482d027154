// unary (act(scale * x)), binary (act(a + b_scale * b)) and mul (act(a * (b_scale * b)), b of
// a's shape or [C, 1, 1] broadcast) against the reference executor, in slices and in place.
#include "kernel_test_support.h"

#include <netc/cpu/elementwise.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

const char *const kShapes[] = {"[5, 7, 9]", "[3, 1, 1]", "[37]", "[2, 17, 17]", "[1]"};

// `y = act(scale(x, s))`: the unary kernel with scale s and the activation.
void run_unary(const std::string &input, float scale, const std::string &act) {
  std::string dsl = "network t(x: " + input + ") {\n  y = x\n";
  if (scale != 1.0f)
    dsl += "  y = scale(y, " + std::to_string(scale) + ")\n";
  if (!act.empty())
    dsl += "  y = " + act + "(y)\n";
  dsl += "  return y\n}\n";
  CAPTURE(dsl);
  for (int batch : {1, 2})
    for (bool in_place : {false, true}) {
      CAPTURE(batch);
      CAPTURE(in_place);
      const Case c = reference_case(dsl, batch, 1, -4, 4);
      const TensorType &type = c.net.graph().node(c.net.graph().inputs[0]).type;
      // The DSL prints the scale with 6 digits: the kernel takes the same number.
      const float s = scale == 1.0f ? 1.0f : std::stof(std::to_string(scale));
      Slice in = input_slice(c.inputs[0], type, 2, 1);
      Slice out = output_slice(type, 1, 3);
      if (in_place) {
        out.set(c.inputs[0]);
        cpu::unary<Isa>(threaded_context(),
                        UnaryParams{out.dims(), out.dims(), s, activation_named(act)}, out.data(),
                        out.data());
      } else {
        cpu::unary<Isa>(threaded_context(),
                        UnaryParams{in.dims(), out.dims(), s, activation_named(act)}, in.data(),
                        out.data());
      }
      check_close(out, c.expected[0], {}, "unary output");
      in.check_guards("unary input");
    }
}

enum class InPlace { no, a, b };

// `y = act(add(a, scale(b, s)))`: the binary kernel.
void run_binary(const std::string &input, float scale, const std::string &act) {
  std::string dsl = "network t(a: " + input + ", b: " + input + ") {\n";
  dsl += scale == 1.0f ? "  y = add(a, b)\n"
                       : "  y = add(a, scale(b, " + std::to_string(scale) + "))\n";
  if (!act.empty())
    dsl += "  y = " + act + "(y)\n";
  dsl += "  return y\n}\n";
  CAPTURE(dsl);
  for (int batch : {1, 2})
    for (InPlace in_place : {InPlace::no, InPlace::a, InPlace::b}) {
      CAPTURE(batch);
      CAPTURE(int(in_place));
      const Case c = reference_case(dsl, batch, 1, -4, 4);
      const TensorType &type = c.net.graph().node(c.net.graph().inputs[0]).type;
      const float s = scale == 1.0f ? 1.0f : std::stof(std::to_string(scale));
      Slice a = input_slice(c.inputs[0], type, 0, 2);
      Slice b = input_slice(c.inputs[1], type, 3, 0);
      Slice out = output_slice(type, 1, 1);
      const float *pa = a.data(), *pb = b.data();
      Dims da = a.dims(), db = b.dims();
      if (in_place == InPlace::a) {
        out.set(c.inputs[0]);
        pa = out.data();
        da = out.dims();
      } else if (in_place == InPlace::b) {
        out.set(c.inputs[1]);
        pb = out.data();
        db = out.dims();
      }
      cpu::binary<Isa>(threaded_context(),
                       BinaryParams{da, db, out.dims(), s, activation_named(act)}, pa, pb,
                       out.data());
      check_close(out, c.expected[0], {}, "binary output");
      a.check_guards("binary input a");
      b.check_guards("binary input b");
    }
}

// `y = act(mul(a, scale(b, s)))`, or with the operands the other way round (`b_first`): the mul
// kernel, which always takes the operand of the output's shape as a (as select_kernels passes
// it). On three threads with no minimum work, so pieces cut through channels' runs.
void run_mul(const std::string &a_shape, const std::string &b_shape, bool b_first, float scale,
             const std::string &act) {
  std::string b = scale == 1.0f ? "b" : "scale(b, " + std::to_string(scale) + ")";
  std::string dsl = "network t(a: " + a_shape + ", b: " + b_shape + ") {\n";
  dsl += b_first ? "  y = mul(" + b + ", a)\n" : "  y = mul(a, " + b + ")\n";
  if (!act.empty())
    dsl += "  y = " + act + "(y)\n";
  dsl += "  return y\n}\n";
  CAPTURE(dsl);
  for (int batch : {1, 2})
    for (bool in_place : {false, true}) {
      CAPTURE(batch);
      CAPTURE(in_place);
      const Case c = reference_case(dsl, batch, 1, -4, 4);
      const TensorType &type = c.net.graph().node(c.net.graph().inputs[0]).type;
      const TensorType &b_type = c.net.graph().node(c.net.graph().inputs[1]).type;
      const float s = scale == 1.0f ? 1.0f : std::stof(std::to_string(scale));
      Slice sa = input_slice(c.inputs[0], type, 0, 2);
      Slice sb = input_slice(c.inputs[1], b_type, 3, 1);
      Slice out = output_slice(type, 1, 1);
      const float *pa = sa.data();
      Dims da = sa.dims();
      if (in_place) {
        out.set(c.inputs[0]);
        pa = out.data();
        da = out.dims();
      }
      cpu::mul<Isa>(threaded_context(),
                    BinaryParams{da, sb.dims(), out.dims(), s, activation_named(act)}, pa,
                    sb.data(), out.data());
      check_close(out, c.expected[0], {}, "mul output");
      sa.check_guards("mul input a");
      sb.check_guards("mul input b");
    }
}

} // namespace

TEST_CASE("unary: activations and scales") {
  for (const char *shape : kShapes) {
    for (const char *act : all_activation_names())
      run_unary(shape, 1.0f, act);
    run_unary(shape, 0.17f, "");
    run_unary(shape, -2.5f, "relu");
  }
}

TEST_CASE("binary: residual adds") {
  for (const char *shape : kShapes) {
    run_binary(shape, 1.0f, "");
    run_binary(shape, 1.0f, "relu");
    run_binary(shape, 0.17f, "relu6");
    run_binary(shape, 0.5f, "tanh");
  }
}

TEST_CASE("mul: products of one shape and [C, 1, 1] factors broadcast") {
  for (const char *shape : kShapes) {
    run_mul(shape, shape, false, 1.0f, "");
    run_mul(shape, shape, false, 0.5f, "relu");
  }
  // Planes of 63, 1, 289, 15 and 2 floats: runs that start and end inside a vector.
  const char *const broadcast[][2] = {{"[5, 7, 9]", "[5, 1, 1]"},
                                      {"[3, 1, 1]", "[3, 1, 1]"},
                                      {"[2, 17, 17]", "[2, 1, 1]"},
                                      {"[13, 3, 5]", "[13, 1, 1]"},
                                      {"[33, 1, 2]", "[33, 1, 1]"}};
  for (const auto &shapes : broadcast)
    for (bool b_first : {false, true}) {
      run_mul(shapes[0], shapes[1], b_first, 1.0f, "");
      run_mul(shapes[0], shapes[1], b_first, 1.0f, "sigmoid");
      run_mul(shapes[0], shapes[1], b_first, 0.17f, "relu6");
    }
}
