#!/usr/bin/env python3
"""`netc emit --backend=pytorch` against netc's reference executor, for every network netc tests.

For every network of dsl/zoo/*.netc, tests/backend/ops.netc (every op) and
tests/pytorch/emitter_paths.netc (what only this emitter writes: asymmetric pool padding, odd
layer names): emit <network>.py, import it and require that
  - state_dict() holds exactly the float tensors `netc params` lists, with their shapes (the
    integer num_batches_tracked of batch norms aside), and parameters() count PARAMETER_COUNT;
  - with seeded random weights (batch-norm statistics and affine parameters far from trivial),
    saved from state_dict() with safetensors as a user would, the module in eval mode and float64
    gives the outputs of `netc run` (the reference executor, double) on a random input, within a
    relative L2 error of 1e-9: both compute in double from the same float32 values.
Then training: one SGD step in train mode changes every LeNet-5 parameter (and a batch norm's
running statistics), and the trained state_dict() saves, loads back and runs in `netc run`.

  check_pytorch_emitter.py --netc build/bin/netc --work build/tests/pytorch [--networks a,b]

Needs torch and safetensors: run it with /usr/bin/python3 (ctest's NETC_TORCH_PYTHON).
"""
import argparse
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from netc_scripts import run, seed_of  # noqa: E402

TOLERANCE = 1e-9
FILES = sorted(glob.glob(os.path.join(ROOT, "dsl", "zoo", "*.netc"))) + [
    os.path.join(ROOT, "tests", "backend", "ops.netc"),
    os.path.join(ROOT, "tests", "pytorch", "emitter_paths.netc"),
]
# (input size, batch) where not (declared, 1): the large networks at a reduced valid size (those of
# tests/backend/check_backend.py, or smaller), so that the reference executor stays fast; a batch
# of 2 where the network is small, so that forward() is seen to keep samples apart.
RUN_AS = {
    "lenet5": (None, 2),
    "every_op": (None, 2),
    "emitter_paths": (None, 2),
    "alexnet": (99, 1),
    "vgg16": (48, 1),
    "vgg19": (48, 1),
    "googlenet": (96, 1),
    "inception_v3": (107, 1),
    "inception_v4": (107, 1),
    "inception_resnet_v1": (107, 1),
    "inception_resnet_v2": (107, 1),
    "xception": (99, 1),
    "resnet50": (96, 1),
    "resnext50_32x4d": (96, 1),
    "mobilenet_v2": (96, 1),
    "mnasnet1_0": (96, 1),
    "squeezenet1_1": (96, 1),
    "densenet121": (96, 1),
    "regnet_y_400mf": (96, 1),
    "efficientnet_b0": (96, 1),
    "shufflenet_v2_x1_0": (96, 1),
    "mobilenet_v3_large": (96, 1),
    "mobilenet_v3_small": (96, 1),
    "convnext_tiny": (64, 1),
}


def networks_of(netc, path, work):
    """The networks of a .netc file: what `netc emit` writes, one <network>.py each."""
    folder = os.path.join(work, "list", os.path.basename(path))
    run([netc, "emit", "--backend=pytorch", "-o", folder, path], cwd=ROOT)
    return sorted(os.path.splitext(f)[0] for f in os.listdir(folder))


def netc_args(path, network):
    size, batch = RUN_AS.get(network, (None, 1))
    args = [path, "--network=" + network, "--batch=" + str(batch)]
    return args + (["--input-size=" + str(size)] if size else [])


