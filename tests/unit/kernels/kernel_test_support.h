// What every kernel test shares: a small network compiled from DSL text, seeded random weights
// and inputs, the reference executor's answer, tensors stored as channel slices of larger
// buffers with guard values around them, and the comparison.
//
// Each test executable is built for one ISA (NETC_TEST_ISA names its tag), from the same sources.
#pragma once

#include "frontend/compile.h"
#include "lower/select_kernels.h"
#include "ops/registry.h"
#include "reference/reference_executor.h"

#include <netc/aligned_buffer.hpp>
#include <netc/cpu/context.hpp>
#include <netc/cpu/simd.hpp>
#include <netc/kernel_params.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifndef NETC_TEST_ISA
#error "NETC_TEST_ISA must name the ISA under test (Generic, Avx2, Avx512)"
#endif

namespace netc::kernel_test {

using Isa = netc::cpu::NETC_TEST_ISA;

// ---- Threads -------------------------------------------------------------------------------

// Three threads with no minimum of work, so that even a test's small tensors are cut into units
// and shared (three threads also share two cores unevenly). Kernels run under it by default;
// serial_context() is one thread.
inline const cpu::Context &threaded_context() {
  static cpu::ThreadPool pool(3);
  static const cpu::Context ctx = [] {
    cpu::Context c(&pool, nullptr, 0);
    c.min_parallel_work = 0;
    return c;
  }();
  return ctx;
}

inline const cpu::Context &serial_context() {
  static const cpu::Context ctx;
  return ctx;
}

// ---- Networks ------------------------------------------------------------------------------

struct Net {
  CompiledFile file;

