#include "driver/codegen_commands.h"

#include "cpu/cpu_emitter.h"
#include "cuda/cuda_emitter.h"
#include "cuda/cuda_launch_plan.h"
#include "driver/depfile.h"
#include "driver/weights_check.h"
#include "lower/kernel_printer.h"
#include "lower/lowering_pipeline.h"
#include "pytorch/pytorch_emitter.h"
#include "support/resource_dirs.h"

#include <netc/safetensors.hpp>

#include <llvm/ADT/StringMap.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

namespace cl = llvm::cl;

namespace netc {

namespace {

cl::OptionCategory codegen_category("netc code generation options");

cl::SubCommand emit_cmd("emit", "Generate C++ for a network: <network>.hpp/.cpp and the runtime "
                                "headers they include (with --backend=cuda, <network>.hpp/.cu; "
                                "with --backend=pytorch, <network>.py)");
cl::SubCommand lower_cmd("lower", "Print the kernel list a network lowers to");

cl::opt<std::string> emit_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                               cl::sub(emit_cmd));
cl::opt<std::string> lower_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                                cl::sub(lower_cmd));
cl::opt<std::string> output_dir("o", cl::desc("Folder to write the files to (created)"),
                                cl::value_desc("dir"), cl::Required, cl::sub(emit_cmd),
                                cl::cat(codegen_category));
enum class Backend { Cpu, Cuda, Pytorch };
cl::opt<Backend>
    backend("backend", cl::desc("Code generator"),
            cl::values(clEnumValN(Backend::Cpu, "cpu", "C++17 for CPUs (default)"),
                       clEnumValN(Backend::Cuda, "cuda", "CUDA C++ for NVIDIA GPUs (sm_80 and newer)"),
                       clEnumValN(Backend::Pytorch, "pytorch",
                                  "a torch.nn.Module with netc's state_dict() names, to train")),
            cl::init(Backend::Cpu), cl::sub(emit_cmd), cl::sub(lower_cmd),
            cl::cat(codegen_category));
cl::opt<std::string> arch("arch",
                          cl::desc("--backend=cuda: the oldest GPU architecture the code runs on "
                                   "(sm_80, sm_86, sm_89, sm_90, ...; default sm_80)"),
                          cl::value_desc("sm_NN"), cl::init("sm_80"), cl::sub(emit_cmd),
                          cl::cat(codegen_category));
cl::opt<cuda::Precision> precision(
    "precision", cl::desc("--backend=cuda: how convolutions and linear layers multiply"),
    cl::values(clEnumValN(cuda::Precision::fp32, "fp32", "float32 on CUDA cores, exact (default)"),
               clEnumValN(cuda::Precision::tf32, "tf32", "TF32 tensor cores"),
               clEnumValN(cuda::Precision::bf16, "bf16", "bfloat16 tensor cores"),
               clEnumValN(cuda::Precision::fp16, "fp16", "float16 tensor cores")),
    cl::init(cuda::Precision::fp32), cl::sub(emit_cmd), cl::sub(lower_cmd),
    cl::cat(codegen_category));
cl::opt<bool> cuda_graph("cuda-graph",
                         cl::desc("--backend=cuda: capture run()'s launches into a CUDA graph and "
                                  "replay it (batch-1 latency)"),
                         cl::sub(emit_cmd), cl::cat(codegen_category));
enum class Target { Auto, Generic, Avx2, Avx512 };
cl::opt<Target>
    target("target", cl::desc("CPU instructions the code may use"),
           cl::values(clEnumValN(Target::Auto, "auto", "those of this machine (default)"),
                      clEnumValN(Target::Generic, "generic", "none: portable C++17"),
                      clEnumValN(Target::Avx2, "avx2", "AVX2 and FMA"),
                      clEnumValN(Target::Avx512, "avx512", "AVX-512F")),
           cl::init(Target::Auto), cl::sub(emit_cmd), cl::cat(codegen_category));
cl::opt<std::string> embed_weights("embed-weights",
                                   cl::desc("Embed this safetensors file in the generated source "
                                            "(small networks; checked against the network)"),
                                   cl::value_desc("file"), cl::sub(emit_cmd),
                                   cl::cat(codegen_category));