def import_network(netc, path, network, folder):
    """Emits <network>.py into `folder` and imports it: (the module, its nn.Module class)."""
    run([netc, "emit", "--backend=pytorch", "-o", folder] + netc_args(path, network), cwd=ROOT)
    spec = importlib.util.spec_from_file_location(network, os.path.join(folder, network + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    classes = [c for c in vars(module).values() if isinstance(c, type) and
               issubclass(c, torch.nn.Module) and c.__module__ == module.__name__]
    if len(classes) != 1:
        raise RuntimeError("{}.py defines {} nn.Module classes, not one".format(
            network, len(classes)))
    return module, classes[0]


def check_names(netc, path, network, module, model):
    """state_dict() holds what `netc params` lists: the same names, the same shapes."""
    listed = {}
    for line in run([netc, "params"] + netc_args(path, network), cwd=ROOT).splitlines():
        name, shape, dtype = line.split("\t")
        if dtype == "float32":
            listed[name] = json.loads(shape)
    held = {name: list(t.shape) for name, t in model.state_dict().items()
            if t.is_floating_point()}
    problems = ["missing {} {}".format(n, s) for n, s in listed.items() if n not in held]
    problems += ["unexpected {} {}".format(n, s) for n, s in held.items() if n not in listed]
    problems += ["{} has shape {}, netc says {}".format(n, held[n], s)
                 for n, s in listed.items() if n in held and held[n] != s]
    count = sum(p.numel() for p in model.parameters())
    if count != module.PARAMETER_COUNT:
        problems.append("parameters() count {}, PARAMETER_COUNT is {}".format(
            count, module.PARAMETER_COUNT))
    if problems:
        raise RuntimeError("state_dict() differs from `netc params`:\n  " + "\n  ".join(problems))
    return len(listed)


def randomize(model, network):
    """Seeded float32 weights in place: far-from-trivial batch norms, unit-gain layers."""
    generator = torch.Generator().manual_seed(seed_of("weights:" + network))
    state = model.state_dict()
    with torch.no_grad():
        for name, t in state.items():
            if not t.is_floating_point():
                continue
            prefix, leaf = name.rsplit(".", 1)
            batch_norm = prefix + ".running_mean" in state
            if leaf == "running_var":
                t.uniform_(0.5, 2.0, generator=generator)
            elif leaf == "running_mean":
                t.normal_(0.0, 0.5, generator=generator)
            elif batch_norm and leaf == "weight":
                t.uniform_(0.5, 1.5, generator=generator)
            elif leaf == "bias":
                t.normal_(0.0, 0.2, generator=generator)
            else:  # convolution and linear weights: deep stacks neither vanish nor explode
                t.normal_(0.0, (1.0 / (t[0].numel())) ** 0.5, generator=generator)


def random_inputs(module, network, folder):
    generator = torch.Generator().manual_seed(seed_of("input:" + network))
    inputs, paths = [], []
    for i, shape in enumerate(module.INPUT_SHAPES.values()):
        x = torch.randn(shape, generator=generator)
        paths.append(os.path.join(folder, "input{}.npy".format(i)))
        np.save(paths[-1], x.numpy())
        inputs.append(x)
    return inputs, paths


def start_reference(netc, path, network, weights, inputs, folder, count):
    """`netc run` in the background, while PyTorch computes; the paths of its outputs."""
    outputs = [os.path.join(folder, "expected{}.npy".format(i)) for i in range(count)]
    cmd = [netc, "run"] + netc_args(path, network) + ["--weights", weights]
    for p in inputs:
        cmd += ["--input", p]
    for p in outputs:
        cmd += ["--output", p]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True), outputs


def finish_reference(process):
    out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError("netc run failed ({}): {}{}".format(process.returncode, out, err))


def forward(model, inputs):
    with torch.no_grad():
        got = model(*[x.double() for x in inputs])
    return list(got) if isinstance(got, tuple) else [got]


def compare(names, got, expected_paths):
    """The worst relative L2 error over the outputs; raises on a shape mismatch."""
    worst = 0.0
    for name, g, path in zip(names, got, expected_paths):
        want = np.load(path)
        g = g.numpy()
        if g.dtype != np.float64 or g.shape != want.shape:
            raise RuntimeError("output {} is {} {}, netc run gives float64 {}".format(
                name, g.dtype, list(g.shape), list(want.shape)))
        if not np.linalg.norm(want) > 0:
            raise RuntimeError("output {} of netc run is zero or not finite: a useless test".format(
                name))
        error = float(np.linalg.norm(g - want) / np.linalg.norm(want))
        if not error < TOLERANCE:
            i = np.unravel_index(np.argmax(np.abs(g - want)), want.shape)
            raise RuntimeError("output {} {}: relative L2 error {:.3e}; worst at {}: PyTorch {!r}, "
                               "netc run {!r}".format(name, list(want.shape), error, list(i),
                                                      float(g[i]), float(want[i])))
        worst = max(worst, error)
    return worst


def check_network(netc, path, network, work):
    folder = os.path.join(work, network)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    module, cls = import_network(netc, path, network, folder)
    model = cls()
    tensors = check_names(netc, path, network, module, model)
    randomize(model, network)
    weights = os.path.join(folder, "weights.safetensors")
    save_file(model.state_dict(), weights)  # num_batches_tracked too: netc skips integer tensors
    inputs, input_paths = random_inputs(module, network, folder)
    names = list(module.OUTPUT_SHAPES)
    process, expected = start_reference(netc, path, network, weights, input_paths, folder,
                                        len(names))
    try:
        got = forward(model.double().eval(), inputs)
    finally:
        finish_reference(process)
    if len(got) != len(names):
        raise RuntimeError("forward() returns {} outputs, OUTPUT_SHAPES has {}".format(
            len(got), len(names)))
    for name, g in zip(names, got):
        if tuple(g.shape) != module.OUTPUT_SHAPES[name]:
            raise RuntimeError("output {} has shape {}, OUTPUT_SHAPES says {}".format(
                name, list(g.shape), list(module.OUTPUT_SHAPES[name])))
    error = compare(names, got, expected)
    shutil.rmtree(folder, ignore_errors=True)
    return tensors, error


def check_training(netc, work):
    """One SGD step in train mode moves every parameter; the result saves, loads and deploys."""
    lenet5 = os.path.join(ROOT, "dsl", "zoo", "lenet5.netc")
    folder = os.path.join(work, "training")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    module, cls = import_network(netc, lenet5, "lenet5", folder)
    torch.manual_seed(seed_of("training"))
    model = cls().train()
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    images = torch.randn(8, *module.INPUT_SHAPES["image"][1:])
    labels = torch.randint(0, 10, (8,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = F.cross_entropy(model(images), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    still = [name for name, p in model.named_parameters() if torch.equal(p, before[name])]
    if still:
        raise RuntimeError("one SGD step left these parameters unchanged: " + ", ".join(still))

    weights = os.path.join(folder, "trained.safetensors")
    save_file(model.state_dict(), weights)
    reloaded = cls()
    reloaded.load_state_dict(load_file(weights))  # strict: every name and shape
    for name, t in model.state_dict().items():
        if not torch.equal(t, reloaded.state_dict()[name]):
            raise RuntimeError("{} differs after save_file and load_state_dict".format(name))
    _, input_paths = random_inputs(module, "training", folder)
    inputs = [torch.from_numpy(np.load(p)) for p in input_paths]
    process, expected = start_reference(netc, lenet5, "lenet5", weights, input_paths, folder, 1)
    try:
        got = forward(reloaded.double().eval(), inputs)
    finally:
        finish_reference(process)
    compare(["logits"], got, expected)

    # Train mode updates a batch norm's running statistics, which state_dict() then holds.
    paths = os.path.join(ROOT, "tests", "pytorch", "emitter_paths.netc")
    module, cls = import_network(netc, paths, "emitter_paths", folder)
    model = cls().train()
    mean = model.state_dict()["f.1.running_mean"].clone()
    outputs = model(*[torch.randn(shape) for shape in module.INPUT_SHAPES.values()])
    sum(o.square().mean() for o in outputs).backward()
    if torch.equal(mean, model.state_dict()["f.1.running_mean"]):
        raise RuntimeError("a forward pass in train mode left f.1.running_mean unchanged")
    shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--work", required=True, help="scratch folder")
    parser.add_argument("--networks", help="comma-separated networks (default: all)")
    args = parser.parse_args()
    netc = os.path.abspath(args.netc)
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))  # a core for netc run

    failures, count, start = [], 0, time.time()
    for path in FILES:
        for network in networks_of(netc, path, work):
            if args.networks and network not in args.networks.split(","):
                continue
            count += 1
            t0 = time.time()
            try:
                tensors, error = check_network(netc, path, network, work)
            except RuntimeError as e:
                failures.append(network)
                print("FAIL {}: {}".format(network, e), flush=True)
                continue
            print("PASS {}: {} tensors named as netc names them, relative L2 {:.1e} ({:.1f} s)"
                  .format(network, tensors, error, time.time() - t0), flush=True)
    if not args.networks:
        t0 = time.time()
        try:
            check_training(netc, work)
            print("PASS training: an SGD step, save_file, load_state_dict, netc run ({:.1f} s)"
                  .format(time.time() - t0), flush=True)
        except RuntimeError as e:
            failures.append("training")
            print("FAIL training: {}".format(e), flush=True)
    if failures:
        print("\n{} failed: {}".format(len(failures), ", ".join(failures)))
        return 1
    print("\nall {} networks: PyTorch module equals the reference executor ({:.0f} s)".format(
        count, time.time() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
