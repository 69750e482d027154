# netc as a CMake package, found three ways with the same names (netc::netc, netc::runtime,
# netc_add_network):
#   installed:  `cmake --install` lays out bin/netc, include/netc/ (the runtime),
#               share/netc/dsl/std/ (the DSL library) and lib/cmake/netc/; netc finds the runtime
#               and the DSL library relative to itself (compiler/support/resource_dirs.cpp), so the
#               installation can be moved;
#   build tree: find_package(netc) with -Dnetc_DIR=<build>/cmake;
#   add_subdirectory(netc) from a parent project: the in-tree targets through their aliases.
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)
include(${CMAKE_CURRENT_LIST_DIR}/NetcAddNetwork.cmake)

add_executable(netc::netc ALIAS netc)
add_library(netc::runtime ALIAS netc_runtime)
set_target_properties(netc_runtime PROPERTIES EXPORT_NAME runtime)
target_include_directories(netc_runtime INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

set(netc_package_files
  ${CMAKE_CURRENT_LIST_DIR}/netcConfig.cmake
  ${CMAKE_CURRENT_LIST_DIR}/NetcAddNetwork.cmake
  ${CMAKE_CURRENT_LIST_DIR}/NetcCpuTargets.cmake
  ${CMAKE_CURRENT_LIST_DIR}/netc_host_target.cpp
  ${PROJECT_BINARY_DIR}/cmake/netcConfigVersion.cmake)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/netcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)

# The installation. The DSL library goes where resource_dirs.cpp looks for it.
install(TARGETS netc netc_runtime EXPORT netcTargets)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/netc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/dsl/std DESTINATION ${CMAKE_INSTALL_DATADIR}/netc/dsl)
install(EXPORT netcTargets NAMESPACE netc:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/netc)
install(FILES ${netc_package_files} DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/netc)

# The build tree as a package.
export(EXPORT netcTargets NAMESPACE netc:: FILE ${PROJECT_BINARY_DIR}/cmake/netcTargets.cmake)
foreach(file IN LISTS netc_package_files)
  cmake_path(GET file FILENAME name)
  if(NOT file STREQUAL "${PROJECT_BINARY_DIR}/cmake/${name}")
    configure_file(${file} ${PROJECT_BINARY_DIR}/cmake/${name} COPYONLY)
  endif()
endforeach()
