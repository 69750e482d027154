#include "cuda/cuda_emitter.h"

#include "common/class_parts.h"
#include "common/code_writer.h"
#include "common/naming.h"
#include "common/params_literal.h"
#include "cuda/cuda_launch_plan.h"
#include "lower/kernel_printer.h"

#include <netc/error.hpp>

#include <cassert>

#include <fmt/format.h>

#include <map>

namespace netc {

namespace {

std::string launch_literal(const cuda::Launch &g) {
  return fmt::format("Launch{{{}, {}, {}, {}, {}, {}, {}}}", g.grid_x, g.grid_y, g.grid_z,
                     g.block_x, g.block_y, g.block_z, g.shared_bytes);
}

class CudaEmitter {
public:
  CudaEmitter(const KernelList &list, const CudaEmitOptions &options)
      : list_(list), options_(options), class_(cpp_names(list).class_name),
        detail_(list.network + "_kernels"), plan_(plan_cuda_launches(list, options.precision)),
        io_names_(io_names(list)) {
    for (const LayoutConversion &c : plan_.conversions)
      scratch_[c.value] = c.scratch;
    int slot = 0;
    for (size_t i = 0; i < list.kernels.size(); ++i)
      if (list.kernels[i].weights) {
        slots_[i] = slot;
        slot += 2;
      }
    slot_count_ = slot;
    // Kernels with equal parameters (a repeated block's layers) share one constant, hence one
    // template instantiation: nvcc compiles each kernel once, which halves Inception's build.
    std::map<std::string, size_t> first;
    for (size_t i = 0; i < list.kernels.size(); ++i)
      same_as_.push_back(first.emplace(params_literal(list.kernels[i].params), i).first->second);
  }

  std::vector<EmittedFile> run() {
    return {{list_.network + ".hpp", header()}, {list_.network + ".cu", source()}};
  }

private:
  void banner(CodeWriter &w, const std::string &file) {
    write_generated_by(w, file, list_, options_.version, options_.command);
    w.line("// CUDA sm_{}+; precision {}; {}batch {}; {} kernels; {} parameters; device arena {} "
           "bytes.",
           options_.arch, precision_name(options_.precision),
           options_.cuda_graph ? "CUDA graph; " : "", list_.batch, list_.kernels.size(),
           list_.parameter_count, plan_.arena_floats * 4);
  }

  std::string io_parameters(bool with_stream) const {
    std::string args = netc::io_parameters(list_, io_names_);
    return with_stream ? args + ", cudaStream_t stream" : args;
  }

  std::string io_arguments() const { return netc::io_arguments(list_, io_names_); }

