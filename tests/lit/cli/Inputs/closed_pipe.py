"""Runs netc with its stdout read by a reader that closes the pipe after one byte, as
`netc ... | head -c 1` does, and says how netc ended: it must exit 0 and print nothing on stderr.

usage: closed_pipe.py NETC TIMES ARGS...

Each run is made TIMES times, with SIGPIPE at its default (a shell pipeline) and ignored (as some
parents leave it, and then writes fail with EPIPE). One line per kind of run: "default: exit 0,
stderr ''" when every run ended so, else the first run that did not.
"""
import signal
import subprocess
import sys

netc, times, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]


def run_once(ignore_sigpipe):
    preexec = (lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN)) if ignore_sigpipe else None
    p = subprocess.Popen([netc] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=preexec)
    p.stdout.read(1)
    p.stdout.close()
    err = p.stderr.read().decode(errors="replace")
    return p.wait(), err


for kind, ignore in (("default", False), ("ignored", True)):
    results = [run_once(ignore) for _ in range(times)]
    bad = [r for r in results if r != (0, "")]
    rc, err = bad[0] if bad else results[0]
    print(f"{kind}: exit {rc}, stderr {err!r}")