cl::opt<bool> winograd("winograd",
                       cl::desc("CPU: run 3x3 stride-1 convolutions as Winograd F(4x4, 3x3) "
                                "(faster, less accurate: see docs/benchmarks.md)"),
                       cl::sub(emit_cmd), cl::cat(codegen_category));
cl::opt<bool> no_runtime("no-runtime",
                         cl::desc("Do not copy the runtime headers (build with -I runtime/)"),
                         cl::sub(emit_cmd), cl::cat(codegen_category));
cl::opt<std::string> depfile("depfile",
                             cl::desc("Also write a Make-style dependency file: the generated "
                                      "files, then the .netc, its imports and .netc.yaml"),
                             cl::value_desc("file"), cl::sub(emit_cmd), cl::cat(codegen_category));

constexpr int kExitClean = 0;
constexpr int kExitErrors = 1;
constexpr int kExitUsage = 2;

CpuTarget host_target() {
  llvm::StringMap<bool> features;
  if (!llvm::sys::getHostCPUFeatures(features))
    return CpuTarget::Generic;
  if (features.lookup("avx512f") && features.lookup("avx2") && features.lookup("fma"))
    return CpuTarget::Avx512;
  if (features.lookup("avx2") && features.lookup("fma"))
    return CpuTarget::Avx2;
  return CpuTarget::Generic;
}

CpuTarget chosen_target() {
  switch (target) {
  case Target::Auto:
    return host_target();
  case Target::Generic:
    return CpuTarget::Generic;
  case Target::Avx2:
    return CpuTarget::Avx2;
  case Target::Avx512:
    return CpuTarget::Avx512;
  }
  return CpuTarget::Generic;
}

// Compiles `path` into `file`; false (diagnostics printed) on errors or when it has no network.
bool compile_networks(const DriverContext &context, const std::string &path, CompiledFile &file) {
  file = compile_file(path, context.compile);
  if (!file.readable)
    return false;
  if (file.diags->flush(llvm::errs(), context.colors).errors != 0)
    return false;
  if (file.graphs.empty()) {
    llvm::errs() << "netc: error: '" << path << "' has no network\n";
    return false;
  }
  return true;
}

// Compiles `path` and lowers each of its networks; nullopt (diagnostics printed) on errors.
std::optional<std::vector<KernelList>>
lower_file_networks(const DriverContext &context, const std::string &path, CompiledFile &file) {
  if (!compile_networks(context, path, file))
    return std::nullopt;
  LoweringSource source{*file.source_mgr, file.program.main().buffer_id, path};
  LoweringOptions options;
  options.print_after_all = context.compile.pipeline.print_after_all;
  options.time_passes = context.compile.pipeline.time_passes;
  std::vector<KernelList> lists;
  for (const Graph &graph : file.graphs)
    lists.push_back(lower_graph(graph, source, options));
  return lists;
}

bool write_file(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  if (!ec)
    out << text;
  if (ec || out.has_error()) {
    llvm::errs() << "netc: error: cannot write '" << path << "': " << ec.message() << "\n";
    return false;
  }
  return true;
}

