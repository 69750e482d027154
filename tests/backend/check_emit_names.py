#!/usr/bin/env python3
"""Names the DSL allows must give generated code that compiles (ctest emit-names).

Each case below is a network whose names collide with each other or with C++: an input and an
output of one name, `return y, y`, inputs named `input`/`output`, outputs `a_b` and `aB` (both
kABShape), `arena_`, `weights_`, keywords, the generated code's own locals, networks named `error`
or `safetensors_file`, layer names with backslashes, non-ASCII and a final backslash. Each is
checked, emitted for the CPU (compiled with -fsyntax-only, warnings as errors), for CUDA (its
header compiled by the host compiler) and for PyTorch (compiled by Python).

Then one small network is built and run against weights that must be refused with a netc::Error,
not a crash: a null pointer, a buffer too short for the header, a truncated file, an extra
integer tensor, a NaN; and the same network at a --batch whose arena no machine has.
"""
import argparse
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from netc_scripts import run_status  # noqa: E402

CASES = {
    "same_in_out": """
network same_in_out(x: [2, 4, 4]) {
  return x
}
""",
    "twice": """
network twice(x: [2, 4, 4]) {
  y = relu(x)
  return y, y
}
""",
    "input_output": """
network input_output(input: [2, 4, 4], output: [2, 4, 4]) {
  return input + output
}
""",
    "underscored": """
network underscored(x: [2, 4, 4]) {
  a_b = relu(x)
  aB = sigmoid(x)
  return a_b, aB
}
""",
    "members": """
network members(arena_: [2, 4, 4], weights_: [2, 4, 4], stream_: [2, 4, 4]) {
  arena = arena_ + weights_
  w = relu(stream_)
  return arena, w
}
""",
    "locals": """
network locals(k0: [2, 4, 4], kW0: [2, 4, 4], Isa: [2, 4, 4], cpu: [2, 4, 4], inputs: [2, 4, 4]) {
  outputs = conv2d(k0, 2, 1) + conv2d(kW0, 2, 1) + Isa + cpu + inputs
  return outputs
}
""",
    "keywords": """
network keywords(int: [2, 4, 4], linux: [2, 4, 4], stream: [2, 4, 4], locals: [2, 4, 4]) {
  class = conv2d(int, 2, 1) + linux + stream
  delete = relu(locals)
  return class, delete
}
""",
    "python_names": """
network python_names(torch: [2, 4, 4], F: [2, 4, 4], self: [2, 4, 4], nn: [2, 4, 4]) {
  lambda = conv2d(torch, 2, 1) + F + self + nn
  return relu(lambda)
}
""",
    "error": """
network error(x: [2, 4, 4]) {
  return conv2d(x, 2, 1)
}
""",
    "safetensors_file": """
network safetensors_file(x: [2, 4, 4]) {
  return conv2d(x, 2, 1)
}
""",
    "strings": """
network strings(x: [2, 4, 4]) {
  a = conv2d(x, 2, 1) as "x\\y\\\\z"
  b = conv2d(a, 2, 1) as "caf\u00e9"
  c = conv2d(b, 2, 1) as "end\\"
  return c
}
""",
}

# A network whose class is run against bad weights, and the program that does it.
ROBUST = """
network robust(x: [2, 4, 4]) {
  return conv2d(x, 3, 1) |> relu() |> conv2d(2, 1)
}
"""

# The same network on inputs so large that at the largest --batch its arena (about 3 * 2^52
# floats) fits in 64 bits but in no machine.
HUGE = ROBUST.replace("[2, 4, 4]", "[2, 65536, 65536]")

DRIVER = r"""
#include "robust.hpp"
#include "netc/error.hpp"
#include "netc/safetensors_writer.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

static int failures = 0;

template <class F> void expect_error(const char *what, const std::string &needle, F f) {
  try {
    f();
    std::printf("FAIL %s: no error\n", what);
    ++failures;
  } catch (const netc::Error &e) {
    std::string m = e.what();
    bool ok = m.find(needle) != std::string::npos;
    std::printf("%s %s: %s\n", ok ? "ok" : "FAIL", what, e.what());
    failures += !ok;
  }
}

static std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  std::string dir = argv[1];
  std::vector<float> w1(3 * 2), b1(3), w2(2 * 3), b2(2);
  auto write = [&](const std::string &name, std::vector<netc::TensorToWrite> extra) {
    std::vector<netc::TensorToWrite> t = {{"conv2d.weight", {3, 2, 1, 1}, w1.data()},
                                          {"conv2d.bias", {3}, b1.data()},
                                          {"conv2d_1.weight", {2, 3, 1, 1}, w2.data()},
                                          {"conv2d_1.bias", {2}, b2.data()}};
    t.insert(t.end(), extra.begin(), extra.end());
    netc::write_safetensors(dir + "/" + name, t);
    return slurp(dir + "/" + name);
  };
  std::string good = write("good.safetensors", {});
  { netc::Robust net(good.data(), good.size()); } // the weights themselves are fine

  expect_error("null pointer", "null pointer", [] { netc::Robust net(nullptr, 100); });
  expect_error("too short", "truncated", [&] { netc::Robust net(good.data(), 4); });
  expect_error("cut header", "truncated", [&] { netc::Robust net(good.data(), 20); });
  expect_error("cut data", "", [&] { netc::Robust net(good.data(), good.size() - 1); });

  // An integer tensor under a name the network does not have is no num_batches_tracked.
  // write_safetensors writes F32 only: patch a stray F32 tensor's dtype to I32 in the header.
  std::vector<float> stray(1);
  std::string with_int = write("int.safetensors", {{"layer.step", {1}, stray.data()}});
  std::size_t at = with_int.find("\"layer.step\":{\"dtype\":\"F32\"");
  with_int.replace(with_int.find("F32", at), 3, "I32");
  expect_error("extra integer tensor", "unexpected tensor 'layer.step'",
               [&] { netc::Robust net(with_int.data(), with_int.size()); });

  w2[4] = std::numeric_limits<float>::quiet_NaN();
  std::string nan = write("nan.safetensors", {});
  expect_error("NaN weight", "<weights in memory>: tensor 'conv2d_1.weight' holds NaN at element 4",
               [&] { netc::Robust net(nan.data(), nan.size()); });
  std::printf("%d failure(s)\n", failures);
  return failures != 0;
}
"""

