#include "reference/reference_executor.h"

#include "ops/registry.h"
#include "ops/window.h"

#include <netc/activation_formulas.hpp>
#include <netc/error.hpp>
#include <netc/kernel_params.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace netc {

namespace {

int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::vector<int64_t> shape_of(const TensorType &type) {
  return {type.shape().begin(), type.shape().end()};
}

// A zero-filled tensor of the node's type.
HostTensor make_output(const Node &node) {
  HostTensor t;
  t.shape = shape_of(node.type);
  t.data.assign(product(t.shape), 0.0);
  return t;
}

// Elements per channel: H*W for a feature map, 1 for a flat tensor.
int64_t per_channel(const HostTensor &t) {
  return t.shape.size() == 4 ? t.shape[2] * t.shape[3] : 1;
}

// What an op function sees: its node, its inputs and the (already checked) weights.
struct OpCall {
  const Node &node;
  std::vector<const HostTensor *> inputs;
  const WeightMap &weights;

  const HostTensor &input(size_t i = 0) const { return *inputs[i]; }
  const Attrs &attrs() const { return node.attrs; }
  const std::vector<double> &param(std::string_view name) const {
    return weights.find(node.name + "." + std::string(name))->second.data;
  }
};

HostTensor conv2d(const OpCall &call) {
  const HostTensor &x = call.input();
  const Attrs &a = call.attrs();
  const int64_t n_batch = x.shape[0], c_in = x.shape[1], h_in = x.shape[2], w_in = x.shape[3];
  const auto &k = a.get_ints("kernel");
  const auto &s = a.get_ints("stride");
  const auto &d = a.get_ints("dilation");
  const int64_t groups = a.get_int("groups");
  const auto pad = resolve_padding(*a.find("pad"), h_in, w_in, k[0], k[1], s[0], s[1], d[0], d[1]);
  const int64_t top = pad[0], left = pad[2];

  HostTensor y = make_output(call.node);
  const int64_t filters = y.shape[1], h_out = y.shape[2], w_out = y.shape[3];
  const int64_t group_in = c_in / groups, group_out = filters / groups;
  const std::vector<double> &weight = call.param("weight");
  const std::vector<double> *bias = a.get_bool("bias") ? &call.param("bias") : nullptr;

  // For kernel column kj, the output columns whose input column ox*sw - left + kj*dw lies inside
  // the input: [ox_begin, ox_end). The others see padding, which adds nothing.
  std::vector<int64_t> ox_begin(k[1]), ox_end(k[1]);
  for (int64_t kj = 0; kj < k[1]; ++kj) {
    int64_t offset = kj * d[1] - left;
    ox_begin[kj] = offset >= 0 ? 0 : (-offset + s[1] - 1) / s[1];
    ox_end[kj] = w_in - 1 - offset < 0 ? 0 : std::min(w_out, (w_in - 1 - offset) / s[1] + 1);
  }

  for (int64_t n = 0; n < n_batch; ++n) {
    for (int64_t f = 0; f < filters; ++f) {
      double *out = &y.data[(n * filters + f) * h_out * w_out];
      std::fill(out, out + h_out * w_out, bias ? (*bias)[f] : 0.0);
      int64_t group = f / group_out;
      for (int64_t c = 0; c < group_in; ++c) {
        const double *plane = &x.data[(n * c_in + group * group_in + c) * h_in * w_in];
        const double *kernel = &weight[(f * group_in + c) * k[0] * k[1]];
        for (int64_t ki = 0; ki < k[0]; ++ki) {
          for (int64_t oy = 0; oy < h_out; ++oy) {
            int64_t iy = oy * s[0] - top + ki * d[0];
            if (iy < 0 || iy >= h_in)
              continue;
            const double *in_row = plane + iy * w_in;
            double *out_row = out + oy * w_out;
            for (int64_t kj = 0; kj < k[1]; ++kj) {
              double wv = kernel[ki * k[1] + kj];
              int64_t offset = kj * d[1] - left;
              for (int64_t ox = ox_begin[kj]; ox < ox_end[kj]; ++ox)
                out_row[ox] += wv * in_row[ox * s[1] + offset];
            }
          }
        }
      }
    }
  }
  return y;
}

// Eval mode: (x - running_mean) / sqrt(running_var + eps) * weight + bias, per channel.
HostTensor batchnorm(const OpCall &call) {
  const HostTensor &x = call.input();
  const double eps = call.attrs().get_float("eps");
  const auto &weight = call.param("weight"), &bias = call.param("bias");
  const auto &mean = call.param("running_mean"), &var = call.param("running_var");
  HostTensor y = make_output(call.node);
  const int64_t channels = x.shape[1], inner = per_channel(x);
  for (int64_t n = 0; n < x.shape[0]; ++n) {
    for (int64_t c = 0; c < channels; ++c) {
      double stddev = std::sqrt(var[c] + eps);
      int64_t base = (n * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i)
        y.data[base + i] = (x.data[base + i] - mean[c]) / stddev * weight[c] + bias[c];
    }
  }
  return y;
}

// An elementwise function of one input.
template <typename F> HostTensor pointwise(const OpCall &call, F f) {
  const HostTensor &x = call.input();
  HostTensor y = make_output(call.node);
  for (size_t i = 0; i < x.data.size(); ++i)
    y.data[i] = f(x.data[i]);
  return y;
}

// The activations' formulas (netc/activation_formulas.hpp) in double.
double activate(Activation act, double v) {
  return activate_scalar(act, v);
}

HostTensor activation(const OpCall &call, Activation act) {
  return pointwise(call, [act](double v) { return activate(act, v); });
}
HostTensor scale(const OpCall &call) {
  double s = call.attrs().get_float("s");
  return pointwise(call, [s](double v) { return v * s; });
}

// Over channels (features) at each pixel, shifted by the maximum as PyTorch does.
HostTensor softmax(const OpCall &call) {
  const HostTensor &x = call.input();
  HostTensor y = make_output(call.node);
  const int64_t channels = x.shape[1], inner = per_channel(x);
  std::vector<double> max(inner), sum(inner);
  for (int64_t n = 0; n < x.shape[0]; ++n) {
    const double *in = &x.data[n * channels * inner];
    double *out = &y.data[n * channels * inner];
    std::fill(max.begin(), max.end(), -std::numeric_limits<double>::infinity());
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < inner; ++i)
        max[i] = std::max(max[i], in[c * inner + i]);
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < inner; ++i) {
        out[c * inner + i] = std::exp(in[c * inner + i] - max[i]);
        sum[i] += out[c * inner + i];
      }
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < inner; ++i)
        out[c * inner + i] /= sum[i];
  }
  return y;
}

