#!/usr/bin/python3
"""Baseline benchmark: netc's generated C++ against PyTorch eager and ONNX Runtime on the CPU.

Run it with Debian's /usr/bin/python3 (torch, torchvision, timm, onnxruntime, safetensors):

  /usr/bin/python3 bench/baseline.py [--netc build/bin/netc] [--threads 1]
      [--models inception_v4,inception_v3,resnet50,mobilenet_v2,efficientnet_b0,
               mobilenet_v3_large] [--batches 1,8] [--target avx512]
      [--warmup 5] [--runs 30] [--min-time 5] [--max-runs 1000] [--rounds 5]
      [--cxx g++] [--cxxflags FLAGS] [--allow-slow-blas]
      [--json FILE] [--markdown FILE] [--work build/bench] [--profile [TOP]]

For each model and batch, all in one process on one machine:
  1. seeded random weights in PyTorch (batch-norm affine parameters random, running statistics
     taken from a train-mode pass over random images), saved with safetensors; `netc emit` builds
     the network for that batch and g++ -O2 builds bench/time_generated.cpp around it; the same
     module is exported to ONNX (fixed batch) for ONNX Runtime;
  2. before anything is timed, the outputs of netc, PyTorch (float32) and ONNX Runtime on one
     random input are compared with PyTorch in float64; a relative L2 error above 1e-4 stops the
     run, so nothing wrong is ever timed;
  3. each engine warms up, then its timed runs are split into rounds and the engines take turns
     in a random order each round (each turn starts with one untimed run), so that drift of the
     machine hits every engine alike; every run is timed on its own; the median is reported with
     the minimum and the 90th percentile.
The FP32 FMA peak is measured by bench/fma_peak.cpp on the same thread count; GFLOP/s counts
2 * MACs * batch (MACs from `netc summary`).

With --profile, after the table each model and batch is emitted again with `netc emit --profile`
and time_generated --profile prints its TOP (default 15) kernels by time and a summary by kind,
with GFLOP/s and % of the measured peak (bench/README.md).

Trust checks: the run stops when PyTorch's BLAS (which runs its 1x1 convolutions at batch 1) is
not OpenBLAS or MKL, unless --allow-slow-blas; it warns when other processes used the CPUs during
the peak measurement or a timed measurement (from /proc), and when an engine beats the peak.

Threads: --threads sets PyTorch (set_num_threads; one inter-op thread), ONNX Runtime (intra-op
threads, one inter-op thread, sequential execution), OMP/MKL/OPENBLAS_NUM_THREADS and netc's
generated class (its constructor's thread count, through time_generated --threads). OPENBLAS_CORETYPE is removed from the environment before torch
is imported (a forced Haswell core type halves OpenBLAS's speed on AVX-512 machines).
"""
import argparse
import copy
import gc
import hashlib
import json
import math
import os
import platform
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from netc_scripts import cpu_target_features, run, say, seed_of  # noqa: E402
BENCH = os.path.join(ROOT, "bench")
TOLERANCE = 1e-4
OTHER_CPUS_LIMIT = 0.1  # CPUs other processes may use on average before a measurement is suspect
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
THREAD_VARIABLES = ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"]
# Variables that change how the peers run; their state is recorded with the results.
RECORDED_VARIABLES = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT",
                      "OMP_PROC_BIND", "OMP_PLACES", "KMP_AFFINITY", "DNNL_MAX_CPU_ISA",
                      "ONEDNN_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY", "LD_LIBRARY_PATH",
                      "LD_PRELOAD"] + THREAD_VARIABLES

# Each target's CPU features and compile options (cmake/NetcCpuTargets.cmake).
TARGET_CPU_FLAGS = cpu_target_features(ROOT)
TARGET_FLAGS = {t: ["-m" + f for f in features] for t, features in TARGET_CPU_FLAGS.items()}
ENGINES = ["netc", "pytorch", "ort"]
ENGINE_TITLES = {"netc": "netc", "pytorch": "PyTorch", "ort": "ORT"}


def make_inception_v4():
    import timm
    return timm.create_model("inception_v4", pretrained=False)


def make_inception_v3():
    import torchvision
    return torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False)


def make_resnet50():
    import torchvision
    return torchvision.models.resnet50(weights=None)


def make_mobilenet_v2():
    import torchvision
    return torchvision.models.mobilenet_v2(weights=None)


def make_efficientnet_b0():
    import torchvision
    return torchvision.models.efficientnet_b0(weights=None)