  std::string header() {
    CodeWriter w;
    banner(w, list_.network + ".hpp");
    w.line("#pragma once");
    w.line();
    w.line("#include <array>");
    w.line("#include <cstddef>");
    w.line("#include <cstdint>");
    w.line("#include <string>");
    w.line();
    w.line("// Declares cudaStream_t as cuda_runtime.h does: this header builds without CUDA.");
    w.line("#include \"netc/cuda/device_state.hpp\"");
    w.line();
    w.code("namespace netc {");
    w.line();
    w.line("class SafetensorsFile;");
    w.line();
    w.line("// {} from {}, for NVIDIA GPUs of sm_{} or newer.", class_, list_.source_file,
           options_.arch);
    w.line("// Float32 NCHW in, float32 out, as in PyTorch. All device memory is allocated at");
    w.line("// construction; run() allocates nothing. One object runs one call at a time (it owns "
           "one");
    w.line("// activation arena).");
    w.open("class {} {{", class_);
    w.label("public:");
    write_shape_constants(w, list_);
    w.line("// Device activation memory, one allocation: the arena planned at compile time by "
           "liveness,");
    w.line("// the NCHW/NHWC conversion scratch and run_host()'s staging buffers.");
    w.line("static constexpr std::size_t kArenaBytes = {};", plan_.arena_floats * 4);
    w.line();
    w.line("// Loads and checks a safetensors file with PyTorch's state_dict() names (throws");
    w.line("// netc::Error naming any tensor that is missing, extra or of the wrong shape), folds "
           "and");
    w.line("// packs the weights and uploads them to the current CUDA device.");
    w.line("explicit {}(const std::string &weights_path);", class_);
    w.line("// The same from a safetensors file in memory (the buffer may go after).");
    w.line("{}(const void *weights, std::size_t size);", class_);
    w.line("~{}();", class_);
    w.line("{0}(const {0} &) = delete;", class_);
    w.line("{0} &operator=(const {0} &) = delete;", class_);
    w.line("{0}({0} &&other) noexcept;", class_);
    w.line("{0} &operator=({0} &&other) noexcept;", class_);
    w.line();
    w.line("// Device pointers, NCHW. Queued on `stream`; nothing waits for it. Errors throw "
           "netc::Error");
    w.line("// naming the layer.");
    if (options_.cuda_graph)
      w.line("// The launches are captured into a CUDA graph on the first call with these buffers "
             "and replayed.");
    w.line("void run({} = nullptr);", io_parameters(true));
    w.line("// The same with the buffers in arrays, in the network's input and output order.");
    w.line("void run(const float *const *inputs, float *const *outputs, cudaStream_t stream = "
           "nullptr);");
    w.line("// Host pointers: copies the inputs in, runs, copies the outputs out and waits.");
    w.line("void run_host({});", io_parameters(false));
    w.line();
    w.label("private:");
    w.line("explicit {}(const SafetensorsFile &file);", class_);
    w.line("void launch_kernels({});", io_parameters(true));
    w.line();
    w.line("cuda::DeviceState device_; // weights, arena (activations, scratch, staging), stream{}",
           options_.cuda_graph ? ", graph" : "");
    if (slot_count_ != 0)
      w.line("std::array<std::size_t, {}> offsets_{{}}; // bytes into the weights: weight, bias, "
             "...",
             slot_count_);
    w.close("};");
    w.line();
    w.code("} // namespace netc");
    return w.str();
  }

  // Where a value's first element is on the device, as an expression over launch_kernels()'s
  // locals; a converted input or output is read from its scratch.
  std::string pointer(ValueId v) const {
    return value_pointer(list_, io_names_, v, Layout::Nhwc, scratch_);
  }

  std::string source() {
    CodeWriter w;
    banner(w, list_.network + ".cu");
    w.line("#include \"{}.hpp\"", list_.network);
    w.line();
    w.line("#include \"netc/cuda/kernels.cuh\"");
    w.line("#include \"netc/error.hpp\"");
    w.line("#include \"netc/kernel_params.hpp\"");
    w.line("#include \"netc/safetensors.hpp\"");
    w.line("#include \"netc/weight_blob.hpp\"");
    w.line("#include \"netc/weights.hpp\"");
    w.line();
    w.line("#include <cuda_runtime.h>");
    w.line();
    w.line("#include <algorithm>");
    w.line("#include <iterator>");
    w.line("#include <string>");
    w.line("#include <vector>");
    w.line();
    w.line("#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < {}", options_.arch * 10);
    w.line("#error \"{}.cu was generated for --arch=sm_{}: compile it for sm_{} or newer\"",
           list_.network, options_.arch, options_.arch);
    w.line("#endif");
    w.line();
    w.line("constexpr netc::cuda::Precision kPrecision = netc::cuda::Precision::{};",
           precision_name(options_.precision));
    w.line();
    kernel_constants(w);
    w.code(fmt::format("namespace netc::{} {{", detail_));
    w.line();
    w.line("using cuda::Launch;");
    w.line();
    write_tensor_table(w, list_);
    launch_checks(w);
    w.line("constexpr std::size_t kArenaFloats = {};", plan_.arena_floats);
    w.line();
    w.code(fmt::format("}} // namespace netc::{}", detail_));
    w.line();
    w.code("namespace netc {");
    w.line();
    w.line("using namespace {};", detail_);
    w.line();
    constructors(w);
    special_members(w);
    launch_function(w);
    run_functions(w);
    w.code("} // namespace netc");
    return w.str();
  }

