# netc_add_network(<target> <file.netc>
#                  [NETWORK name] [BACKEND cpu|cuda] [TARGET auto|generic|avx2|avx512]
#                  [BATCH n] [INPUT_SIZE n|HxW] [EMBED_WEIGHTS file] [IMPORT_DIRS dir...]
#                  [PRECISION fp32|tf32|bf16|fp16] [CUDA_GRAPH] [WINOGRAD])
#
# Runs `netc emit` at build time, as protobuf_generate runs protoc, and makes a static library
# <target> of the generated class: link it and #include "<network>.hpp". The code is written to
# ${CMAKE_CURRENT_BINARY_DIR}/<target>/ and generated again when the .netc file, a file it
# imports, its .netc.yaml or netc itself changes. NETWORK defaults to the file's name without
# .netc. TARGET auto builds for the best instruction set of the machine that configures the build
# (cached as NETC_HOST_TARGET: set it to build for another machine). BACKEND cuda writes
# <network>.cu for the first of CMAKE_CUDA_ARCHITECTURES (the project enables CUDA), with
# PRECISION (default fp32) and CUDA_GRAPH (capture run() into a CUDA graph) passed to netc.
# WINOGRAD (BACKEND cpu) runs 3x3 stride-1 convolutions as Winograd F(4x4, 3x3) (netc emit
# --winograd: faster, less accurate).

cmake_policy(PUSH)
# Functions keep the policies of their definition: DEPFILE paths as CMake 3.20 reads them.
cmake_policy(VERSION 3.20)

include(${CMAKE_CURRENT_LIST_DIR}/NetcCpuTargets.cmake)

# The CPU target `netc emit --target=auto` would choose on the machine that configures the build:
# a probe built with the project's compiler and run once. Chosen here, not by netc at build time,
# so that the code and its compile options cannot disagree.
function(_netc_host_target out)
  if(NOT DEFINED CACHE{NETC_HOST_TARGET})
    set(host generic)
    if(CMAKE_CROSSCOMPILING)
      message(STATUS "netc: cross-compiling; TARGET auto builds for generic (set NETC_HOST_TARGET)")
    else()
      set(features "")
      foreach(t IN LISTS NETC_CPU_TARGETS)
        list(APPEND features ${NETC_CPU_FEATURES_${t}})
      endforeach()
      list(REMOVE_DUPLICATES features)
      try_run(run_result compiled ${CMAKE_BINARY_DIR}/CMakeFiles/netc_host_target
              ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/netc_host_target.cpp
              RUN_OUTPUT_VARIABLE output ARGS ${features})
      if(compiled AND run_result EQUAL 0)
        # The probe prints the features this machine has; take the best target they cover.
        string(REGEX REPLACE "[ \t\r\n]+" ";" present "${output}")
        foreach(t IN LISTS NETC_CPU_TARGETS)
          set(covered TRUE)
          foreach(feature IN LISTS NETC_CPU_FEATURES_${t})
            if(NOT feature IN_LIST present)
              set(covered FALSE)
            endif()
          endforeach()
          if(covered)
            set(host ${t})
          endif()
        endforeach()
      endif()
    endif()
    set(NETC_HOST_TARGET ${host} CACHE STRING
        "The CPU target of netc_add_network(... TARGET auto): generic, avx2 or avx512")
    message(STATUS "netc: TARGET auto builds for ${host}")
  endif()
  if(NOT NETC_HOST_TARGET IN_LIST NETC_CPU_TARGETS)
    message(FATAL_ERROR "NETC_HOST_TARGET must be generic, avx2 or avx512, not '${NETC_HOST_TARGET}'")
  endif()
  set(${out} ${NETC_HOST_TARGET} PARENT_SCOPE)
endfunction()

