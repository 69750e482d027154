// Classifies Fashion-MNIST's 10,000 test images with the C++ netc generated from lenet5.netc and
// inception_resnet_small.netc, using the weights train.py trained in PyTorch.
//   classify WEIGHTS_DIR t10k-images-idx3-ubyte t10k-labels-idx1-ubyte OUT_DIR
// For each network it prints the accuracy and images per second, and writes every image's logits
// to OUT_DIR/<network>.logits.npy (and its timing to <network>.timing.json), which compare.py holds
// against PyTorch image for image.
#include "inception_resnet_small.hpp"
#include "lenet5.hpp"

#include "netc/error.hpp"
#include "netc/npy.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

// The normalisation train.py applies: pixels to [0, 1], then Fashion-MNIST's training-set mean and
// standard deviation, in the same float operations so that both sides see the same input bits.
constexpr float kMean = 0.2860f;
constexpr float kStd = 0.3530f;

std::vector<unsigned char> read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw netc::Error("cannot read '" + path + "'");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t big_endian(const unsigned char *p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

// An IDX file (the MNIST format): a magic number naming the element type and rank, then the
// dimensions, big-endian, then unsigned bytes.
struct Idx {
  std::vector<std::uint32_t> dims;
  std::vector<unsigned char> data;
};

Idx read_idx(const std::string &path, int rank) {
  std::vector<unsigned char> bytes = read_file(path);
  std::size_t header = 4 + 4 * std::size_t(rank);
  if (bytes.size() < header || big_endian(bytes.data()) != 0x0800u + std::uint32_t(rank))
    throw netc::Error("'" + path + "' is not an IDX file of unsigned bytes with rank " +
                      std::to_string(rank));
  Idx idx;
  std::size_t count = 1;
  for (int i = 0; i < rank; ++i) {
    idx.dims.push_back(big_endian(bytes.data() + 4 + 4 * i));
    count *= idx.dims.back();
  }
  if (bytes.size() != header + count)
    throw netc::Error("'" + path + "' holds " + std::to_string(bytes.size() - header) +
                      " bytes of data, its header says " + std::to_string(count));
  idx.data.assign(bytes.begin() + std::ptrdiff_t(header), bytes.end());
  return idx;
}

template <class Network>
void classify(const char *name, const std::string &weights, const std::vector<float> &images,
              const std::vector<unsigned char> &labels, const std::string &out_dir) {
  constexpr std::size_t kPixels = Network::kInputElements[0] / Network::kBatch;
  constexpr std::size_t kClasses = Network::kOutputElements[0] / Network::kBatch;
  const std::size_t count = labels.size();
  if (count % Network::kBatch != 0)
    throw netc::Error(std::to_string(count) + " images do not make whole batches of " +
                      std::to_string(Network::kBatch));
  Network network(weights);
  std::vector<float> logits(count * kClasses);
  network.run(images.data(), logits.data()); // warm-up: page in the weights and the arena

  auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < count; i += Network::kBatch)
    network.run(images.data() + i * kPixels, logits.data() + i * kClasses);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::size_t correct = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const float *row = logits.data() + i * kClasses;
    correct += std::size_t(std::max_element(row, row + kClasses) - row) == labels[i];
  }
  std::printf("%-24s accuracy %6.2f %% (%zu of %zu)   %9.0f images/s   (batch %d, 1 thread)\n",
              name, 100.0 * double(correct) / double(count), correct, count,
              double(count) / seconds, Network::kBatch);
  netc::write_npy(out_dir + "/" + name + ".logits.npy",
                  {std::int64_t(count), std::int64_t(kClasses)}, logits.data());
  std::ofstream timing(out_dir + "/" + name + ".timing.json");
  timing << "{\"images\": " << count << ", \"seconds\": " << seconds
         << ", \"batch\": " << Network::kBatch << "}\n";
  if (!timing)
    throw netc::Error("cannot write the timing of " + std::string(name) + " to '" + out_dir + "'");
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s WEIGHTS_DIR IMAGES.idx LABELS.idx OUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    Idx images = read_idx(argv[2], 3);
    Idx labels = read_idx(argv[3], 1);
    if (images.dims[0] != labels.dims[0] || images.dims[1] != 28 || images.dims[2] != 28)
      throw netc::Error("expected as many 28x28 images as labels");
    std::vector<float> pixels(images.data.size());
    for (std::size_t i = 0; i < pixels.size(); ++i)
      pixels[i] = (float(images.data[i]) / 255.0f - kMean) / kStd;
    std::string weights = argv[1];
    classify<netc::Lenet5>("lenet5", weights + "/lenet5.safetensors", pixels, labels.data, argv[4]);
    classify<netc::InceptionResnetSmall>("inception_resnet_small",
                                         weights + "/inception_resnet_small.safetensors", pixels,
                                         labels.data, argv[4]);
  } catch (const netc::Error &e) {
    std::fprintf(stderr, "classify: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
