// layernorm and channel_shuffle against the reference executor (nn.LayerNorm over channels,
// torchvision's channel_shuffle), on channel slices of larger tensors (chunks, concat branches).
#include "kernel_test_support.h"

#include <netc/cpu/channel_shuffle.hpp>
#include <netc/cpu/layernorm.hpp>

using namespace netc;
using namespace netc::kernel_test;

namespace {

std::vector<float> floats(const HostTensor &t) {
  return std::vector<float>(t.data.begin(), t.data.end());
}

void run_layernorm(const std::string &input) {
  const std::string dsl =
      "network t(x: " + input + ") {\n  y = layernorm(x, eps=1e-6) as k\n  return y\n}\n";
  CAPTURE(dsl);
  for (int batch : {1, 2}) {
    CAPTURE(batch);
    const Case c = reference_case(dsl, batch, 3, -3, 3);
    const Node &k = c.net.node("k");
    Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 2, 1);
    Slice out = output_slice(k.type, 1, 2);
    const std::vector<float> weight = floats(c.weights.at("k.weight"));
    const std::vector<float> bias = floats(c.weights.at("k.bias"));
    const LayerNormParams p{in.dims(), out.dims(), 1e-6f};
    cpu::layernorm<Isa>(threaded_context(), p, in.data(), weight.data(), bias.data(), out.data());
    check_close(out, c.expected[0], {1e-5, 1e-5}, "layernorm output");
    in.check_guards("layernorm input");
  }
}

void run_shuffle(const std::string &input, int groups) {
  const std::string dsl = "network t(x: " + input + ") {\n  y = channel_shuffle(x, " +
                          std::to_string(groups) + ") as k\n  return y\n}\n";
  CAPTURE(dsl);
  for (int batch : {1, 3}) {
    CAPTURE(batch);
    const Case c = reference_case(dsl, batch);
    const Node &k = c.net.node("k");
    Slice in = input_slice(c.inputs[0], c.net.input_of(k).type, 1, 2);
    Slice out = output_slice(k.type, 2, 1);
    cpu::channel_shuffle<Isa>(threaded_context(),
                              ChannelShuffleParams{in.dims(), out.dims(), groups}, in.data(),
                              out.data());
    check_close(out, c.expected[0], {0, 0}, "channel_shuffle output");
    in.check_guards("channel_shuffle input");
  }
}

} // namespace

TEST_CASE("layernorm: odd planes, one channel, many channels, flat tensors") {
  for (const char *input : {"[7, 5, 9]", "[96, 7, 7]", "[1, 3, 3]", "[3, 17, 17]", "[37]", "[1]"})
    run_layernorm(input);
}

TEST_CASE("channel_shuffle: ShuffleNet's two groups and others, odd planes") {
  run_shuffle("[6, 5, 9]", 2);
  run_shuffle("[116, 7, 7]", 2);
  run_shuffle("[12, 3, 3]", 3);
  run_shuffle("[12, 1, 1]", 4);
  run_shuffle("[5, 17, 17]", 5);
  run_shuffle("[5, 2, 2]", 1);
}
