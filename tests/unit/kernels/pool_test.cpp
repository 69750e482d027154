// maxpool, avgpool and adaptive_avgpool against the reference executor.
#include "kernel_test_support.h"

#include <netc/cpu/pool.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

struct PoolLayout {
  int batch, in_before, in_after, out_before, out_after;
};
const PoolLayout kLayouts[] = {{2, 0, 0, 0, 0}, {2, 2, 1, 3, 2}, {1, 1, 0, 0, 1}};

// `op(x, args) as k` on an input of `input`, through the kernel, in every layout.
void run_pool(const std::string &input, const std::string &op, const std::string &args) {
  const std::string dsl = "network t(x: " + input + ") {\n  y = " + op + "(x" +
                          (args.empty() ? "" : ", " + args) + ") as k\n  return y\n}\n";
  CAPTURE(dsl);
  for (const PoolLayout &layout : kLayouts) {
    CAPTURE(layout.batch);
    const Case c = reference_case(dsl, layout.batch);
    const Node &k = c.net.node("k");
    Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, layout.in_before, layout.in_after);
    Slice out = output_slice(k.type, layout.out_before, layout.out_after);
    if (op == "maxpool")
      cpu::maxpool<Isa>(threaded_context(), pool_params(c.net, k, in.dims(), out.dims()), in.data(),
                        out.data());
    else if (op == "avgpool")
      cpu::avgpool<Isa>(threaded_context(), pool_params(c.net, k, in.dims(), out.dims()), in.data(),
                        out.data());
    else
      cpu::adaptive_avgpool<Isa>(threaded_context(), AdaptivePoolParams{in.dims(), out.dims()},
                                 in.data(), out.data());
    check_close(out, c.expected[0], {}, op + " output");
    in.check_guards(op + " input");
  }
}

} // namespace

TEST_CASE("maxpool: strides, paddings, dilation, ceil_mode") {
  for (const char *input : {"[5, 17, 17]", "[3, 35, 37]", "[3, 14, 15]"}) {
    run_pool(input, "maxpool", "3, stride=2");
    run_pool(input, "maxpool", "3, stride=1, pad=1");
    run_pool(input, "maxpool", "3, stride=2, ceil_mode=true");
  }
  for (const char *input : {"[5, 17, 17]", "[2, 7, 1]"}) {
    run_pool(input, "maxpool", "3, stride=1, pad=1");
    run_pool(input, "maxpool", "[3, 1], stride=[2, 1], pad=[1, 1, 0, 0]");
  }
  run_pool("[3, 16, 17]", "maxpool", "2");
  run_pool("[3, 16, 17]", "maxpool", "2, ceil_mode=true");
  run_pool("[3, 17, 19]", "maxpool", "3, stride=2, dilation=2");
  run_pool("[3, 17, 19]", "maxpool", "3, stride=1, pad=1, dilation=2");
  run_pool("[2, 23, 29]", "maxpool", "3, stride=3, pad=1"); // gathered rows
  run_pool("[2, 23, 40]", "maxpool", "5, stride=4, pad=2, ceil_mode=true");
  run_pool("[3, 12, 13]", "maxpool", "3, stride=2, pad=[0, 1, 1, 0]"); // asymmetric
  run_pool("[3, 12, 13]", "maxpool", "3, stride=2, pad=\"same\"");
}

TEST_CASE("avgpool: divisors with and without the padding") {
  for (const char *include : {"true", "false"}) {
    const std::string cip = std::string(", count_include_pad=") + include;
    for (const char *input : {"[5, 17, 17]", "[3, 35, 37]", "[2, 9, 1]"}) {
      run_pool(input, "avgpool", "3, stride=1, pad=1" + cip);
      run_pool(input, "avgpool", "[3, 1], stride=[2, 1], pad=[1, 1, 0, 0]" + cip);
    }
    for (const char *input : {"[5, 17, 17]", "[3, 35, 37]"}) {
      run_pool(input, "avgpool", "3, stride=2, pad=1" + cip);
      run_pool(input, "avgpool", "3, stride=2, ceil_mode=true" + cip);
    }
  }
  run_pool("[4, 16, 16]", "avgpool", "2");
  run_pool("[3, 9, 11]", "avgpool", "3, stride=2, pad=1, ceil_mode=true, count_include_pad=false");
  run_pool("[3, 9, 11]", "avgpool", "3, stride=2, pad=1, ceil_mode=true"); // last window fits
  run_pool("[2, 23, 29]", "avgpool", "3, stride=3, pad=1");
  run_pool("[3, 12, 13]", "avgpool", "3, stride=2, pad=\"same\""); // asymmetric, floor
  run_pool("[3, 12, 13]", "avgpool", "3, stride=2, pad=[0, 1, 1, 0]");
}

// Windows wider than pool_rows' tables (17 columns), and rows longer than them (1100 columns
// is over 64 vectors on every target), take the path that works out each tap's lanes as it goes.
TEST_CASE("pooling: windows and rows too wide for the tables") {
  run_pool("[2, 5, 40]", "maxpool", "[2, 17], stride=1, pad=[0, 1, 8, 8]");
  run_pool("[2, 5, 40]", "avgpool", "[2, 17], stride=1, pad=[0, 1, 8, 8], count_include_pad=false");
  run_pool("[1, 3, 1100]", "maxpool", "3, stride=2, pad=1");
  run_pool("[1, 3, 1100]", "avgpool", "3, stride=1, pad=1, count_include_pad=false");
}

// A ceil-mode window that hangs past the bottom and right padding: PyTorch (and the reference)
// divide by the window clipped to the padded input, not by the whole window.
TEST_CASE("avgpool: a ceil-mode window past the bottom padding") {
  run_pool("[2, 10, 10]", "avgpool", "3, stride=2, pad=1, ceil_mode=true");
}

TEST_CASE("adaptive_avgpool and global_avgpool") {
  run_pool("[5, 17, 17]", "adaptive_avgpool", "4");
  run_pool("[3, 13, 13]", "adaptive_avgpool", "6");
  run_pool("[3, 7, 7]", "adaptive_avgpool", "7");
  run_pool("[4, 9, 11]", "adaptive_avgpool", "[2, 3]");
  run_pool("[3, 5, 5]", "adaptive_avgpool", "7"); // overlapping bins
  run_pool("[3, 40, 37]", "adaptive_avgpool", "1");
  run_pool("[7, 17, 17]", "global_avgpool", "");
  run_pool("[5, 1, 37]", "global_avgpool", "");
}
