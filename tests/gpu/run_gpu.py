#!/usr/bin/env python3
"""netc's CUDA backend on a real GPU, in one go: correctness of every zoo network in every
precision against the reference executor, then latency and throughput against PyTorch.

  /usr/bin/python3 tests/gpu/run_gpu.py --netc build/bin/netc --work build/gpu
      [--models resnet50,...] [--precisions fp32,tf32,bf16,fp16] [--skip-timing]
      [--timing-models inception_v4,inception_v3,resnet50] [--runs 100] [--markdown out.md]

1. Correctness. For each network of tests/backend/check_backend.py's default suite (seeded
   weights far from trivial, seeded input, the same reduced sizes), `netc run` gives the
   reference; `netc emit --backend=cuda --precision=P` is built with nvcc for this GPU's
   architecture around tests/gpu/run_model_gpu.cu, which poisons the device outputs with NaN before
   each of two runs and requires identical bits. The relative L2 error must stay below 1e-5 in
   fp32, 1e-3 in tf32 and 1e-2 in bf16/fp16; a NaN never passes.
2. Timing (unless --skip-timing). inception_v4, inception_v3 and resnet50 at their declared size:
   batch 1 with and without --cuda-graph, batch 64 and 256, median of --runs runs after warm-up,
   against PyTorch on the same GPU when torch.cuda is available: eager (cuDNN, benchmark mode),
   channels_last, and torch.compile where it exists, in the same precision (fp32: TF32 off;
   tf32: TF32 on; bf16/fp16: autocast). The PyTorch model is `netc emit --backend=pytorch` of the
   same network with the same weights. Prints ms and ratios, and a Markdown table for
   docs/benchmarks.md.

Refuses (exit 2) when there is no NVIDIA GPU: nvidia-smi missing or listing no device.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "backend"))
import check_backend as cb  # noqa: E402  (seeded weights, inputs and the reference run)

TOLERANCE = {"fp32": 1e-5, "tf32": 1e-3, "bf16": 1e-2, "fp16": 1e-2}
TIMING_MODELS = ["inception_v4", "inception_v3", "resnet50"]
TIMING_BATCHES = [1, 64, 256]


def refuse(message):
    print("run_gpu.py: " + message, file=sys.stderr)
    sys.exit(2)


def gpu():
    """(name, compute capability as 90) of GPU 0; exits 2 with a clear message without one."""
    smi = shutil.which("nvidia-smi")
    if not smi:
        refuse("no NVIDIA GPU here: nvidia-smi is not installed. Run this script "
                 "on a machine with an NVIDIA GPU (sm_80 or newer) and CUDA 13's nvcc.")
    result = subprocess.run([smi, "--query-gpu=name,compute_cap", "--format=csv,noheader"],
                            capture_output=True, text=True)
    lines = [l for l in result.stdout.splitlines() if l.strip()]
    if result.returncode != 0 or not lines:
        refuse("no NVIDIA GPU here: nvidia-smi found no device ({})".format(
            (result.stderr or result.stdout).strip() or "exit {}".format(result.returncode)))
    name, cap = [s.strip() for s in lines[0].split(",")]
    major, minor = cap.split(".")
    arch = int(major) * 10 + int(minor)
    if arch < 80:
        refuse("{} is sm_{}; netc's CUDA backend needs sm_80 or newer".format(
            name, arch))
    return name, arch


def build(args, case, precision, graph, arch, work):
    """Emits and builds one network; the path of its run_model_gpu binary."""
    network = case[1]
    src = os.path.join(work, "src")
    shutil.rmtree(work, ignore_errors=True)
    cb.run([args.netc, "emit", "--backend=cuda", "--arch=sm_{}".format(arch),
            "--precision=" + precision, "-o", src] + (["--cuda-graph"] if graph else []) +
           cb.network_args(case), cwd=ROOT)
    with open(os.path.join(src, network + ".hpp")) as f:
        class_name = re.search(r"^class (\w+) \{", f.read(), re.M).group(1)
    binary = os.path.join(work, "run_model_gpu")
    cb.run([args.nvcc, "-std=c++17", "-O3", "-arch=sm_{}".format(arch), "-Werror",
            "all-warnings", "-Xcompiler", "-Wall,-Wextra", "-I", src,
            '-DNETC_MODEL_HEADER="{}.hpp"'.format(network), "-DNETC_MODEL_CLASS=netc::" + class_name,
            os.path.join(src, network + ".cu"), os.path.join(ROOT, "tests", "gpu", "run_model_gpu.cu"),
            "-o", binary])
    return binary


def correctness(args, arch, work_root):
    cases = [c for c in cb.MODELS if not cb.embedded(c)]
    if args.models:
        cases = [c for c in cases if c[1] in args.models.split(",")]
    rows, failures = [], []
    for case in cases:
        label = "{} {} b{}".format(case[1], case[2] or "declared", case[3])
        work = os.path.join(work_root, "check", "{}-{}-b{}".format(case[1], case[2] or "d", case[3]))
        try:
            weights, inputs, expected, _ = cb.prepare(args.netc, case, work)
        except RuntimeError as e:
            failures.append(label + " (reference)")
            print("FAIL {} (reference): {}".format(label, e), flush=True)
            continue
        for precision in args.precisions.split(","):
            tag = os.path.join(work, precision)
            try:
                start = time.time()
                binary = build(args, case, precision, precision == "tf32", arch, tag)
                build_s = time.time() - start
                outputs = [os.path.join(tag, "output{}.npy".format(i)) for i in range(len(expected))]
                cb.run([binary, weights] + inputs + outputs)
                err = cb.worst_relative_l2(outputs, expected)
            except RuntimeError as e:
                failures.append("{} {}".format(label, precision))
                rows.append((label, precision, "error"))
                print("FAIL {} {}: {}".format(label, precision, e), flush=True)
                continue
            ok = err < TOLERANCE[precision]
            if not ok:
                failures.append("{} {}".format(label, precision))
            rows.append((label, precision, "{:.2e}".format(err)))
            print("{} {} {}: relative L2 {:.2e} (limit {:.0e}; build {:.0f} s)".format(
                "PASS" if ok else "FAIL", label, precision, err, TOLERANCE[precision], build_s),
                flush=True)
    return rows, failures


# --- Timing ---------------------------------------------------------------------------------


def netc_ms(args, network, batch, precision, graph, arch, work_root):
    case = (network, network, None, batch)
    work = os.path.join(work_root, "time", "{}-b{}-{}{}".format(network, batch, precision,
                                                              "-graph" if graph else ""))
    os.makedirs(work, exist_ok=True)
    weights = os.path.join(work, "weights.safetensors")
    cb.random_weights(args.netc, case, weights)
    shape = cb.input_shapes(args.netc, case)[0]
    image = os.path.join(work, "input.npy")
    np.save(image, np.random.default_rng(0).normal(0.0, 1.0, shape).astype("<f4"))
    binary = build(args, case, precision, graph, arch, os.path.join(work, "build"))
    out = cb.run([binary, weights, image, os.path.join(work, "output.npy"), "--time",
                  str(args.runs)])
    return float(re.search(r"median_ms (\S+)", out).group(1)), weights


def torch_timings(args, network, batch, precision, weights, work_root):
    """{variant: ms} for PyTorch eager, channels_last and torch.compile; {} without torch.cuda."""
    try:
        import torch
        from safetensors.torch import load_file
    except ImportError:
        return {}
    if not torch.cuda.is_available():
        return {}
    import importlib.util
    folder = os.path.join(work_root, "torch", network)
    os.makedirs(folder, exist_ok=True)
    cb.run([args.netc, "emit", "--backend=pytorch", "-o", folder,
            os.path.join(ROOT, "dsl", "zoo", network + ".netc"), "--network=" + network], cwd=ROOT)
    spec = importlib.util.spec_from_file_location(network, os.path.join(folder, network + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cls = [c for c in vars(module).values() if isinstance(c, type) and
           issubclass(c, torch.nn.Module) and c.__module__ == module.__name__][0]
    model = cls()
    model.load_state_dict(load_file(weights), strict=False)
    model = model.cuda().eval()
    torch.backends.cudnn.benchmark = True
    tf32 = precision == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)
    # The network's declared input at this batch (the shape netc ran with).
    shape = cb.input_shapes(args.netc, (network, network, None, batch))[0]
    x = torch.randn(shape, device="cuda")

    def median(fn):
        with torch.no_grad(), torch.autocast("cuda", dtype=dtype, enabled=dtype is not None):
            for _ in range(20):
                fn(x_in)
            torch.cuda.synchronize()
            times = []
            for _ in range(args.runs):
                start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                fn(x_in)
                stop.record()
                stop.synchronize()
                times.append(start.elapsed_time(stop))
        return statistics.median(times)

    result = {}
    x_in = x
    result["eager"] = median(model)
    model_cl = model.to(memory_format=torch.channels_last)
    x_in = x.to(memory_format=torch.channels_last)
    result["channels_last"] = median(model_cl)
    if hasattr(torch, "compile"):
        try:
            result["compile"] = median(torch.compile(model_cl))
        except Exception as e:  # torch.compile missing a backend (no Triton): say so, go on
            print("  torch.compile unavailable: {}".format(str(e).splitlines()[0]), flush=True)
    return result


def timing(args, arch, work_root):
    rows = []
    for network in args.timing_models.split(","):
        for precision in args.precisions.split(","):
            configs = [(1, False), (1, True)] + [(b, False) for b in TIMING_BATCHES[1:]]
            for batch, graph in configs:
                try:
                    ms, weights = netc_ms(args, network, batch, precision, graph, arch, work_root)
                except RuntimeError as e:
                    print("FAIL timing {} b{} {}: {}".format(network, batch, precision, e))
                    rows.append((network, batch, precision, graph, None, {}))
                    continue
                theirs = {} if graph else torch_timings(args, network, batch, precision, weights,
                                                        work_root)
                rows.append((network, batch, precision, graph, ms, theirs))
                print("{} batch {} {}{}: netc {:.3f} ms{}".format(
                    network, batch, precision, " (CUDA graph)" if graph else "", ms,
                    "".join("; {} {:.3f} ms (netc x{:.2f})".format(k, v, v / ms)
                            for k, v in theirs.items())), flush=True)
    return rows


def markdown(gpu_name, arch, check_rows, time_rows):
    lines = ["GPU: {} (sm_{}), measured by tests/gpu/run_gpu.py.".format(gpu_name, arch), "",
             "| network | precision | relative L2 vs reference |", "|---|---|---|"]
    lines += ["| {} | {} | {} |".format(*r) for r in check_rows]
    if time_rows:
        lines += ["", "| network | batch | precision | netc ms | PyTorch eager ms | channels_last "
                  "ms | torch.compile ms | speed-up vs best PyTorch |", "|---|---|---|---|---|---|---|---|"]
        for network, batch, precision, graph, ms, theirs in time_rows:
            best = min(theirs.values()) if theirs else None
            lines.append("| {} | {}{} | {} | {} | {} | {} | {} | {} |".format(
                network, batch, " (graph)" if graph else "", precision,
                "{:.3f}".format(ms) if ms else "failed",
                *["{:.3f}".format(theirs[k]) if k in theirs else "-"
                  for k in ("eager", "channels_last", "compile")],
                "x{:.2f}".format(best / ms) if best and ms else "-"))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--work", required=True, help="scratch folder")
    parser.add_argument("--models", help="correctness: comma-separated networks (default: all)")
    parser.add_argument("--precisions", default="fp32,tf32,bf16,fp16")
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--timing-models", default=",".join(TIMING_MODELS))
    parser.add_argument("--runs", type=int, default=100, help="timed runs per measurement")
    parser.add_argument("--nvcc", default=os.environ.get("NVCC", "/usr/local/cuda/bin/nvcc"))
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    args.netc = os.path.abspath(args.netc)
    for p in args.precisions.split(","):
        if p not in TOLERANCE:
            parser.error("unknown precision '{}'".format(p))
    gpu_name, arch = gpu()
    if not shutil.which(args.nvcc):
        refuse("no nvcc at {} (set NVCC or --nvcc)".format(args.nvcc))
    print("GPU: {} (sm_{})".format(gpu_name, arch), flush=True)
    work_root = os.path.abspath(args.work)
    check_rows, failures = correctness(args, arch, work_root)
    time_rows = [] if args.skip_timing else timing(args, arch, work_root)
    table = markdown(gpu_name, arch, check_rows, time_rows)
    print("\n" + table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)
    if failures:
        print("{} failed:\n  {}".format(len(failures), "\n  ".join(failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