HUGE_DRIVER = r"""
#include "robust.hpp"
#include "netc/error.hpp"

#include <cstdio>
#include <string>

int main() {
  // A file of no tensors: it parses, so the arena is allocated before the tensors are checked.
  std::string empty = std::string("\x08\0\0\0\0\0\0\0", 8) + "{}      ";
  try {
    netc::Robust net(empty.data(), empty.size());
    std::printf("FAIL: constructed\n");
  } catch (const netc::Error &e) {
    std::string m = e.what();
    bool ok = m.find("robust: the activation arena: cannot allocate") != std::string::npos ||
              m.find("do not fit in the address space") != std::string::npos;
    std::printf("%s huge batch: %s\n", ok ? "ok" : "FAIL", e.what());
    return !ok;
  } catch (const std::exception &e) {
    std::printf("FAIL huge batch: %s\n", e.what());
  }
  return 1;
}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--netc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cxx", default=os.environ.get("CXX", "c++"))
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    failures = []
    flags = ["-std=c++17", "-Wall", "-Wextra", "-Werror"]

    def step(label, cmd, **kw):
        rc, out = run_status(cmd, **kw)
        if rc != 0:
            failures.append(f"{label}: exit {rc}\n  $ {' '.join(cmd)}\n{out}")
        return rc == 0

    for name, source in CASES.items():
        src = os.path.join(args.work, name + ".netc")
        with open(src, "w", encoding="utf-8") as f:
            f.write(source)
        if not step(f"{name}: check", [args.netc, "check", src]):
            continue
        cpu = os.path.join(args.work, name + "-cpu")
        if step(f"{name}: emit", [args.netc, "emit", "--target=generic", "-o", cpu, src]):
            step(f"{name}: compile", [args.cxx, *flags, "-fsyntax-only", "-I", cpu,
                                      os.path.join(cpu, name + ".cpp")])
        cuda = os.path.join(args.work, name + "-cuda")
        if step(f"{name}: emit cuda", [args.netc, "emit", "--backend=cuda", "-o", cuda, src]):
            check = os.path.join(cuda, "check.cpp")
            with open(check, "w") as f:
                f.write(f'#include "{name}.hpp"\n')
            step(f"{name}: compile cuda header", [args.cxx, *flags, "-fsyntax-only", "-I", cuda,
                                                  check])
        py = os.path.join(args.work, name + "-py")
        if step(f"{name}: emit pytorch", [args.netc, "emit", "--backend=pytorch", "-o", py, src]):
            for f in os.listdir(py):
                if f.endswith(".py"):
                    with open(os.path.join(py, f), encoding="utf-8") as fh:
                        try:
                            compile(fh.read(), f, "exec")
                        except SyntaxError as e:
                            failures.append(f"{name}: pytorch: {e}")
        print(f"{name}: done")

    # The class against bad weights, then at a batch no machine holds.
    src = os.path.join(args.work, "robust.netc")
    with open(src, "w") as f:
        f.write(ROBUST)
    out = os.path.join(args.work, "robust")
    if step("robust: emit", [args.netc, "emit", "--target=generic", "-o", out, src]):
        with open(os.path.join(out, "driver.cpp"), "w") as f:
            f.write(DRIVER)
        exe = os.path.join(out, "driver")
        if step("robust: build", [args.cxx, *flags, "-O1", "-I", out, "-o", exe,
                                  os.path.join(out, "robust.cpp"), os.path.join(out, "driver.cpp")]):
            ok = step("robust: run", [exe, out])
            print("robust:", "ok" if ok else "FAILED")
    huge = os.path.join(args.work, "huge")
    huge_src = os.path.join(args.work, "huge.netc")
    with open(huge_src, "w") as f:
        f.write(HUGE)
    if step("huge: emit", [args.netc, "emit", "--target=generic", "--batch=1048576", "-o", huge,
                           huge_src]):
        with open(os.path.join(huge, "driver.cpp"), "w") as f:
            f.write(HUGE_DRIVER)
        exe = os.path.join(huge, "driver")
        if step("huge: build", [args.cxx, *flags, "-O1", "-I", huge, "-o", exe,
                                os.path.join(huge, "robust.cpp"), os.path.join(huge, "driver.cpp")]):
            ok = step("huge: run", [exe])
            print("huge batch:", "ok" if ok else "FAILED")

    for f in failures:
        print("FAIL", f, file=sys.stderr)
    print(f"{len(CASES)} naming cases, {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
