// lrn against the reference executor (PyTorch's LocalResponseNorm).
#include "kernel_test_support.h"

#include <netc/cpu/lrn.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

void run_lrn(const std::string &input, const std::string &args) {
  const std::string dsl = "network t(x: " + input + ") {\n  y = lrn(x" +
                          (args.empty() ? "" : ", " + args) + ") as k\n  return y\n}\n";
  CAPTURE(dsl);
  for (int batch : {1, 2}) {
    CAPTURE(batch);
    const Case c = reference_case(dsl, batch, 1, -3, 3);
    const Node &k = c.net.node("k");
    Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 2, 1);
    Slice out = output_slice(k.type, 0, 2);
    const LrnParams p{in.dims(),
                      out.dims(),
                      int(k.attrs.get_int("size")),
                      float(k.attrs.get_float("alpha")),
                      float(k.attrs.get_float("beta")),
                      float(k.attrs.get_float("k"))};
    cpu::lrn<Isa>(threaded_context(), p, in.data(), out.data());
    check_close(out, c.expected[0], {1e-6, 1e-5}, "lrn output");
    in.check_guards("lrn input");
  }
}

} // namespace

TEST_CASE("lrn: window sizes around the channel count") {
  for (const char *input : {"[7, 5, 9]", "[3, 17, 17]", "[12, 1, 37]", "[1, 3, 3]"}) {
    run_lrn(input, "");
    run_lrn(input, "size=4, alpha=0.01, beta=0.6, k=2.0");
    run_lrn(input, "size=1, alpha=0.5, beta=1.0");
    run_lrn(input, "size=9, alpha=0.3, beta=0.75, k=1.5");
  }
}