  void kernel_constants(CodeWriter &w) {
    w.line("// One kernel per launch of run(), every size fixed (runtime/netc/kernel_params.hpp; "
           "NHWC).");
    w.line("// Template arguments of the kernels, so at global scope: nvcc's launch stubs cannot "
           "name");
    w.line("// such a constant inside a namespace. Internal linkage keeps them apart from another "
           "network's.");
    for (size_t i = 0; i < list_.kernels.size(); ++i) {
      const Kernel &k = list_.kernels[i];
      if (same_as_[i] != i) {
        w.line("{}: as k{}", kernel_comment(k), same_as_[i]);
        continue;
      }
      w.line("{}", kernel_comment(k));
      w.line("constexpr netc::{} k{} = {};", params_type(k.params), i,
             params_literal(k.params, "netc::"));
    }
    for (size_t i = 0; i < plan_.conversions.size(); ++i) {
      const LayoutConversion &c = plan_.conversions[i];
      const Dims &d = c.dims;
      w.line("// {} {}, NHWC side", c.to_nhwc ? "input" : "output", list_.values[c.value].name);
      w.line("constexpr netc::Dims kLayout{} = {{{}, {}, {}, {}, {}}};", i, d.n, d.c, d.h, d.w,
             d.batch_stride);
    }
    w.line();
  }

  std::string constant(const CudaLaunch &l) const {
    return l.kernel >= 0 ? fmt::format("k{}", same_as_[l.kernel])
                         : fmt::format("kLayout{}", l.conversion);
  }

  std::string geometry_call(const CudaLaunch &l) const {
    if (l.kernel < 0)
      return fmt::format("cuda::layout_launch({})", constant(l));
    const Kernel &k = list_.kernels[l.kernel];
    static const char *const families[] = {"conv_launch({}, kPrecision)",
                                           "pool_launch({})",
                                           "adaptive_pool_launch({})",
                                           "linear_launch({}, kPrecision)",
                                           "unary_launch({})",
                                           "binary_launch({})",
                                           "copy_launch({})",
                                           "lrn_launch({})",
                                           "softmax_launch({})",
                                           "layernorm_launch({})",
                                           "channel_shuffle_launch({})"};
    return "cuda::" + fmt::format(fmt::runtime(families[k.params.index()]), constant(l));
  }

  // The geometry printed into run() is netc's; the runtime headers compute it again here, so a
  // netc and a runtime that disagree fail to compile instead of launching the wrong grid.
  void launch_checks(CodeWriter &w) {
    w.line("// The grids launched below, as netc computed them; checked against the runtime's "
           "geometry.");
    w.open("constexpr bool same(const Launch &a, const Launch &b) {{");
    w.line("return a.grid_x == b.grid_x && a.grid_y == b.grid_y && a.grid_z == b.grid_z &&");
    w.line("       a.block_x == b.block_x && a.block_y == b.block_y && a.block_z == b.block_z &&");
    w.line("       a.shared_bytes == b.shared_bytes;");
    w.close();
    for (const CudaLaunch &l : plan_.launches)
      w.line("static_assert(same({}, {}), \"{}: launch geometry differs from "
             "netc/cuda/launch.hpp: regenerate\");",
             geometry_call(l), launch_literal(l.geometry), launch_label(list_, plan_, l));
    w.line();
  }

  std::string template_of(const CudaLaunch &l) const {
    std::string args = constant(l);
    if (l.kernel >= 0 && (is_convolution(list_.kernels[l.kernel].kind) ||
                          list_.kernels[l.kernel].kind == KernelKind::Linear))
      args += ", kPrecision";
    return fmt::format("cuda::{}<{}>", l.function, args);
  }

