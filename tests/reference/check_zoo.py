#!/usr/bin/env python3
"""Checks every zoo network against figures measured with the reference implementations:
parameter and MAC totals, the output shape of every top-level module and every nn.Sequential
child, and every state_dict() name and shape.

    python3 tests/reference/check_zoo.py [--netc build/bin/netc]

The figures are data/torchvision_models.json and data/timm_models.json (measured with torchvision
0.14 and timm 1.0.29.dev0, see README.md beside this script); the key lists are data/keys/*.txt.
Exits 1 on any difference, printing each one.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from compare_names import SKIPPED_SUFFIXES, reference_from_keys  # noqa: E402

# zoo file, network, figures file, model in it, key list
ZOO = [
    ("alexnet", "alexnet", "torchvision", "alexnet", "torchvision_alexnet"),
    ("vgg16", "vgg16", "torchvision", "vgg16", "torchvision_vgg16"),
    ("vgg19", "vgg19", "torchvision", "vgg19", "torchvision_vgg19"),
    ("googlenet", "googlenet", "torchvision", "googlenet", "torchvision_googlenet"),
    ("googlenet", "googlenet_aux", None, None, "torchvision_googlenet_aux"),
    ("inception_v3", "inception_v3", "torchvision", "inception_v3", "torchvision_inception_v3"),
    ("inception_v3", "inception_v3_aux", None, None, "torchvision_inception_v3_aux"),
    ("resnet50", "resnet50", "torchvision", "resnet50", "torchvision_resnet50"),
    ("resnext50_32x4d", "resnext50_32x4d", "torchvision", "resnext50_32x4d",
     "torchvision_resnext50_32x4d"),
    ("mobilenet_v2", "mobilenet_v2", "torchvision", "mobilenet_v2", "torchvision_mobilenet_v2"),
    ("mnasnet1_0", "mnasnet1_0", "torchvision", "mnasnet1_0", "torchvision_mnasnet1_0"),
    ("squeezenet1_1", "squeezenet1_1", "torchvision", "squeezenet1_1",
     "torchvision_squeezenet1_1"),
    ("densenet121", "densenet121", "torchvision", "densenet121", "torchvision_densenet121"),
    ("regnet_y_400mf", "regnet_y_400mf", "torchvision", "regnet_y_400mf",
     "torchvision_regnet_y_400mf"),
    ("efficientnet_b0", "efficientnet_b0", "torchvision", "efficientnet_b0",
     "torchvision_efficientnet_b0"),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", "torchvision", "shufflenet_v2_x1_0",
     "torchvision_shufflenet_v2_x1_0"),
    ("mobilenet_v3", "mobilenet_v3_large", "torchvision", "mobilenet_v3_large",
     "torchvision_mobilenet_v3_large"),
    ("mobilenet_v3", "mobilenet_v3_small", "torchvision", "mobilenet_v3_small",
     "torchvision_mobilenet_v3_small"),
    ("convnext_tiny", "convnext_tiny", "torchvision", "convnext_tiny", "torchvision_convnext_tiny"),
    ("inception_v4", "inception_v4", "timm", "inception_v4", "timm_inception_v4"),
    ("inception_resnet_v2", "inception_resnet_v2", "timm", "inception_resnet_v2",
     "timm_inception_resnet_v2"),
    ("xception", "xception", "timm", "legacy_xception", "timm_legacy_xception"),
]


def netc(args, *command):
    run = subprocess.run([args.netc, *command], capture_output=True, text=True)
    if run.returncode != 0 or run.stderr:
        sys.exit("netc %s failed (exit %d):\n%s" % (" ".join(command), run.returncode, run.stderr))
    return run.stdout


def summary(args, path, network, depth=0):
    return json.loads(netc(args, "summary", "--format=json", "--network=" + network,
                           "--depth=%d" % depth, path))


def check_figures(args, path, network, figures, problems):
    s = summary(args, path, network)
    for ours, theirs in (("params", "params_total"), ("macs", "macs_total")):
        if s[ours] != figures[theirs]:
            problems.append("%s: %s %d, reference %d" % (network, ours, s[ours], figures[theirs]))
    if s["outputs"][0]["shape"] != figures["output_shape"]:
        problems.append("%s: output %s, reference %s"
                        % (network, s["outputs"][0]["shape"], figures["output_shape"]))
    for depth, key in ((1, "top_level_child_output_shapes"), (2, "sequential_child_output_shapes")):
        rows = {row["name"]: row["shape"] for row in summary(args, path, network, depth)["layers"]}
        for module, shape in figures[key].items():
            if module not in rows:
                problems.append("%s: no layer or block named '%s'" % (network, module))
            elif rows[module] != shape:
                problems.append("%s: '%s' has shape %s, reference %s"
                                % (network, module, rows[module], shape))


def check_names(args, path, network, keys, problems):
    ref = {k: v for k, v in reference_from_keys(keys).items() if not k.endswith(SKIPPED_SUFFIXES)}
    got = {}
    for line in netc(args, "params", "--network=" + network, path).splitlines():
        key, shape = line.split("\t")[:2]
        got[key] = tuple(json.loads(shape))
    for k in ref.keys() - got.keys():
        problems.append("%s: missing parameter %s" % (network, k))
    for k in got.keys() - ref.keys():
        problems.append("%s: extra parameter %s" % (network, k))
    for k in ref.keys() & got.keys():
        if ref[k] != got[k]:
            problems.append("%s: %s has shape %s, reference %s" % (network, k, got[k], ref[k]))
    return len(ref)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netc", default=os.path.join(REPO, "build", "bin", "netc"))
    args = ap.parse_args()
    figures = {src: json.load(open(os.path.join(HERE, "data", "%s_models.json" % src)))
               for src in ("torchvision", "timm")}
    failed = 0
    for zoo_file, network, source, model, keys in ZOO:
        path = os.path.join(REPO, "dsl", "zoo", zoo_file + ".netc")
        problems = []
        if source:
            check_figures(args, path, network, figures[source][model], problems)
        names = check_names(args, path, network,
                            os.path.join(HERE, "data", "keys", keys + ".txt"), problems)
        what = ("%s %s: totals, stage shapes," % (source, model)) if source else "names:"
        if problems:
            failed += 1
            print("FAIL %-20s (%s)" % (network, what))
            for p in problems:
                print("     " + p)
        else:
            print("ok   %-20s (%s %d names)" % (network, what, names))
    print("%d passed, %d failed" % (len(ZOO) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
