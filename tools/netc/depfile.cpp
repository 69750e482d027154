#include "depfile.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace netc {

namespace {

// Absolute, so that the file means the same whatever folder the build tool runs in.
std::string absolute(llvm::StringRef path) {
  llvm::SmallString<256> result(path);
  llvm::sys::fs::make_absolute(result);
  llvm::sys::path::remove_dots(result);
  return std::string(result);
}

// Make reads a space as a separator, '#' as a comment and '$' as a variable; Ninja's depfile
// parser undoes the same escapes.
std::string escaped(llvm::StringRef path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#')
      out += '\\';
    else if (c == '$')
      out += '$';
    out += c;
  }
  return out;
}

} // namespace

std::vector<std::string> files_read(const CompiledFile &file) {
  std::vector<std::string> paths;
  for (const Module &module : file.program.modules)
    paths.push_back(
        file.source_mgr->getMemoryBuffer(module.buffer_id)->getBufferIdentifier().str());
  if (!file.config.path.empty())
    paths.push_back(file.config.path);
  return paths;
}

std::string format_depfile(const std::vector<std::string> &targets,
                           const std::vector<std::string> &prerequisites) {
  std::string text;
  for (const std::string &target : targets)
    text += (text.empty() ? "" : " ") + escaped(absolute(target));
  text += ":";
  for (const std::string &prerequisite : prerequisites)
    text += " \\\n  " + escaped(absolute(prerequisite));
  return text + "\n";
}

} // namespace netc
