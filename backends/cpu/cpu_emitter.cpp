#include "cpu/cpu_emitter.h"

#include "common/class_parts.h"
#include "common/code_writer.h"
#include "common/naming.h"
#include "common/params_literal.h"
#include "lower/kernel_macs.h"
#include "lower/kernel_printer.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <variant>

namespace netc {

namespace {

// The runtime header that holds a kernel kind's function.
const char *header_of(KernelKind kind) {
  switch (kind) {
  case KernelKind::ConvDirect:
    return "netc/cpu/conv_direct.hpp";
  case KernelKind::Conv1x1:
    return "netc/cpu/conv_1x1.hpp";
  case KernelKind::ConvGrouped:
    return "netc/cpu/conv_grouped.hpp";
  case KernelKind::MaxPool:
  case KernelKind::AvgPool:
  case KernelKind::AdaptiveAvgPool:
    return "netc/cpu/pool.hpp";
  case KernelKind::Linear:
    return "netc/cpu/linear.hpp";
  case KernelKind::Unary:
  case KernelKind::Binary:
  case KernelKind::Mul:
    return "netc/cpu/elementwise.hpp";
  case KernelKind::Copy:
    return "netc/cpu/copy.hpp";
  case KernelKind::Lrn:
    return "netc/cpu/lrn.hpp";
  case KernelKind::Softmax:
    return "netc/cpu/softmax.hpp";
  case KernelKind::LayerNorm:
    return "netc/cpu/layernorm.hpp";
  case KernelKind::ChannelShuffle:
    return "netc/cpu/channel_shuffle.hpp";
  case KernelKind::Concat:
    break;
  }
  return "";
}

class CpuEmitter {
public:
  CpuEmitter(const KernelList &list, const CpuEmitOptions &options)
      : list_(list), options_(options), class_(cpp_names(list).class_name),
        io_names_(io_names(list)) {}

  std::vector<EmittedFile> run() {
    return {{list_.network + ".hpp", header()}, {list_.network + ".cpp", source()}};
  }

private:
  void banner(CodeWriter &w, const std::string &file) {
    write_generated_by(w, file, list_, options_.version, options_.command);
    w.line("// Target: {}; batch {}; {} kernels; {} parameters; activation arena {} bytes.",
           isa_name(options_.target), list_.batch, list_.kernels.size(), list_.parameter_count,
           list_.arena_floats * 4);
  }

  std::string run_signature() const { return "void run(" + io_parameters(list_, io_names_) + ")"; }

  std::string header() {
    CodeWriter w;
    banner(w, list_.network + ".hpp");
    w.line("#pragma once");
    w.line();
    w.line("#include \"netc/aligned_buffer.hpp\"");
    w.line("#include \"netc/cpu/context.hpp\"");
    if (options_.profile)
      w.line("#include \"netc/cpu/profile.hpp\"");
    w.line();
    w.line("#include <array>");
    w.line("#include <cstddef>");
    w.line("#include <cstdint>");
    w.line("#include <string>");
    w.line();
    w.code("namespace netc {");
    w.line();
    w.line("class SafetensorsFile;");
    w.line();
    w.line("// {} from {}. Float32 NCHW in, float32 out. run() allocates nothing and is", class_,
           list_.source_file);
    w.line("// deterministic; one object runs one call at a time (it owns one activation arena).");
    w.line("// `threads` is how many threads run() uses, the calling thread included: 0 (the");
    w.line("// default) takes std::thread::hardware_concurrency(), 1 runs on the calling thread");
    w.line("// alone. The pool is started here and kept; outputs are bit-identical for any count.");
    w.open("class {} {{", class_);
    w.label("public:");
    write_shape_constants(w, list_);
    w.line("// Peak activation memory: one arena, planned at compile time by liveness.");
    w.line("static constexpr std::size_t kArenaBytes = {};", list_.arena_floats * 4);
    w.line();
    w.line("// Loads and checks a safetensors file with PyTorch's state_dict() names; throws");
    w.line("// netc::Error naming any tensor that is missing, extra or of the wrong shape.");
    w.line("// threads: Threads(T) for T threads; the default, 0, is the hardware's count.");
    w.line("explicit {}(const std::string &weights_path, Threads threads = Threads());", class_);
    w.line("// The same from a safetensors file in memory (copied; the buffer may go after).");
    w.line("{}(const void *weights, std::size_t size, Threads threads = Threads());", class_);
    if (options_.embedded_weights) {
      w.line("// With the weights embedded in {}.cpp.", list_.network);
      w.line("explicit {}(Threads threads = Threads());", class_);
    }
    w.line();
    w.line("{};", run_signature());
    w.line("// The same with the buffers in arrays, in the network's input and output order.");
    w.line("void run(const float *const *inputs, float *const *outputs);");
    w.line();
    if (options_.profile)
      profile_members(w);
    w.label("private:");
    w.line("{}(const SafetensorsFile &file, Threads threads);", class_);
    w.line("AlignedBuffer arena_;");
    w.line("AlignedBuffer weights_;");
    w.line("cpu::OwnedContext threads_; // the pool and each thread's scratch");
    if (options_.profile)
      w.line("cpu::Profiler<kNumKernels> profiler_;");
    w.close("};");
    w.line();
    w.code("} // namespace netc");
    return w.str();
  }

