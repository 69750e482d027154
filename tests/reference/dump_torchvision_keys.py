#!/usr/bin/python3
"""Writes the state_dict() key lists of the torchvision models of the zoo to data/keys/, and prints
each model's parameter count, recomputed here as a check on data/torchvision_models.json.
With --figures, also measures the models of FIGURED_HERE with `figures()` of the project's
shared/refs/model_figures.py (the function that measured the other entries) and writes them into
data/torchvision_models.json, leaving the entries copied from shared/refs/ as they are.

    /usr/bin/python3 tests/reference/dump_torchvision_keys.py [--figures [--refs ../shared/refs]]

Needs Debian's python3-torch and python3-torchvision (torch 1.13, torchvision 0.14). The key files
and the figures are committed, so the zoo test needs neither.
"""
import argparse
import collections
import json
import os
import sys

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))

# (file name, model, constructor arguments)
MODELS = [
    ("alexnet", "alexnet", {}),
    ("vgg16", "vgg16", {}),
    ("vgg19", "vgg19", {}),
    ("googlenet", "googlenet", {"aux_logits": False, "init_weights": True}),
    ("googlenet_aux", "googlenet", {"aux_logits": True, "init_weights": True}),
    ("inception_v3", "inception_v3", {"aux_logits": False, "init_weights": True}),
    ("inception_v3_aux", "inception_v3", {"aux_logits": True, "init_weights": True}),
    ("resnet50", "resnet50", {}),
    ("resnext50_32x4d", "resnext50_32x4d", {}),
    ("mobilenet_v2", "mobilenet_v2", {}),
    ("mnasnet1_0", "mnasnet1_0", {}),
    ("squeezenet1_1", "squeezenet1_1", {}),
    ("densenet121", "densenet121", {}),
    ("regnet_y_400mf", "regnet_y_400mf", {}),
    ("efficientnet_b0", "efficientnet_b0", {}),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", {}),
    ("mobilenet_v3_large", "mobilenet_v3_large", {}),
    ("mobilenet_v3_small", "mobilenet_v3_small", {}),
    ("convnext_tiny", "convnext_tiny", {}),
]

# Models of data/torchvision_models.json measured by --figures (added with issue 14), at 224x224;
# the others come from shared/refs/torchvision_models.json unchanged.
FIGURED_HERE = ["mobilenet_v2", "mnasnet1_0", "squeezenet1_1", "densenet121", "regnet_y_400mf", "efficientnet_b0",
                "shufflenet_v2_x1_0", "mobilenet_v3_large", "mobilenet_v3_small",
                "convnext_tiny"]


def write_figures(refs):
    if not os.path.isfile(os.path.join(refs, "model_figures.py")):
        sys.exit("no model_figures.py in %s (--refs)" % refs)
    sys.path.insert(0, refs)
    from model_figures import figures
    path = os.path.join(HERE, "data", "torchvision_models.json")
    with open(path) as f:
        table = json.load(f, object_pairs_hook=collections.OrderedDict)
    for name in FIGURED_HERE:
        torch.manual_seed(0)
        table[name] = figures(torchvision.models.get_model(name, weights=None), 224, name)
        print("%-18s %12d parameters %14d MACs -> %s"
              % (name, table[name]["params_total"], table[name]["macs_total"],
                 os.path.relpath(path)))
    with open(path, "w") as f:
        json.dump(table, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--figures", action="store_true",
                    help="also measure FIGURED_HERE into data/torchvision_models.json")
    ap.add_argument("--refs", default=os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        HERE))), "shared", "refs"), help="the folder of model_figures.py (default: shared/refs "
                    "beside the checkout)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    for file_name, model_name, kwargs in MODELS:
        model = torchvision.models.get_model(model_name, weights=None, **kwargs)
        path = os.path.join(HERE, "data", "keys", "torchvision_%s.txt" % file_name)
        with open(path, "w") as f:
            f.write("# torchvision %s %s(%s) state_dict (key<TAB>shape<TAB>dtype), written by %s\n"
                    % (torchvision.__version__, model_name,
                       ", ".join("%s=%s" % kv for kv in kwargs.items()),
                       os.path.relpath(__file__, os.path.dirname(os.path.dirname(HERE)))))
            for key, tensor in model.state_dict().items():
                f.write("%s\t%s\t%s\n" % (key, list(tensor.shape), str(tensor.dtype).replace("torch.", "")))
        params = sum(p.numel() for p in model.parameters())
        print("%-18s %12d parameters -> %s" % (file_name, params, os.path.relpath(path)))
    if args.figures:
        write_figures(args.refs)


if __name__ == "__main__":
    main()
