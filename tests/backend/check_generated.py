#!/usr/bin/env python3
"""generated/ must hold what netc emits today for every zoo network.

generated/<zoo file>/ has the C++ (`--target=generic --no-runtime`) of each network in
dsl/zoo/<zoo file>.netc. This test emits it again and fails on any difference, so a change to
the lowering or the emitter shows up as a diff of generated/ in the same commit.

  check_generated.py --netc build/bin/netc [--update]
"""
import argparse
import difflib
import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def emit(netc, zoo, out_dir):
    """Emits into out_dir/generated/<zoo>, running from the repository root so the banner's
    command names generated/<zoo> and dsl/zoo/<zoo>.netc as a person would type them."""
    target = os.path.join("generated", zoo)
    cmd = [netc, "emit", "--target=generic", "--no-runtime", "-o", target,
           os.path.join("dsl", "zoo", zoo + ".netc")]
    if out_dir:
        # The banner must read as the committed one does: emit with the same arguments from a
        # copy of the tree's layout (a symlink to dsl/) so -o names generated/<zoo>.
        os.makedirs(os.path.join(out_dir, "generated"), exist_ok=True)
        if not os.path.exists(os.path.join(out_dir, "dsl")):
            os.symlink(os.path.join(ROOT, "dsl"), os.path.join(out_dir, "dsl"))
        subprocess.run(cmd, cwd=out_dir, check=True)
    else:
        subprocess.run(cmd, cwd=ROOT, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--update", action="store_true", help="rewrite generated/")
    args = parser.parse_args()
    netc = os.path.abspath(args.netc)
    zoo_files = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(ROOT, "dsl/zoo/*.netc")))
    if args.update:
        for zoo in zoo_files:
            emit(netc, zoo, None)
        print("generated/ rewritten for {} zoo files".format(len(zoo_files)))
        return 0
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for zoo in zoo_files:
            emit(netc, zoo, tmp)
            fresh_dir = os.path.join(tmp, "generated", zoo)
            committed_dir = os.path.join(ROOT, "generated", zoo)
            names = sorted(set(os.listdir(fresh_dir)) |
                           set(os.listdir(committed_dir) if os.path.isdir(committed_dir) else []))
            for name in names:
                fresh_path = os.path.join(fresh_dir, name)
                committed_path = os.path.join(committed_dir, name)
                fresh = open(fresh_path).read().splitlines(True) if os.path.exists(fresh_path) else []
                committed = (open(committed_path).read().splitlines(True)
                             if os.path.exists(committed_path) else [])
                if fresh != committed:
                    stale.append(os.path.join("generated", zoo, name))
                    sys.stdout.writelines(list(difflib.unified_diff(
                        committed, fresh, "committed/" + name, "emitted/" + name))[:40])
    if stale:
        print("\ngenerated/ is stale: {}\nregenerate with: python3 tests/backend/check_generated.py "
              "--netc build/bin/netc --update".format(", ".join(stale)))
        return 1
    print("generated/ is current ({} zoo files)".format(len(zoo_files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