  std::string pointer(ValueId v) const { return value_pointer(list_, io_names_, v, Layout::Nchw); }

  // Whether kernel k runs as conv_winograd: asked for, a convolution it computes (as
  // runtime/netc/cpu/conv_winograd.hpp's winograd_eligible says), and a plane of at least 8
  // tiles of 4x4 (at 7x7, 4 tiles, it was no faster than conv_direct).
  bool winograd(const Kernel &k) const {
    if (!options_.winograd || k.kind != KernelKind::ConvDirect)
      return false;
    const ConvParams &p = std::get<ConvParams>(k.params);
    const int tiles = ((p.out.h + 3) / 4) * ((p.out.w + 3) / 4);
    return p.kernel_h == 3 && p.kernel_w == 3 && p.stride_h == 1 && p.stride_w == 1 &&
           p.dilation_h == 1 && p.dilation_w == 1 && p.groups == 1 && tiles >= 8;
  }

  // The runtime's name of kernel k's functions (conv_direct, conv_winograd, pool, ...).
  std::string runtime_name(const Kernel &k) const {
    return winograd(k) ? "conv_winograd" : kernel_kind_name(k.kind);
  }

  std::string pack_function(const Kernel &k) const {
    return fmt::format("cpu::{}_pack<Isa>", runtime_name(k));
  }

  std::string source() {
    CodeWriter w;
    banner(w, list_.network + ".cpp");
    w.line("#include \"{}.hpp\"", list_.network);
    w.line();
    std::set<std::string> headers{"netc/cpu/cpu_features.hpp", "netc/cpu/simd.hpp",
                                  "netc/kernel_params.hpp", "netc/safetensors.hpp",
                                  "netc/weights.hpp"};
    for (const Kernel &k : list_.kernels)
      headers.insert(winograd(k) ? "netc/cpu/conv_winograd.hpp" : header_of(k.kind));
    for (const std::string &h : headers)
      w.line("#include \"{}\"", h);
    w.line();
    w.line("#include <algorithm>");
    w.line("#include <iterator>");
    w.line();
    target_guard(w);
    w.code("namespace netc {");
    w.line();
    w.code("namespace {");
    w.line();
    w.line("using Isa = cpu::{};", isa_tag(options_.target));
    w.line();
    write_tensor_table(w, list_);
    kernel_constants(w);
    if (options_.profile)
      profile_table(w);
    weight_offsets(w);
    w.line("constexpr std::size_t kArenaFloats = {};", list_.arena_floats);
    scratch_size(w);
    if (options_.embedded_weights)
      embedded(w);
    w.line();
    w.code("} // namespace");
    w.line();
    constructors(w);
    run_function(w);
    w.code("} // namespace netc");
    return w.str();
  }

  // Compiling for the wrong ISA fails at once, naming the options (cmake/NetcCpuTargets.cmake).
  void target_guard(CodeWriter &w) {
    if (isa_features(options_.target).empty())
      return;
    w.line("#if {}", isa_missing_macro(options_.target));
    w.line("#error \"{}.cpp was generated for --target={}: compile it with {} (or -march=native on "
           "such a CPU)\"",
           list_.network, isa_name(options_.target), isa_compile_flags(options_.target));
    w.line("#endif");
    w.line();
  }

  void kernel_constants(CodeWriter &w) {
    w.line("// One kernel per line of run(), every size fixed (runtime/netc/kernel_params.hpp).");
    for (size_t i = 0; i < list_.kernels.size(); ++i) {
      const Kernel &k = list_.kernels[i];
      w.line("{}", kernel_comment(k));
      w.line("constexpr {} k{} = {};", params_type(k.params), i, params_literal(k.params));
    }
    w.line();
  }

  // --profile: the public side of the profile, in the class.
  void profile_members(CodeWriter &w) {
    w.line("// Emitted with --profile: run() times each of its kNumKernels kernels with");
    w.line("// std::chrono::steady_clock. profile() has one entry per kernel, in run()'s order:");
    w.line("// its layer, what runs it, its multiply-adds per call, its calls and their total");
    w.line("// time, summed over every run() since construction or reset_profile(). Without");
    w.line("// --profile the class has none of this and run() reads no clock.");
    w.line("static constexpr std::size_t kNumKernels = {};", list_.kernels.size());
    w.line("const std::array<cpu::KernelProfile, kNumKernels> &profile() const {{ return "
           "profiler_.kernels(); }}");
    w.line("void reset_profile() {{ profiler_.reset(); }}");
    w.line();
  }

