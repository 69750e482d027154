"""What train.py and compare.py share: the data, its normalisation, and the networks as PyTorch
modules that `netc emit --backend=pytorch` writes from the .netc files."""
import gzip
import importlib.util
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist
NETWORKS = ["lenet5", "inception_resnet_small"]
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]

# Fashion-MNIST's training-set pixel mean and standard deviation (after scaling to [0, 1]).
MEAN = np.float32(0.2860)
STD = np.float32(0.3530)


def read_idx(path):
    """An IDX file (gzip or not) as a uint8 array: big-endian magic, dimensions, then bytes."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    if raw[:3] != b"\0\0\x08":
        raise ValueError("{} is not an IDX file of unsigned bytes".format(path))
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(split):
    """Images as float32 [N, 1, 28, 28], normalised as classify.cpp does, and labels."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(DATA, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA, prefix + "-labels-idx1-ubyte.gz"))
    pixels = (images.astype(np.float32) / np.float32(255) - MEAN) / STD
    return pixels[:, None, :, :], labels.astype(np.int64)


def class_name(network):
    """The class netc gives a network: lenet5 -> Lenet5, inception_resnet_small ->
    InceptionResnetSmall."""
    return "".join(part[:1].upper() + part[1:] for part in network.split("_"))


def emitted_module(netc, network, out_dir):
    """Runs `netc emit --backend=pytorch` on <network>.netc and returns its nn.Module class."""
    subprocess.run([netc, "emit", "--backend=pytorch", "-o", out_dir,
                    os.path.join(HERE, network + ".netc")], check=True)
    path = os.path.join(out_dir, network + ".py")
    spec = importlib.util.spec_from_file_location("netc_" + network, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return getattr(module, class_name(network))
