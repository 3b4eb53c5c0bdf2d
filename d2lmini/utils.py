"""Reproducibility, devices, timing and running sums."""

from __future__ import annotations

import os
import random
import time

import numpy as np
import torch

from ._checks import check_int, check_numbers

__all__ = ["seed", "try_gpu", "cpu", "num_gpus", "Timer", "Accumulator"]


def seed(n: int) -> None:
    """Seed Python, NumPy and PyTorch (every device) and ask for determinism.

    After ``seed(n)`` the same code on the same hardware gives the same
    numbers: random draws, weight initialisation, shuffling by the
    ``d2lmini`` loaders (which take their generator seeds from torch).
    Deterministic algorithms are requested where torch has them; an operation
    without one only warns instead of failing.

    Args:
        n: an integer seed in ``[0, 2**32 - 1]`` (the range NumPy accepts).
    """
    check_int(n, "seed", 0, 2**32 - 1, fix="pass e.g. seed(0)")  # before seeding anything
    # cuBLAS needs this before its first call to be deterministic on CUDA.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(n)
    np.random.seed(n)
    torch.manual_seed(n)  # also seeds every CUDA device
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False


def try_gpu(i: int = 0) -> torch.device:
    """Return the best available device: CUDA GPU ``i``, else Apple MPS, else CPU.

    Args:
        i: index of the CUDA device to use when there are several (0 is the first).
    """
    check_int(i, "i", 0, fix="i is the index of a CUDA GPU, 0 for the first")
    if torch.cuda.device_count() > i:
        return torch.device(f"cuda:{i}")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def cpu() -> torch.device:
    """Return the CPU device."""
    return torch.device("cpu")


def num_gpus() -> int:
    """Return the number of CUDA GPUs PyTorch can see (0 on a CPU-only machine)."""
    return torch.cuda.device_count()


class Timer:
    """Record several running times; starts on creation.

    >>> timer = Timer(); ...; timer.stop()  # seconds since start
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start (or restart) the clock."""
        self._tik = time.perf_counter()

    def stop(self) -> float:
        """Stop the clock, record the lap and return it in seconds."""
        self.times.append(time.perf_counter() - self._tik)
        return self.times[-1]

    def avg(self) -> float:
        """Average lap in seconds (0.0 before the first ``stop``)."""
        return self.sum() / len(self.times) if self.times else 0.0

    def sum(self) -> float:
        """Total of all laps in seconds."""
        return sum(self.times)

    def cumsum(self) -> list[float]:
        """Running total of the laps, one entry per lap."""
        return np.cumsum(self.times).tolist()


class Accumulator:
    """Keep ``n`` running float sums, e.g. (total loss, correct, examples).

    >>> metric = Accumulator(2); metric.add(3, 1); metric.add(1, 1); metric[0]
    4.0
    """

    def __init__(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise ValueError(f"Accumulator needs a positive number of slots, got {n!r}")
        self.data = [0.0] * n

    def add(self, *args: float) -> None:
        """Add one value to each slot; give exactly ``n`` numbers (or one-element tensors)."""
        check_numbers(args, len(self.data))
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self) -> None:
        """Set every slot back to 0.0."""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]

    def __len__(self) -> int:
        return len(self.data)
