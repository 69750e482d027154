// Where netc finds the files it ships with: the DSL library that `import std.nn` reads and the
// runtime headers that generated code includes.
//
// An installed netc finds them beside its own executable (<prefix>/bin/netc,
// <prefix>/share/netc/dsl, <prefix>/include/netc), so an installation can be moved as a whole. A
// netc run from its build tree finds nothing there and uses the source tree, whose path is
// compiled in.
#pragma once

#include <string>

namespace netc {

// The folder imports are searched in last: `import std.nn` reads <dir>/std/nn.netc.
std::string dsl_library_dir();

// The folder that holds netc/*.hpp, the header-only runtime.
std::string runtime_include_dir();

} // namespace netc
