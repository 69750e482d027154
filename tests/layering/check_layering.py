#!/usr/bin/env python3
"""Checks that netc's folders include each other in one direction only (ctest `layering`).

The layers, lowest first, are LAYERS below; docs/ARCHITECTURE.md explains them. A source file may
include headers of its own folder and of folders in lower layers; never of a higher layer, and
never of a sibling (another folder of its own layer: the CPU and CUDA backends share nothing but
backends/common). Every #include of every file under runtime/, compiler/, backends/ and tools/
is read, resolved as the build resolves it (beside the file, then the include roots compiler/,
backends/ and runtime/), and each one that breaks the order is printed as file:line.

  tests/layering/check_layering.py [--root DIR]     exit 0: layered; 1: a backward include
"""
import argparse
import os
import re
import sys

# Lowest first. A folder is matched by its longest listed prefix, so a new folder inside
# runtime/netc/ is runtime's, but a new folder of compiler/ or backends/ has to be placed here.
LAYERS = [
    # Header-only C++17 that generated code includes: knows nothing of the compiler.
    ["runtime/netc"],
    ["runtime/netc/cpu", "runtime/netc/cuda"],
    # The compiler: diagnostics and sources; the IR, the syntax and .netc.yaml; the ops' shape
    # rules; elaboration, the reference executor and lowering; the passes and checks every
    # compile runs; the analyses subcommands ask for; the front end as one call.
    ["compiler/support"],
    ["compiler/ir", "compiler/syntax", "compiler/config"],
    ["compiler/ops"],
    ["compiler/elaborate", "compiler/reference", "compiler/lower"],
    ["compiler/passes"],
    ["compiler/analysis"],
    ["compiler/frontend"],
    # The code generators print what the compiler decided.
    ["backends/common"],
    ["backends/cpu", "backends/cuda", "backends/pytorch"],
    # The command line, over all of them.
    ["tools/netc"],
]
SCANNED = ["runtime", "compiler", "backends", "tools"]
INCLUDE_ROOTS = ["compiler", "backends", "runtime"]  # the -I folders of the build
SOURCE = re.compile(r"\.(h|hpp|cpp|cu|cuh|inc)$")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')

LEVEL = {folder: level for level, folders in enumerate(LAYERS) for folder in folders}


def folder_of(path):
    """The listed folder `path` (relative to the root) belongs to, or None."""
    best = None
    for folder in LEVEL:
        if (path == folder or path.startswith(folder + "/")) and (
                best is None or len(folder) > len(best)):
            best = folder
    return best


def resolve(root, including, header):
    """The file (relative to the root) an #include names, or None for one outside netc."""
    candidates = [os.path.join(os.path.dirname(including), header)]
    candidates += [os.path.join(include_root, header) for include_root in INCLUDE_ROOTS]
    for candidate in candidates:
        if os.path.isfile(os.path.join(root, candidate)):
            return os.path.normpath(candidate)
    return None


def check(root):
    problems = []
    unplaced = set()
    for top in SCANNED:
        for directory, _, files in sorted(os.walk(os.path.join(root, top))):
            for name in sorted(files):
                if not SOURCE.search(name):
                    continue
                path = os.path.relpath(os.path.join(directory, name), root)
                source = folder_of(path)
                if source is None:
                    if directory not in unplaced:
                        unplaced.add(directory)
                        problems.append(f"{path}: folder {os.path.dirname(path)}/ has no place in "
                                        "the layers; add it to LAYERS in "
                                        "tests/layering/check_layering.py and to "
                                        "docs/ARCHITECTURE.md")
                    continue
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        match = INCLUDE.match(line)
                        if not match:
                            continue
                        target = resolve(root, path, match.group(1))
                        included = folder_of(target) if target else None
                        if included is None or included == source:
                            continue
                        if LEVEL[included] > LEVEL[source]:
                            why = "a higher layer"
                        elif LEVEL[included] == LEVEL[source]:
                            why = "a sibling in the same layer"
                        else:
                            continue
                        problems.append(f"{path}:{number}: {source}/ includes "
                                        f"'{match.group(1)}' of {included}/, {why}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."),
                        help="the netc checkout to check (default: this one)")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    problems = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} include(s) against the layering; the order, lowest first:")
        for folders in LAYERS:
            print("  " + ", ".join(folders))
        return 1
    print("layering: every include goes down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
