#!/usr/bin/env python3
"""netc emit --backend=cuda, compiled: the CI check of the CUDA backend on a machine without a GPU.

For each case: `netc emit --backend=cuda`, then nvcc for sm_80 and sm_90 with every warning an
error (-Werror all-warnings, -Xcompiler -Wall,-Wextra,-Werror) and ptxas's resource report
(-Xptxas -v), which must show for every kernel
  - registers x threads per block (the block the .cu launches it with) within the 65536
    registers of an SM, or the launch would fail with "too many resources requested": a failure;
  - spill stores and loads: printed as warnings, not failures. A spill makes a kernel slower,
    not wrong; this test stops code that cannot work, and the timings of tests/gpu/run_gpu.py
    judge speed;
and the .hpp compiled alone by g++ -Wall -Wextra -Werror: the header is for plain C++ code.
Nothing runs (tests/gpu/run_gpu.py does, where a GPU is). Exits 77 (skipped) without nvcc.

  check_cuda_compile.py --netc build/bin/netc --work build/cuda-compile [--suite ci|full]
                        [--models a,b] [--precisions fp32,tf32] [--archs 80,90] [--jobs 2]
                        [--nvcc PATH]

Each precision instantiates other convolution and linear kernels, and nvcc takes 15 to 70 s per
network and precision (both architectures) on one core, so the suites choose (the ci suite for
sm_90 only; check_kernels_compile.py compiles every kernel family for sm_80 and sm_90):
  ci (ctest cuda-compile): every zoo network in tf32 with --cuda-graph; resnet50 in fp32, bf16
     and fp16; tests/backend/ops.netc's every_op (every kernel family, six outputs, the linear
     layer's GEMM at batch 9) in all four precisions.
  full (by hand, about 40 CPU-minutes): every zoo network and every_op in all four precisions.
--models and --precisions select from the full suite.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from netc_scripts import run, say  # noqa: E402

ARCHS = ["80", "90"]
REGISTERS_PER_SM = 65536

# (zoo file or a path from the repository's root, network)
NETWORKS = [
    ("lenet5", "lenet5"), ("alexnet", "alexnet"), ("vgg16", "vgg16"), ("vgg19", "vgg19"),
    ("googlenet", "googlenet"), ("googlenet", "googlenet_aux"),
    ("inception_v3", "inception_v3"), ("inception_v3", "inception_v3_aux"),
    ("inception_v4", "inception_v4"), ("inception_resnet_v1", "inception_resnet_v1"),
    ("inception_resnet_v2", "inception_resnet_v2"), ("xception", "xception"),
    ("resnet50", "resnet50"), ("resnext50_32x4d", "resnext50_32x4d"),
    ("mobilenet_v2", "mobilenet_v2"), ("mnasnet1_0", "mnasnet1_0"),
    ("densenet121", "densenet121"), ("squeezenet1_1", "squeezenet1_1"),
    ("regnet_y_400mf", "regnet_y_400mf"), ("efficientnet_b0", "efficientnet_b0"),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0"),
    ("mobilenet_v3", "mobilenet_v3_large"), ("mobilenet_v3", "mobilenet_v3_small"),
    ("convnext_tiny", "convnext_tiny"),
    ("tests/backend/ops.netc", "every_op"),
]
ALL_PRECISIONS = ["fp32", "tf32", "bf16", "fp16"]
# The batch of a network in these checks: every_op at 9 takes its linear layer past
# kLinearGemvMaxBatch, onto the GEMM kernel.
BATCH = {"every_op": 9}



def suite_cases(suite):
    """(zoo, network, precision, cuda graph) of a suite. The graph variant differs only in host
    code: tf32 builds it, the other precisions do not."""
    zoo_of = dict((n, z) for z, n in NETWORKS)
    if suite == "full":
        wanted = [(n, p) for _, n in NETWORKS for p in ALL_PRECISIONS]
    else:
        wanted = ([(n, "tf32") for _, n in NETWORKS if n != "every_op"] +
                  [("resnet50", p) for p in ("fp32", "bf16", "fp16")] +
                  [("every_op", p) for p in ALL_PRECISIONS])
    return [(zoo_of[n], n, p, p == "tf32") for n, p in wanted]


def mangled_constant(name):
    """The constant a kernel instantiation was made with: 'k12' or 'kLayout0', from its mangled
    name (..._ZN<internal namespace><len>k12E...); None when there is none."""
    at = name.find("L_ZN")
    if at < 0:
        return None
    i, parts = at + 4, []
    while i < len(name) and name[i].isdigit():
        m = re.match(r"\d+", name[i:])
        n = int(m.group(0))
        i += len(m.group(0))
        parts.append(name[i:i + n])
        i += n
    return parts[-1] if parts else None


def launched_blocks(cu_text):
    """Threads per block of each launch in the .cu, by the constant its template names."""
    blocks = {}
    for m in re.finditer(r"cuda::\w+<(\w+)[^>]*><<<dim3\([^)]*\), dim3\((\d+), (\d+), (\d+)\)",
                         cu_text):
        blocks[m.group(1)] = int(m.group(2)) * int(m.group(3)) * int(m.group(4))
    return blocks


def check_resources(ptxas, blocks):
    """(problems, spills, kernels) from ptxas's -v report, per kernel and architecture."""
    problems, spills, kernels = [], [], 0
    current, arch = None, None
    for line in ptxas.splitlines():
        m = re.search(r"Compiling entry function '(\w+)' for 'sm_(\d+)'", line)
        if m:
            current, arch = m.group(1), m.group(2)
            continue
        m = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)
        if m and current and (int(m.group(1)) or int(m.group(2))):
            spills.append("{} (sm_{}): {} bytes spill stores, {} bytes spill loads".format(
                mangled_constant(current) or current, arch, m.group(1), m.group(2)))
            continue
        m = re.search(r"Used (\d+) registers", line)
        if m and current:
            kernels += 1
            constant = mangled_constant(current)
            if constant not in blocks:
                problems.append("cannot tell the block size of kernel {}".format(current))
                continue
            registers = int(m.group(1))
            if registers * blocks[constant] > REGISTERS_PER_SM:
                problems.append("{} (sm_{}): {} registers x {} threads = {} > {}".format(
                    constant, arch, registers, blocks[constant], registers * blocks[constant],
                    REGISTERS_PER_SM))
    if kernels == 0:
        problems.append("ptxas reported no kernel")
    return problems, spills, kernels


