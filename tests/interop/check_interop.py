#!/usr/bin/python3
"""netc's generated C++ against PyTorch itself, on the weights a PyTorch user saves.

For each zoo model that torchvision or timm provides: build the library's model, give it seeded
random weights with randomised batch-norm statistics and affine parameters, put it in eval mode
and save `model.state_dict()` as it is with `safetensors.torch.save_file` (num_batches_tracked and
all). netc emits the zoo network, the generated C++ loads that file by name, runs on a seeded
input, and its outputs must come within a relative L2 error of 1e-5 of the library's model run in
float64 (the float32 run of the same model is printed beside, for scale).

The `_aux` networks take the state_dict of a model built with its auxiliary classifiers
(torchvision's default without pretrained weights); their extra outputs are compared with the
library's auxiliary heads applied, in eval mode, to the activations they tap.

Run with the Python that has torch, torchvision and timm (/usr/bin/python3 on Debian):
  check_interop.py --netc build/bin/netc --work build/interop [--models resnet50,inception_v4]
                   [--targets avx512,avx2,generic] [--emit-flag=--winograd]
"""
import argparse
import concurrent.futures
import copy
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torchvision
import timm
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "backend"))
from check_backend import TARGET_FLAGS, TARGET_CPU_FLAGS, cpu_flags, run, say, seed_of  # noqa: E402

TOLERANCE = 1e-5
EMIT_FLAGS = []  # --emit-flag: more flags for `netc emit`


def torchvision_model(name, **kwargs):
    return lambda: getattr(torchvision.models, name)(weights=None, **kwargs)


def timm_model(name):
    return lambda: timm.create_model(name, pretrained=False)


def tap(module, names):
    """Runs the model once with forward hooks on the named children; returns their outputs."""
    seen = {}
    hooks = [getattr(module, n).register_forward_hook(
        lambda _m, _i, out, n=n: seen.__setitem__(n, out)) for n in names]
    return seen, hooks


def googlenet_aux_outputs(model, x):
    seen, hooks = tap(model, ["inception4a", "inception4d"])
    logits = model(x)
    for h in hooks:
        h.remove()
    return [logits, model.aux2(seen["inception4d"]), model.aux1(seen["inception4a"])]


def inception_v3_aux_outputs(model, x):
    seen, hooks = tap(model, ["Mixed_6e"])
    logits = model(x)
    for h in hooks:
        h.remove()
    return [logits, model.AuxLogits(seen["Mixed_6e"])]


# (zoo file, netc network, library model, batch, outputs of the library model for an input).
# torchvision's Inception-v3 and GoogLeNet without pretrained weights keep transform_input off.
MODELS = [
    ("alexnet", "alexnet", torchvision_model("alexnet"), 1, None),
    ("vgg16", "vgg16", torchvision_model("vgg16"), 1, None),
    ("googlenet", "googlenet",
     torchvision_model("googlenet", aux_logits=False, init_weights=False), 1, None),
    ("googlenet", "googlenet_aux",
     torchvision_model("googlenet", init_weights=False), 1, googlenet_aux_outputs),
    ("inception_v3", "inception_v3",
     torchvision_model("inception_v3", aux_logits=False, init_weights=False), 2, None),
    ("inception_v3", "inception_v3_aux",
     torchvision_model("inception_v3", init_weights=False), 1, inception_v3_aux_outputs),
    ("resnet50", "resnet50", torchvision_model("resnet50"), 2, None),
    ("resnext50_32x4d", "resnext50_32x4d", torchvision_model("resnext50_32x4d"), 1, None),
    ("mobilenet_v2", "mobilenet_v2", torchvision_model("mobilenet_v2"), 1, None),
    ("mnasnet1_0", "mnasnet1_0", torchvision_model("mnasnet1_0"), 1, None),
    ("squeezenet1_1", "squeezenet1_1", torchvision_model("squeezenet1_1"), 2, None),
    ("densenet121", "densenet121", torchvision_model("densenet121"), 1, None),
    ("regnet_y_400mf", "regnet_y_400mf", torchvision_model("regnet_y_400mf"), 1, None),
    ("efficientnet_b0", "efficientnet_b0", torchvision_model("efficientnet_b0"), 1, None),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", torchvision_model("shufflenet_v2_x1_0"), 2, None),
    ("mobilenet_v3", "mobilenet_v3_large", torchvision_model("mobilenet_v3_large"), 1, None),
    ("mobilenet_v3", "mobilenet_v3_small", torchvision_model("mobilenet_v3_small"), 2, None),
    ("convnext_tiny", "convnext_tiny", torchvision_model("convnext_tiny"), 1, None),
    ("inception_v4", "inception_v4", timm_model("inception_v4"), 1, None),
    ("inception_resnet_v2", "inception_resnet_v2", timm_model("inception_resnet_v2"), 1, None),
    ("xception", "xception", timm_model("legacy_xception"), 1, None),
]


