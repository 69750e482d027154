// A Make-style dependency file, as a C compiler writes with -MD: the files netc wrote, then every
// file it read to write them. Build systems (CMake's DEPFILE, Ninja, Make) read it to run netc
// again when an imported file or the .netc.yaml changes, not only the file they named.
#pragma once

#include "frontend/compile.h"

#include <string>
#include <vector>

namespace netc {

// The files a compilation read, in the order it read them: the main file, each imported file,
// then the .netc.yaml that applied, if one did.
std::vector<std::string> files_read(const CompiledFile &file);

// "target...: prerequisite...", each path made absolute and escaped for Make and Ninja.
std::string format_depfile(const std::vector<std::string> &targets,
                           const std::vector<std::string> &prerequisites);

} // namespace netc
