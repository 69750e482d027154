#!/usr/bin/python3
"""The demo's last step: PyTorch classifies the same 10,000 test images with the same weights, and
its predictions are held against those of netc's C++ (classify.cpp), image for image.

  compare.py --netc build/bin/netc --cpp OUT_DIR [--threads 1] [--batch 100]

OUT_DIR holds what classify wrote: <network>.logits.npy and <network>.timing.json. Exits 1 if any
prediction differs.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from safetensors.torch import load_file

import fashion_mnist as fm


def pytorch_logits(model, images, batch):
    """Logits of every image, batch by batch as the C++ runs, and the seconds it took."""
    model.eval()
    out = []
    with torch.no_grad():
        model(torch.from_numpy(images[:batch]))  # warm-up, as the C++ has
        start = time.perf_counter()
        for i in range(0, len(images), batch):
            out.append(model(torch.from_numpy(images[i:i + batch])))
        seconds = time.perf_counter() - start
    return torch.cat(out).numpy(), seconds


def netc_checked(netc, network, weights):
    """One line on what netc verified of a network before any image ran."""
    summary = json.loads(subprocess.run(
        [netc, "summary", "--format=json", os.path.join(fm.HERE, network + ".netc")],
        check=True, capture_output=True, text=True).stdout)
    with open(os.path.join(fm.HERE, network + ".netc")) as f:
        expects = sum(line.strip().startswith("expect ") for line in f)
    tensors = load_file(weights)
    floats = sum(t.is_floating_point() for t in tensors.values())
    return ("{}: the shapes of all {} layers checked at compile time ({} expect statements held); "
            "{:,} parameters, {:,} MACs per image; the C++ took all {} float tensors of {} by "
            "name, dtype and shape ({} integer buffers ignored)".format(
                network, len(summary["layers"]), expects, summary["params"], summary["macs"],
                floats, os.path.relpath(weights, fm.HERE), len(tensors) - floats))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--cpp", required=True, help="the folder classify wrote to")
    parser.add_argument("--threads", type=int, default=1,
                        help="PyTorch's threads; netc's generated code runs on one")
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    images, labels = fm.load("test")

    rows, all_identical = [], True
    for network in fm.NETWORKS:
        with tempfile.TemporaryDirectory() as emitted:
            model = fm.emitted_module(args.netc, network, emitted)()
        # strict: every tensor of the file is used and every parameter and buffer is in it.
        model.load_state_dict(load_file(os.path.join(fm.HERE, "weights", network + ".safetensors")),
                              strict=True)
        theirs, torch_seconds = pytorch_logits(model, images, args.batch)
        ours = np.load(os.path.join(args.cpp, network + ".logits.npy"))
        with open(os.path.join(args.cpp, network + ".timing.json")) as f:
            timing = json.load(f)
        if ours.shape != theirs.shape:
            sys.exit("compare.py: {}: netc gave {} logits, PyTorch {}".format(
                network, ours.shape, theirs.shape))
        ours_pred, theirs_pred = ours.argmax(1), theirs.argmax(1)
        identical = int((ours_pred == theirs_pred).sum())
        all_identical &= identical == len(labels)
        rows.append((network, (ours_pred == labels).mean(), (theirs_pred == labels).mean(),
                     identical, timing["images"] / timing["seconds"],
                     len(labels) / torch_seconds,
                     np.linalg.norm(ours - theirs) / np.linalg.norm(theirs)))
        if identical != len(labels):
            for i in np.flatnonzero(ours_pred != theirs_pred)[:5]:
                print("  {} image {}: netc says {}, PyTorch says {} (logits {} vs {})".format(
                    network, i, fm.CLASSES[ours_pred[i]], fm.CLASSES[theirs_pred[i]],
                    ours[i].tolist(), theirs[i].tolist()))

    print("Fashion-MNIST test set, {} images; batch {}; netc's C++ on 1 thread, PyTorch {} on {} "
          "thread{}".format(len(labels), args.batch, torch.__version__, args.threads,
                            "s" if args.threads > 1 else ""))
    header = ("network", "netc accuracy", "PyTorch accuracy", "same prediction",
              "netc images/s", "PyTorch images/s", "logits rel. L2")
    print("{:<24} {:>13} {:>16} {:>15} {:>13} {:>16} {:>14}".format(*header))
    for network, ours, theirs, identical, our_speed, their_speed, error in rows:
        print("{:<24} {:>12.2f}% {:>15.2f}% {:>9}/{:<5} {:>13,.0f} {:>16,.0f} {:>14.1e}".format(
            network, 100 * ours, 100 * theirs, identical, len(labels), our_speed, their_speed,
            error))
    print()
    print("What netc checked:")
    for network in fm.NETWORKS:
        print("  " + netc_checked(args.netc, network,
                                  os.path.join(fm.HERE, "weights", network + ".safetensors")))
    print()
    if not all_identical:
        print("compare.py: netc's predictions differ from PyTorch's (above)")
        return 1
    print("Every prediction of netc's C++ equals PyTorch's, image for image.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