// The window geometry a pool reads from its attributes.
struct PoolWindow {
  int64_t kh, kw, sh, sw, dh = 1, dw = 1, top, bottom, left, right;
};

PoolWindow pool_window(const OpCall &call, bool has_dilation) {
  const Attrs &a = call.attrs();
  const HostTensor &x = call.input();
  const auto &k = a.get_ints("kernel");
  const auto &s = a.get_ints("stride");
  PoolWindow w{k[0], k[1], s[0], s[1]};
  if (has_dilation) {
    w.dh = a.get_ints("dilation")[0];
    w.dw = a.get_ints("dilation")[1];
  }
  auto pad =
      resolve_padding(*a.find("pad"), x.shape[2], x.shape[3], w.kh, w.kw, w.sh, w.sw, w.dh, w.dw);
  w.top = pad[0], w.bottom = pad[1], w.left = pad[2], w.right = pad[3];
  return w;
}

// Padded positions never win: only input elements are compared. NaN wins, as in PyTorch.
HostTensor maxpool(const OpCall &call) {
  const HostTensor &x = call.input();
  const PoolWindow w = pool_window(call, /*has_dilation=*/true);
  HostTensor y = make_output(call.node);
  const int64_t h_in = x.shape[2], w_in = x.shape[3], h_out = y.shape[2], w_out = y.shape[3];
  for (int64_t plane = 0; plane < x.shape[0] * x.shape[1]; ++plane) {
    const double *in = &x.data[plane * h_in * w_in];
    double *out = &y.data[plane * h_out * w_out];
    for (int64_t oy = 0; oy < h_out; ++oy) {
      for (int64_t ox = 0; ox < w_out; ++ox) {
        double best = -std::numeric_limits<double>::infinity();
        for (int64_t ki = 0; ki < w.kh; ++ki) {
          int64_t iy = oy * w.sh - w.top + ki * w.dh;
          if (iy < 0 || iy >= h_in)
            continue;
          for (int64_t kj = 0; kj < w.kw; ++kj) {
            int64_t ix = ox * w.sw - w.left + kj * w.dw;
            if (ix < 0 || ix >= w_in)
              continue;
            double v = in[iy * w_in + ix];
            if (v > best || std::isnan(v))
              best = v;
          }
        }
        out[oy * w_out + ox] = best;
      }
    }
  }
  return y;
}