  const Graph &graph() const { return file.graphs.at(0); }
  const Node &node(std::string_view name) const {
    for (const Node &n : graph().nodes)
      if (n.name == name)
        return n;
    FAIL("no node named " << std::string(name));
    return graph().nodes.front();
  }
  const Node &input_of(const Node &n, unsigned i = 0) const { return graph().node(n.inputs.at(i)); }
};

// DSL text compiled with `batch` samples; a mistake in the text fails the test.
inline Net compile_net(const std::string &text, int batch) {
  CompileOptions options;
  options.elaborate.batch = batch;
  options.read_config = false;
  Net net{compile_buffer(text, "kernel_test.netc", options)};
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  unsigned errors = net.file.diags->flush(os).errors;
  os.flush();
  REQUIRE_MESSAGE(errors == 0, diagnostics);
  REQUIRE(net.file.graphs.size() == 1);
  return net;
}

// ---- Random data ---------------------------------------------------------------------------

// Values drawn as floats, so the kernel and the reference see the very same numbers.
inline double draw(std::mt19937 &rng, float lo, float hi) {
  return double(std::uniform_real_distribution<float>(lo, hi)(rng));
}

inline HostTensor random_tensor(std::vector<std::int64_t> shape, std::mt19937 &rng, float lo = -1,
                                float hi = 1) {
  HostTensor t{std::move(shape), {}};
  std::int64_t n = 1;
  for (std::int64_t d : t.shape)
    n *= d;
  t.data.resize(std::size_t(n));
  for (double &v : t.data)
    v = draw(rng, lo, hi);
  return t;
}

inline std::vector<std::int64_t> shape_of(const TensorType &t) {
  return {t.shape().begin(), t.shape().end()};
}

// Every parameter of the graph: weights scaled by 1/sqrt(fan in) so outputs stay near 1.
inline WeightMap random_weights(const Graph &graph, std::mt19937 &rng) {
  WeightMap weights;
  for (const Node &node : graph.nodes)
    for (const ParamSpec &p : node.params) {
      HostTensor t;
      if (p.name == "weight" && p.shape.size() >= 2) {
        std::int64_t fan_in = 1;
        for (std::size_t i = 1; i < p.shape.size(); ++i)
          fan_in *= p.shape[i];
        const float s = 1.0f / std::sqrt(float(fan_in));
        t = random_tensor(p.shape, rng, -s, s);
      } else if (p.name == "running_var") {
        t = random_tensor(p.shape, rng, 0.5f, 1.5f);
      } else {
        t = random_tensor(p.shape, rng, -0.5f, 0.5f);
      }
      weights[node.name + "." + p.name] = std::move(t);
    }
  return weights;
}

inline std::vector<HostTensor> random_inputs(const Graph &graph, std::mt19937 &rng) {
  std::vector<HostTensor> inputs;
  for (NodeId id : graph.inputs)
    inputs.push_back(random_tensor(shape_of(graph.node(id).type), rng));
  return inputs;
}

inline std::vector<float> to_floats(const HostTensor &t) {
  return std::vector<float>(t.data.begin(), t.data.end());
}

// A network with its seeded random weights and inputs, and the reference executor's outputs.
struct Case {
  Net net;
  WeightMap weights;
  std::vector<HostTensor> inputs;
  std::vector<HostTensor> expected;
};

// Inputs uniform in [lo, hi).
inline Case reference_case(const std::string &dsl, int batch, std::uint32_t seed = 1, float lo = -1,
                           float hi = 1) {
  Case c{compile_net(dsl, batch), {}, {}, {}};
  std::mt19937 rng(seed);
  c.weights = random_weights(c.net.graph(), rng);
  for (NodeId id : c.net.graph().inputs)
    c.inputs.push_back(random_tensor(shape_of(c.net.graph().node(id).type), rng, lo, hi));
  c.expected = run_reference(c.net.graph(), c.weights, c.inputs);
  return c;
}

// ---- Tensors in slices ---------------------------------------------------------------------

// A tensor stored as channels [before, before + C) of a buffer with before + C + after channels
// per sample, with 64 floats more on either side of the whole buffer. Everything outside the
// slice holds `guard`, which the kernel must neither change nor use: inputs guard with NaN, so a
// stray read shows in the result; outputs with a number the check compares bit for bit. A
// tensor of its own (before = after = 0) gets no margin: the buffer is exactly the tensor, so
// that AddressSanitizer catches any access past either end.
class Slice {
public:
  Slice(const TensorType &type, int before, int after, float guard)
      : n_(type.n()), c_(type.c()), h_(type.is_spatial() ? type.h() : 1),
        w_(type.is_spatial() ? type.w() : 1), before_(before), guard_(guard),
        margin_(before == 0 && after == 0 ? 0 : 64), stride_((before + c_ + after) * h_ * w_),
        storage_(std::size_t(2 * margin_ + n_ * stride_), guard) {}

  Dims dims() const { return {int(n_), int(c_), int(h_), int(w_), stride_}; }
  float *data() { return storage_.data() + margin_ + before_ * h_ * w_; }
  const float *data() const { return storage_.data() + margin_ + before_ * h_ * w_; }
  std::int64_t size() const { return n_ * c_ * h_ * w_; }
  std::int64_t batch_stride() const { return stride_; }

  // Where element i of the dense [N, C, H, W] tensor lives.
  std::int64_t position(std::int64_t i) const {
    const std::int64_t per_sample = c_ * h_ * w_;
    return margin_ + (i / per_sample) * stride_ + before_ * h_ * w_ + i % per_sample;
  }
  float at(std::int64_t i) const { return storage_[std::size_t(position(i))]; }

  void set(const HostTensor &t) {
    REQUIRE(std::int64_t(t.data.size()) == size());
    for (std::int64_t i = 0; i < size(); ++i)
      storage_[std::size_t(position(i))] = float(t.data[std::size_t(i)]);
  }
  void poison() {
    for (std::int64_t i = 0; i < size(); ++i)
      storage_[std::size_t(position(i))] = std::numeric_limits<float>::quiet_NaN();
  }

  // "[n, c, y, x]" of element i.
  std::string index(std::int64_t i) const {
    std::ostringstream os;
    os << "[" << i / (c_ * h_ * w_) << ", " << i / (h_ * w_) % c_ << ", " << i / w_ % h_ << ", "
       << i % w_ << "]";
    return os.str();
  }
  std::string shape() const {
    std::ostringstream os;
    os << "[" << n_ << ", " << c_ << ", " << h_ << ", " << w_ << "] (batch stride " << stride_
       << ")";
    return os.str();
  }

