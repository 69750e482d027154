# The CPU targets of netc's generated code (`netc emit --target=...`) and the CPU features each
# needs: the one list. Everything else derives from it:
#   - the compiler options, -m<feature> for each feature (netc_cpu_target_flags below), which
#     netc_add_network(), netc's kernel tests and tests/backend/check_backend.py build with;
#   - the generated code's #error guard and its run-time check, require_cpu_features(...), which
#     backends/cpu/cpu_emitter.cpp prints from a header backends/CMakeLists.txt makes of this list;
#   - TARGET auto: the best target whose features this machine has (NetcAddNetwork.cmake).
# A feature here must be one runtime/netc/cpu/cpu_features.hpp's cpu_has() knows.
# Python reads this file too (tests/backend/check_backend.py, bench/baseline.py): keep one
# set() per line.
set(NETC_CPU_TARGETS generic avx2 avx512) # from the least to the most capable
set(NETC_CPU_FEATURES_generic "")
set(NETC_CPU_FEATURES_avx2 avx2 fma)
set(NETC_CPU_FEATURES_avx512 avx512f avx512dq avx512bw avx512vl avx2 fma)

# The compile options code generated for `target` needs: -mavx2 -mfma for avx2.
function(netc_cpu_target_flags target out)
  if(NOT target IN_LIST NETC_CPU_TARGETS)
    message(FATAL_ERROR "netc: unknown CPU target '${target}' (${NETC_CPU_TARGETS})")
  endif()
  set(flags "")
  foreach(feature IN LISTS NETC_CPU_FEATURES_${target})
    list(APPEND flags -m${feature})
  endforeach()
  set(${out} ${flags} PARENT_SCOPE)
endfunction()