def check_case(args, case, work_root):
    zoo, network, precision, graph = case
    work = os.path.join(work_root, "{}-{}{}".format(network, precision, "-graph" if graph else ""))
    shutil.rmtree(work, ignore_errors=True)
    path = zoo if zoo.endswith(".netc") else os.path.join("dsl", "zoo", zoo + ".netc")
    run([args.netc, "emit", "--backend=cuda", "--arch=sm_80", "--precision=" + precision,
         "--network=" + network, "--batch={}".format(BATCH.get(network, 1)), "-o", work] +
        (["--cuda-graph"] if graph else []) + [os.path.join(ROOT, path)], cwd=ROOT)
    cu = os.path.join(work, network + ".cu")
    start = time.time()
    arch_flags = []
    for a in args.archs:
        arch_flags += ["--generate-code", "arch=compute_{0},code=sm_{0}".format(a)]
    ptxas = run([args.nvcc, "-std=c++17", "-O3"] + arch_flags +
                ["-Werror", "all-warnings", "-Xcompiler", "-Wall,-Wextra,-Werror", "-Xptxas", "-v",
                 "-I", work, "-c", cu, "-o", os.path.join(work, network + ".o")], with_stderr=True)
    nvcc_s = time.time() - start
    with open(cu) as f:
        problems, spills, kernels = check_resources(ptxas, launched_blocks(f.read()))
    # The header alone, in plain C++ without CUDA's headers.
    with open(os.path.join(work, network + ".hpp")) as f:
        class_name = re.search(r"^class (\w+) \{", f.read(), re.M).group(1)
    probe = os.path.join(work, "header_only.cpp")
    with open(probe, "w") as f:
        f.write('#include "{0}.hpp"\n\n'
                "// The header's API from plain C++: a run on device buffers with a stream.\n"
                "void (netc::{1}::*run_device)(const float *const *, float *const *, "
                "cudaStream_t) = &netc::{1}::run;\n"
                "static_assert(netc::{1}::kArenaBytes > 0);\n".format(network, class_name))
    run([args.cxx, "-std=c++17", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I", work,
         probe])
    return problems, spills, kernels, nvcc_s


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--work", required=True, help="scratch folder")
    parser.add_argument("--suite", choices=["ci", "full"], default="ci")
    parser.add_argument("--models", help="comma-separated networks (default: the suite's)")
    parser.add_argument("--precisions", help="comma-separated precisions for --models")
    parser.add_argument("--nvcc", default=os.environ.get("NVCC", "/usr/local/cuda/bin/nvcc"))
    parser.add_argument("--cxx", default="g++")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--archs", help="comma-separated SM versions to compile for (default: "
                        "80,90; the ci suite 90 only, for CI's time: check_kernels_compile.py "
                        "compiles every kernel family for both)")
    args = parser.parse_args()
    args.netc = os.path.abspath(args.netc)
    if not shutil.which(args.nvcc):
        print("SKIP: no nvcc at {} (set NVCC or --nvcc)".format(args.nvcc))
        return 77
    cases = suite_cases(args.suite)
    if args.models or args.precisions:
        models = args.models.split(",") if args.models else [n for _, n in NETWORKS]
        precisions = args.precisions.split(",") if args.precisions else ALL_PRECISIONS
        unknown = [m for m in models if m not in dict((n, z) for z, n in NETWORKS)]
        unknown += [p for p in precisions if p not in ALL_PRECISIONS]
        if unknown:
            print("error: unknown network(s) or precision(s): " + ", ".join(unknown))
            return 2
        cases = [c for c in suite_cases("full") if c[1] in models and c[2] in precisions]
    ci = args.suite == "ci" and not (args.models or args.precisions)
    args.archs = args.archs.split(",") if args.archs else ["90"] if ci else ARCHS
    work_root = os.path.abspath(args.work)
    os.makedirs(work_root, exist_ok=True)
    failures = []
    start = time.time()

    def one(case):
        label = "{} {}{}".format(case[1], case[2], " (cuda graph)" if case[3] else "")
        try:
            problems, spills, kernels, nvcc_s = check_case(args, case, work_root)
        except RuntimeError as e:
            failures.append(label)
            say("FAIL {}: {}".format(label, e))
            return
        if problems:
            failures.append(label)
            say("FAIL {}: {}".format(label, "\n  ".join([""] + problems)))
            return
        say("PASS {}: {} kernels on sm_{} within {} registers per block, {}; header builds "
            "without CUDA (nvcc {:.1f} s)".format(
                label, kernels, "/".join(args.archs), REGISTERS_PER_SM,
                "{} spill".format(len(spills)) + ("s" if len(spills) != 1 else "") if spills
                else "no spills", nvcc_s) + "".join("\n  warning: spills in " + s for s in spills))
        if not os.environ.get("NETC_KEEP_WORK"):
            shutil.rmtree(os.path.join(work_root, "{}-{}{}".format(
                case[1], case[2], "-graph" if case[3] else "")), ignore_errors=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(one, cases))
    say("{} cases in {:.0f} s".format(len(cases), time.time() - start))
    if failures:
        say("\n{} failed:\n  {}".format(len(failures), "\n  ".join(failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
