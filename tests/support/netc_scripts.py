"""What netc's Python test and benchmark scripts share: printing from threads, running a command,
seeds from names, the CPU targets' features.

A script puts this folder on its path and imports what it uses:

    ROOT = ...  # the repository's root, from __file__
    sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
    from netc_scripts import run, say, seed_of  # noqa: E402
"""
import hashlib
import os
import re
import subprocess
import threading

# The end of a failed command's stdout and of its stderr that the error shows (a compiler's first
# error is rarely in the last few lines, nvcc's even less).
FAILURE_TAIL = 6000

_print_lock = threading.Lock()


def say(text=""):
    """Prints a line and flushes it, whole even when worker threads print at once."""
    with _print_lock:
        print(text, flush=True)


def run(cmd, with_stderr=False, **kw):
    """Runs `cmd` (keywords go to subprocess.run: cwd, env); returns its stdout, followed by its
    stderr when `with_stderr` (ptxas reports there). A non-zero exit raises RuntimeError with
    the command and the end of both streams."""
    result = subprocess.run(cmd, capture_output=True, text=True, errors="replace", **kw)
    if result.returncode != 0:
        raise RuntimeError("command failed ({}): {}\n{}{}".format(
            result.returncode, " ".join(cmd), result.stdout[-FAILURE_TAIL:],
            result.stderr[-FAILURE_TAIL:]))
    return result.stdout + result.stderr if with_stderr else result.stdout


def run_status(cmd, **kw):
    """Runs `cmd` (keywords go to subprocess.run); returns (exit status, stdout and stderr
    interleaved) whatever the status, for checks that expect some commands to fail."""
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", **kw)
    return result.returncode, result.stdout


def seed_of(text):
    """A 32-bit seed named by `text`: the same in every run, on every machine and Python."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def cpu_target_features(root):
    """The CPU features of each --target, from cmake/NetcCpuTargets.cmake, the one list that the
    emitter, netc_add_network() and the kernel tests use too: {"avx2": ["avx2", "fma"], ...}.
    The compile options are -m<feature> for each."""
    with open(os.path.join(root, "cmake", "NetcCpuTargets.cmake")) as f:
        text = f.read()
    return {m.group(1): m.group(2).replace('""', "").split()
            for m in re.finditer(r"^set\(NETC_CPU_FEATURES_(\w+)\s*([^)#]*)\)", text, re.M)}
