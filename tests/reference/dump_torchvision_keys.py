#!/usr/bin/python3
"""Writes the state_dict() key lists of the torchvision models of the zoo to data/keys/, and prints
each model's parameter count, recomputed here as a check on data/torchvision_models.json.

    /usr/bin/python3 tests/reference/dump_torchvision_keys.py

Needs Debian's python3-torch and python3-torchvision (torch 1.13, torchvision 0.14). The key files
are committed, so the zoo test needs neither.
"""
import os

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
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", {}),
]


def main():
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


if __name__ == "__main__":
    main()