def make_mobilenet_v3_large():
    import torchvision
    return torchvision.models.mobilenet_v3_large(weights=None)


# name: (zoo file, netc network, input size, PyTorch constructor, where the module comes from)
MODELS = {
    "inception_v4": ("inception_v4", "inception_v4", 299, make_inception_v4,
                     "timm.create_model('inception_v4')"),
    "inception_v3": ("inception_v3", "inception_v3", 299, make_inception_v3,
                     "torchvision inception_v3(aux_logits=False, init_weights=False)"),
    "resnet50": ("resnet50", "resnet50", 224, make_resnet50, "torchvision resnet50"),
    "mobilenet_v2": ("mobilenet_v2", "mobilenet_v2", 224, make_mobilenet_v2,
                     "torchvision mobilenet_v2"),
    "efficientnet_b0": ("efficientnet_b0", "efficientnet_b0", 224, make_efficientnet_b0,
                        "torchvision efficientnet_b0"),
    "mobilenet_v3_large": ("mobilenet_v3", "mobilenet_v3_large", 224, make_mobilenet_v3_large,
                           "torchvision mobilenet_v3_large"),
}


# ---------------------------------------------------------------------------------------------
# Environment and machine


def configure_environment(threads):
    """Sets the thread variables and removes OPENBLAS_CORETYPE; must run before torch is imported.
    Returns the variables' state before and after."""
    assert "torch" not in sys.modules, "the environment must be set before torch is imported"
    before = {name: os.environ.get(name) for name in RECORDED_VARIABLES}
    os.environ.pop("OPENBLAS_CORETYPE", None)
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    after = {name: os.environ.get(name) for name in RECORDED_VARIABLES}
    return {"before": before, "after": after}


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def lscpu_fields():
    fields = {}
    try:
        for line in run(["lscpu"]).splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    except (OSError, RuntimeError):
        pass
    return fields


class CpuMeter:
    """What the CPUs did between start and stop(), from /proc: how many were busy on average, how
    many of those ran processes other than the benchmark's own (this process, its finished
    children, and the running children `pids`), and the share the hypervisor stole. With nothing
    else running, other_cpus stays near 0 whatever the thread count."""

    def __init__(self, pids=()):
        self.pids = list(pids)
        self.start = self._sample()

    def _sample(self):
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
        busy = user + nice + system + irq + softirq
        t = os.times()
        own = t.user + t.system + t.children_user + t.children_system
        for pid in self.pids:
            with open("/proc/{}/stat".format(pid)) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            own += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
        return busy / CLOCK_TICKS, steal, busy + idle + iowait + steal, own, time.monotonic()

    def stop(self):
        busy, steal, total, own, wall = (b - a for a, b in zip(self.start, self._sample()))
        return {"busy_cpus": round(busy / wall, 2),
                "other_cpus": round(max(busy - own, 0) / wall, 2),
                "steal_fraction": round(steal / total, 4) if total else 0.0}


def load_average():
    with open("/proc/loadavg") as f:
        return [float(v) for v in f.read().split()[:3]]


def torch_blas():
    """The BLAS PyTorch calls (its im2col convolutions, e.g. the 1x1 ones at batch 1, and Linear
    go there): the libraries mapped into this process after one matrix product, and OpenBLAS's
    core type and thread count when it is OpenBLAS."""
    import ctypes
    import torch
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    mapped = set()
    with open("/proc/self/maps") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 6 and re.search(r"blas|lapack|mkl|blis", os.path.basename(fields[5])):
                mapped.add(fields[5])
    blas = {"libraries": sorted(mapped), "kind": "unknown"}
    openblas = [p for p in mapped if "libopenblas" in os.path.basename(p)]
    if openblas:
        blas["kind"] = "OpenBLAS"
        lib = ctypes.CDLL(openblas[0])
        lib.openblas_get_corename.restype = ctypes.c_char_p
        blas["openblas_core"] = lib.openblas_get_corename().decode()
        blas["openblas_threads"] = lib.openblas_get_num_threads()
    elif any("libmkl" in p for p in mapped):
        blas["kind"] = "MKL"
    elif any(os.path.basename(p).startswith("libblas.so") for p in mapped):
        blas["kind"] = "reference BLAS (netlib)"
    return blas