  // Every float outside the slice still holds the guard, bit for bit.
  void check_guards(const std::string &what) const {
    std::vector<bool> inside(storage_.size(), false);
    for (std::int64_t i = 0; i < size(); ++i)
      inside[std::size_t(position(i))] = true;
    int reported = 0;
    for (std::size_t p = 0; p < storage_.size(); ++p)
      if (!inside[p] && std::memcmp(&storage_[p], &guard_, sizeof(float)) != 0 && reported++ < 5)
        FAIL_CHECK(what << ": float " << std::int64_t(p) - margin_
                        << " of the buffer, outside the slice " << shape()
                        << ", was overwritten with " << storage_[p]);
    CHECK_MESSAGE(reported == 0, what << ": " << reported << " guard floats overwritten");
  }

private:
  std::int64_t n_, c_, h_, w_, before_;
  float guard_;
  std::int64_t margin_, stride_;
  std::vector<float> storage_;
};

constexpr float kOutputGuard = -1234.5f;

// An input slice holding `value`, NaN around it.
inline Slice input_slice(const HostTensor &value, const TensorType &type, int before, int after) {
  Slice s(type, before, after, std::numeric_limits<float>::quiet_NaN());
  s.set(value);
  return s;
}

// An output slice of NaN, kOutputGuard around it.
inline Slice output_slice(const TensorType &type, int before, int after) {
  Slice s(type, before, after, kOutputGuard);
  s.poison();
  return s;
}

// ---- Comparison ----------------------------------------------------------------------------

struct Tolerance {
  double abs = 1e-5, rel = 1e-5;
  // Winograd: a NaN in an input patch makes every output of its tile NaN, so an output may be NaN
  // where the reference's is not (never the reverse).
  bool nan_may_spread = false;
};

// |actual - expected| <= abs + rel * |expected| for every element (NaN fails: an element not
// written, unless `nan_expected` and the reference's element is NaN too), and the guards around
// the slice untouched.
inline void check_close(const Slice &actual, const HostTensor &expected, Tolerance tol,
                        const std::string &what, bool nan_expected = false) {
  REQUIRE(std::int64_t(expected.data.size()) == actual.size());
  int failures = 0;
  for (std::int64_t i = 0; i < actual.size(); ++i) {
    const double e = expected.data[std::size_t(i)];
    const double a = actual.at(i);
    if (std::fabs(a - e) <= tol.abs + tol.rel * std::fabs(e))
      continue;
    if (nan_expected && std::isnan(e) && std::isnan(a))
      continue;
    if (nan_expected && tol.nan_may_spread && std::isnan(a))
      continue;
    if (failures++ < 10)
      FAIL_CHECK(what << ": at index " << i << " " << actual.index(i) << " of shape "
                      << actual.shape() << ": expected " << e << ", actual " << a);
  }
  CHECK_MESSAGE(failures == 0, what << ": " << failures << " of " << actual.size()
                                    << " elements out of tolerance");
  actual.check_guards(what);
}

// ---- Parameters from the IR ----------------------------------------------------------------

// Every activation of netc/activations.def, by its op name.
inline const std::vector<const char *> &all_activation_names() {
  static const std::vector<const char *> names = {
#define NETC_ACTIVATION(name, pytorch) #name,
#include "netc/activations.def"
  };
  return names;
}

inline Activation activation_named(std::string_view op) {
  const OpDef *def = find_op(op);
  return def ? activation_of(def->kind()).value_or(Activation::none) : Activation::none;
}

// A convolution node's sizes, as the lowering fills them.
inline ConvParams conv_params(const Net &net, const Node &conv, Dims in, Dims out, Activation act,
                              std::int64_t residual_batch_stride) {
  ConvParams p = conv_params_of(net.graph(), conv);
  p.in = in;
  p.out = out;
  p.act = act;
  p.residual_batch_stride = residual_batch_stride;
  return p;
}

inline PoolParams pool_params(const Net &net, const Node &pool, Dims in, Dims out) {
  PoolParams p = pool_params_of(net.graph(), pool);
  p.in = in;
  p.out = out;
  return p;
}

// A 64-byte aligned buffer of `floats`, filled with NaN so that packing must write all of it.
inline AlignedBuffer packed_buffer(std::size_t floats) {
  AlignedBuffer b(floats);
  for (std::size_t i = 0; i < floats; ++i)
    b.data()[i] = std::numeric_limits<float>::quiet_NaN();
  return b;
}

// Packing wrote every float of the buffer (none is left NaN).
inline void check_packed(const AlignedBuffer &b, const std::string &what) {
  std::size_t unwritten = 0;
  for (std::size_t i = 0; i < b.size(); ++i)
    unwritten += std::isnan(b.data()[i]) ? 1 : 0;
  CHECK_MESSAGE(unwritten == 0,
                what << ": " << unwritten << " of " << b.size() << " packed floats left unwritten");
}

// The bias of a layer, zeros when it has none.
inline std::vector<float> bias_of(const WeightMap &weights, const Node &node, std::int64_t count) {
  auto it = weights.find(node.name + ".bias");
  if (it == weights.end())
    return std::vector<float>(std::size_t(count), 0.0f);
  return to_floats(it->second);
}

// ---- Convolution cases ---------------------------------------------------------------------

// A convolution kernel family: its packed size, its scratch size, its packing and the kernel.
struct ConvKernel {
  std::size_t (*packed_size)(const ConvParams &);
  std::size_t (*scratch_floats)(const ConvParams &);
  void (*pack)(const ConvParams &, const float *, float *);
  void (*run)(const cpu::Context &, const ConvParams &, const float *, const float *, const float *,
              const float *, float *);
};

// One convolution and what its epilogue absorbs: `op(x, args) as c`, then an optional residual
// add of a second input r, then an optional activation.
struct ConvSpec {
  std::string input;         // "[5, 17, 17]"
  std::string args;          // "11, 3, pad=1"
  std::string op = "conv2d"; // or depthwise_conv2d
  std::string act;           // "", "relu", "relu6", "sigmoid", "tanh"
  bool residual = false;
  int nan_every = 0; // > 0: every nan_every-th input element is NaN, which must reach the output
};

// How the case stores its tensors: channels before and after each slice, the residual in the
// output buffer itself (read and overwritten in place), the batch.
struct ConvLayout {
  int batch = 2;
  int in_before = 0, in_after = 0, out_before = 0, out_after = 0;
  bool in_place_residual = false;
};

inline std::string conv_dsl(const ConvSpec &spec, const std::string &residual_shape) {
  std::ostringstream os;
  os << "network t(x: " << spec.input;
  if (spec.residual)
    os << ", r: " << residual_shape;
  os << ") {\n  y = " << spec.op << "(x, " << spec.args << ") as c\n";
  if (spec.residual)
    os << "  y = add(y, r)\n";
  if (!spec.act.empty())
    os << "  y = " << spec.act << "(y)\n";
  os << "  return y\n}\n";
  return os.str();
}

// The DSL shape ("[11, 17, 17]") of the convolution's output.
inline std::string conv_output_shape(const ConvSpec &spec) {
  ConvSpec plain = spec;
  plain.residual = false;
  plain.act.clear();
  Net net = compile_net(conv_dsl(plain, ""), 1);
  const TensorType &t = net.node("c").type;
  std::ostringstream os;
  os << "[" << t.c() << ", " << t.h() << ", " << t.w() << "]";
  return os.str();
}

// Runs the kernel on the case and compares it with the reference executor's output of the same
// DSL, inputs, outputs and residual all stored in slices.
inline void run_conv_case(const ConvKernel &kernel, const ConvSpec &spec,
                          const ConvLayout &layout = {}, Tolerance tol = {2e-5, 2e-5},
                          std::uint32_t seed = 1) {
  const std::string dsl = conv_dsl(spec, spec.residual ? conv_output_shape(spec) : "");
  CAPTURE(dsl);
  CAPTURE(layout.batch);
  CAPTURE(layout.in_place_residual);
  const Net net = compile_net(dsl, layout.batch);
  const Graph &graph = net.graph();
  std::mt19937 rng(seed);
  const WeightMap weights = random_weights(graph, rng);
  std::vector<HostTensor> inputs = random_inputs(graph, rng);
  if (spec.nan_every > 0)
    for (std::size_t i = 0; i < inputs[0].data.size(); i += std::size_t(spec.nan_every))
      inputs[0].data[i] = std::numeric_limits<double>::quiet_NaN();
  const HostTensor expected = run_reference(graph, weights, inputs).at(0);

  const Node &c = net.node("c");
  Slice in = input_slice(inputs[0], net.input_of(c).type, layout.in_before, layout.in_after);
  Slice out = output_slice(c.type, layout.out_before, layout.out_after);
  Slice residual(c.type, 3, 2, std::numeric_limits<float>::quiet_NaN());
  const float *res = nullptr;
  std::int64_t res_stride = 0;
  if (spec.residual) {
    if (layout.in_place_residual) {
      out.set(inputs[1]);
      res = out.data();
      res_stride = out.batch_stride();
    } else {
      residual.set(inputs[1]);
      res = residual.data();
      res_stride = residual.batch_stride();
    }
  }
  const ConvParams p =
      conv_params(net, c, in.dims(), out.dims(), activation_named(spec.act), res_stride);
  AlignedBuffer packed = packed_buffer(kernel.packed_size(p));
  const std::vector<float> weight = to_floats(weights.at("c.weight"));
  kernel.pack(p, weight.data(), packed.data());
  check_packed(packed, "packed weights");
  const std::vector<float> bias = bias_of(weights, c, c.type.c());
  // Scratch of NaN, as large as the kernel asks per thread (padded to 64 bytes, as OwnedContext
  // does): nothing may read what it did not write.
  const std::size_t scratch_floats = padded_floats(kernel.scratch_floats(p));
  AlignedBuffer scratch = packed_buffer(scratch_floats * std::size_t(threaded_context().threads()));
  const cpu::Context serial(nullptr, scratch.data(), scratch_floats);
  kernel.run(serial, p, in.data(), packed.data(), bias.data(), res, out.data());
  check_close(out, expected, tol, "conv output", spec.nan_every > 0);
  in.check_guards("conv input");
  if (spec.residual && !layout.in_place_residual)
    residual.check_guards("residual");

  // On three threads: the very same bits, guards untouched.
  Slice threaded = output_slice(c.type, layout.out_before, layout.out_after);
  if (spec.residual && layout.in_place_residual) {
    threaded.set(inputs[1]);
    res = threaded.data();
  }
  cpu::Context threaded_ctx(threaded_context().pool(), scratch.data(), scratch_floats);
  threaded_ctx.min_parallel_work = 0;
  kernel.run(threaded_ctx, p, in.data(), packed.data(), bias.data(), res, threaded.data());
  threaded.check_guards("conv output on 3 threads");
  for (std::int64_t i = 0; i < out.size(); ++i) {
    const float a = out.at(i), b = threaded.at(i);
    if (std::memcmp(&a, &b, sizeof a) != 0)
      FAIL("3 threads give other bits at " << out.index(i) << ": " << b << ", 1 thread " << a);
  }
}

// The layouts every case runs with: contiguous, slices of larger tensors, batch 1.
inline std::vector<ConvLayout> conv_layouts(bool residual) {
  std::vector<ConvLayout> layouts = {
      {2, 0, 0, 0, 0, false}, {2, 3, 2, 1, 4, false}, {1, 0, 1, 2, 0, false}};
  if (residual)
    layouts.push_back({2, 1, 1, 2, 3, true});
  return layouts;
}

} // namespace netc::kernel_test
