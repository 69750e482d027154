#!/usr/bin/python3
"""Trains the demo's networks on Fashion-MNIST in PyTorch, from the .netc files.

The modules come from `netc emit --backend=pytorch`, so the architecture is written once, in the
DSL; their state_dict() names are netc's, and the weights saved here load as they are into the C++
that netc generates from the same files.

  train.py --netc build/bin/netc [--epochs-lenet5 12] [--epochs-inception 4] [--threads 1]

Writes weights/<network>.safetensors and train.log beside this script. CPU only: about ten
minutes on one core (train.log gives each epoch's time).
"""
import argparse
import os
import platform
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

import fashion_mnist as fm


def evaluate(model, images, labels, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            logits = model(torch.from_numpy(images[i:i + batch]))
            correct += int((logits.argmax(1) == torch.from_numpy(labels[i:i + batch])).sum())
    return correct / len(labels)


def train(network, model, data, epochs, batch, lr, log):
    images, labels, test_images, test_labels = data
    g = torch.Generator().manual_seed(1)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * (len(labels) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps)
    log("{}: {:,} parameters, {} epochs, batch {}, AdamW with a one-cycle schedule to lr {}".format(
        network, sum(p.numel() for p in model.parameters()), epochs, batch, lr))
    for epoch in range(epochs):
        model.train()
        start = time.time()
        order = torch.randperm(len(labels), generator=g)
        total_loss, correct, seen = 0.0, 0, 0
        for i in range(0, len(labels) - batch + 1, batch):
            index = order[i:i + batch]
            x = torch.from_numpy(images[index.numpy()])
            y = torch.from_numpy(labels[index.numpy()])
            # Horizontal flips: clothes are left-right symmetric classes.
            flip = torch.rand(batch, generator=g) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(3), x)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total_loss += float(loss) * batch
            correct += int((logits.argmax(1) == y).sum())
            seen += batch
        accuracy = evaluate(model, test_images, test_labels)
        log("  epoch {:2d}: loss {:.4f}, train accuracy {:.2f} %, test accuracy {:.2f} % "
            "({:.0f} s)".format(epoch + 1, total_loss / seen, 100 * correct / seen,
                                100 * accuracy, time.time() - start))
    return accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netc", required=True)
    parser.add_argument("--epochs-lenet5", type=int, default=12)
    parser.add_argument("--epochs-inception", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=fm.HERE, help="folder for weights/ and train.log")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    os.makedirs(os.path.join(args.out, "weights"), exist_ok=True)
    log_path = os.path.join(args.out, "train.log")
    with open(log_path, "w") as log_file:
        def log(text):
            print(text, flush=True)
            log_file.write(text + "\n")
            log_file.flush()

        log("train.py: torch {}, {} threads, Python {}, on {}".format(
            torch.__version__, args.threads, platform.python_version(), platform.machine()))
        train_images, train_labels = fm.load("train")
        test_images, test_labels = fm.load("test")
        data = (train_images, train_labels, test_images, test_labels)
        log("Fashion-MNIST from {}: {} training and {} test images".format(
            fm.DATA, len(train_labels), len(test_labels)))
        epochs = {"lenet5": args.epochs_lenet5, "inception_resnet_small": args.epochs_inception}
        for network in fm.NETWORKS:
            with tempfile.TemporaryDirectory() as emitted:
                model = fm.emitted_module(args.netc, network, emitted)()
            start = time.time()
            accuracy = train(network, model, data, epochs[network], batch=128, lr=3e-3, log=log)
            path = os.path.join(args.out, "weights", network + ".safetensors")
            save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path)
            log("{}: test accuracy {:.2f} % after {:.0f} s; wrote {} ({:,} bytes)".format(
                network, 100 * accuracy, time.time() - start, os.path.relpath(path, fm.HERE),
                os.path.getsize(path)))


if __name__ == "__main__":
    main()
