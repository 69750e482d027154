#!/usr/bin/env python3
"""A class emitted with `netc emit --profile` profiles what it runs (ctest profile).

LeNet-5 is emitted with --profile, built and run by profile_model.cpp: its profile must have one
entry per kernel, in run()'s order, with the layer names, kinds and multiply-adds of the kernel
list (the MACs of dsl/zoo/lenet5.netc's comment), as many calls as runs and non-negative times,
and reset_profile() must start it over; run() must allocate nothing while profiling. Then
bench/time_generated.cpp, built around the same class, must print the profile table with every
kernel. No timing is asserted: the times depend on the machine.

  check_profile.py --netc build/bin/netc --work build/profile [--cxx g++]
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# LeNet-5's kernels: layer, kind, multiply-adds (dsl/zoo/lenet5.netc: 6*28*28*5*5 = 117,600 for
# c1, ... 416,520 in all).
EXPECTED = [("c1", "conv_direct 5x5", 117600), ("s2", "avgpool 2x2/2", 0),
            ("c3", "conv_direct 5x5", 240000), ("s4", "avgpool 2x2/2", 0),
            ("c5", "conv_direct 5x5", 48000), ("f6", "linear", 10080),
            ("output", "linear", 840)]
RUNS = 3


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise RuntimeError("command failed ({}): {}\n{}{}".format(
            result.returncode, " ".join(cmd), result.stdout[-4000:], result.stderr[-4000:]))
    return result.stdout


def write_weights(netc, network_file, path):
    """Every tensor `netc params` lists, filled with 0.01 (the values do not matter here)."""
    header, blobs, offset = {}, [], 0
    for line in run([netc, "params", network_file]).splitlines():
        name, shape, _ = line.split("\t")
        shape = json.loads(shape)
        count = 1
        for d in shape:
            count *= d
        blob = struct.pack("<%df" % count, *([0.01] * count))
        header[name] = {"dtype": "F32", "shape": shape,
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_zero_npy(path, count):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % count
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(b"\0" * (4 * count))


def parse_profile(lines):
    rows = []
    for line in lines:
        layer, kind, macs, calls, ns = line.split("\t")
        rows.append((layer, kind, int(macs), int(calls), int(ns)))
    return rows


def check_profile(rows, calls, when):
    failures = []
    got = [(layer, kind, macs) for layer, kind, macs, _, _ in rows]
    if got != EXPECTED:
        failures.append("{}: entries {}, expected {}".format(when, got, EXPECTED))
    for layer, _, _, n, ns in rows:
        if n != calls:
            failures.append("{}: {} has {} calls, expected {}".format(when, layer, n, calls))
        if ns < 0:
            failures.append("{}: {} has a negative time, {} ns".format(when, layer, ns))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--cxx", default="g++")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    network_file = os.path.join(ROOT, "dsl", "zoo", "lenet5.netc")
    emit_dir = os.path.join(work, "lenet5")
    run([args.netc, "emit", "--profile", "--target=generic", "-o", emit_dir, network_file])
    weights = os.path.join(work, "lenet5.safetensors")
    write_weights(args.netc, network_file, weights)
    flags = ["-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-I", emit_dir,
             '-DNETC_MODEL_HEADER="lenet5.hpp"', "-DNETC_MODEL_CLASS=netc::Lenet5"]
    model_object = os.path.join(work, "lenet5.o")
    run([args.cxx] + flags + ["-c", os.path.join(emit_dir, "lenet5.cpp"), "-o", model_object])

    failures = []
    profile_model = os.path.join(work, "profile_model")
    run([args.cxx] + flags + [os.path.join(ROOT, "tests", "backend", "profile_model.cpp"),
                              model_object, "-pthread", "-o", profile_model])
    lines = run([profile_model, weights, str(RUNS)]).splitlines()
    if "reset" not in lines:
        failures.append("profile_model printed no 'reset' line:\n" + "\n".join(lines))
    else:
        cut = lines.index("reset")
        failures += check_profile(parse_profile(lines[:cut]), RUNS, "after {} runs".format(RUNS))
        failures += check_profile(parse_profile(lines[cut + 1:]), 1, "after reset_profile()")

    # bench/time_generated --profile: the table has every kernel.
    timer = os.path.join(work, "time_generated")
    run([args.cxx] + flags + [os.path.join(ROOT, "bench", "time_generated.cpp"), model_object,
                              "-pthread", "-o", timer])
    image = os.path.join(work, "image.npy")
    write_zero_npy(image, 32 * 32)
    report = run([timer, weights, image, "--warmup=1", "--runs=2", "--profile=10",
                  "--peak=100"])
    table = report.splitlines()
    if not table or not table[0].startswith("{\"times_ms\""):
        failures.append("time_generated --profile: no times first:\n" + report)
    if not any(line.startswith("profile: 7 kernels,") and "2 runs" in line for line in table):
        failures.append("time_generated --profile: no 'profile: 7 kernels, ... 2 runs' line:\n" +
                        report)
    for layer, kind, _ in EXPECTED:
        if not any(line.split()[1:2] == [layer] and kind in line for line in table):
            failures.append("time_generated --profile: no row for {} ({}):\n{}".format(
                layer, kind, report))
    summary = table[table.index("by kind:") + 1:] if "by kind:" in table else []
    for kind in sorted({kind for _, kind, _ in EXPECTED}):
        if not any(line.strip().startswith(kind + " ") for line in summary):
            failures.append("time_generated --profile: no summary row by kind for {}:\n{}".format(
                kind, report))

    for failure in failures:
        print("FAIL: " + failure)
    if failures:
        return 1
    print("profile: lenet5's {} kernels profiled, reset, and tabled by time_generated".format(
        len(EXPECTED)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