def os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def machine_facts(args, cxx):
    import numpy
    import onnxruntime
    import timm
    import torch
    import torchvision
    lscpu = lscpu_fields()
    flags = cpu_flags()
    simd = [f for f in ["avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl",
                        "avx512_vnni", "avx512_bf16", "amx_tile"] if f in flags]
    return {
        "cpu": lscpu.get("Model name", platform.processor()),
        "cpu_family_model_stepping": "/".join(lscpu.get(k, "?") for k in
                                              ["CPU family", "Model", "Stepping"]),
        "hypervisor": lscpu.get("Hypervisor vendor", "none"),
        "cpus": os.cpu_count(),
        "cpus_allowed": len(os.sched_getaffinity(0)),
        "threads_per_core": lscpu.get("Thread(s) per core", "?"),
        "caches": {k: lscpu[k] for k in ["L1d cache", "L2 cache", "L3 cache"] if k in lscpu},
        "simd": simd,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": os_name(),
        "kernel": platform.release(),
        "compiler": run([cxx, "--version"]).splitlines()[0],
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_blas": torch_blas(),
        "torchvision": torchvision.__version__,
        "timm": timm.__version__,
        "onnxruntime": onnxruntime.__version__,
        "numpy": numpy.__version__,
        "netc": run([args.netc, "--version"]).strip().splitlines()[-1].strip(),
        "netc_source": source_revision(),
    }


def source_revision():
    """The commit of the tree the benchmark runs from, marked when the tree has changes."""
    try:
        commit = run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"]).strip()
        dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"]).strip()
    except (OSError, RuntimeError):
        return "unknown"
    return commit + (" with uncommitted changes" if dirty else "")


# ---------------------------------------------------------------------------------------------
# Peak


def measure_peak(args, work, isa, threads):
    """fma_peak's report for `threads` pinned threads: every repetition's GFLOP/s, the median
    and the best (the peak)."""
    binary = os.path.join(work, "fma_peak")
    source = os.path.join(BENCH, "fma_peak.cpp")
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        run([args.cxx, "-std=c++17", "-O2", "-pthread", source, "-o", binary])
    report = json.loads(run([binary, "--isa=" + isa, "--threads=" + str(threads), "--reps=5"]))
    return report


# ---------------------------------------------------------------------------------------------
# Models, weights, builds


def randomised_model(name, seed):
    """The PyTorch module with seeded weights, in eval mode: the library's own initialisation,
    batch-norm scales uniform in [0.5, 1.5] and shifts normal (0.5, 0.2), running statistics from
    one train-mode pass over random images. The statistics keep activations at a sane scale
    through the whole network, and every batch norm folds into something other than identity.
    The shifts are positive on purpose: with zero-mean shifts such a random network is chaotic,
    and float32 rounding grows through Inception-v4's depth until PyTorch's own float32 output is
    4e-4 (relative L2) away from float64, which would make the 1e-4 check meaningless; with them
    it is about 1.5e-5, and the output still depends strongly on the input."""
    import torch
    _, _, size, make, _ = MODELS[name]
    torch.manual_seed(seed)
    model = make()
    batch_norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    generator = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for bn in batch_norms:
            bn.weight.copy_(torch.empty_like(bn.weight).uniform_(0.5, 1.5, generator=generator))
            bn.bias.copy_(torch.empty_like(bn.bias).normal_(0.5, 0.2, generator=generator))
            bn.reset_running_stats()
            bn.momentum = None  # cumulative average: the statistics of the calibration batch
        model.train()
        model(torch.randn(4, 3, size, size, generator=generator))
    for bn in batch_norms:
        bn.momentum = 0.1
    return model.eval()


def save_weights(model, path):
    from safetensors.torch import save_file
    tensors = {k: v.detach().contiguous() for k, v in model.state_dict().items()
               if v.is_floating_point()}
    save_file(tensors, path)


def model_macs(args, name):
    zoo, network, _, _, _ = MODELS[name]
    summary = json.loads(run([args.netc, "summary", "--format=json", "--network=" + network,
                              os.path.join(ROOT, "dsl", "zoo", zoo + ".netc")]))
    return summary["macs"]


