"""Classic torchvision input pipeline versus d2lmini's in-memory loader on Fashion-MNIST.

Run from the repository root:

    .venv/bin/python benchmarks/loader_benchmark.py [--epochs 10] [--workers 4] [--reads 3] [--threads N]

It measures, in one process:

(a) one epoch of reading the training set (60,000 images, batch 256, shuffled):
    ``torchvision.datasets.FashionMNIST`` + ``ToTensor()`` in a ``DataLoader``
    with 4 worker processes, versus ``d2lmini.load_data_fashion_mnist(256)``;
    the fastest of ``--reads`` epochs of each (the classic loader starts its
    workers anew every epoch, as it does in training);
(b) softmax regression (``Flatten`` + ``Linear(784, 10)``, ``CrossEntropyLoss``,
    SGD lr 0.1, batch 256) trained with ``d2lmini.train(..., animate=False)``
    for ``--epochs`` epochs on each pipeline: wall time (training plus the test
    evaluation after every epoch) and final test accuracy.

Both runs are seeded with ``d2lmini.seed(0)``, so the weights start equal; the
shuffling orders differ because the two pipelines draw them differently.
It prints a markdown table; the numbers in benchmarks/README.md come from it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo's d2lmini, also without install
import d2lmini  # noqa: E402
from tools.execute import cpu_name  # noqa: E402

BATCH = 256
LR = 0.1


def classic_loaders(batch_size: int, workers: int) -> tuple[DataLoader, DataLoader]:
    """The d2l-book pipeline: one PIL image through ``ToTensor()`` per example, in worker processes."""
    to_tensor = torchvision.transforms.ToTensor()
    train = d2lmini.fashion_mnist_torchvision(train=True, transform=to_tensor)
    test = d2lmini.fashion_mnist_torchvision(train=False, transform=to_tensor)
    return (DataLoader(train, batch_size, shuffle=True, num_workers=workers),
            DataLoader(test, batch_size, shuffle=False, num_workers=workers))  # fmt: skip


def read_epoch(batches) -> tuple[float, int]:
    """Seconds for one pass over ``batches``, and the number of examples seen."""
    start = time.perf_counter()
    n = 0
    for X, y in batches:
        n += len(y)
    return time.perf_counter() - start, n


def fastest_read(batches, reads: int) -> float:
    """The fastest of ``reads`` epochs over ``batches``, in seconds; checks each covers 60,000 examples."""
    times = []
    for _ in range(reads):
        seconds, n = read_epoch(batches)
        assert n == 60000, n
        times.append(seconds)
    return min(times)


def softmax_regression(train_iter, test_iter, epochs: int) -> tuple[float, list[float]]:
    """Train a fresh seeded softmax regression; return (seconds, test accuracy after each epoch)."""
    d2lmini.seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    nn.init.normal_(net[1].weight, std=0.01)
    nn.init.zeros_(net[1].bias)
    updater = torch.optim.SGD(net.parameters(), lr=LR)
    start = time.perf_counter()
    history = d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), epochs, updater, animate=False)
    return time.perf_counter() - start, [s.test_acc for s in history]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reads", type=int, default=3, help="epochs of reading per pipeline in (a)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    # 4 workers on a 2-core machine is the classic recipe being measured, not a mistake
    warnings.filterwarnings("ignore", message="This DataLoader will create")
    print(f"# loader benchmark: {cpu_name()}, {os.cpu_count()} CPUs, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads), torchvision {torchvision.__version__}, "
          f"python {platform.python_version()}; load average at the start {os.getloadavg()[0]:.2f}\n")  # fmt: skip

    # (a) one epoch of reading
    d2lmini.seed(0)
    t = time.perf_counter()
    classic_train, classic_test = classic_loaders(BATCH, args.workers)
    classic_setup = time.perf_counter() - t
    classic_read = fastest_read(classic_train, args.reads)
    d2lmini.seed(0)
    t = time.perf_counter()
    mem_train, mem_test = d2lmini.load_data_fashion_mnist(BATCH)
    mem_setup = time.perf_counter() - t
    mem_read = fastest_read(mem_train, args.reads)

    # (b) softmax regression
    classic_fit, classic_acc = softmax_regression(classic_train, classic_test, args.epochs)
    mem_fit, mem_acc = softmax_regression(mem_train, mem_test, args.epochs)

    print(f"| measurement | classic (torchvision + DataLoader, {args.workers} workers) | d2lmini (in memory) | speed-up |")
    print("|---|---:|---:|---:|")
    print(f"| one-time setup (find, read, verify the files) | {classic_setup:.2f} s | {mem_setup:.2f} s | - |")
    print(f"| (a) one epoch of reading 60,000 training images (fastest of {args.reads}) | {classic_read:.2f} s "
          f"| {mem_read:.3f} s | {classic_read / mem_read:.1f}x |")  # fmt: skip
    print(f"| (b) softmax regression, {args.epochs} epochs incl. test evaluation | {classic_fit:.1f} s "
          f"| {mem_fit:.1f} s | {classic_fit / mem_fit:.1f}x |")  # fmt: skip
    print(f"| (b) final test accuracy | {classic_acc[-1]:.4f} | {mem_acc[-1]:.4f} | - |")
    print(f"| (b) mean test accuracy of the last 3 epochs | {statistics.mean(classic_acc[-3:]):.4f} "
          f"| {statistics.mean(mem_acc[-3:]):.4f} | - |")  # fmt: skip
    load = os.getloadavg()[0]
    busy = f" (> {os.cpu_count()} CPUs: other processes competed for them)" if load > (os.cpu_count() or 1) else ""
    print(f"\nload average at the end {load:.2f}{busy}")


if __name__ == "__main__":
    main()
