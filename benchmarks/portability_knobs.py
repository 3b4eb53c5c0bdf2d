"""Which environment knobs change the numbers of training on this machine?

Trains three small models (an MLP, a small CNN, softmax regression) for 30
SGD steps on fixed random data and prints, per knob, the final loss and a
fingerprint of the trained weights' bits. A knob that changes a fingerprint
emulates a different machine for that kind of model; the Makefile's
PORTABLE_ENV (``make test-portable``) combines those that do.

Usage, from the repository root:  .venv/bin/python benchmarks/portability_knobs.py
Each knob runs in a fresh process, since torch reads them when it starts.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import torch
from torch import nn

KNOBS = [
    {},
    {"OMP_NUM_THREADS": "1"},
    {"ATEN_CPU_CAPABILITY": "default"},
    {"ATEN_CPU_CAPABILITY": "avx2"},
    {"MKL_ENABLE_INSTRUCTIONS": "SSE4_2"},
    {"MKL_ENABLE_INSTRUCTIONS": "AVX2"},
    {"ONEDNN_MAX_CPU_ISA": "SSE41"},
    {"ONEDNN_MAX_CPU_ISA": "AVX2"},
]


def fingerprint(net: nn.Module, X: torch.Tensor, y: torch.Tensor, steps: int = 30) -> str:
    """Final loss and the first hex digits of a SHA-1 of the trained weights."""
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for i in range(steps):
        batch = slice(i * 64 % len(X), i * 64 % len(X) + 64)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(X[batch]), y[batch])
        loss.backward()
        optimizer.step()
    weights = torch.cat([p.detach().flatten() for p in net.parameters()])
    return f"{loss.item():.10f} {hashlib.sha1(weights.numpy().tobytes()).hexdigest()[:8]}"


def models() -> dict[str, nn.Module]:
    nets = {
        "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)),
        "cnn": lambda: nn.Sequential(nn.Conv2d(1, 10, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(10, 20, 5),
                                     nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(320, 10)),
        "softmax": lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)),
    }  # fmt: skip
    built = {}
    for name, make in nets.items():
        torch.manual_seed(1)
        built[name] = make()
    return built


def probe() -> None:
    torch.manual_seed(0)
    X, y = torch.randn(512, 1, 28, 28), torch.randint(0, 10, (512,))
    print(" | ".join(f"{name} {fingerprint(net, X, y)}" for name, net in models().items()))


def main() -> None:
    print(f"CPU capability: {torch.backends.cpu.get_cpu_capability()}, threads: {torch.get_num_threads()}")
    for knob in KNOBS:
        env = {**os.environ, **knob}
        result = subprocess.run([sys.executable, __file__, "--probe"], env=env, capture_output=True, text=True,
                                check=True)  # fmt: skip
        name = " ".join(f"{k}={v}" for k, v in knob.items()) or "native"
        print(f"{name:<32} {result.stdout.strip()}")


if __name__ == "__main__":
    probe() if sys.argv[1:] == ["--probe"] else main()
