#!/usr/bin/env python3
"""generated/ must hold what netc emits today for every zoo network, for every backend.

For each dsl/zoo/<zoo file>.netc, generated/<zoo file>/ has
  <network>.hpp/.cpp          the C++ (`--target=generic --no-runtime`),
  cuda/<network>.hpp/.cu      the CUDA C++ (`--backend=cuda --no-runtime`: fp32, sm_80),
  pytorch/<network>.py        the torch.nn.Module (`--backend=pytorch`),
of each network in the file. This test emits them again and fails on any difference (a file
changed, missing or left over), so a change to the lowering or an emitter shows up as a diff of
generated/ in the same commit.

  check_generated.py --netc build/bin/netc [--update]
"""
import argparse
import difflib
import glob
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (folder under generated/<zoo>/, netc emit's flags)
BACKENDS = [
    ("", ["--target=generic", "--no-runtime"]),
    ("cuda", ["--backend=cuda", "--no-runtime"]),
    ("pytorch", ["--backend=pytorch"]),
]


def emit(netc, zoo, folder, flags, out_dir):
    """Emits into out_dir/generated/<zoo>/<folder>, running where the banner's command names
    generated/<zoo>/<folder> and dsl/zoo/<zoo>.netc as a person at the repository's root would
    type them: the root itself, or for a fresh copy out_dir with a symlink to dsl/."""
    target = os.path.join("generated", zoo, folder) if folder else os.path.join("generated", zoo)
    cmd = [netc, "emit"] + flags + ["-o", target, os.path.join("dsl", "zoo", zoo + ".netc")]
    subprocess.run(cmd, cwd=out_dir, check=True)


def files_in(folder):
    """The files (not folders) directly in `folder`; none when it does not exist."""
    if not os.path.isdir(folder):
        return set()
    return set(f for f in os.listdir(folder) if os.path.isfile(os.path.join(folder, f)))


def read_lines(path):
    """The lines of a file; None when there is none (an empty file left over is stale too)."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read().splitlines(True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--update", action="store_true", help="rewrite generated/")
    args = parser.parse_args()
    netc = os.path.abspath(args.netc)
    zoo_files = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(ROOT, "dsl/zoo/*.netc")))
    # Folders of zoo files that are gone.
    orphans = [os.path.join("generated", d) for d in sorted(os.listdir(os.path.join(ROOT, "generated")))
               if os.path.isdir(os.path.join(ROOT, "generated", d)) and d not in zoo_files]
    if args.update:
        for zoo in zoo_files:
            shutil.rmtree(os.path.join(ROOT, "generated", zoo), ignore_errors=True)
            for folder, flags in BACKENDS:
                emit(netc, zoo, folder, flags, ROOT)
        for orphan in orphans:
            shutil.rmtree(os.path.join(ROOT, orphan))
        print("generated/ rewritten for {} zoo files".format(len(zoo_files)))
        return 0
    stale = orphans
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "generated"))
        os.symlink(os.path.join(ROOT, "dsl"), os.path.join(tmp, "dsl"))
        for zoo in zoo_files:
            for folder, flags in BACKENDS:
                emit(netc, zoo, folder, flags, tmp)
                fresh_dir = os.path.join(tmp, "generated", zoo, folder)
                committed_dir = os.path.join(ROOT, "generated", zoo, folder)
                for name in sorted(files_in(fresh_dir) | files_in(committed_dir)):
                    fresh = read_lines(os.path.join(fresh_dir, name))
                    committed = read_lines(os.path.join(committed_dir, name))
                    if fresh != committed:
                        path = os.path.join(zoo, folder, name)
                        stale.append(os.path.join("generated", path))
                        sys.stdout.writelines(list(difflib.unified_diff(
                            committed or [], fresh or [], "committed/" + path,
                            "emitted/" + path))[:40])
    if stale:
        print("\ngenerated/ is stale: {}\nregenerate with: python3 tests/backend/check_generated.py "
              "--netc build/bin/netc --update".format(", ".join(stale)))
        return 1
    print("generated/ is current ({} zoo files, {} backends)".format(len(zoo_files), len(BACKENDS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
