#include "support/resource_dirs.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace netc {

namespace {

// `relative` (from the install layout, e.g. "../share/netc/dsl") resolved against the folder of
// the running executable, without "..": it appears in messages.
std::string beside_executable(llvm::StringRef relative) {
  static int anchor; // any address inside this executable
  std::string executable = llvm::sys::fs::getMainExecutable("netc", &anchor);
  if (executable.empty())
    return "";
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(executable));
  llvm::sys::path::append(dir, relative);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  return std::string(dir);
}

// The installed folder if `marker` exists inside it, else the source tree's.
std::string installed_or_source(llvm::StringRef relative, llvm::StringRef marker,
                                std::string source) {
  std::string installed = beside_executable(relative);
  llvm::SmallString<256> probe(installed);
  llvm::sys::path::append(probe, marker);
  if (!installed.empty() && llvm::sys::fs::exists(probe))
    return installed;
  return source;
}

} // namespace

std::string dsl_library_dir() {
  static const std::string dir =
      installed_or_source(NETC_INSTALLED_DSL_DIR, "std", NETC_SOURCE_DSL_DIR);
  return dir;
}

std::string runtime_include_dir() {
  static const std::string dir = installed_or_source(
      NETC_INSTALLED_RUNTIME_DIR, "netc/kernel_params.hpp", NETC_SOURCE_RUNTIME_DIR);
  return dir;
}

} // namespace netc
