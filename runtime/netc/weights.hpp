// Making a kernel's weight and bias from a weights file when a generated network loads: read the
// tensors the compiler named, fold a batch norm's statistics and a constant scale into them (in
// double, rounded once), then hand them to the backend's packing function.
#pragma once

#include "netc/safetensors.hpp"

#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

namespace netc {

// What the compiler decided for one kernel (compiler/lower/kernel_list.h's WeightRecipe).
struct LoadRecipe {
  const char *weight;     // null: the identity (a batch norm on its own)
  const char *bias;       // null: zeros
  const char *batch_norm; // prefix of .weight, .bias, .running_mean, .running_var; null: none
  double eps;
  double scale;
};

namespace detail {

inline std::vector<double> read_tensor_f64(const SafetensorsFile &file, const std::string &name,
                                           std::size_t expected) {
  const TensorInfo *t = file.find(name);
  if (!t || t->size_bytes != expected * sizeof(float))
    throw Error(file.label() + ": tensor '" + name + "' is missing or has the wrong size");
  std::vector<float> f(expected);
  try {
    read_f32(*t, f.data()); // refuses NaN and infinities
  } catch (const Error &e) {
    throw Error(file.label() + ": " + e.what());
  }
  return std::vector<double>(f.begin(), f.end());
}

} // namespace detail

// Weight [out_channels][per_channel] and bias [out_channels] of one kernel, folded.
// The file was checked against the network beforehand (check_tensors), so every name is there.
inline void fold_weights(const SafetensorsFile &file, const LoadRecipe &recipe,
                         std::size_t out_channels, std::size_t per_channel,
                         std::vector<float> &weight, std::vector<float> &bias) {
  std::size_t n = out_channels * per_channel;
  std::vector<double> w =
      recipe.weight ? detail::read_tensor_f64(file, recipe.weight, n) : std::vector<double>(n, 1.0);
  std::vector<double> b = recipe.bias ? detail::read_tensor_f64(file, recipe.bias, out_channels)
                                      : std::vector<double>(out_channels, 0.0);
  if (recipe.batch_norm) {
    std::string prefix = recipe.batch_norm;
    auto gamma = detail::read_tensor_f64(file, prefix + ".weight", out_channels);
    auto beta = detail::read_tensor_f64(file, prefix + ".bias", out_channels);
    auto mean = detail::read_tensor_f64(file, prefix + ".running_mean", out_channels);
    auto var = detail::read_tensor_f64(file, prefix + ".running_var", out_channels);
    for (std::size_t c = 0; c < out_channels; ++c) {
      // bn(y) = (y - mean) * g + beta with g = gamma / sqrt(var + eps); y = w x + b.
      double g = gamma[c] / std::sqrt(var[c] + recipe.eps);
      for (std::size_t i = 0; i < per_channel; ++i)
        w[c * per_channel + i] *= g;
      b[c] = (b[c] - mean[c]) * g + beta[c];
    }
  }
  weight.resize(n);
  bias.resize(out_channels);
  for (std::size_t i = 0; i < n; ++i)
    weight[i] = static_cast<float>(w[i] * recipe.scale);
  for (std::size_t c = 0; c < out_channels; ++c)
    bias[c] = static_cast<float>(b[c] * recipe.scale);
}

// Folds, packs with the kernel's packing function pack(params, weight, packed), and copies the
// bias: one convolution's or linear layer's parameters, ready for run().
template <class Params, class Pack>
void load_kernel_weights(const SafetensorsFile &file, const LoadRecipe &recipe,
                         const Params &params, std::size_t out_channels, std::size_t per_channel,
                         Pack pack, float *packed, float *bias) {
  std::vector<float> w, b;
  fold_weights(file, recipe, out_channels, per_channel, w, b);
  pack(params, w.data(), packed);
  std::memcpy(bias, b.data(), b.size() * sizeof(float));
}

} // namespace netc
