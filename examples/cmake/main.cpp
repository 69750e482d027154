// classify [WEIGHTS]: runs the class netc generated from digits.netc on one image and prints its
// ten scores. Without WEIGHTS it first writes seeded random weights to digits.safetensors, a
// stand-in for the file a trained PyTorch model gives (`netc params digits.netc` lists the names).
#include "digits.hpp"

#include <netc/error.hpp>
#include <netc/safetensors_writer.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

struct Tensor {
  std::string name;
  std::vector<std::int64_t> shape;
  float low, high;
  std::vector<float> data;
};

void write_seeded_weights(const std::string &path) {
  std::vector<Tensor> tensors = {
      {"block1.conv.weight", {8, 1, 3, 3}, -0.5f, 0.5f},
      {"block1.bn.weight", {8}, 0.5f, 1.5f},
      {"block1.bn.bias", {8}, -0.1f, 0.1f},
      {"block1.bn.running_mean", {8}, -0.1f, 0.1f},
      {"block1.bn.running_var", {8}, 0.5f, 1.5f}, // a variance: positive
      {"block2.conv.weight", {16, 8, 3, 3}, -0.2f, 0.2f},
      {"block2.bn.weight", {16}, 0.5f, 1.5f},
      {"block2.bn.bias", {16}, -0.1f, 0.1f},
      {"block2.bn.running_mean", {16}, -0.1f, 0.1f},
      {"block2.bn.running_var", {16}, 0.5f, 1.5f},
      {"classifier.weight", {10, 16}, -0.5f, 0.5f},
      {"classifier.bias", {10}, -0.1f, 0.1f},
  };
  // std::mt19937 gives the same numbers everywhere; uniform_real_distribution does not.
  std::mt19937 rng(2024);
  std::vector<netc::TensorToWrite> views;
  for (Tensor &t : tensors) {
    std::int64_t count = 1;
    for (std::int64_t d : t.shape)
      count *= d;
    for (std::int64_t i = 0; i < count; ++i)
      t.data.push_back(t.low + (t.high - t.low) * static_cast<float>(rng() >> 8) / (1 << 24));
    views.push_back({t.name, t.shape, t.data.data()});
  }
  netc::write_safetensors(path, views);
}

// A 7: a bar along the top and a stroke down to the bottom left.
std::vector<float> draw_seven() {
  std::vector<float> image(28 * 28, 0.0f);
  for (int x = 6; x < 22; ++x)
    image[5 * 28 + x] = 1.0f;
  for (int y = 6; y < 24; ++y)
    image[y * 28 + 21 - (y - 6) * 10 / 18] = 1.0f;
  return image;
}

} // namespace

int main(int argc, char **argv) {
  std::string weights = argc > 1 ? argv[1] : "digits.safetensors";
  try {
    if (argc == 1)
      write_seeded_weights(weights);
    netc::Digits net(weights); // checks every tensor's name and shape
    std::vector<float> image = draw_seven(), scores(10);
    net.run(image.data(), scores.data());
    int best = 0;
    std::printf("scores:");
    for (int i = 0; i < 10; ++i) {
      std::printf(" %.4f", scores[i]);
      if (scores[i] > scores[best])
        best = i;
    }
    std::printf("\nclass: %d\n", best);
  } catch (const netc::Error &e) {
    std::fprintf(stderr, "classify: %s\n", e.what());
    return 1;
  }
  return 0;
}
