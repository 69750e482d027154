// Input-size analysis: re-inferring one graph's shapes must say exactly what elaborating again
// at every size says.
#include "analysis/input_sizes.h"
#include "support.h"
#include "support/resource_dirs.h"

#include <doctest/doctest.h>

using namespace netc;

namespace {

std::string sweep(const CompiledFile &file, int64_t low, int64_t high, bool reinfer) {
  std::string out;
  llvm::raw_string_ostream os(out);
  for (const Definition *network : file.program.networks())
    report_input_sizes(file.program, *network, *file.source_mgr, low, high, std::nullopt, os,
                       reinfer);
  return os.str();
}

} // namespace

TEST_CASE("re-inference and re-elaboration agree on the zoo") {
  for (const char *name : {"inception_v4", "lenet5", "googlenet", "resnext50_32x4d"}) {
    CAPTURE(name);
    CompiledFile file =
        compile_file(dsl_library_dir() + "/zoo/" + name + ".netc", CompileOptions{});
    REQUIRE_FALSE(file.diags->has_errors());
    std::string fast = sweep(file, 20, 80, true);
    CHECK(fast == sweep(file, 20, 80, false));
    CHECK(fast.find("valid:") != std::string::npos);
  }
}

TEST_CASE("a network that reads its input's height is elaborated at every size") {
  // The number of stages depends on the height: re-inferring one graph would miss that.
  auto r = testing::compile(R"(
block halve_until_small(x) {
  if x.H > 8 {
    return conv2d(x, 4, 3, stride=2, pad=1) |> halve_until_small()
  }
  return x
}
network n(image: [3, 32, 32]) { return halve_until_small(image) |> flatten() |> linear(4) }
)");
  CHECK(r.errors == 1); // recursion is refused; the sweep still reports per size
  std::string fast = sweep(r.file, 16, 40, true);
  CHECK(fast == sweep(r.file, 16, 40, false));
}

TEST_CASE("parameter shapes are pinned to the declared size") {
  auto r = testing::compile(R"(
network n(image: [1, 8, 8]) { return conv2d(image, 2, 3) |> flatten() |> linear(4) as fc }
)");
  std::string report = sweep(r.file, 6, 12, true);
  CHECK(report.find("valid:   8\n") != std::string::npos);
  CHECK(report.find("linear 'fc' would need a weight of [4, 50] instead of the declared size's "
                    "[4, 72]") != std::string::npos);
}