// PyTorch's avg_pool2d: the window is clipped to the padded input [-top, H + bottom); with
// count_include_pad the divisor is that clipped extent, without it the number of input elements.
HostTensor avgpool(const OpCall &call) {
  const HostTensor &x = call.input();
  const PoolWindow w = pool_window(call, /*has_dilation=*/false);
  const bool count_include_pad = call.attrs().get_bool("count_include_pad");
  HostTensor y = make_output(call.node);
  const int64_t h_in = x.shape[2], w_in = x.shape[3], h_out = y.shape[2], w_out = y.shape[3];
  for (int64_t plane = 0; plane < x.shape[0] * x.shape[1]; ++plane) {
    const double *in = &x.data[plane * h_in * w_in];
    double *out = &y.data[plane * h_out * w_out];
    for (int64_t oy = 0; oy < h_out; ++oy) {
      for (int64_t ox = 0; ox < w_out; ++ox) {
        int64_t y0 = oy * w.sh - w.top, x0 = ox * w.sw - w.left;
        int64_t y1 = std::min(y0 + w.kh, h_in + w.bottom), x1 = std::min(x0 + w.kw, w_in + w.right);
        int64_t padded_count = (y1 - y0) * (x1 - x0);
        y0 = std::max<int64_t>(y0, 0), x0 = std::max<int64_t>(x0, 0);
        y1 = std::min(y1, h_in), x1 = std::min(x1, w_in);
        if (y0 >= y1 || x0 >= x1)
          continue; // only padding: PyTorch leaves 0
        double sum = 0;
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix)
            sum += in[iy * w_in + ix];
        int64_t divisor = count_include_pad ? padded_count : (y1 - y0) * (x1 - x0);
        out[oy * w_out + ox] = sum / static_cast<double>(divisor);
      }
    }
  }
  return y;
}

HostTensor global_avgpool(const OpCall &call) {
  const HostTensor &x = call.input();
  HostTensor y = make_output(call.node);
  const int64_t size = x.shape[2] * x.shape[3];
  for (int64_t plane = 0; plane < x.shape[0] * x.shape[1]; ++plane) {
    double sum = 0;
    for (int64_t i = 0; i < size; ++i)
      sum += x.data[plane * size + i];
    y.data[plane] = sum / static_cast<double>(size);
  }
  return y;
}

