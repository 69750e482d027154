// netc's version, as the top-level CMakeLists.txt's project(VERSION) sets it: what
// `netc --version` and the banner of generated code print.
#pragma once

namespace netc {

const char *netc_version(); // "netc 0.1.0"

} // namespace netc
