// copy against the reference executor: zero padding, and the copies that place values in their
// channel slice of a concat.
#include "kernel_test_support.h"

#include <netc/cpu/copy.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

void run_zeropad(const std::string &input, const std::string &pad) {
  const std::string dsl =
      "network t(x: " + input + ") {\n  y = zeropad(x, " + pad + ") as k\n  return y\n}\n";
  CAPTURE(dsl);
  for (int batch : {1, 2}) {
    CAPTURE(batch);
    const Case c = reference_case(dsl, batch);
    const Node &k = c.net.node("k");
    const auto &p = k.attrs.get_ints("pad");
    Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 1, 2);
    Slice out = output_slice(k.type, 2, 1);
    cpu::copy<Isa>(threaded_context(), CopyParams{in.dims(), out.dims(), int(p[0]), int(p[2])},
                   in.data(), out.data());
    check_close(out, c.expected[0], {0, 0}, "zeropad output");
    in.check_guards("zeropad input");
  }
}

} // namespace

TEST_CASE("copy: zero padding") {
  for (const char *input : {"[3, 7, 9]", "[2, 1, 1]", "[3, 17, 35]", "[1, 5, 37]"})
    for (const char *pad : {"[1, 2, 3, 0]", "2", "[0, 0, 1, 1]", "[3, 0, 0, 0]", "0"})
      run_zeropad(input, pad);
}

TEST_CASE("copy: values into their channel slices of a concat") {
  const std::string dsl = "network t(a: [3, 7, 9], b: [5, 7, 9], c: [1, 7, 9]) {\n"
                          "  y = concat(a, b, c)\n  return y\n}\n";
  for (int batch : {1, 2}) {
    CAPTURE(batch);
    const Case c = reference_case(dsl, batch);
    const Graph &g = c.net.graph();
    Slice out = output_slice(g.node(g.outputs[0].node).type, 1, 2);
    int channel = 0;
    for (unsigned i = 0; i < 3; ++i) {
      const TensorType &t = g.node(g.inputs[i]).type;
      Slice in = input_slice(c.inputs[i], t, 0, 1);
      // The output's channels [channel, channel + C): the same batch stride, shifted start.
      Dims slice = out.dims();
      slice.c = int(t.c());
      cpu::copy<Isa>(threaded_context(), CopyParams{in.dims(), slice, 0, 0}, in.data(),
                     out.data() + std::int64_t(channel) * t.h() * t.w());
      channel += int(t.c());
      in.check_guards("concat input");
    }
    check_close(out, c.expected[0], {0, 0}, "concat output");
  }
}
