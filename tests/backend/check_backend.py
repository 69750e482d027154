#!/usr/bin/env python3
"""Generated C++ against netc's reference executor, for every zoo network.

For each network: seeded random weights (batch-norm statistics and affine parameters far from
trivial) and a random input; `netc run` (the reference executor, double accumulation) gives the
expected output; `netc emit` for each target, built with each compiler under -Wall -Wextra -Werror,
run by run_model.cpp (outputs poisoned with NaN first), must come within a relative L2 error of
1e-5 and write every element. The networks of NAN_CASES then run again on an input with one NaN
pixel and on an all-NaN input: every target must give NaN exactly where the reference does (issue
11: ReLU and max pooling replaced NaN, so a NaN image gave finite logits). For the networks of
THREAD_CHECKED the outputs at 1, 2 and 3 threads (run_model --threads) must be the very same bits.

  check_backend.py --netc build/bin/netc --work build/backend [--suite default|full]
                   [--models lenet5,resnet50] [--targets generic,avx2,avx512]
                   [--compilers g++,clang++-14] [--jobs 2] [--sanitize thread]
                   [--emit-flag=--winograd] [--tolerance 1e-5]

The default suite runs the small networks at their declared size and the large ones at a reduced
valid size; the full suite runs every network at its declared size. --sanitize thread builds
with ThreadSanitizer (-O1) and fails on its first report: the thread pool and the kernels' units.
--emit-flag passes a flag to every `netc emit` (--winograd: the Winograd convolutions' error
against the reference, reported per network); --tolerance replaces the 1e-5 gate.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from netc_scripts import cpu_target_features, run, say, seed_of  # noqa: E402

TOLERANCE = 1e-5

# (zoo file, network, input size in the default suite (None: declared), batch); a network
# marked "+embed" is built with its weights embedded in the source (--embed-weights).
MODELS = [
    ("lenet5", "lenet5", None, 1),
    ("lenet5", "lenet5+embed", None, 1),
    ("lenet5", "lenet5", None, 3),
    ("alexnet", "alexnet", 99, 1),
    ("vgg16", "vgg16", 64, 1),
    ("vgg19", "vgg19", 48, 1),
    ("googlenet", "googlenet", 96, 1),
    ("googlenet", "googlenet_aux", None, 1),
    ("inception_v3", "inception_v3", 107, 1),
    ("inception_v3", "inception_v3_aux", None, 1),
    ("inception_v4", "inception_v4", 107, 2),
    ("inception_resnet_v1", "inception_resnet_v1", 107, 1),
    ("inception_resnet_v2", "inception_resnet_v2", 107, 1),
    ("xception", "xception", 99, 1),
    ("resnet50", "resnet50", 96, 2),
    ("resnext50_32x4d", "resnext50_32x4d", 96, 1),
    ("mobilenet_v2", "mobilenet_v2", 96, 1),
    ("mnasnet1_0", "mnasnet1_0", 96, 1),
    ("squeezenet1_1", "squeezenet1_1", 96, 2),
    ("densenet121", "densenet121", 96, 1),
    ("regnet_y_400mf", "regnet_y_400mf", 96, 1),
    ("efficientnet_b0", "efficientnet_b0", 96, 1),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", 96, 2),
    ("mobilenet_v3", "mobilenet_v3_large", 96, 1),
    ("mobilenet_v3", "mobilenet_v3_small", 96, 2),
    ("convnext_tiny", "convnext_tiny", 64, 1),
    ("tests/backend/ops.netc", "every_op", None, 2),
]

# Networks run again at each of THREAD_COUNTS threads, whose outputs must agree to the bit.
THREAD_CHECKED = {"every_op", "lenet5", "resnet50"}
THREAD_COUNTS = [1, 2, 3]

# Networks with the ops that used to drop NaN (relu, relu6, max pooling, softmax), run on NaN
# inputs too.
NAN_CASES = {"alexnet", "every_op"}

# Each target's CPU features and compile options (cmake/NetcCpuTargets.cmake).
TARGET_CPU_FLAGS = cpu_target_features(ROOT)
TARGET_FLAGS = {t: ["-m" + f for f in features] for t, features in TARGET_CPU_FLAGS.items()}

# Compiler flags of --sanitize (replacing -O2), and the environment (of every command this script
# runs) that makes a report fatal.
SANITIZE_FLAGS = {None: ["-O2"], "thread": ["-O1", "-g", "-fsanitize=thread"]}
SANITIZE_ENV = {"TSAN_OPTIONS": "halt_on_error=1"}
sanitize = None
emit_flags = []

def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def embedded(case):
    return case[1].endswith("+embed")


def network_args(case):
    zoo, network, size, batch = case
    network = network.replace("+embed", "")
    args = ["--network=" + network, "--batch=" + str(batch)]
    if size:
        args.append("--input-size=" + str(size))
    path = zoo if zoo.endswith(".netc") else os.path.join("dsl", "zoo", zoo + ".netc")
    return [os.path.abspath(os.path.join(ROOT, path))] + args


def random_weights(netc, case, path):
    """Seeded weights for every tensor `netc params` lists, written as safetensors."""
    listing = run([netc, "params"] + network_args(case), cwd=ROOT)
    params = []
    for line in listing.splitlines():
        name, shape, _ = line.split("\t")
        params.append((name, json.loads(shape)))
    names = {name for name, _ in params}
    rng = np.random.default_rng(seed_of("weights:" + case[1]))
    tensors = []
    for name, shape in params:
        prefix, leaf = name.rsplit(".", 1)
        batch_norm = prefix + ".running_mean" in names
        if leaf == "running_var":
            t = rng.uniform(0.5, 2.0, shape)
        elif leaf == "running_mean":
            t = rng.normal(0.0, 0.5, shape)
        elif batch_norm and leaf == "weight":
            t = rng.uniform(0.5, 1.5, shape)
        elif leaf == "bias":
            t = rng.normal(0.0, 0.2, shape)
        else:  # convolution and linear weights: unit gain, so deep stacks neither vanish nor explode
            fan_in = int(np.prod(shape[1:]))
            t = rng.normal(0.0, 1.0, shape) * np.sqrt(1.0 / fan_in)
        tensors.append((name, np.ascontiguousarray(t, dtype="<f4")))
    write_safetensors(path, tensors)


def write_safetensors(path, tensors):
    header, offset = {}, 0
    for name, t in tensors:
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + t.nbytes]}
        offset += t.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for _, t in tensors:
            f.write(t.tobytes())


def input_shapes(netc, case):
    listing = run([netc, "lower"] + network_args(case), cwd=ROOT)
    return [json.loads(m.group(1)) for m in re.finditer(r"^  input %\S+ (\[.*\])$", listing, re.M)]


def output_count(netc, case):
    listing = run([netc, "lower"] + network_args(case), cwd=ROOT)
    return len(re.findall(r"^  output %", listing, re.M))


def prepare(netc, case, work):
    """Weights, inputs and the reference outputs of one case."""
    os.makedirs(work, exist_ok=True)
    weights = os.path.join(work, "weights.safetensors")
    random_weights(netc, case, weights)
    rng = np.random.default_rng(seed_of("input:" + case[1]))
    inputs = []
    for i, shape in enumerate(input_shapes(netc, case)):
        path = os.path.join(work, "input{}.npy".format(i))
        np.save(path, rng.normal(0.0, 1.0, shape).astype("<f4"))
        inputs.append(path)
    outputs = [os.path.join(work, "expected{}.npy".format(i))
               for i in range(output_count(netc, case))]
    cmd = [netc, "run"] + network_args(case) + ["--weights", weights]
    for path in inputs:
        cmd += ["--input", path]
    for path in outputs:
        cmd += ["--output", path]
    start = time.time()
    run(cmd, cwd=ROOT)
    seconds = time.time() - start
    nan_cases = nan_inputs(netc, case, work, weights, inputs, len(outputs)) \
        if case[1] in NAN_CASES else []
    return weights, inputs, outputs, seconds, nan_cases


def nan_inputs(netc, case, work, weights, inputs, output_count):
    """[(name, inputs, reference outputs)]: the first input with one NaN pixel (the middle of
    sample 0's channel 0), and all NaN; the other inputs as they were."""
    first = np.load(inputs[0])
    pixel = first.copy()
    pixel[(0, 0) + tuple(d // 2 for d in first.shape[2:])] = np.nan
    cases = []
    for name, data in (("nan-pixel", pixel), ("nan-image", np.full_like(first, np.nan))):
        path = os.path.join(work, name + ".npy")
        np.save(path, data)
        expected = [os.path.join(work, "{}-expected{}.npy".format(name, i))
                    for i in range(output_count)]
        cmd = [netc, "run"] + network_args(case) + ["--weights", weights]
        for p in [path] + inputs[1:]:
            cmd += ["--input", p]
        for p in expected:
            cmd += ["--output", p]
        run(cmd, cwd=ROOT)
        cases.append((name, [path] + inputs[1:], expected))
    return cases


def check_nans(outputs, expected, name):
    """NaN exactly where the reference has NaN (which must be somewhere), the rest within the
    tolerance."""
    some_nan = False
    for got_path, want_path in zip(outputs, expected):
        got = np.load(got_path).astype(np.float64)
        want = np.load(want_path).astype(np.float64).ravel()
        if got.shape != want.shape:
            raise RuntimeError("output has {} elements, expected {}".format(got.size, want.size))
        nan = np.isnan(want)
        some_nan = some_nan or bool(nan.any())
        wrong = np.flatnonzero(np.isnan(got) != nan)
        if wrong.size:
            raise RuntimeError("{}: {} output elements NaN where the reference is not, or not NaN "
                               "where it is (first at {}: {} against {})".format(
                                   name, wrong.size, wrong[0], got[wrong[0]], want[wrong[0]]))
        finite = ~nan
        if finite.any():
            err = np.linalg.norm(got[finite] - want[finite]) / max(np.linalg.norm(want[finite]), 1e-30)
            if not err < TOLERANCE:
                raise RuntimeError("{}: relative L2 {:.2e} on the elements that are not NaN".format(
                    name, err))
    if not some_nan:
        raise RuntimeError("{}: the reference has no NaN output: the case tests nothing".format(name))


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    tensors = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        data = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<f4").reshape(info["shape"])
        tensors.append((name, data))
    return raw, tensors


def check_refusals(binary, weights, inputs, outputs, work):
    """The generated class refuses a weights file that does not fit, naming the tensor."""
    raw, tensors = read_safetensors(weights)
    name0, t0 = tensors[0]
    cases = {
        "missing": (tensors[1:], "missing tensor '{}'".format(name0)),
        "extra": (tensors + [("head.weight", np.zeros((2, 3), "<f4"))],
                  "unexpected tensor 'head.weight' [2, 3]"),
        "shape": ([(name0, np.zeros(t0.shape[:-1] + (t0.shape[-1] + 1,), "<f4"))] + tensors[1:],
                  "tensor '{}' has shape".format(name0)),
    }
    for kind, (content, message) in cases.items():
        path = os.path.join(work, kind + ".safetensors")
        write_safetensors(path, content)
        check_refused(binary, path, inputs, outputs, message)
    path = os.path.join(work, "truncated.safetensors")
    with open(path, "wb") as f:
        f.write(raw[:len(raw) // 2])
    check_refused(binary, path, inputs, outputs, "truncated")


def check_thread_counts(binary, weights, inputs, count, work):
    """The outputs at every count of THREAD_COUNTS are the bits of one thread's."""
    bits = {}
    for threads in THREAD_COUNTS:
        outputs = [os.path.join(work, "threads{}-output{}.npy".format(threads, i))
                   for i in range(count)]
        run([binary, "--threads={}".format(threads), weights] + inputs + outputs)
        bits[threads] = [np.load(path).tobytes() for path in outputs]
    for threads in THREAD_COUNTS[1:]:
        for i, (got, want) in enumerate(zip(bits[threads], bits[THREAD_COUNTS[0]])):
            if got != want:
                diff = np.flatnonzero(np.frombuffer(got, "<u4") != np.frombuffer(want, "<u4"))
                raise RuntimeError("output {} at {} threads differs from {} thread's in {} "
                                   "elements (first at {})".format(
                                       i, threads, THREAD_COUNTS[0], diff.size, diff[0]))


def check_refused(binary, path, inputs, outputs, message):
    result = subprocess.run([binary, path] + inputs + outputs, capture_output=True, text=True)
    if result.returncode != 1 or message not in result.stderr:
        raise RuntimeError("{} was not refused with \"{}\" (exit {}): {}".format(
            os.path.basename(path), message, result.returncode, result.stderr.strip()))


def build_and_run(netc, case, target, compiler, work, prepared):
    weights, inputs, expected, _, nan_cases = prepared
    tag = "{}-{}".format(compiler.replace("+", "x"), target)
    src = os.path.join(work, tag, "src")
    shutil.rmtree(os.path.join(work, tag), ignore_errors=True)
    network = case[1].replace("+embed", "")
    embed = ["--embed-weights=" + weights] if embedded(case) else []
    run([netc, "emit", "--target=" + target, "-o", src] + embed + emit_flags + network_args(case),
        cwd=ROOT)
    header = os.path.join(src, network + ".hpp")
    with open(header) as f:
        class_name = re.search(r"^class (\w+) \{", f.read(), re.M).group(1)
    binary = os.path.join(work, tag, "run_model")
    start = time.time()
    run([compiler, "-std=c++17", "-Wall", "-Wextra", "-Werror"] + SANITIZE_FLAGS[sanitize] +
        TARGET_FLAGS[target] +
        ["-I", src, '-DNETC_MODEL_HEADER="{}.hpp"'.format(network),
         "-DNETC_MODEL_CLASS=netc::" + class_name] +
        (["-DNETC_MODEL_EMBEDDED"] if embedded(case) else []) +
        [os.path.join(src, network + ".cpp"), os.path.join(ROOT, "tests", "backend", "run_model.cpp"),
         "-pthread", "-o", binary])
    compile_s = time.time() - start
    outputs = [os.path.join(work, tag, "output{}.npy".format(i)) for i in range(len(expected))]
    start = time.time()
    run([binary, "-" if embedded(case) else weights] + inputs + outputs)
    run_s = time.time() - start
    for name, nan_in, nan_expected in nan_cases:
        nan_out = [os.path.join(work, tag, "{}-output{}.npy".format(name, i))
                   for i in range(len(nan_expected))]
        run([binary, "-" if embedded(case) else weights] + nan_in + nan_out)
        check_nans(nan_out, nan_expected, name)
    if case == MODELS[0]:
        check_refusals(binary, weights, inputs, outputs, os.path.join(work, tag))
    if network in THREAD_CHECKED:
        check_thread_counts(binary, "-" if embedded(case) else weights, inputs, len(expected),
                            os.path.join(work, tag))
    return worst_relative_l2(outputs, expected), compile_s, run_s


def worst_relative_l2(outputs, expected):
    """The largest relative L2 error of the .npy outputs against the expected ones; refuses a
    size mismatch and any non-finite element (poisoned, so unwritten, or overflowed)."""
    worst = 0.0
    for got_path, want_path in zip(outputs, expected):
        got = np.load(got_path).astype(np.float64)
        want = np.load(want_path).astype(np.float64).ravel()
        if got.shape != want.shape:
            raise RuntimeError("output has {} elements, expected {}".format(got.size, want.size))
        if not np.isfinite(got).all():
            bad = np.flatnonzero(~np.isfinite(got))
            raise RuntimeError("{} output elements not finite (first at {}): unwritten or "
                               "overflowed".format(bad.size, bad[0]))
        worst = max(worst, float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30)))
    return worst


def main():
    global sanitize, emit_flags, TOLERANCE
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--work", required=True, help="scratch folder")
    parser.add_argument("--suite", choices=["default", "full"], default="default")
    parser.add_argument("--models", help="comma-separated networks (default: all)")
    parser.add_argument("--file", help="a .netc file to check instead of the zoo (its networks "
                        "given by --models, at their declared size)")
    parser.add_argument("--targets", default="generic,avx2,avx512")
    parser.add_argument("--compilers", default="g++,clang++-14")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--sanitize", choices=["thread"], help="build the generated code with "
                        "this sanitizer")
    parser.add_argument("--emit-flag", action="append", default=[],
                        help="a flag for every `netc emit` (repeatable), such as --winograd")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE,
                        help="the relative L2 error a network may have (default 1e-5)")
    args = parser.parse_args()
    sanitize = args.sanitize
    os.environ.update(SANITIZE_ENV)
    emit_flags = args.emit_flag
    TOLERANCE = args.tolerance
    netc = os.path.abspath(args.netc)
    cases = []
    models = MODELS
    if args.file:
        models = [(args.file, network, None, 1) for network in args.models.split(",")]
    for zoo, network, size, batch in models:
        if args.models and network not in args.models.split(","):
            continue
        if args.suite == "full":
            size = None
        cases.append((zoo, network, size, batch))
    flags = cpu_flags()
    targets = []
    for t in args.targets.split(","):
        if all(f in flags for f in TARGET_CPU_FLAGS[t]):
            targets.append(t)
        else:
            say("SKIP target {}: this CPU lacks {}".format(t, " ".join(TARGET_CPU_FLAGS[t])))
    compilers = args.compilers.split(",")
    work_root = os.path.abspath(args.work)

    failures = []
    def case_name(case):
        return "{} {} b{}".format(case[1], case[2] or "declared", case[3])

    def one_case(case):
        work = os.path.join(work_root, "{}-{}-b{}".format(case[1], case[2] or "declared", case[3]))
        try:
            prepared = prepare(netc, case, work)
        except RuntimeError as e:
            failures.append(case_name(case))
            say("FAIL {} (reference): {}".format(case_name(case), e))
            return
        say("ref  {}: netc run took {:.1f} s".format(case_name(case), prepared[3]))
        jobs = [(t, c) for c in compilers for t in targets]
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(build_and_run, netc, case, t, c, work, prepared): (t, c)
                       for t, c in jobs}
            for future in concurrent.futures.as_completed(futures):
                t, c = futures[future]
                label = "{} {} {}".format(case_name(case), c, t)
                try:
                    err, compile_s, run_s = future.result()
                except RuntimeError as e:
                    failures.append(label)
                    say("FAIL {}: {}".format(label, e))
                    continue
                ok = err < TOLERANCE
                if not ok:
                    failures.append(label)
                say("{} {}: relative L2 {:.2e} (build {:.1f} s, run {:.2f} s)".format(
                    "PASS" if ok else "FAIL", label, err, compile_s, run_s))
        if not os.environ.get("NETC_KEEP_WORK"):
            shutil.rmtree(work, ignore_errors=True)

    for case in cases:
        one_case(case)
    if failures:
        say("\n{} failed:\n  {}".format(len(failures), "\n  ".join(failures)))
        return 1
    say("\nall {} networks agree with the reference executor on {} with {}".format(
        len(cases), ", ".join(targets), ", ".join(compilers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
