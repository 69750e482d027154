#!/usr/bin/env python3
"""What examples/cmake's classify printed against netc's reference executor (`netc run`) on the
same weights and image.

usage: compare_classify.py NETC DIGITS_NETC WEIGHTS CLASSIFY_OUTPUT WORK_DIR
"""
import os
import subprocess
import sys

import numpy as np


def drawn_seven():
    """The image examples/cmake/main.cpp draws: a bar along the top, a stroke to the bottom left."""
    image = np.zeros((1, 1, 28, 28), np.float32)
    image[0, 0, 5, 6:22] = 1
    for y in range(6, 24):
        image[0, 0, y, 21 - (y - 6) * 10 // 18] = 1
    return image


def main():
    netc, network, weights, output, work = sys.argv[1:]
    image = os.path.join(work, "seven.npy")
    expected_path = os.path.join(work, "expected.npy")
    np.save(image, drawn_seven())
    subprocess.run([netc, "run", network, "--weights", weights, "--input", image,
                    "--output", expected_path], check=True)
    expected = np.load(expected_path).ravel()
    lines = dict(line.split(":", 1) for line in open(output).read().splitlines())
    scores = np.array([float(s) for s in lines["scores"].split()])
    # classify prints 4 decimals.
    if scores.shape != expected.shape or not np.allclose(scores, expected, rtol=0, atol=2e-4):
        sys.exit("FAIL: classify printed scores {}, netc run computes {}".format(scores, expected))
    if int(lines["class"]) != int(np.argmax(expected)):
        sys.exit("FAIL: classify printed class {}, netc run's scores give {}".format(
            lines["class"].strip(), np.argmax(expected)))


if __name__ == "__main__":
    main()