def build_driver(args, name, batch, work, profile=False):
    """Emits the network for `batch` and builds time_generated around it (rebuilt only when the
    emitted code, the driver or the flags changed). Returns the binary and the build command.
    profile: emitted with --profile, in folders of their own."""
    zoo, network, _, _, _ = MODELS[name]
    # Builds with other emit flags, or profiled, keep folders of their own.
    variant = (args.target + "".join(f.replace("=", "-") for f in args.netc_flag) +
               ("-profile" if profile else ""))
    emit_dir = os.path.join(work, "emit-{}-b{}-{}".format(name, batch, variant))
    run([args.netc, "emit", "--target=" + args.target, "--batch=" + str(batch)] + args.netc_flag +
        ["--network=" + network, "-o", emit_dir, os.path.join(ROOT, "dsl", "zoo", zoo + ".netc")] +
        (["--profile"] if profile else []))
    header = os.path.join(emit_dir, network + ".hpp")
    with open(header) as f:
        match = re.search(r"^class (\w+) \{", f.read(), re.M)
    if not match:
        raise RuntimeError("no class in " + header)
    binary = os.path.join(work, "time-{}-b{}-{}".format(name, batch, variant))
    cmd = ([args.cxx, "-std=c++17", "-O2"] + TARGET_FLAGS[args.target] + args.cxxflags.split() +
           ["-I", emit_dir, '-DNETC_MODEL_HEADER="{}.hpp"'.format(network),
            "-DNETC_MODEL_CLASS=netc::" + match.group(1),
            os.path.join(BENCH, "time_generated.cpp"), os.path.join(emit_dir, network + ".cpp"),
            "-pthread", "-o", binary])
    digest = hashlib.sha256(" ".join(cmd).encode())
    for path in [header, os.path.join(emit_dir, network + ".cpp"),
                 os.path.join(BENCH, "time_generated.cpp")]:
        with open(path, "rb") as f:
            digest.update(f.read())
    for root, _, files in sorted(os.walk(os.path.join(emit_dir, "netc"))):
        for file in sorted(files):
            with open(os.path.join(root, file), "rb") as f:
                digest.update(f.read())
    stamp = binary + ".sha256"
    if not (os.path.exists(binary) and os.path.exists(stamp) and
            open(stamp).read() == digest.hexdigest()):
        start = time.time()
        run(cmd)
        with open(stamp, "w") as f:
            f.write(digest.hexdigest())
        say("  built {} in {:.0f} s".format(os.path.basename(binary), time.time() - start))
    return binary, cmd


def export_onnx(model, example, path):
    import torch
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"],
                      output_names=["logits"], do_constant_folding=True)


# ---------------------------------------------------------------------------------------------
# Engines: each has output(), warm_up(n) and time(n) -> [ms per run]