// Bin i along an axis of `in` elements split into `out` bins covers
// [floor(i*in/out), ceil((i+1)*in/out)).
HostTensor adaptive_avgpool(const OpCall &call) {
  const HostTensor &x = call.input();
  HostTensor y = make_output(call.node);
  const int64_t h_in = x.shape[2], w_in = x.shape[3], h_out = y.shape[2], w_out = y.shape[3];
  for (int64_t plane = 0; plane < x.shape[0] * x.shape[1]; ++plane) {
    const double *in = &x.data[plane * h_in * w_in];
    double *out = &y.data[plane * h_out * w_out];
    for (int64_t oy = 0; oy < h_out; ++oy) {
      int64_t y0 = oy * h_in / h_out, y1 = ((oy + 1) * h_in + h_out - 1) / h_out;
      for (int64_t ox = 0; ox < w_out; ++ox) {
        int64_t x0 = ox * w_in / w_out, x1 = ((ox + 1) * w_in + w_out - 1) / w_out;
        double sum = 0;
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix)
            sum += in[iy * w_in + ix];
        out[oy * w_out + ox] = sum / static_cast<double>((y1 - y0) * (x1 - x0));
      }
    }
  }
  return y;
}

HostTensor zeropad(const OpCall &call) {
  const HostTensor &x = call.input();
  const auto &pad = call.attrs().get_ints("pad"); // [top, bottom, left, right]; never "same"
  HostTensor y = make_output(call.node);
  const int64_t h_in = x.shape[2], w_in = x.shape[3], h_out = y.shape[2], w_out = y.shape[3];
  for (int64_t plane = 0; plane < x.shape[0] * x.shape[1]; ++plane)
    for (int64_t iy = 0; iy < h_in; ++iy)
      std::copy_n(&x.data[(plane * h_in + iy) * w_in], w_in,
                  &y.data[(plane * h_out + iy + pad[0]) * w_out + pad[2]]);
  return y;
}

// PyTorch's LocalResponseNorm: x / (k + alpha/size * sum of x^2 over channels
// c - size/2 .. c + (size-1)/2, channels outside the tensor counting as 0)^beta.
HostTensor lrn(const OpCall &call) {
  const HostTensor &x = call.input();
  const Attrs &a = call.attrs();
  const int64_t size = a.get_int("size");
  const double alpha = a.get_float("alpha"), beta = a.get_float("beta"), k = a.get_float("k");
  HostTensor y = make_output(call.node);
  const int64_t channels = x.shape[1], inner = per_channel(x);
  std::vector<double> sum(inner);
  for (int64_t n = 0; n < x.shape[0]; ++n) {
    const double *in = &x.data[n * channels * inner];
    double *out = &y.data[n * channels * inner];
    for (int64_t c = 0; c < channels; ++c) {
      std::fill(sum.begin(), sum.end(), 0.0);
      int64_t first = std::max<int64_t>(0, c - size / 2);
      int64_t last = std::min(channels - 1, c + (size - 1) / 2);
      for (int64_t cc = first; cc <= last; ++cc)
        for (int64_t i = 0; i < inner; ++i)
          sum[i] += in[cc * inner + i] * in[cc * inner + i];
      for (int64_t i = 0; i < inner; ++i)
        out[c * inner + i] =
            in[c * inner + i] / std::pow(k + alpha * (sum[i] / static_cast<double>(size)), beta);
    }
  }
  return y;
}

HostTensor linear(const OpCall &call) {
  const HostTensor &x = call.input();
  const std::vector<double> &weight = call.param("weight");
  const std::vector<double> *bias = call.attrs().get_bool("bias") ? &call.param("bias") : nullptr;
  HostTensor y = make_output(call.node);
  const int64_t n_batch = x.shape[0], f_in = x.shape[1], f_out = y.shape[1];
  // Each weight row is read once and used for the whole batch.
  for (int64_t o = 0; o < f_out; ++o) {
    const double *row = &weight[o * f_in];
    for (int64_t n = 0; n < n_batch; ++n) {
      const double *in = &x.data[n * f_in];
      double sum = bias ? (*bias)[o] : 0.0;
      for (int64_t i = 0; i < f_in; ++i)
        sum += row[i] * in[i];
      y.data[n * f_out + o] = sum;
    }
  }
  return y;
}