// Copies the runtime headers into dir/netc/, so the emitted folder builds on its own: the CPU
// backend's runtime/netc/**.hpp without netc/cuda, the CUDA backend's without netc/cpu and with
// netc/cuda's .cuh.
bool copy_runtime(const std::string &dir, bool for_cuda) {
  std::error_code ec;
  std::string root = runtime_include_dir();
  for (llvm::sys::fs::recursive_directory_iterator it(root + "/netc", ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef extension = llvm::sys::path::extension(it->path());
    if (extension != ".hpp" && !(for_cuda && extension == ".cuh"))
      continue;
    llvm::StringRef relative = llvm::StringRef(it->path()).drop_front(root.size() + 1);
    if (relative.startswith(for_cuda ? "netc/cpu/" : "netc/cuda/"))
      continue;
    llvm::SmallString<256> target(dir);
    llvm::sys::path::append(target, relative);
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(target));
    if (std::error_code copy = llvm::sys::fs::copy_file(it->path(), target)) {
      llvm::errs() << "netc: error: cannot copy '" << it->path() << "' to '" << target
                   << "': " << copy.message() << "\n";
      return false;
    }
  }
  if (ec) {
    llvm::errs() << "netc: error: cannot read the runtime headers in '" << root
                 << "': " << ec.message() << "\n";
    return false;
  }
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

// --backend=pytorch: DIR/<network>.py from each checked graph, not lowered: training needs the
// batch norms that lowering folds away. --no-runtime has nothing to leave out and is accepted.
int run_emit_pytorch(const DriverContext &context) {
  for (const cl::Option *cpp_only : {static_cast<const cl::Option *>(&target),
                                     static_cast<const cl::Option *>(&embed_weights)}) {
    if (cpp_only->getNumOccurrences() != 0) {
      llvm::errs() << "netc: error: --" << cpp_only->ArgStr
                   << " is for the C++ backends; --backend=pytorch takes no such option\n";
      return kExitUsage;
    }
  }
  CompiledFile file;
  if (!compile_networks(context, emit_file, file))
    return file.readable ? kExitErrors : kExitUsage;
  PytorchEmitOptions options;
  options.source_file = emit_file;
  options.command = context.command_line;
  options.version = "netc 0.1.0";
  std::vector<EmittedFile> files; // all of them before the first is written
  try {
    for (const Graph &graph : file.graphs)
      files.push_back(emit_pytorch(graph, options));
  } catch (const Error &e) {
    llvm::errs() << "netc: error: " << e.what() << "\n";
    return kExitErrors;
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(output_dir)) {
    llvm::errs() << "netc: error: cannot create '" << output_dir << "': " << ec.message() << "\n";
    return kExitUsage;
  }
  std::vector<std::string> written;
  for (const EmittedFile &emitted : files) {
    llvm::SmallString<256> path(output_dir);
    llvm::sys::path::append(path, emitted.name);
    if (!write_file(std::string(path), emitted.text))
      return kExitUsage;
    written.push_back(std::string(path));
  }
  if (!depfile.empty() && !write_file(depfile, format_depfile(written, files_read(file))))
    return kExitUsage;
  return kExitClean;
}

// An option given to a backend it is not for: the message says which backend takes it.
bool refuse(const cl::Option &option, const char *backend_name, const char *for_whom) {
  if (option.getNumOccurrences() == 0)
    return false;
  llvm::errs() << "netc: error: --" << option.ArgStr << " is for " << for_whom << "; --backend="
               << backend_name << " takes no such option\n";
  return true;
}

// The compute capability of --arch: sm_90 -> 90; nullopt (reported) when it is not one.
std::optional<int> parse_arch() {
  llvm::StringRef text(arch);
  int number = 0;
  if (!text.consume_front("sm_") || text.getAsInteger(10, number) || number < 80) {
    llvm::errs() << "netc: error: --arch must be sm_NN with NN at least 80 (CUDA 13 supports "
                    "sm_80 and newer), not '"
                 << arch << "'\n";
    return std::nullopt;
  }
  return number;
}

int run_emit(const DriverContext &context) {
  if (backend != Backend::Cuda)
    for (const cl::Option *cuda_only : {static_cast<const cl::Option *>(&arch),
                                        static_cast<const cl::Option *>(&precision),
                                        static_cast<const cl::Option *>(&cuda_graph)})
      if (refuse(*cuda_only, backend == Backend::Cpu ? "cpu" : "pytorch", "--backend=cuda"))
        return kExitUsage;
  if (backend != Backend::Cpu &&
      refuse(winograd, backend == Backend::Cuda ? "cuda" : "pytorch", "--backend=cpu"))
    return kExitUsage;
  if (backend == Backend::Pytorch)
    return run_emit_pytorch(context);
  std::optional<int> arch_number;
  if (backend == Backend::Cuda) {
    for (const cl::Option *cpu_only : {static_cast<const cl::Option *>(&target),
                                       static_cast<const cl::Option *>(&embed_weights)})
      if (refuse(*cpu_only, "cuda", "--backend=cpu"))
        return kExitUsage;
    arch_number = parse_arch();
    if (!arch_number)
      return kExitUsage;
  }
  CompiledFile file;
  auto lists = lower_file_networks(context, emit_file, file);
  if (!lists)
    return file.readable ? kExitErrors : kExitUsage;
  if (!embed_weights.empty() && lists->size() != 1) {
    llvm::errs() << "netc: error: --embed-weights needs one network; choose it with --network\n";
    return kExitUsage;
  }
  // Every CUDA network is emitted before the first file is written: one it cannot express
  // (emit_cuda throws, naming the layer) leaves no half-written folder.
  std::vector<std::vector<EmittedFile>> cuda_files;
  if (backend == Backend::Cuda) {
    CudaEmitOptions options;
    options.precision = precision;
    options.arch = *arch_number;
    options.cuda_graph = cuda_graph;
    options.command = context.command_line;
    options.version = "netc 0.1.0";
    try {
      for (const KernelList &list : *lists)
        cuda_files.push_back(emit_cuda(list, options));
    } catch (const Error &e) {
      llvm::errs() << "netc: error: " << e.what() << "\n";
      return kExitErrors;
    }
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(output_dir)) {
    llvm::errs() << "netc: error: cannot create '" << output_dir << "': " << ec.message() << "\n";
    return kExitUsage;
  }
  std::vector<std::string> written;
  auto write_emitted = [&](const std::vector<EmittedFile> &files) {
    for (const EmittedFile &f : files) {
      llvm::SmallString<256> path(output_dir);
      llvm::sys::path::append(path, f.name);
      if (!write_file(std::string(path), f.text))
        return false;
      written.push_back(std::string(path));
    }
    return true;
  };
  for (const KernelList &list : *lists) {
    if (backend == Backend::Cuda) {
      if (!write_emitted(cuda_files.at(&list - lists->data())))
        return kExitUsage;
      continue;
    }
    CpuEmitOptions options;
    options.target = chosen_target();
    options.command = context.command_line;
    options.version = "netc 0.1.0";
    options.winograd = winograd;
    std::optional<std::vector<unsigned char>> embedded;
    if (!embed_weights.empty()) {
      embedded = read_embedded(file.graphs.at(&list - lists->data()));
      if (!embedded)
        return kExitErrors;
      options.embedded_weights = &*embedded;
    }
    if (!write_emitted(emit_cpu(list, options)))
      return kExitUsage;
  }
  if (!no_runtime && !copy_runtime(output_dir, backend == Backend::Cuda))
    return kExitUsage;
  if (!depfile.empty() && !write_file(depfile, format_depfile(written, files_read(file))))
    return kExitUsage;
  return kExitClean;
}

// `netc lower`: the kernel list; with --backend=cuda, then every launch with its geometry.
int run_lower(const DriverContext &context) {
  if (backend == Backend::Pytorch) {
    llvm::errs() << "netc: error: --backend=pytorch prints the checked graph, not a kernel list; "
                    "netc lower takes --backend=cpu or cuda\n";
    return kExitUsage;
  }
  if (backend != Backend::Cuda && refuse(precision, "cpu", "--backend=cuda"))
    return kExitUsage;
  CompiledFile file;
  auto lists = lower_file_networks(context, lower_file, file);
  if (!lists)
    return file.readable ? kExitErrors : kExitUsage;
  for (const KernelList &list : *lists) {
    print_kernel_list(list, llvm::outs());
    if (backend == Backend::Cuda)
      print_cuda_plan(list, plan_cuda_launches(list, precision), llvm::outs());
  }
  return kExitClean;
}

} // namespace

llvm::cl::OptionCategory &codegen_option_category() {
  return codegen_category;
}

std::optional<int> run_codegen_command(const DriverContext &context) {
  if (emit_cmd)
    return run_emit(context);
  if (lower_cmd)
    return run_lower(context);
  return std::nullopt;
}

} // namespace netc
