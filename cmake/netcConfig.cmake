# find_package(netc): the compiler as netc::netc, its header-only runtime as netc::runtime, and
# netc_add_network(), which runs netc at build time. The same file serves an installation
# (<prefix>/lib/cmake/netc) and a build tree (-Dnetc_DIR=<build>/cmake).
if(CMAKE_VERSION VERSION_LESS 3.20)
  set(netc_FOUND FALSE)
  set(netc_NOT_FOUND_MESSAGE "netc needs CMake 3.20 or later (DEPFILE, cmake_path)")
  return()
endif()
# netc::runtime links Threads::Threads: generated networks run on a thread pool.
include(CMakeFindDependencyMacro)
find_dependency(Threads)
include(${CMAKE_CURRENT_LIST_DIR}/netcTargets.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/NetcAddNetwork.cmake)