// Along channels (features): per sample, each input's block in turn.
HostTensor concat(const OpCall &call) {
  HostTensor y = make_output(call.node);
  double *out = y.data.data();
  for (int64_t n = 0; n < y.shape[0]; ++n) {
    for (const HostTensor *t : call.inputs) {
      int64_t block = t->shape[1] * per_channel(*t);
      out = std::copy_n(&t->data[n * block], block, out);
    }
  }
  return y;
}

HostTensor add(const OpCall &call) {
  HostTensor y = make_output(call.node);
  for (const HostTensor *t : call.inputs)
    for (size_t i = 0; i < y.data.size(); ++i)
      y.data[i] += t->data[i];
  return y;
}

// Elementwise, or a [C, 1, 1] operand (on either side) broadcast over the other's pixels.
HostTensor mul(const OpCall &call) {
  HostTensor y = make_output(call.node);
  const int64_t size = int64_t(y.data.size()), inner = per_channel(y);
  auto at = [&](const HostTensor &t, int64_t i) {
    return int64_t(t.data.size()) == size ? t.data[i] : t.data[i / inner];
  };
  for (int64_t i = 0; i < size; ++i)
    y.data[i] = at(call.input(0), i) * at(call.input(1), i);
  return y;
}

// Over channels at each pixel (features of a flat tensor): (x - mean) / sqrt(var + eps) * weight +
// bias, the variance biased, as nn.LayerNorm computes it.
HostTensor layernorm(const OpCall &call) {
  const HostTensor &x = call.input();
  const double eps = call.attrs().get_float("eps");
  const std::vector<double> &weight = call.param("weight"), &bias = call.param("bias");
  HostTensor y = make_output(call.node);
  const int64_t channels = x.shape[1], inner = per_channel(x);
  for (int64_t n = 0; n < x.shape[0]; ++n) {
    const double *in = &x.data[n * channels * inner];
    double *out = &y.data[n * channels * inner];
    for (int64_t i = 0; i < inner; ++i) {
      double mean = 0, var = 0;
      for (int64_t c = 0; c < channels; ++c)
        mean += in[c * inner + i];
      mean /= static_cast<double>(channels);
      for (int64_t c = 0; c < channels; ++c)
        var += (in[c * inner + i] - mean) * (in[c * inner + i] - mean);
      var /= static_cast<double>(channels);
      const double inv = 1.0 / std::sqrt(var + eps);
      for (int64_t c = 0; c < channels; ++c)
        out[c * inner + i] = (in[c * inner + i] - mean) * inv * weight[c] + bias[c];
    }
  }
  return y;
}

// nn.Linear over each pixel's channels: weight [out, in].
HostTensor pointwise_linear(const OpCall &call) {
  const HostTensor &x = call.input();
  const std::vector<double> &weight = call.param("weight");
  const std::vector<double> *bias = call.attrs().get_bool("bias") ? &call.param("bias") : nullptr;
  HostTensor y = make_output(call.node);
  const int64_t c_in = x.shape[1], c_out = y.shape[1], inner = per_channel(x);
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t o = 0; o < c_out; ++o) {
      double *out = &y.data[(n * c_out + o) * inner];
      std::fill_n(out, inner, bias ? (*bias)[o] : 0.0);
      for (int64_t c = 0; c < c_in; ++c) {
        const double w = weight[o * c_in + c];
        const double *in = &x.data[(n * c_in + c) * inner];
        for (int64_t i = 0; i < inner; ++i)
          out[i] += w * in[i];
      }
    }
  return y;
}

HostTensor layer_scale(const OpCall &call) {
  const HostTensor &x = call.input();
  const std::vector<double> &s = call.param("layer_scale");
  HostTensor y = make_output(call.node);
  const int64_t channels = x.shape[1], inner = per_channel(x);
  for (int64_t i = 0; i < static_cast<int64_t>(y.data.size()); ++i)
    y.data[i] = x.data[i] * s[(i / inner) % channels];
  return y;
}