class NetcEngine:
    """The generated code, driven by time_generated --serve (weights loaded once)."""

    def __init__(self, binary, weights, input_npy, threads):
        self.process = subprocess.Popen([binary, weights, input_npy, "--threads={}".format(threads),
                                         "--serve"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def _ask(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("time_generated ended (exit {}) after '{}'".format(
                self.process.wait(), line))
        reply = json.loads(answer)
        if "error" in reply:
            raise RuntimeError("time_generated: " + reply["error"])
        return reply

    def output(self, path):
        import numpy as np
        self._ask("output " + path)
        return np.load(path)

    def warm_up(self, runs):
        self._ask("warmup {}".format(runs))

    def time(self, runs):
        return self._ask("time {}".format(runs))["times_ms"]

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait()


class InProcessEngine:
    """An engine that runs in this Python process: a subclass gives _run(), one inference."""

    def warm_up(self, runs):
        for _ in range(runs):
            self._run()

    def time(self, runs):
        ms = []
        for _ in range(runs):
            start = time.perf_counter_ns()
            self._run()
            ms.append((time.perf_counter_ns() - start) / 1e6)
        return ms

    def close(self):
        pass


class PyTorchEngine(InProcessEngine):
    def __init__(self, model, x):
        self.model, self.x = model, x

    def _run(self):
        import torch
        with torch.inference_mode():
            return self.model(self.x)

    def output(self, path):
        return self._run().numpy()


class OrtEngine(InProcessEngine):
    def __init__(self, onnx_path, x, threads):
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(onnx_path, options,
                                            providers=["CPUExecutionProvider"])
        self.feed = {self.session.get_inputs()[0].name: x}

    def _run(self):
        return self.session.run(None, self.feed)[0]

    def output(self, path):
        return self._run()


# ---------------------------------------------------------------------------------------------
# Measurement


def relative_l2(actual, expected):
    import numpy as np
    actual = np.asarray(actual, dtype=np.float64).reshape(-1)
    expected = np.asarray(expected, dtype=np.float64).reshape(-1)
    if actual.shape != expected.shape:
        return math.inf
    if not np.all(np.isfinite(actual)):
        return math.inf
    return float(np.linalg.norm(actual - expected) / np.linalg.norm(expected))


def statistics(ms):
    import numpy as np
    a = np.asarray(ms)
    q1, median, q3, p90 = np.percentile(a, [25, 50, 75, 90])
    return {"runs": len(ms), "median_ms": float(median), "min_ms": float(a.min()),
            "p90_ms": float(p90), "q1_ms": float(q1), "q3_ms": float(q3),
            "mean_ms": float(a.mean()), "max_ms": float(a.max()),
            "times_ms": [float(v) for v in ms]}


def measure(engines, args, seed, pids):
    """Warm-up, then interleaved rounds in a random engine order (see the module comment); `pids`
    are the engines' own processes besides this one."""
    import numpy as np
    rng = np.random.default_rng(seed)
    counts = {}
    for name, engine in engines.items():
        engine.warm_up(max(args.warmup - 1, 0))
        estimate = float(np.median(engine.time(1 + args.warmup // 2)))  # untimed in the results
        counts[name] = min(args.max_runs, max(args.runs, math.ceil(args.min_time * 1e3 / estimate)))
    times = {name: [] for name in engines}
    order_log = []
    gc.collect()
    gc.disable()
    meter = CpuMeter(pids)
    try:
        for r in range(args.rounds):
            order = list(rng.permutation(list(engines)))
            order_log.append(order)
            for name in order:
                chunk = math.ceil(counts[name] * (r + 1) / args.rounds) - len(times[name])
                if chunk <= 0:
                    continue
                engines[name].warm_up(1)
                times[name] += engines[name].time(chunk)
    finally:
        gc.enable()
    use = meter.stop()
    return {name: statistics(ms) for name, ms in times.items()}, order_log, use


def check_outputs(engines, reference, work, label):
    """Every engine's output against the float64 reference; raises when one is off."""
    errors = {}
    for name, engine in engines.items():
        out = engine.output(os.path.join(work, "{}-{}-output.npy".format(label, name)))
        errors[name] = relative_l2(out, reference)
    say("  correctness vs PyTorch float64 (relative L2): " +
        ", ".join("{} {:.2e}".format(ENGINE_TITLES[n], e) for n, e in errors.items()))
    bad = {n: e for n, e in errors.items() if not e <= TOLERANCE}
    if bad:
        raise SystemExit("baseline: {}: output differs from PyTorch float64 beyond {:g}: {}; "
                         "nothing was timed".format(label, TOLERANCE, bad))
    return errors


def bench_model(args, name, work, results):
    import numpy as np
    import torch
    zoo, network, size, _, source = MODELS[name]
    seed = seed_of("weights:" + name)
    say("{}: {} (netc {}), input {}x{}".format(name, source, network, size, size))
    model = randomised_model(name, seed)
    weights = os.path.join(work, name + ".safetensors")
    save_weights(model, weights)
    model64 = copy.deepcopy(model).double()
    macs = model_macs(args, name)
    for batch in args.batches:
        label = "{}-b{}".format(name, batch)
        say("{} batch {}".format(name, batch))
        binary, build_cmd = build_driver(args, name, batch, work)
        generator = torch.Generator().manual_seed(seed_of("input:" + label))
        x = torch.randn(batch, 3, size, size, generator=generator)
        input_npy = os.path.join(work, label + "-input.npy")
        np.save(input_npy, x.numpy())
        onnx_path = os.path.join(work, label + ".onnx")
        export_onnx(model, x, onnx_path)
        with torch.no_grad():
            reference = model64(x.double()).numpy()
        engines = {"netc": NetcEngine(binary, weights, input_npy, args.threads),
                   "pytorch": PyTorchEngine(model, x),
                   "ort": OrtEngine(onnx_path, x.numpy(), args.threads)}
        try:
            errors = check_outputs(engines, reference, work, label)
            stats, order, use = measure(engines, args, seed_of("order:" + label),
                                        [engines["netc"].process.pid])
        finally:
            for engine in engines.values():
                engine.close()
        flops = 2.0 * macs * batch
        row = {"model": name, "batch": batch, "macs_per_image": macs, "source": source,
               "relative_l2_vs_float64": errors, "order": order, "build_command": build_cmd,
               "cpu_use": use, "engines": stats}
        for engine, s in stats.items():
            s["gflops"] = flops / (s["median_ms"] * 1e6)
        results["rows"].append(row)
        say("  " + "; ".join("{} {:.2f} ms (min {:.2f}, p90 {:.2f}, {} runs)".format(
            ENGINE_TITLES[e], s["median_ms"], s["min_ms"], s["p90_ms"], s["runs"])
            for e, s in stats.items()))
        say("  " + cpu_use_text(use))
        if use["other_cpus"] > OTHER_CPUS_LIMIT:
            say("  WARNING: other processes kept {:.2f} CPUs busy while timing; rerun on a quiet "
                "machine".format(use["other_cpus"]))
        del engines
        gc.collect()


def profile_model(args, row, work, peak_gflops):
    """time_generated --profile's report for one row: where netc's time goes, kernel by kernel."""
    name, batch = row["model"], row["batch"]
    binary, _ = build_driver(args, name, batch, work, profile=True)
    label = "{}-b{}".format(name, batch)
    report = run([binary, os.path.join(work, name + ".safetensors"),
                  os.path.join(work, label + "-input.npy"), "--threads=" + str(args.threads),
                  "--warmup=" + str(args.warmup), "--runs=" + str(args.runs),
                  "--profile=" + str(args.profile), "--peak={:.3f}".format(peak_gflops)])
    # The first line is the timed runs' JSON; the profile follows.
    return report.split("\n", 1)[1].rstrip("\n")


# ---------------------------------------------------------------------------------------------
# Report


def cpu_use_text(use):
    return "CPUs busy on average {:.2f}, of which other processes {:.2f}; steal {:.1%}".format(
        use["busy_cpus"], use["other_cpus"], use["steal_fraction"])


def ratio_text(netc_ms, peer_ms):
    r = netc_ms / peer_ms
    return "{:.2f}x slower".format(r) if r >= 1 else "{:.2f}x faster".format(1 / r)


def table(results, markdown):
    peak = results["peak"]["gflops"]
    netc_head = "netc ms"
    head = ["model", "batch", netc_head, "PyTorch ms", "ORT ms", "netc vs PyTorch",
            "netc vs ORT", "GFLOP/s netc / PyTorch / ORT",
            "% of peak netc / PyTorch / ORT"]
    rows = []
    for row in results["rows"]:
        e = row["engines"]

        def cell(s):
            return "{:.1f} [{:.1f}-{:.1f}]".format(s["median_ms"], s["min_ms"], s["p90_ms"])

        rows.append([row["model"], str(row["batch"]), cell(e["netc"]), cell(e["pytorch"]),
                     cell(e["ort"]),
                     ratio_text(e["netc"]["median_ms"], e["pytorch"]["median_ms"]),
                     ratio_text(e["netc"]["median_ms"], e["ort"]["median_ms"]),
                     " / ".join("{:.0f}".format(e[n]["gflops"]) for n in ENGINES),
                     " / ".join("{:.1f}".format(100 * e[n]["gflops"] / peak) for n in ENGINES)])
    if markdown:
        lines = ["| " + " | ".join(head) + " |",
                 "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def blas_text(blas):
    text = "{} ({})".format(blas["kind"], ", ".join(blas["libraries"]) or "none mapped")
    if "openblas_core" in blas:
        text += ", core {}, {} thread(s)".format(blas["openblas_core"], blas["openblas_threads"])
    return text


def notes(results):
    m, env = results["machine"], results["environment"]
    peak = results["peak"]
    coretype = env["before"]["OPENBLAS_CORETYPE"]
    lines = [
        "Machine: {} (family/model/stepping {}), {} CPUs ({} allowed), {} thread(s) per core, "
        "hypervisor {}, {} GiB; {}; kernel {}.".format(
            m["cpu"], m["cpu_family_model_stepping"], m["cpus"], m["cpus_allowed"],
            m["threads_per_core"], m["hypervisor"], m["memory_gib"], m["os"], m["kernel"]),
        "Caches: {}. SIMD: {}.".format(
            ", ".join("{} {}".format(k, v) for k, v in m["caches"].items()), " ".join(m["simd"])),
        "Software: {}; Python {}; torch {}, torchvision {}, timm {}, onnxruntime {}, numpy {}; "
        "{} at {}.".format(m["compiler"], m["python"], m["torch"], m["torchvision"], m["timm"],
                           m["onnxruntime"], m["numpy"], m["netc"], m["netc_source"]),
        "Threads: {0} for PyTorch (set_num_threads, 1 inter-op thread) and ONNX Runtime "
        "(intra-op, 1 inter-op, sequential); OMP/MKL/OPENBLAS_NUM_THREADS={0}; {0} for netc's "
        "generated class (its constructor's thread count).".format(results["threads"]),
        "OPENBLAS_CORETYPE: {}; unset before importing torch. PyTorch's BLAS: {}.".format(
            "was '{}'".format(coretype) if coretype is not None else "was not set",
            blas_text(m["torch_blas"])),
        "netc: --target={}, driver built with {} -O2 {}{}.".format(
            results["target"], results["cxx"], " ".join(TARGET_FLAGS[results["target"]]),
            " " + results["cxxflags"] if results["cxxflags"] else ""),
        "Peak: {:.1f} GFLOP/s FP32 ({} FMA, {} thread(s), best of {} repetitions of "
        "bench/fma_peak, median {:.1f}).".format(
            peak["gflops"], peak["report"]["isa"], peak["report"]["threads"],
            len(peak["report"]["gflops"]), peak["report"]["gflops_median"]),
        "Timing: {} warm-up runs, then at least {} timed runs and {} s per engine, in {} "
        "interleaved rounds; ms is the median [min-p90] of single runs; GFLOP/s is "
        "2 x MACs x batch / median.".format(results["warmup"], results["runs"],
                                             results["min_time"], results["rounds"]),
        "Load average (1, 5, 15 min): {} before, {} after.".format(
            results["load_before"], results["load_after"]),
    ]
    lines.append("Relative L2 error against PyTorch float64 (netc / PyTorch / ORT): " + "; ".join(
        "{} b{} {}".format(row["model"], row["batch"], " / ".join(
            "{:.1e}".format(row["relative_l2_vs_float64"][n]) for n in ENGINES))
        for row in results["rows"]) + ".")
    lines.append("CPUs used by other processes while timing (average; steal): peak {:.2f} "
                 "({:.1%}); ".format(results["peak"]["cpu_use"]["other_cpus"],
                                     results["peak"]["cpu_use"]["steal_fraction"]) + "; ".join(
        "{} b{} {:.2f} ({:.1%})".format(row["model"], row["batch"], row["cpu_use"]["other_cpus"],
                                        row["cpu_use"]["steal_fraction"])
        for row in results["rows"]) + ".")
    return lines


# ---------------------------------------------------------------------------------------------


def parse_args():
    flags = cpu_flags()
    default_target = next((t for t in ["avx512", "avx2"]
                           if all(f in flags for f in TARGET_CPU_FLAGS[t])), "generic")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--netc", default=os.path.join(ROOT, "build", "bin", "netc"))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--models", default="inception_v4,inception_v3,resnet50")
    p.add_argument("--batches", default="1,8")
    p.add_argument("--target", default=default_target, choices=sorted(TARGET_FLAGS))
    p.add_argument("--cxx", default="g++")
    p.add_argument("--netc-flag", action="append", default=[],
                   help="a flag for `netc emit` (repeatable), such as --winograd")
    p.add_argument("--cxxflags", default="", help="extra flags for the driver's build")
    p.add_argument("--warmup", type=int, default=5, help="warm-up runs per engine (>= 2)")
    p.add_argument("--runs", type=int, default=30, help="minimum timed runs per engine")
    p.add_argument("--min-time", type=float, default=5.0,
                   help="minimum seconds of timed runs per engine (more runs when fast)")
    p.add_argument("--max-runs", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds per measurement")
    p.add_argument("--work", default=os.path.join(ROOT, "build", "bench"),
                   help="folder for weights, ONNX files and builds")
    p.add_argument("--allow-slow-blas", action="store_true",
                   help="time PyTorch even when it calls a BLAS other than OpenBLAS or MKL")
    p.add_argument("--profile", type=int, nargs="?", const=15, default=0, metavar="TOP",
                   help="after the table, netc's TOP (default 15) kernels by time (netc emit "
                        "--profile)")
    p.add_argument("--json", help="write the results as JSON")
    p.add_argument("--markdown", help="write the table and the notes as Markdown")
    args = p.parse_args()
    args.models = [m for m in args.models.split(",") if m]
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        p.error("unknown model(s) {}; known: {}".format(", ".join(unknown), ", ".join(MODELS)))
    args.batches = [int(b) for b in args.batches.split(",") if b]
    if args.threads < 1 or args.warmup < 2 or args.runs < 1 or args.rounds < 1:
        p.error("--threads, --runs and --rounds must be >= 1, --warmup >= 2")
    if args.profile < 0:
        p.error("--profile takes a number of kernels >= 0")
    missing = [f for f in TARGET_CPU_FLAGS[args.target] if f not in flags]
    if missing:
        p.error("this CPU cannot run --target={} (no {})".format(args.target, ", ".join(missing)))
    args.netc = os.path.abspath(args.netc)
    return args


def command_line():
    """This run's command, with the loader variables that change which libraries PyTorch uses."""
    words = ["{}={}".format(name, os.environ[name]) for name in ["LD_LIBRARY_PATH", "LD_PRELOAD"]
             if os.environ.get(name)]
    return " ".join(words + [sys.executable] + sys.argv)


def main():
    args = parse_args()
    environment = configure_environment(args.threads)
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    started = time.time()
    results = {"command": command_line(), "threads": args.threads,
               "target": args.target, "cxx": args.cxx, "cxxflags": args.cxxflags,
               "warmup": args.warmup, "runs": args.runs, "min_time": args.min_time,
               "rounds": args.rounds, "tolerance": TOLERANCE, "environment": environment,
               "machine": machine_facts(args, args.cxx), "load_before": load_average(),
               "rows": []}
    coretype = environment["before"]["OPENBLAS_CORETYPE"]
    say("OPENBLAS_CORETYPE {}: unset before importing torch; {}={}".format(
        "was '{}'".format(coretype) if coretype is not None else "was not set",
        "/".join(THREAD_VARIABLES), args.threads))
    say("torch threads {} (inter-op {}); ORT intra-op {}, inter-op 1, sequential; "
        "netc {} thread(s)".format(
        torch.get_num_threads(), torch.get_num_interop_threads(), args.threads, args.threads))

    blas = results["machine"]["torch_blas"]
    say("PyTorch's BLAS: " + blas_text(blas))
    if blas["kind"] not in ("OpenBLAS", "MKL"):
        message = ("PyTorch runs its im2col convolutions (the 1x1 ones at batch 1) and Linear "
                   "layers on {}, which makes it several times slower than it should be; install "
                   "OpenBLAS (apt-get install libopenblas0-pthread, which Debian's libtorch "
                   "recommends) or put a folder holding OpenBLAS's libblas.so.3 on "
                   "LD_LIBRARY_PATH".format(blas["kind"]))
        if not args.allow_slow_blas:
            raise SystemExit("baseline: " + message + " (--allow-slow-blas times it anyway)")
        say("WARNING: " + message)

    peak_isa = "avx512" if "avx512f" in cpu_flags() else "avx2"
    meter = CpuMeter()
    report = measure_peak(args, work, peak_isa, args.threads)
    results["peak"] = {"gflops": report["gflops_best"], "report": report,
                       "cpu_use": meter.stop()}
    say("peak: {:.1f} GFLOP/s ({} FMA, {} thread(s); repetitions {}); {}".format(
        report["gflops_best"], peak_isa, args.threads, report["gflops"],
        cpu_use_text(results["peak"]["cpu_use"])))

    for name in args.models:
        bench_model(args, name, work, results)

    results["load_after"] = load_average()
    results["seconds"] = round(time.time() - started, 1)
    say()
    say(table(results, markdown=False))
    say()
    for line in notes(results):
        say(line)
    if args.profile:
        results["profiles"] = []
        for row in results["rows"]:
            meter = CpuMeter()
            text = profile_model(args, row, work, results["peak"]["gflops"])
            use = meter.stop()
            say()
            say("netc profile, {} batch {} ({} thread(s)); {}:".format(
                row["model"], row["batch"], args.threads, cpu_use_text(use)))
            say(text)
            results["profiles"].append({"model": row["model"], "batch": row["batch"],
                                        "text": text, "cpu_use": use})
        say()
    say("Total time: {:.0f} s.".format(results["seconds"]))
    busiest = max([results["peak"]["cpu_use"]["other_cpus"]] +
                  [row["cpu_use"]["other_cpus"] for row in results["rows"]])
    fastest = max(e["gflops"] for row in results["rows"] for e in row["engines"].values())
    if fastest > results["peak"]["gflops"]:
        say("WARNING: an engine ran at {:.0f} GFLOP/s, above the measured peak of {:.0f}: the "
            "peak measurement was disturbed.".format(fastest, results["peak"]["gflops"]))
    if busiest > OTHER_CPUS_LIMIT:
        say("WARNING: other processes kept up to {:.2f} CPUs busy during the measurements; these "
            "timings are not trustworthy: rerun on a quiet machine.".format(busiest))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table(results, markdown=True) + "\n\n")
            f.write("\n".join("- " + line for line in notes(results)) + "\n\n")
            for profile in results.get("profiles", []):
                f.write("netc profile, {} batch {}:\n\n```\n{}\n```\n\n".format(
                    profile["model"], profile["batch"], profile["text"]))
            f.write("Command: `{}`\n".format(results["command"]))


if __name__ == "__main__":
    main()
