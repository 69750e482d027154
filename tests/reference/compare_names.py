#!/usr/bin/python3
"""Compare a netc network's parameter names and shapes with a PyTorch model's state_dict().

    /usr/bin/python3 tests/reference/compare_names.py MODEL FILE.netc [--source torchvision|timm]
    /usr/bin/python3 tests/reference/compare_names.py --keys KEYS.txt FILE.netc

The reference is the state_dict() of `torchvision.models.get_model(MODEL, weights=None)` or of
`timm.create_model(MODEL, pretrained=False)` (timm is imported from $TIMM_SRC when set), or a
key list written as `key<TAB>[shape]<TAB>dtype` lines (as /work/shared/refs/timm_*_keys.txt are).
BatchNorm's num_batches_tracked is left out: netc does not model it.
The netc side is `netc params FILE` (the binary is $NETC, or build/bin/netc of this checkout).

Prints every missing name, extra name and shape mismatch, and exits 1 if there is any, 0 if the
two lists agree (order is not compared), 2 if a tool failed.
"""
import argparse
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIPPED_SUFFIXES = (".num_batches_tracked",)


def parse_shape(text):
    text = text.strip().strip("[]").strip()
    return tuple(int(d) for d in text.split(",")) if text else ()


def reference_from_model(name, source):
    import torch
    torch.set_num_threads(1)
    if source == "torchvision":
        import torchvision
        model = torchvision.models.get_model(name, weights=None)
    else:
        if os.environ.get("TIMM_SRC"):
            sys.path.insert(0, os.environ["TIMM_SRC"])
        try:
            import timm
        except ImportError:
            sys.stderr.write("timm is not importable; set TIMM_SRC to a timm checkout, or use --keys\n")
            sys.exit(2)
        model = timm.create_model(name, pretrained=False)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def reference_from_keys(path):
    ref = {}
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            key, shape = line.rstrip("\n").split("\t")[:2]
            ref[key] = parse_shape(shape)
    return ref


def netc_params(netc, path, network):
    cmd = [netc, "params", path] + (["--network=" + network] if network else [])
    try:
        run = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        sys.stderr.write("cannot run %s: %s\n" % (netc, e))
        sys.exit(2)
    if run.returncode != 0 or run.stderr.strip():
        sys.stderr.write("%s failed (exit %d):\n%s" % (" ".join(cmd), run.returncode, run.stderr))
        sys.exit(2)
    got = {}
    for line in run.stdout.splitlines():
        if line.strip():
            key, shape = line.split("\t")[:2]
            got[key] = parse_shape(shape)
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", nargs="?", help="torchvision or timm model name")
    ap.add_argument("file", help="the .netc file")
    ap.add_argument("--source", choices=["torchvision", "timm"], default="torchvision")
    ap.add_argument("--keys", help="a key<TAB>shape list to compare with instead of a model")
    ap.add_argument("--network", help="the network of FILE to compare (default: its only one)")
    ap.add_argument("--netc", default=os.environ.get("NETC", os.path.join(REPO, "build/bin/netc")))
    args = ap.parse_intermixed_args()
    if (args.model is None) == (args.keys is None):
        ap.error("give either MODEL or --keys")

    ref = reference_from_keys(args.keys) if args.keys else reference_from_model(args.model, args.source)
    ref = {k: v for k, v in ref.items() if not k.endswith(SKIPPED_SUFFIXES)}
    got = netc_params(args.netc, args.file, args.network)

    missing = [k for k in ref if k not in got]
    extra = [k for k in got if k not in ref]
    mismatched = [k for k in ref if k in got and ref[k] != got[k]]
    for k in missing:
        print("missing   %s %s" % (k, list(ref[k])))
    for k in extra:
        print("extra     %s %s" % (k, list(got[k])))
    for k in mismatched:
        print("shape     %s: reference %s, netc %s" % (k, list(ref[k]), list(got[k])))
    what = args.keys or "%s %s" % (args.source, args.model)
    if missing or extra or mismatched:
        print("%s vs %s: %d missing, %d extra, %d shape mismatches (of %d reference entries)"
              % (args.file, what, len(missing), len(extra), len(mismatched), len(ref)))
        return 1
    print("%s vs %s: all %d names and shapes agree" % (args.file, what, len(ref)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