HostTensor chunk(const OpCall &call) {
  const HostTensor &x = call.input();
  HostTensor y = make_output(call.node);
  const int64_t inner = per_channel(x);
  const int64_t in_block = x.shape[1] * inner, out_block = y.shape[1] * inner;
  const int64_t first = chunk_offset(call.attrs(), x.shape[1]) * inner;
  for (int64_t n = 0; n < x.shape[0]; ++n)
    std::copy_n(&x.data[n * in_block + first], out_block, &y.data[n * out_block]);
  return y;
}

// Output channel j*groups + g is input channel g*(C/groups) + j.
HostTensor channel_shuffle(const OpCall &call) {
  const HostTensor &x = call.input();
  HostTensor y = make_output(call.node);
  const int64_t channels = x.shape[1], inner = per_channel(x);
  const int64_t groups = call.attrs().get_int("groups"), per_group = channels / groups;
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t g = 0; g < groups; ++g)
      for (int64_t j = 0; j < per_group; ++j)
        std::copy_n(&x.data[(n * channels + g * per_group + j) * inner], inner,
                    &y.data[(n * channels + j * groups + g) * inner]);
  return y;
}

// The views (identity, dropout, flatten) share their input's values: the caller can hand the
// input's storage over.
bool is_view(OpKind op) {
  switch (op) {
  case OpKind::identity:
  case OpKind::dropout:
  case OpKind::flatten:
    return true;
  case OpKind::conv2d:
  case OpKind::depthwise_conv2d:
  case OpKind::batchnorm:
#define NETC_ACTIVATION(name, pytorch) case OpKind::name:
#include "netc/activations.def"
  case OpKind::softmax:
  case OpKind::maxpool:
  case OpKind::avgpool:
  case OpKind::global_avgpool:
  case OpKind::adaptive_avgpool:
  case OpKind::zeropad:
  case OpKind::lrn:
  case OpKind::linear:
  case OpKind::concat:
  case OpKind::add:
  case OpKind::scale:
  case OpKind::mul:
  case OpKind::layernorm:
  case OpKind::pointwise_linear:
  case OpKind::layer_scale:
  case OpKind::chunk:
  case OpKind::channel_shuffle:
    return false;
  }
  return false;
}

// Runs one op that is not a view.
HostTensor run_op(const OpCall &call) {
  switch (call.node.kind()) {
  case OpKind::conv2d:
    return conv2d(call);
  case OpKind::batchnorm:
    return batchnorm(call);
#define NETC_ACTIVATION(name, pytorch)                                                             \
  case OpKind::name:                                                                               \
    return activation(call, Activation::name);
#include "netc/activations.def"
  case OpKind::softmax:
    return softmax(call);
  case OpKind::maxpool:
    return maxpool(call);
  case OpKind::avgpool:
    return avgpool(call);
  case OpKind::global_avgpool:
    return global_avgpool(call);
  case OpKind::adaptive_avgpool:
    return adaptive_avgpool(call);
  case OpKind::zeropad:
    return zeropad(call);
  case OpKind::lrn:
    return lrn(call);
  case OpKind::linear:
    return linear(call);
  case OpKind::concat:
    return concat(call);
  case OpKind::add:
    return add(call);
  case OpKind::scale:
    return scale(call);
  case OpKind::mul:
    return mul(call);
  case OpKind::layernorm:
    return layernorm(call);
  case OpKind::pointwise_linear:
    return pointwise_linear(call);
  case OpKind::layer_scale:
    return layer_scale(call);
  case OpKind::chunk:
    return chunk(call);
  case OpKind::channel_shuffle:
    return channel_shuffle(call);
  // Canonicalised into conv2d by the elaborator; the views are the caller's.
  case OpKind::depthwise_conv2d:
  case OpKind::identity:
  case OpKind::dropout:
  case OpKind::flatten:
    break;
  }
  throw Error(fmt::format("the reference executor cannot run layer '{}': op '{}' is not supported",
                          call.node.name, call.node.op_name()));
}

