// unary (act(scale * x)) and binary (act(a + b_scale * b)) against the reference executor, in
// slices and in place.
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