  // What a profile calls a kernel's kind: the runtime function and, for windows, their size and
  // stride, so that a summary by kind tells 1x1 from 3x3 from 1x7 convolutions; copies say
  // whether they pad or fill a concat's slice.
  std::string profile_kind(const Kernel &k) const {
    std::string s = kernel_kind_name(k.kind);
    auto window = [&](int kh, int kw, int sh, int sw) {
      s += fmt::format(" {}x{}", kh, kw);
      if (sh != 1 || sw != 1)
        s += sh == sw ? fmt::format("/{}", sh) : fmt::format("/{}x{}", sh, sw);
    };
    if (const auto *c = std::get_if<ConvParams>(&k.params); c && k.kind != KernelKind::Conv1x1)
      window(c->kernel_h, c->kernel_w, c->stride_h, c->stride_w);
    else if (const auto *p = std::get_if<PoolParams>(&k.params))
      window(p->kernel_h, p->kernel_w, p->stride_h, p->stride_w);
    else if (const auto *copy = std::get_if<CopyParams>(&k.params))
      s += copy->pad_top || copy->pad_left       ? " pad"
           : list_.root_of(k.output) != k.output ? " concat"
                                                 : "";
    return s;
  }

  // --profile: each kernel's layer, kind and multiply-adds, the profile's starting table.
  void profile_table(CodeWriter &w) {
    w.line("// --profile: each kernel of run() as the profile names it, with its multiply-adds.");
    w.open("constexpr std::array<cpu::KernelProfile, {}::kNumKernels> kProfile = {{{{", class_);
    for (const Kernel &k : list_.kernels)
      w.line("cpu::KernelProfile{{{}, \"{}\", {}}},", cpp_string_literal(k.name), profile_kind(k),
             kernel_macs(k));
    w.close("}};");
    w.line();
  }

  // Each weighted kernel's packed weight and bias, one after another in weights_.
  void weight_offsets(CodeWriter &w) {
    w.line("// Where each kernel's packed weight (kW) and bias (kB) start in weights_, in floats.");
    std::string next = "0";
    for (size_t i = 0; i < list_.kernels.size(); ++i) {
      const Kernel &k = list_.kernels[i];
      if (!k.weights)
        continue;
      w.line("constexpr std::size_t kW{} = {};", i, next);
      w.line("constexpr std::size_t kB{} = kW{} + padded_floats(cpu::{}_packed_size<Isa>(k{}));", i,
             i, runtime_name(k), i);
      next = fmt::format("kB{} + padded_floats({})", i, weighted_out_channels(k));
    }
    w.line("constexpr std::size_t kWeightFloats = {};", next);
  }

  // Each thread's scratch: the most any convolution asks for.
  void scratch_size(CodeWriter &w) {
    w.line("// Floats of scratch each thread gets: the most any convolution asks for.");
    w.open("constexpr std::size_t kScratchFloats = std::max<std::size_t>({{");
    w.line("0,");
    for (size_t i = 0; i < list_.kernels.size(); ++i)
      if (is_convolution(list_.kernels[i].kind))
        w.line("cpu::{}_scratch_floats<Isa>(k{}),", runtime_name(list_.kernels[i]), i);
    w.close("});");
  }

  bool has_weights() const {
    for (const Kernel &k : list_.kernels)
      if (k.weights)
        return true;
    return false;
  }

  void embedded(CodeWriter &w) {
    const std::vector<unsigned char> &bytes = *options_.embedded_weights;
    w.line();
    w.line("// The weights file, {} bytes, embedded by --embed-weights.", bytes.size());
    w.open("alignas(64) const unsigned char kEmbeddedWeights[] = {{");
    for (size_t i = 0; i < bytes.size(); i += 16) {
      std::string row;
      for (size_t j = i; j < std::min(bytes.size(), i + 16); ++j)
        row += fmt::format("{}0x{:02x},", j == i ? "" : " ", bytes[j]);
      w.line("{}", row);
    }
    w.close("};");
  }

