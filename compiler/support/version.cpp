#include "support/version.h"

namespace netc {

// NETC_VERSION comes from CMake (compiler/CMakeLists.txt), for this file alone.
const char *netc_version() {
  return "netc " NETC_VERSION;
}

} // namespace netc
