// netc emit FILE -o DIR: code for each network, by the backend --backend names
// (backend_table.cpp), and the runtime headers it includes, copied beside it.
#include "backend_table.h"
#include "command.h"
#include "depfile.h"
#include "lowered_networks.h"
#include "options.h"

#include "support/resource_dirs.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

namespace cl = llvm::cl;

namespace netc {

cl::SubCommand &emit_subcommand() {
  static cl::SubCommand sub("emit", "Generate C++ for a network: <network>.hpp/.cpp and the "
                                    "runtime headers they include (with --backend=cuda, "
                                    "<network>.hpp/.cu; with --backend=pytorch, <network>.py)");
  return sub;
}

namespace {

cl::opt<std::string> emit_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                               cl::sub(emit_subcommand()));
cl::opt<std::string> output_dir("o", cl::desc("Folder to write the files to (created)"),
                                cl::value_desc("dir"), cl::Required, cl::sub(emit_subcommand()),
                                cl::cat(codegen_category()));
cl::opt<bool> no_runtime("no-runtime",
                         cl::desc("Do not copy the runtime headers (build with -I runtime/)"),
                         cl::sub(emit_subcommand()), cl::cat(codegen_category()));
cl::opt<std::string> depfile("depfile",
                             cl::desc("Also write a Make-style dependency file: the generated "
                                      "files, then the .netc, its imports and .netc.yaml"),
                             cl::value_desc("file"), cl::sub(emit_subcommand()),
                             cl::cat(codegen_category()));

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
// backend's runtime/netc/**.hpp and .def without netc/cuda, the CUDA backend's without netc/cpu
// and with netc/cuda's .cuh.
bool copy_runtime(const std::string &dir, RuntimeHeaders headers) {
  bool for_cuda = headers == RuntimeHeaders::Cuda;
  std::error_code ec;
  std::string root = runtime_include_dir();
  for (llvm::sys::fs::recursive_directory_iterator it(root + "/netc", ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef extension = llvm::sys::path::extension(it->path());
    if (extension != ".hpp" && extension != ".def" && !(for_cuda && extension == ".cuh"))
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

} // namespace

int run_emit(const Invocation &invocation) {
  const Backend &backend = chosen_backend();
  if (refuse_foreign_options(backend) || !backend.check_options())
    return kExitUsage;
  CompiledFile file;
  if (!compile_networks(invocation, emit_file, file))
    return file.readable ? kExitErrors : kExitUsage;
  std::vector<KernelList> lists;
  if (backend.lowers)
    lists = lower_networks(invocation, backend, emit_file, file);
  // Every network is emitted before the first file is written: one the backend cannot express
  // leaves no half-written folder.
  std::vector<EmittedFile> files;
  if (int rc = backend.emit({file, lists, emit_file, invocation}, files))
    return rc;
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
  if (!no_runtime && backend.runtime != RuntimeHeaders::None &&
      !copy_runtime(output_dir, backend.runtime))
    return kExitUsage;
  if (!depfile.empty() && !write_file(depfile, format_depfile(written, files_read(file))))
    return kExitUsage;
  return kExitClean;
}

} // namespace netc
