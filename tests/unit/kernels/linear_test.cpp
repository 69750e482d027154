// linear against the reference executor: output blocks with tails, batches that leave a tail
// of the batch tile, flattened feature maps, inputs and outputs in slices.
#include "kernel_test_support.h"

#include <netc/cpu/linear.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

void run_linear(const std::string &input, const std::string &args, const std::string &act = "") {
  std::string dsl = "network t(x: " + input + ") {\n";
  const bool flat = input.find(',') == std::string::npos;
  dsl += flat ? "  y = linear(x, " + args + ") as k\n"
              : "  y = linear(flatten(x), " + args + ") as k\n";
  if (!act.empty())
    dsl += "  y = " + act + "(y)\n";
  dsl += "  return y\n}\n";
  CAPTURE(dsl);
  for (int batch : {1, 2, 5, 9})
    for (int before : {0, 3}) {
      CAPTURE(batch);
      CAPTURE(before);
      const Case c = reference_case(dsl, batch);
      const Node &k = c.net.node("k");
      Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, before, 2);
      Slice out = output_slice(k.type, 1, before);
      const LinearParams p{in.dims(), out.dims(), activation_named(act)};
      AlignedBuffer packed = packed_buffer(cpu::linear_packed_size<Isa>(p));
      const std::vector<float> weight = to_floats(c.weights.at("k.weight"));
      cpu::linear_pack<Isa>(p, weight.data(), packed.data());
      check_packed(packed, "packed weights");
      const std::vector<float> bias = bias_of(c.weights, k, k.type.c());
      cpu::linear<Isa>(threaded_context(), p, in.data(), packed.data(), bias.data(), out.data());
      check_close(out, c.expected[0], {2e-5, 2e-5}, "linear output");
      in.check_guards("linear input");
    }
}

} // namespace

TEST_CASE("linear: feature counts around the output blocks") {
  for (const char *args : {"19", "1", "16", "64", "65", "100", "1000, bias=false"})
    run_linear("[37]", args);
  run_linear("[1]", "3");
  run_linear("[300]", "129");
}

TEST_CASE("linear: a flattened feature map") {
  run_linear("[4, 3, 5]", "10");
}

TEST_CASE("linear: fused activation") {
  for (const char *act : all_activation_names())
    run_linear("[37]", "33", act);
}