function(netc_add_network target dsl_file)
  set(where "netc_add_network(${target})")
  cmake_parse_arguments(PARSE_ARGV 2 arg "CUDA_GRAPH;WINOGRAD"
                        "NETWORK;BACKEND;TARGET;BATCH;INPUT_SIZE;EMBED_WEIGHTS;PRECISION"
                        "IMPORT_DIRS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${where}: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(arg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "${where}: ${arg_KEYWORDS_MISSING_VALUES} needs a value")
  endif()

  cmake_path(ABSOLUTE_PATH dsl_file BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} NORMALIZE)
  if(NOT EXISTS ${dsl_file} OR IS_DIRECTORY ${dsl_file})
    message(FATAL_ERROR "${where}: no such file: ${dsl_file}")
  endif()
  set(network ${arg_NETWORK})
  if(NOT DEFINED arg_NETWORK)
    cmake_path(GET dsl_file STEM LAST_ONLY network)
  endif()
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target})
  set(depfile ${out_dir}/${network}.d)
  set(emit_args --network=${network} --no-runtime --depfile=${depfile} -o ${out_dir})
  set(depends ${dsl_file} netc::netc)

  if(DEFINED arg_BATCH)
    if(NOT arg_BATCH MATCHES "^[1-9][0-9]*$")
      message(FATAL_ERROR "${where}: BATCH must be a positive integer, not '${arg_BATCH}'")
    endif()
    list(APPEND emit_args --batch=${arg_BATCH})
  endif()
  if(DEFINED arg_INPUT_SIZE)
    if(NOT arg_INPUT_SIZE MATCHES "^[1-9][0-9]*(x[1-9][0-9]*)?$")
      message(FATAL_ERROR "${where}: INPUT_SIZE must be N or HxW, not '${arg_INPUT_SIZE}'")
    endif()
    list(APPEND emit_args --input-size=${arg_INPUT_SIZE})
  endif()
  if(DEFINED arg_EMBED_WEIGHTS)
    # May be made by another rule of the build, so it need not exist yet.
    cmake_path(ABSOLUTE_PATH arg_EMBED_WEIGHTS BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND emit_args --embed-weights=${arg_EMBED_WEIGHTS})
    list(APPEND depends ${arg_EMBED_WEIGHTS})
  endif()
  foreach(dir IN LISTS arg_IMPORT_DIRS)
    cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND emit_args -I ${dir})
  endforeach()

  if(NOT DEFINED arg_BACKEND)
    set(arg_BACKEND cpu)
  endif()
  set(cpu_target "")
  if(arg_BACKEND STREQUAL "cpu")
    if(NOT DEFINED arg_TARGET OR arg_TARGET STREQUAL "auto")
      _netc_host_target(cpu_target)
    elseif(arg_TARGET IN_LIST NETC_CPU_TARGETS)
      set(cpu_target ${arg_TARGET})
    else()
      message(FATAL_ERROR
              "${where}: TARGET must be auto, generic, avx2 or avx512, not '${arg_TARGET}'")
    endif()
    list(PREPEND emit_args --backend=cpu --target=${cpu_target})
    if(arg_WINOGRAD)
      list(APPEND emit_args --winograd)
    endif()
    set(source ${out_dir}/${network}.cpp)
  elseif(arg_BACKEND STREQUAL "cuda")
    get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    if(NOT CUDA IN_LIST languages)
      message(FATAL_ERROR "${where}: BACKEND cuda needs the CUDA language: "
                          "enable_language(CUDA) or project(... LANGUAGES CXX CUDA) first")
    endif()
    if(DEFINED arg_TARGET)
      message(FATAL_ERROR "${where}: TARGET is for BACKEND cpu; CUDA code is built for "
                          "CMAKE_CUDA_ARCHITECTURES")
    endif()
    list(GET CMAKE_CUDA_ARCHITECTURES 0 arch)
    string(REGEX REPLACE "-(real|virtual)$" "" arch "${arch}")
    if(NOT arch MATCHES "^[0-9]+$")
      message(FATAL_ERROR "${where}: BACKEND cuda needs a numbered CMAKE_CUDA_ARCHITECTURES "
                          "(such as 80), not '${CMAKE_CUDA_ARCHITECTURES}'")
    endif()
    if(arg_WINOGRAD)
      message(FATAL_ERROR "${where}: WINOGRAD is for BACKEND cpu")
    endif()
    if(DEFINED arg_EMBED_WEIGHTS)
      message(FATAL_ERROR "${where}: EMBED_WEIGHTS is for BACKEND cpu")
    endif()
    list(PREPEND emit_args --backend=cuda --arch=sm_${arch})
    if(DEFINED arg_PRECISION)
      if(NOT arg_PRECISION MATCHES "^(fp32|tf32|bf16|fp16)$")
        message(FATAL_ERROR "${where}: PRECISION must be fp32, tf32, bf16 or fp16, not "
                            "'${arg_PRECISION}'")
      endif()
      list(APPEND emit_args --precision=${arg_PRECISION})
    endif()
    if(arg_CUDA_GRAPH)
      list(APPEND emit_args --cuda-graph)
    endif()
    set(source ${out_dir}/${network}.cu)
  else()
    message(FATAL_ERROR "${where}: BACKEND must be cpu or cuda, not '${arg_BACKEND}'")
  endif()
  if(NOT arg_BACKEND STREQUAL "cuda" AND (DEFINED arg_PRECISION OR arg_CUDA_GRAPH))
    message(FATAL_ERROR "${where}: PRECISION and CUDA_GRAPH are for BACKEND cuda")
  endif()

  cmake_path(GET dsl_file FILENAME shown)
  add_custom_command(
    OUTPUT ${out_dir}/${network}.hpp ${source}
    COMMAND netc::netc emit ${emit_args} ${dsl_file}
    DEPENDS ${depends}
    DEPFILE ${depfile}
    COMMENT "netc: generating ${network} from ${shown}"
    VERBATIM)
  add_library(${target} STATIC ${out_dir}/${network}.hpp ${source})
  target_include_directories(${target} PUBLIC ${out_dir})
  target_link_libraries(${target} PUBLIC netc::runtime)
  if(arg_BACKEND STREQUAL "cuda")
    # The generated .cu is C++17 and calls the CUDA runtime; users of the library include only
    # the .hpp, which needs no CUDA header.
    find_package(CUDAToolkit REQUIRED)
    target_compile_features(${target} PUBLIC cuda_std_17)
    target_link_libraries(${target} PUBLIC CUDA::cudart)
  endif()
  # The options the CPU target's code needs (its #error guard names them): NetcCpuTargets.cmake.
  if(cpu_target)
    netc_cpu_target_flags(${cpu_target} flags)
    target_compile_options(${target} PRIVATE ${flags})
  endif()
endfunction()

cmake_policy(POP)
