#!/usr/bin/env python3
"""Compiles tests/cuda/kernels_compile.cu (every CUDA kernel family in every precision) with nvcc
for sm_80 and sm_90, warnings as errors, and prints each kernel's registers and spills from
ptxas. Fails on a compile error or warning, and on any spill in an fp32 or tf32 convolution or
linear kernel (the GEMMs' register tiles must stay in registers). Exits 77 (skipped) without nvcc.
Compiles only: nothing runs, no GPU is needed."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, "tests", "cuda", "kernels_compile.cu")
ARCHS = ["sm_80", "sm_90"]
# ptxas -v prints, per kernel: the entry, its stack and spills, then its registers.
ENTRY = re.compile(r"Compiling entry function '(\w+)' for '(\w+)'")
SPILLS = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
REGISTERS = re.compile(r"Used (\d+) registers")
# Precision's enumerators in mangled template arguments: fp32 = 0, tf32 = 1.
SPILL_FREE = re.compile(r"netc::cuda::(conv2d|linear)<.*\(netc::cuda::Precision\)[01]>")


def find_nvcc(given):
    for candidate in [given, shutil.which("nvcc"), "/usr/local/cuda/bin/nvcc"]:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def demangle(names):
    filt = shutil.which("c++filt")
    if not filt:
        return {n: n for n in names}
    out = subprocess.run([filt], input="\n".join(names), capture_output=True, text=True, check=True)
    return dict(zip(names, out.stdout.splitlines()))


def short(name):
    # Drop the anonymous namespace's per-file prefix so the table reads.
    return re.sub(r"\(anonymous namespace\)::|_INTERNAL_\w+::|^void ", "", name)


def parse_ptxas(text):
    """[(mangled, arch, registers, stack, spill_stores, spill_loads)] in ptxas' order."""
    kernels, current = [], None
    for line in text.splitlines():
        if m := ENTRY.search(line):
            current = [m.group(1), m.group(2), None, 0, 0, 0]
            kernels.append(current)
        elif current and (m := SPILLS.search(line)):
            current[3:6] = [int(g) for g in m.groups()]
        elif current and (m := REGISTERS.search(line)):
            current[2] = int(m.group(1))
    return kernels


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nvcc", help="nvcc to use (default: PATH, then /usr/local/cuda/bin)")
    args = parser.parse_args()
    nvcc = find_nvcc(args.nvcc)
    if not nvcc:
        print("cuda-kernels: skipped: nvcc not found")
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for arch in ARCHS:
            command = [nvcc, "-std=c++17", "-O3", f"-arch={arch}", "-Werror", "all-warnings",
                       "-Xcompiler", "-Wall,-Wextra", "-Xptxas", "-v", "-I", os.path.join(ROOT, "runtime"),
                       "-c", SOURCE, "-o", os.path.join(work, f"kernels_{arch}.o")]
            start = time.monotonic()
            result = subprocess.run(command, capture_output=True, text=True)
            seconds = time.monotonic() - start
            if result.returncode != 0:
                sys.stdout.write(result.stdout + result.stderr)
                print(f"cuda-kernels: FAIL: nvcc for {arch} exited {result.returncode}: {' '.join(command)}")
                return 1
            kernels = parse_ptxas(result.stdout + result.stderr)
            names = demangle([k[0] for k in kernels])
            print(f"{arch}: {len(kernels)} kernels compiled in {seconds:.1f} s")
            for mangled, _, registers, stack, stores, loads in kernels:
                name = short(names[mangled])
                print(f"  {registers:4d} regs  {stack:4d} B stack  {stores:4d}/{loads:<4d} B spilled  {name}")
                if (stores or loads) and SPILL_FREE.search(name):
                    failures.append(f"{arch}: {name} spills {stores} B stored, {loads} B loaded")
            if not kernels:
                failures.append(f"{arch}: no kernel in ptxas' output: the parse is out of date")
    for failure in failures:
        print(f"cuda-kernels: FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