  void constructors(CodeWriter &w) {
    w.line("{0}::{0}(const std::string &weights_path, Threads threads)\n    : "
           "{0}(SafetensorsFile::open(weights_path), threads) {{}}",
           class_);
    w.line();
    w.line("{0}::{0}(const void *weights, std::size_t size, Threads threads)", class_);
    w.line("    : {}(SafetensorsFile::view(weights, size, \"<weights in memory>\"), threads) {{}}",
           class_);
    w.line();
    if (options_.embedded_weights) {
      w.line("{0}::{0}(Threads threads)\n    : {0}(kEmbeddedWeights, sizeof kEmbeddedWeights, "
             "threads) {{}}",
             class_);
      w.line();
    }
    w.line("{0}::{0}(const SafetensorsFile &file, Threads threads)", class_);
    w.open("    : arena_(kArenaFloats, \"{1}: the activation arena\"),\n"
           "      weights_(kWeightFloats, \"{1}: the packed weights\"),\n"
           "      threads_(threads.count, kScratchFloats){2} {{",
           class_, list_.network, options_.profile ? ",\n      profiler_(kProfile)" : "");
    if (!isa_features(options_.target).empty()) {
      std::string features;
      for (const std::string &f : isa_features(options_.target))
        features += fmt::format("{}\"{}\"", features.empty() ? "" : ", ", f);
      w.line("cpu::require_cpu_features(\"{}\", \"{}\", {{{}}});", list_.network,
             isa_name(options_.target), features);
    }
    write_check_tensors(w, list_);
    w.line("float *w = weights_.data();");
    if (!has_weights())
      w.line("(void)w;");
    for (size_t i = 0; i < list_.kernels.size(); ++i) {
      const Kernel &k = list_.kernels[i];
      if (!k.weights)
        continue;
      w.line("load_kernel_weights(file, {}, k{}, {}, {}, {}, w + kW{}, w + kB{});",
             recipe_literal(*k.weights), i, weighted_out_channels(k), weights_per_out_channel(k),
             pack_function(k), i, i);
    }
    w.close();
    w.line();
  }

  std::string call(size_t i) const {
    const Kernel &k = list_.kernels[i];
    std::string name = runtime_name(k);
    std::string out = pointer(k.output);
    if (k.weights) {
      std::string residual = k.residual ? pointer(*k.residual) : "nullptr";
      if (k.kind == KernelKind::Linear || k.kind == KernelKind::LayerNorm)
        return fmt::format("cpu::{1}<Isa>(ctx, k{0}, {2}, w + kW{0}, w + kB{0}, {3});", i, name,
                           pointer(k.inputs[0]), out);
      if (k.input_scale) // fold_input_scale gives one to 1x1 convolutions only
        return fmt::format("cpu::{1}_scaled<Isa>(ctx, k{0}, {2}, {3}, w + kW{0}, w + kB{0}, {4}, "
                           "{5});",
                           i, name, pointer(k.inputs[0]), pointer(*k.input_scale), residual, out);
      return fmt::format("cpu::{1}<Isa>(ctx, k{0}, {2}, w + kW{0}, w + kB{0}, {3}, {4});", i, name,
                         pointer(k.inputs[0]), residual, out);
    }
    if (k.kind == KernelKind::Binary || k.kind == KernelKind::Mul)
      return fmt::format("cpu::{}<Isa>(ctx, k{}, {}, {}, {});", name, i, pointer(k.inputs[0]),
                         pointer(k.inputs[1]), out);
    return fmt::format("cpu::{}<Isa>(ctx, k{}, {}, {});", name, i, pointer(k.inputs[0]), out);
  }

  void run_function(CodeWriter &w) {
    std::string signature = run_signature();
    w.open("{} {}::{} {{", signature.substr(0, 4), class_, signature.substr(5));
    w.line("float *arena = arena_.data();");
    w.line("const float *w = weights_.data();");
    w.line("const cpu::Context &ctx = threads_.context();");
    if (options_.profile)
      w.line("profiler_.start();");
    bool needs_arena = false;
    for (size_t i = 0; i < list_.kernels.size(); ++i) {
      const Kernel &k = list_.kernels[i];
      w.line("{}", kernel_comment(k));
      std::string c = call(i);
      needs_arena = needs_arena || c.find("arena + ") != std::string::npos;
      w.line("{}", c);
      if (options_.profile)
        w.line("profiler_.lap({});", i);
    }
    if (!needs_arena)
      w.line("(void)arena;");
    if (!has_weights())
      w.line("(void)w;");
    w.close();
    w.line();
    w.open("void {}::run(const float *const *inputs, float *const *outputs) {{", class_);
    w.line("run({});", io_array_arguments(list_));
    w.close();
    w.line();
  }

  const KernelList &list_;
  const CpuEmitOptions &options_;
  std::string class_;
  IoNames io_names_;
};

} // namespace

std::vector<EmittedFile> emit_cpu(const KernelList &list, const CpuEmitOptions &options) {
  return CpuEmitter(list, options).run();
}

} // namespace netc
