#include "backend_table.h"
#include "options.h"
#include "weights_check.h"

#include "cpu/cpu_emitter.h"
#include "cuda/cuda_emitter.h"
#include "cuda/cuda_launch_plan.h"
#include "pytorch/pytorch_emitter.h"

#include <netc/safetensors.hpp>

#include <llvm/ADT/StringMap.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <optional>

namespace cl = llvm::cl;

namespace netc {

namespace {

// --backend=cpu: an instruction set (backends/cpu/isa.h), or auto.
enum class IsaOption { Auto, Generic, Avx2, Avx512 };
cl::opt<IsaOption>
    target("target", cl::desc("CPU instructions the code may use"),
           cl::values(clEnumValN(IsaOption::Auto, "auto", "those of this machine (default)"),
                      clEnumValN(IsaOption::Generic, "generic", "none: portable C++17"),
                      clEnumValN(IsaOption::Avx2, "avx2", "AVX2 and FMA"),
                      clEnumValN(IsaOption::Avx512, "avx512", "AVX-512 F, DQ, BW and VL")),
           cl::init(IsaOption::Auto), cl::sub(emit_subcommand()), cl::cat(codegen_category()));
cl::opt<std::string> embed_weights("embed-weights",
                                   cl::desc("Embed this safetensors file in the generated source "
                                            "(small networks; checked against the network)"),
                                   cl::value_desc("file"), cl::sub(emit_subcommand()),
                                   cl::cat(codegen_category()));
cl::opt<bool> profile("profile",
                      cl::desc("Time each kernel of run(): the class gets profile() (layer, kind, "
                               "MACs, calls, time); without it the code has no timing at all"),
                      cl::sub(emit_subcommand()), cl::cat(codegen_category()));
cl::opt<bool> winograd("winograd",
                       cl::desc("Run 3x3 stride-1 convolutions as Winograd F(4x4, 3x3) "
                                "(faster, less accurate: see docs/benchmarks.md)"),
                       cl::sub(emit_subcommand()), cl::cat(codegen_category()));

// --backend=cuda
cl::opt<std::string> arch("arch",
                          cl::desc("--backend=cuda: the oldest GPU architecture the code runs on "
                                   "(sm_80, sm_86, sm_89, sm_90, ...; default sm_80)"),
                          cl::value_desc("sm_NN"), cl::init("sm_80"), cl::sub(emit_subcommand()),
                          cl::cat(codegen_category()));
cl::opt<cuda::Precision> precision(
    "precision", cl::desc("--backend=cuda: how convolutions and linear layers multiply"),
    cl::values(clEnumValN(cuda::Precision::fp32, "fp32", "float32 on CUDA cores, exact (default)"),
               clEnumValN(cuda::Precision::tf32, "tf32", "TF32 tensor cores"),
               clEnumValN(cuda::Precision::bf16, "bf16", "bfloat16 tensor cores"),
               clEnumValN(cuda::Precision::fp16, "fp16", "float16 tensor cores")),
    cl::init(cuda::Precision::fp32), cl::sub(emit_subcommand()), cl::sub(lower_subcommand()),
    cl::cat(codegen_category()));
cl::opt<bool> cuda_graph("cuda-graph",
                         cl::desc("--backend=cuda: capture run()'s launches into a CUDA graph and "
                                  "replay it (batch-1 latency)"),
                         cl::sub(emit_subcommand()), cl::cat(codegen_category()));

// --target=auto: the best ISA this machine has every feature of (cmake/NetcCpuTargets.cmake), as
// netc_add_network(... TARGET auto) chooses through cmake/netc_host_target.cpp.
Isa host_isa() {
  llvm::StringMap<bool> features;
  if (!llvm::sys::getHostCPUFeatures(features))
    return Isa::Generic;
  return best_isa([&](llvm::StringRef f) { return features.lookup(f); });
}

Isa chosen_isa() {
  switch (target) {
  case IsaOption::Auto:
    return host_isa();
  case IsaOption::Generic:
    return Isa::Generic;
  case IsaOption::Avx2:
    return Isa::Avx2;
  case IsaOption::Avx512:
    return Isa::Avx512;
  }
  return Isa::Generic;
}

bool no_options_to_check() {
  return true;
}

// Reads the file to embed and checks it against the network, so a wrong file fails here and not
// in the user's program.
std::optional<std::vector<unsigned char>> read_embedded(const Graph &graph) {
  auto buffer = llvm::MemoryBuffer::getFile(embed_weights, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    llvm::errs() << "netc: error: cannot read '" << embed_weights
                 << "': " << buffer.getError().message() << "\n";
    return std::nullopt;
  }
  std::vector<unsigned char> bytes((*buffer)->getBufferStart(), (*buffer)->getBufferEnd());
  try {
    check_network_weights(SafetensorsFile::view(bytes.data(), bytes.size(), embed_weights), graph);
  } catch (const Error &e) {
    llvm::errs() << "netc: error: " << e.what() << "\n";
    return std::nullopt;
  }
  return bytes;
}

int emit_cpu_networks(const EmitInput &input, std::vector<EmittedFile> &files) {
  if (!embed_weights.empty() && input.lists.size() != 1) {
    llvm::errs() << "netc: error: --embed-weights needs one network; choose it with --network\n";
    return kExitUsage;
  }
  for (size_t i = 0; i < input.lists.size(); ++i) {
    CpuEmitOptions options;
    options.target = chosen_isa();
    options.command = input.invocation.command_line;
    options.profile = profile;
    options.winograd = winograd;
    std::optional<std::vector<unsigned char>> embedded;
    if (!embed_weights.empty()) {
      embedded = read_embedded(input.file.graphs.at(i));
      if (!embedded)
        return kExitErrors;
      options.embedded_weights = &*embedded;
    }
    std::vector<EmittedFile> emitted = emit_cpu(input.lists[i], options);
    files.insert(files.end(), emitted.begin(), emitted.end());
  }
  return kExitClean;
}

// The compute capability of --arch: sm_90 -> 90; nullopt when it is not one.
std::optional<int> compute_capability() {
  llvm::StringRef text(arch);
  int number = 0;
  if (!text.consume_front("sm_") || text.getAsInteger(10, number) || number < 80)
    return std::nullopt;
  return number;
}

bool check_cuda_options() {
  if (compute_capability())
    return true;
  llvm::errs() << "netc: error: --arch must be sm_NN with NN at least 80 (CUDA 13 supports "
                  "sm_80 and newer), not '"
               << arch << "'\n";
  return false;
}

// emit_cuda throws, naming the layer, for a network it cannot express.
int emit_cuda_networks(const EmitInput &input, std::vector<EmittedFile> &files) {
  CudaEmitOptions options;
  options.precision = precision;
  options.arch = *compute_capability();
  options.cuda_graph = cuda_graph;
  options.command = input.invocation.command_line;
  try {
    for (const KernelList &list : input.lists) {
      std::vector<EmittedFile> emitted = emit_cuda(list, options);
      files.insert(files.end(), emitted.begin(), emitted.end());
    }
  } catch (const Error &e) {
    llvm::errs() << "netc: error: " << e.what() << "\n";
    return kExitErrors;
  }
  return kExitClean;
}

// Every launch with its geometry, after the kernel list.
void print_cuda_launches(const KernelList &list, llvm::raw_ostream &os) {
  print_cuda_plan(list, plan_cuda_launches(list, precision), os);
}

int emit_pytorch_networks(const EmitInput &input, std::vector<EmittedFile> &files) {
  PytorchEmitOptions options;
  options.source_file = input.source_file;
  options.command = input.invocation.command_line;
  try {
    for (const Graph &graph : input.file.graphs)
      files.push_back(emit_pytorch(graph, options));
  } catch (const Error &e) {
    llvm::errs() << "netc: error: " << e.what() << "\n";
    return kExitErrors;
  }
  return kExitClean;
}

const Backend kBackends[] = {
    {.name = "cpu",
     .description = "C++17 for CPUs (default)",
     .options = {&target, &embed_weights, &profile, &winograd},
     .lowers = true,
     .folds_input_scale = true,
     .runtime = RuntimeHeaders::Cpu,
     .check_options = no_options_to_check,
     .emit = emit_cpu_networks,
     .print_lowered = nullptr},
    {.name = "cuda",
     .description = "CUDA C++ for NVIDIA GPUs (sm_80 and newer)",
     .options = {&arch, &precision, &cuda_graph},
     .lowers = true,
     // Not yet: runtime/netc/cuda/conv.cuh reads no input scale (no GPU to check one on).
     .folds_input_scale = false,
     .runtime = RuntimeHeaders::Cuda,
     .check_options = check_cuda_options,
     .emit = emit_cuda_networks,
     .print_lowered = print_cuda_launches},
    // The checked graph, not lowered: training needs the batch norms that lowering folds away.
    // --no-runtime has nothing to leave out and is accepted.
    {.name = "pytorch",
     .description = "a torch.nn.Module with netc's state_dict() names, to train",
     .options = {},
     .lowers = false,
     .folds_input_scale = false,
     .runtime = RuntimeHeaders::None,
     .check_options = no_options_to_check,
     .emit = emit_pytorch_networks,
     .print_lowered = nullptr},
};

cl::opt<const Backend *> backend("backend", cl::desc("Code generator"), cl::init(&kBackends[0]),
                                 cl::sub(emit_subcommand()), cl::sub(lower_subcommand()),
                                 cl::cat(codegen_category()));

// --backend's values are the table's names.
[[maybe_unused]] const bool backend_values_added = [] {
  for (const Backend &b : kBackends)
    backend.getParser().addLiteralOption(b.name, &b, b.description);
  return true;
}();

bool takes(const Backend &b, const cl::Option *option) {
  return std::find(b.options.begin(), b.options.end(), option) != b.options.end();
}

} // namespace

const Backend &chosen_backend() {
  return *backend;
}

std::string lowering_backend_names() {
  std::string names;
  for (const Backend &b : kBackends)
    if (b.lowers)
      names += (names.empty() ? "" : " or ") + std::string(b.name);
  return names;
}

bool refuse_foreign_options(const Backend &chosen) {
  for (const Backend &other : kBackends) {
    for (const cl::Option *option : other.options) {
      if (takes(chosen, option) || option->getNumOccurrences() == 0)
        continue;
      std::string owners;
      for (const Backend &b : kBackends)
        if (takes(b, option))
          owners += (owners.empty() ? "" : " or ") + std::string(b.name);
      llvm::errs() << "netc: error: --" << option->ArgStr << " is for --backend=" << owners
                   << "; --backend=" << chosen.name << " takes no such option\n";
      return true;
    }
  }
  return false;
}

} // namespace netc
