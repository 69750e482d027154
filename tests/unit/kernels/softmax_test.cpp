// softmax against the reference executor: over features of flat tensors and over channels at
// every pixel of feature maps, with logits large enough to overflow exp without the maximum
// subtracted.
#include "kernel_test_support.h"

#include <netc/cpu/softmax.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

void run_softmax(const std::string &input, float range) {
  const std::string dsl = "network t(x: " + input + ") {\n  y = softmax(x) as k\n  return y\n}\n";
  CAPTURE(dsl);
  CAPTURE(range);
  for (int batch : {1, 2})
    for (bool in_place : {false, true}) {
      CAPTURE(batch);
      CAPTURE(in_place);
      const Case c = reference_case(dsl, batch, 1, -range, range);
      const Node &k = c.net.node("k");
      Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 1, 2);
      Slice out = output_slice(k.type, 3, 1);
      if (in_place) {
        out.set(c.inputs[0]);
        cpu::softmax<Isa>(threaded_context(), SoftmaxParams{out.dims(), out.dims()}, out.data(),
                          out.data());
      } else {
        cpu::softmax<Isa>(threaded_context(), SoftmaxParams{in.dims(), out.dims()}, in.data(),
                          out.data());
      }
      check_close(out, c.expected[0], {1e-7, 1e-5}, "softmax output");
      in.check_guards("softmax input");
    }
}

} // namespace

TEST_CASE("softmax: flat tensors and feature maps") {
  for (const char *input : {"[1000]", "[1]", "[37]", "[7, 5, 9]", "[3, 17, 17]", "[1, 2, 3]"})
    for (float range : {1.0f, 100.0f})
      run_softmax(input, range);
}