std::string describe_node(const Node &node) {
  return fmt::format("'{}' ({})", node.name, node.op_name());
}

// Everything that can be refused is refused before the first op runs: a model may take minutes.
void check_graph(const Graph &graph) {
  for (const Node &node : graph.nodes) {
    if (node.type.is_poison())
      throw Error(fmt::format("cannot run network '{}': layer {} has no valid shape", graph.name,
                              describe_node(node)));
  }
}

void check_tensor_data(const HostTensor &t, std::string_view what) {
  if (static_cast<int64_t>(t.data.size()) != product(t.shape))
    throw Error(fmt::format("{} has shape {} ({} values) but holds {} values", what,
                            format_shape(t.shape), product(t.shape), t.data.size()));
}

void check_inputs(const Graph &graph, const std::vector<HostTensor> &inputs) {
  if (inputs.size() != graph.inputs.size())
    throw Error(fmt::format("network '{}' takes {} input{} but {} {} given", graph.name,
                            graph.inputs.size(), graph.inputs.size() == 1 ? "" : "s", inputs.size(),
                            inputs.size() == 1 ? "was" : "were"));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Node &node = graph.node(graph.inputs[i]);
    std::vector<int64_t> expected = shape_of(node.type);
    if (inputs[i].shape != expected)
      throw Error(fmt::format("input '{}' has shape {} but the network expects {}", node.name,
                              format_shape(inputs[i].shape), format_shape(expected)));
    check_tensor_data(inputs[i], fmt::format("input '{}'", node.name));
  }
}

void check_weights(const Graph &graph, const WeightMap &weights) {
  for (const Node &node : graph.nodes) {
    for (const ParamSpec &param : node.params) {
      std::string name = node.name + "." + param.name;
      auto it = weights.find(name);
      if (it == weights.end())
        throw Error(fmt::format("missing weight '{}' {}", name, format_shape(param.shape)));
      if (it->second.shape != param.shape)
        throw Error(fmt::format("weight '{}' has shape {} but the network expects {}", name,
                                format_shape(it->second.shape), format_shape(param.shape)));
      check_tensor_data(it->second, fmt::format("weight '{}'", name));
    }
  }
}

} // namespace

std::vector<HostTensor> run_reference(const Graph &graph, const WeightMap &weights,
                                      const std::vector<HostTensor> &inputs) {
  check_graph(graph);
  check_inputs(graph, inputs);
  check_weights(graph, weights);

  // The last node that reads each value; outputs live to the end.
  const size_t never = graph.nodes.size();
  std::vector<size_t> last_use(graph.nodes.size(), 0);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (NodeId in : graph.nodes[i].inputs)
      last_use[in] = i;
  for (const GraphOutput &out : graph.outputs)
    last_use[out.node] = never;

  std::vector<HostTensor> values(graph.nodes.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    values[graph.inputs[i]] = inputs[i];

  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node &node = graph.nodes[i];
    if (node.is_input())
      continue;
    if (is_view(node.kind())) {
      NodeId in = node.inputs[0];
      if (last_use[in] == i)
        values[i] = std::move(values[in]); // nothing reads it later: hand the storage over
      else
        values[i] = values[in];
      values[i].shape = shape_of(node.type);
    } else {
      OpCall call{node, {}, weights};
      for (NodeId in : node.inputs)
        call.inputs.push_back(&values[in]);
      values[i] = run_op(call);
    }
    for (NodeId in : node.inputs)
      if (last_use[in] == i)
        values[in] = HostTensor{};
  }

  std::vector<HostTensor> results;
  for (const GraphOutput &out : graph.outputs)
    results.push_back(values[out.node]);
  return results;
}

} // namespace netc
