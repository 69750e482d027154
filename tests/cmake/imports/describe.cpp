// Prints what the generated class was built for, so that the test sees the options arrive and
// the code change when an imported file does.
#include "tiny.hpp"

#include <cstdio>

int main() {
  const auto &in = netc::Tiny::kInputShape;
  std::printf("input %lldx%lldx%lldx%lld, %lld parameters\n", static_cast<long long>(in[0]),
              static_cast<long long>(in[1]), static_cast<long long>(in[2]),
              static_cast<long long>(in[3]), static_cast<long long>(netc::Tiny::kParameterCount));
  return 0;
}
