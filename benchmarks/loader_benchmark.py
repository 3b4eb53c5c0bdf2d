"""Classic torchvision input pipeline versus d2lmini's in-memory loader on Fashion-MNIST.

Run from the repository root:

    .venv/bin/python benchmarks/loader_benchmark.py [--epochs 10] [--seeds 3] [--workers 4] [--reads 3] [--threads N]

It measures, in one process:

(a) one epoch of reading the training set (60,000 images, batch 256, shuffled):
    ``torchvision.datasets.FashionMNIST`` + ``ToTensor()`` in a ``DataLoader``
    with 4 worker processes, versus ``d2lmini.load_data_fashion_mnist(256)``;
    the fastest of ``--reads`` epochs of each (the classic loader starts its
    workers anew every epoch, as it does in training);
(b) softmax regression (``Flatten`` + ``Linear(784, 10)``, ``CrossEntropyLoss``,
    SGD lr 0.1, batch 256) trained with ``d2lmini.train(..., animate=False)``
    for ``--epochs`` epochs on each pipeline, once per seed 0..``--seeds``-1:
    mean wall time (training plus the test evaluation after every epoch) and
    the final test accuracy, mean and range over the seeds.

Each run is seeded with ``d2lmini.seed(s)`` before its loaders and weights are
made, so both pipelines start from equal weights; the shuffling orders differ
because the two pipelines draw them differently. The final accuracy of this
recipe (lr 0.1 on unnormalised pixels) moves by about a point from epoch to
epoch and seed to seed, hence several seeds.
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


def softmax_regression(make_loaders, epochs: int, seeds: int) -> tuple[list[float], list[float]]:
    """Train a fresh softmax regression once per seed 0..seeds-1, with loaders made after seeding.

    Returns the wall time of each run (training plus the test evaluation after
    every epoch) and the final test accuracy of each run.
    """
    seconds, accuracies = [], []
    for s in range(seeds):
        d2lmini.seed(s)
        train_iter, test_iter = make_loaders()
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        nn.init.normal_(net[1].weight, std=0.01)
        nn.init.zeros_(net[1].bias)
        updater = torch.optim.SGD(net.parameters(), lr=LR)
        start = time.perf_counter()
        history = d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), epochs, updater, animate=False)
        seconds.append(time.perf_counter() - start)
        accuracies.append(history[-1].test_acc)
    return seconds, accuracies


def accuracy_range(accuracies: list[float]) -> str:
    """Mean and range of the accuracies, e.g. '0.8300 (0.8250-0.8340)'."""
    return f"{statistics.mean(accuracies):.4f} ({min(accuracies):.4f}-{max(accuracies):.4f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seeds", type=int, default=3, help="training runs per pipeline in (b), seeds 0..N-1")
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
    classic_train, _ = classic_loaders(BATCH, args.workers)
    classic_setup = time.perf_counter() - t
    classic_read = fastest_read(classic_train, args.reads)
    d2lmini.seed(0)
    t = time.perf_counter()
    mem_train, _ = d2lmini.load_data_fashion_mnist(BATCH)
    mem_setup = time.perf_counter() - t
    mem_read = fastest_read(mem_train, args.reads)

    # (b) softmax regression
    classic_fit, classic_acc = softmax_regression(lambda: classic_loaders(BATCH, args.workers), args.epochs, args.seeds)
    mem_fit, mem_acc = softmax_regression(lambda: d2lmini.load_data_fashion_mnist(BATCH), args.epochs, args.seeds)
    classic_fit, mem_fit = statistics.mean(classic_fit), statistics.mean(mem_fit)

    print(f"| measurement | classic (torchvision + DataLoader, {args.workers} workers) | d2lmini (in memory) | speed-up |")
    print("|---|---:|---:|---:|")
    print(f"| one-time setup (find, read, verify the files) | {classic_setup:.2f} s | {mem_setup:.2f} s | - |")
    print(f"| (a) one epoch of reading 60,000 training images (fastest of {args.reads}) | {classic_read:.2f} s "
          f"| {mem_read:.3f} s | {classic_read / mem_read:.1f}x |")  # fmt: skip
    print(f"| (b) softmax regression, {args.epochs} epochs incl. test evaluation, mean of {args.seeds} runs | {classic_fit:.1f} s "
          f"| {mem_fit:.1f} s | {classic_fit / mem_fit:.1f}x |")  # fmt: skip
    print(f"| (b) final test accuracy, mean (min-max) of seeds 0-{args.seeds - 1} | {accuracy_range(classic_acc)} "
          f"| {accuracy_range(mem_acc)} | - |")  # fmt: skip
    load = os.getloadavg()[0]
    busy = f" (> {os.cpu_count()} CPUs: other processes competed for them)" if load > (os.cpu_count() or 1) else ""
    print(f"\nload average at the end {load:.2f}{busy}")


if __name__ == "__main__":
    main()