  void constructors(CodeWriter &w) {
    w.line(
        "{0}::{0}(const std::string &weights_path) : {0}(SafetensorsFile::open(weights_path)) {{}}",
        class_);
    w.line();
    w.line("{0}::{0}(const void *weights, std::size_t size)", class_);
    w.line("    : {}(SafetensorsFile::view(weights, size, \"<weights in memory>\")) {{}}", class_);
    w.line();
    w.open("{0}::{0}(const SafetensorsFile &file) {{", class_);
    write_check_tensors(w, list_);
    w.line("cuda::require_compute_capability({}, {});", cpp_string_literal(list_.network),
           options_.arch);
    w.line("// Fold (batch norm, scale) and pack on the host, then upload everything at once.");
    w.line("WeightBlob blob;");
    if (slot_count_ != 0) {
      w.line("std::vector<float> weight, bias;");
      for (size_t i = 0; i < list_.kernels.size(); ++i) {
        const Kernel &k = list_.kernels[i];
        if (!k.weights)
          continue;
        int slot = slots_.at(i);
        w.line("fold_weights(file, {}, {}, {}, weight, bias);", recipe_literal(*k.weights),
               weighted_out_channels(k), weights_per_out_channel(k));
        if (k.kind == KernelKind::LayerNorm) {
          w.line("offsets_[{}] = blob.add(weight);", slot);
        } else if (k.kind == KernelKind::Linear) {
          const Flatten &f = plan_.flatten[i];
          w.line("offsets_[{}] = blob.add(cuda::pack_linear_weights(k{}, kPrecision, "
                 "weight.data(), {}, {}, {}));",
                 slot, same_as_[i], f.c, f.h, f.w);
        } else {
          w.line("offsets_[{}] = blob.add(cuda::pack_conv_weights(k{}, kPrecision, "
                 "weight.data()));",
                 slot, same_as_[i]);
        }
        w.line("offsets_[{}] = blob.add(bias);", slot + 1);
      }
    }
    w.line("device_ = cuda::DeviceState({}, blob.data(), blob.size(), kArenaFloats);",
           cpp_string_literal(list_.network));
    for (const CudaLaunch &l : plan_.launches) {
      if (l.geometry.shared_bytes <= cuda::kMaxSharedStatic)
        continue;
      w.line("cuda::check(cudaFuncSetAttribute({}, cudaFuncAttributeMaxDynamicSharedMemorySize, "
             "{}),",
             template_of(l), l.geometry.shared_bytes);
      w.line("            \"{}: cudaFuncSetAttribute\");", launch_label(list_, plan_, l));
    }
    w.close();
    w.line();
  }

  // The special members are the DeviceState's, defined here where it is complete.
  void special_members(CodeWriter &w) {
    w.line("{0}::~{0}() = default;", class_);
    w.line("{0}::{0}({0} &&other) noexcept = default;", class_);
    w.line("{0} &{0}::operator=({0} &&other) noexcept = default;", class_);
    w.line();
  }

  std::string launch_arguments(const CudaLaunch &l) const {
    if (l.kernel < 0) {
      const LayoutConversion &c = plan_.conversions[l.conversion];
      std::string user = io_names_.at(c.value);
      std::string scratch = fmt::format("arena + {}", c.scratch);
      return c.to_nhwc ? user + ", " + scratch : scratch + ", " + user;
    }
    const Kernel &k = list_.kernels[l.kernel];
    std::string out = pointer(k.output);
    if (k.weights) {
      int slot = slots_.at(l.kernel);
      std::string weights =
          fmt::format("{}({}), floats({})", k.kind == KernelKind::LayerNorm ? "floats" : "bytes",
                      slot, slot + 1);
      if (k.kind == KernelKind::Linear || k.kind == KernelKind::LayerNorm)
        return fmt::format("{}, {}, {}", pointer(k.inputs[0]), weights, out);
      // runtime/netc/cuda/conv.cuh reads no input scale: lowering for CUDA leaves
      // fold-input-scale out (LoweringOptions::fold_input_scale).
      assert(!k.input_scale && "lowered for CUDA with fold_input_scale");
      std::string residual = k.residual ? pointer(*k.residual) : "nullptr";
      return fmt::format("{}, {}, {}, {}", pointer(k.inputs[0]), weights, residual, out);
    }
    if (k.kind == KernelKind::Binary || k.kind == KernelKind::Mul)
      return fmt::format("{}, {}, {}", pointer(k.inputs[0]), pointer(k.inputs[1]), out);
    return fmt::format("{}, {}", pointer(k.inputs[0]), out);
  }