def randomise(model, seed):
    """Seeded weights: unit-gain convolutions and linears, batch norms far from the identity."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.running_var.copy_(torch.rand(module.num_features, generator=g) * 1.5 + 0.5)
                module.running_mean.copy_(torch.randn(module.num_features, generator=g) * 0.5)
                if module.affine:
                    module.weight.copy_(torch.rand(module.num_features, generator=g) + 0.5)
                    module.bias.copy_(torch.randn(module.num_features, generator=g) * 0.2)
            elif isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
                w = module.weight
                fan_in = w[0].numel()
                w.copy_(torch.randn(w.shape, generator=g) / fan_in ** 0.5)
                if module.bias is not None:
                    module.bias.copy_(torch.randn(module.bias.shape, generator=g) * 0.2)
    return model.eval()


def library_outputs(model, outputs_of, x):
    with torch.no_grad():
        out = outputs_of(model, x) if outputs_of else [model(x)]
    return [o.reshape(-1).numpy().astype(np.float64) for o in out]


def relative_l2(got, want):
    return float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30))


def best_target():
    flags = cpu_flags()
    for target in ("avx512", "avx2"):
        if all(f in flags for f in TARGET_CPU_FLAGS[target]):
            return target
    return "generic"


def check(netc, case, targets, work_root):
    zoo, network, make_model, batch, outputs_of = case
    work = os.path.join(work_root, network)
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(seed_of("init:" + network))
    model = randomise(make_model(), seed_of("weights:" + network))
    weights = os.path.join(work, "state_dict.safetensors")
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, weights)

    size = int(re.search(r"^  input %\S+ \[\d+, \d+, (\d+), \d+\]$",
                         run([netc, "lower", "--network=" + network, zoo_path(zoo)]), re.M).group(1))
    g = torch.Generator().manual_seed(seed_of("input:" + network))
    x = torch.randn(batch, 3, size, size, generator=g)
    np.save(os.path.join(work, "input.npy"), x.numpy().astype("<f4"))
    want = library_outputs(copy.deepcopy(model).double(), outputs_of, x.double())
    float32 = library_outputs(model, outputs_of, x)

    results = []  # (target, relative L2, build seconds)
    for target in targets:
        src = os.path.join(work, "src-" + target)
        run([netc, "emit", "--target=" + target, "--batch=" + str(batch), "--network=" + network,
             "-o", src, zoo_path(zoo)] + EMIT_FLAGS)
        with open(os.path.join(src, network + ".hpp")) as f:
            class_name = re.search(r"^class (\w+) \{", f.read(), re.M).group(1)
        binary = os.path.join(work, "run_model-" + target)
        start = time.time()
        run(["g++", "-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror"] + TARGET_FLAGS[target] +
            ["-I", src, '-DNETC_MODEL_HEADER="{}.hpp"'.format(network),
             "-DNETC_MODEL_CLASS=netc::" + class_name,
             os.path.join(src, network + ".cpp"),
             os.path.join(ROOT, "tests", "backend", "run_model.cpp"), "-pthread", "-o", binary])
        build_s = time.time() - start
        outputs = [os.path.join(work, "output{}-{}.npy".format(i, target)) for i in range(len(want))]
        run([binary, weights, os.path.join(work, "input.npy")] + outputs)
        errors = []
        for path, w in zip(outputs, want):
            got = np.load(path).astype(np.float64)
            if got.shape != w.shape:
                raise RuntimeError("{}: {} elements, PyTorch gives {}".format(path, got.size, w.size))
            if not np.isfinite(got).all():
                raise RuntimeError("{}: output not finite".format(path))
            errors.append(relative_l2(got, w))
        results.append((target, max(errors), build_s))
    return results, max(relative_l2(f32, w) for f32, w in zip(float32, want))


def zoo_path(zoo):
    return os.path.join(ROOT, "dsl", "zoo", zoo + ".netc")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--work", required=True, help="scratch folder")
    parser.add_argument("--models", help="comma-separated netc networks (default: all)")
    parser.add_argument("--targets", default=best_target(),
                        help="comma-separated CPU targets, each built and compared (default: the "
                             "host's best; " + ", ".join(sorted(TARGET_FLAGS)) + ")")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--emit-flag", action="append", default=[],
                        help="a flag for `netc emit` (repeatable), such as --winograd")
    args = parser.parse_args()
    EMIT_FLAGS.extend(args.emit_flag)
    netc = os.path.abspath(args.netc)
    torch.set_num_threads(1)
    targets = args.targets.split(",")
    unknown = [t for t in targets if t not in TARGET_FLAGS]
    if unknown:
        say("error: unknown target(s): " + ", ".join(unknown))
        return 2
    cases = [c for c in MODELS if not args.models or c[1] in args.models.split(",")]
    missing = set(args.models.split(",")) - set(c[1] for c in MODELS) if args.models else set()
    if missing:
        say("error: no interop case for: " + ", ".join(sorted(missing)))
        return 2
    say("torch {}, torchvision {}, timm {}; netc target {}".format(
        torch.__version__, torchvision.__version__, timm.__version__, ", ".join(targets)))
    failures = []

    def one(case):
        start = time.time()
        try:
            results, err32 = check(netc, case, targets, os.path.abspath(args.work))
        except (RuntimeError, subprocess.SubprocessError) as e:
            failures.append(case[1])
            say("FAIL {}: {}".format(case[1], e))
            return
        for target, err, build_s in results:
            ok = err < TOLERANCE
            if not ok:
                failures.append("{} ({})".format(case[1], target))
            say("{} {} {}: relative L2 to PyTorch float64 {:.2e} (PyTorch float32: {:.2e}; "
                "build {:.0f} s, all {:.0f} s)".format("ok  " if ok else "FAIL", case[1], target,
                                                       err, err32, build_s, time.time() - start))

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(one, cases))
    if failures:
        say("{} of {} models failed: {}".format(len(failures), len(cases), ", ".join(failures)))
        return 1
    say("all {} models within {:.0e} of PyTorch".format(len(cases), TOLERANCE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
