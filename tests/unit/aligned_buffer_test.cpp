// runtime/netc/aligned_buffer.hpp: a buffer this machine cannot give is a netc::Error naming it
// and its bytes, not a std::bad_alloc (a generated class's arena at a huge --batch).
#include "netc/aligned_buffer.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

using namespace netc;

TEST_CASE("AlignedBuffer: aligned, and refused with a netc::Error when too large") {
  AlignedBuffer small(5, "small");
  CHECK(small.size() == 5);
  CHECK(reinterpret_cast<std::uintptr_t>(small.data()) % 64 == 0);
  CHECK(AlignedBuffer(0).data() == nullptr);

  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  // Bytes that overflow size_t: refused before any multiplication wraps around.
  CHECK_THROWS_WITH_AS(AlignedBuffer(kMax / 2, "net: the activation arena"),
                       ("net: the activation arena: " + std::to_string(kMax / 2) +
                        " floats do not fit in the address space")
                           .c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(
      AlignedBuffer(kMax / 4 - 15 + 1, "x"),
      ("x: " + std::to_string(kMax / 4 - 15 + 1) + " floats do not fit in the address space")
          .c_str(),
      Error);
  // Representable but far more than any machine has (2^60 floats = 4 EiB).
  std::size_t floats = std::size_t(1) << 60;
  CHECK_THROWS_WITH_AS(AlignedBuffer(floats, "net: the activation arena"),
                       ("net: the activation arena: cannot allocate " + std::to_string(floats * 4) +
                        " bytes, more than a process's address space")
                           .c_str(),
                       Error);
}
