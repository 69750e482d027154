// Prints the CPU target `netc emit --target=auto` would choose on this machine (host_target in
// tools/netc/backend_table.cpp), for netc_add_network(... TARGET auto) in
// cmake/NetcAddNetwork.cmake.
#include <cstdio>

int main() {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2 && __builtin_cpu_supports("avx512f")) {
    std::puts("avx512");
    return 0;
  }
  if (avx2) {
    std::puts("avx2");
    return 0;
  }
#endif
  std::puts("generic");
  return 0;
}