  void launch_function(CodeWriter &w) {
    w.open("void {}::launch_kernels({}) {{", class_, io_parameters(true));
    w.line("float *arena = device_.arena();");
    if (slot_count_ != 0) {
      w.open("auto bytes = [this](std::size_t slot) -> const void * {{");
      w.line("return device_.weights() + offsets_[slot];");
      w.close("};");
      w.open("auto floats = [this](std::size_t slot) {{");
      w.line("return reinterpret_cast<const float *>(device_.weights() + offsets_[slot]);");
      w.close("};");
    }
    for (const CudaLaunch &l : plan_.launches) {
      std::string label = launch_label(list_, plan_, l);
      if (l.kernel >= 0) {
        const Kernel &k = list_.kernels[l.kernel];
        w.line("{}", kernel_comment(k));
      } else {
        w.line("// {}", label);
      }
      const cuda::Launch &g = l.geometry;
      w.line("{}<<<dim3({}, {}, {}), dim3({}, {}, {}), {}, stream>>>({});", template_of(l),
             g.grid_x, g.grid_y, g.grid_z, g.block_x, g.block_y, g.block_z, g.shared_bytes,
             launch_arguments(l));
      w.line("cuda::check_launch(\"{}: {} launch\");", label, l.function);
    }
    bool uses_arena = false;
    for (const CudaLaunch &l : plan_.launches)
      uses_arena = uses_arena || launch_arguments(l).find("arena + ") != std::string::npos;
    if (!uses_arena)
      w.line("(void)arena;");
    for (const NamedValue &v : list_.inputs)
      if (!uses(v.value))
        w.line("(void){};", io_names_.at(v.value));
    w.close();
    w.line();
  }

  // Whether a launch reads the caller's buffer itself (not a converted copy of it).
  bool uses(ValueId io) const {
    for (const LayoutConversion &c : plan_.conversions)
      if (c.value == io)
        return true;
    for (const Kernel &k : list_.kernels) {
      std::vector<ValueId> reads = k.inputs;
      if (k.residual)
        reads.push_back(*k.residual);
      for (ValueId v : reads)
        if (list_.root_of(v) == io)
          return true;
    }
    return false;
  }

  void run_functions(CodeWriter &w) {
    std::string params = io_parameters(true);
    w.open("void {}::run({}) {{", class_, params);
    if (options_.cuda_graph)
      w.line("device_.run_graph({{{0}}}, stream, [&](cudaStream_t s) {{ launch_kernels({0}, s); "
             "}});",
             io_arguments());
    else
      w.line("launch_kernels({}, stream);", io_arguments());
    w.close();
    w.line();
    w.open("void {}::run(const float *const *inputs, float *const *outputs, cudaStream_t stream) "
           "{{",
           class_);
    w.line("run({}, stream);", io_array_arguments(list_));
    w.close();
    w.line();
    w.open("void {}::run_host({}) {{", class_, io_parameters(false));
    w.line("float *arena = device_.arena();");
    std::string device_args;
    for (size_t i = 0; i < list_.inputs.size(); ++i) {
      const NamedValue &v = list_.inputs[i];
      w.line("device_.to_device(arena + {}, {}, {}, {});", plan_.input_staging[i],
             io_names_.at(v.value), *list_.values[v.value].type.num_elements(),
             cpp_string_literal(v.name));
      device_args +=
          fmt::format("{}arena + {}", device_args.empty() ? "" : ", ", plan_.input_staging[i]);
    }
    for (size_t i = 0; i < list_.outputs.size(); ++i)
      device_args += fmt::format(", arena + {}", plan_.output_staging[i]);
    w.line("run({}, device_.stream());", device_args);
    for (size_t i = 0; i < list_.outputs.size(); ++i) {
      const NamedValue &v = list_.outputs[i];
      w.line("device_.to_host({}, arena + {}, {}, {});", io_names_.at(v.value),
             plan_.output_staging[i], *list_.values[v.value].type.num_elements(),
             cpp_string_literal(v.name));
    }
    w.line("device_.synchronize();");
    w.close();
    w.line();
  }

  const KernelList &list_;
  const CudaEmitOptions &options_;
  std::string class_;
  std::string detail_;
  CudaPlan plan_;
  IoNames io_names_;
  std::map<ValueId, int64_t> scratch_; // network inputs and outputs converted through scratch
  std::map<size_t, int> slots_;        // weighted kernel -> its weight's index in offsets_
  int slot_count_ = 0;
  std::vector<size_t> same_as_; // per kernel: the first kernel with the same parameters
};

} // namespace

std::vector<EmittedFile> emit_cuda(const KernelList &list, const CudaEmitOptions &options) {
  return CudaEmitter(list, options).run();
}

} // namespace netc
