"""Reproducibility, devices, timing, running sums and the shared argument checks."""

from __future__ import annotations

import os
import random
import re
from types import SimpleNamespace

import numpy as np
import pytest
import torch

import d2lmini
from d2lmini import _checks, utils


@pytest.fixture(autouse=True)
def restore_determinism():
    """``d2lmini.seed`` switches on deterministic algorithms globally; undo it after each test."""
    state = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.use_deterministic_algorithms(state[0], warn_only=state[1])


def draws() -> tuple[float, float, list[float]]:
    return random.random(), float(np.random.rand()), torch.rand(4).tolist()


# ----------------------------------------------------------------- seed


def test_seed_gives_the_same_numbers_twice():
    d2lmini.seed(7)
    first = draws(), torch.nn.Linear(3, 2).weight.tolist()
    d2lmini.seed(7)
    second = draws(), torch.nn.Linear(3, 2).weight.tolist()
    assert first == second
    d2lmini.seed(8)
    assert draws() != first[0]


def test_seed_fixes_loader_shuffling():
    features, labels = torch.arange(40.0).reshape(20, 2), torch.arange(20)
    orders = []
    for _ in range(2):
        d2lmini.seed(3)
        order = [y.tolist() for _, y in d2lmini.data_iter(6, features, labels)]
        order += [y.tolist() for _, y in d2lmini.load_array((features, labels), 6)]
        images = features.reshape(20, 1, 1, 2).to(torch.uint8)
        order += [y.tolist() for _, y in d2lmini.InMemoryLoader(images, labels, 6, shuffle=True)]
        orders.append(order)
    assert orders[0] == orders[1]


def test_seed_requests_determinism(monkeypatch):
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)
    d2lmini.seed(0)
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.is_deterministic_algorithms_warn_only_enabled()  # ops without one warn, never fail
    assert not torch.backends.cudnn.benchmark
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"
    monkeypatch.setenv("CUBLAS_WORKSPACE_CONFIG", ":16:8")
    d2lmini.seed(0)
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":16:8"  # a user's setting is kept


@pytest.mark.parametrize("n", [-1, 1.5, "3", None, True, 2**32])
def test_seed_rejects_bad_values(n):
    before = random.getstate()
    with pytest.raises(ValueError, match=re.escape(f"seed must be an int in [0, 4294967295], got {n!r}; pass e.g. seed(0)")):
        d2lmini.seed(n)
    assert random.getstate() == before  # nothing seeded before the error


def test_seed_largest():
    d2lmini.seed(2**32 - 1)
    assert np.random.get_state()[1][0] == np.random.RandomState(2**32 - 1).get_state()[1][0]


# ----------------------------------------------------------------- devices


@pytest.fixture
def fake_devices(monkeypatch):
    """Set how many CUDA GPUs and whether MPS the test pretends to have."""

    def set_devices(cuda: int, mps: bool) -> None:
        monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)

    return set_devices


def test_try_gpu_prefers_cuda(fake_devices):
    fake_devices(cuda=2, mps=True)
    assert d2lmini.try_gpu() == torch.device("cuda:0")
    assert d2lmini.try_gpu(1) == torch.device("cuda:1")
    assert d2lmini.num_gpus() == 2


def test_try_gpu_falls_back_to_mps_then_cpu(fake_devices):
    fake_devices(cuda=1, mps=True)
    assert d2lmini.try_gpu(1) == torch.device("mps")  # no second CUDA GPU
    fake_devices(cuda=0, mps=True)
    assert d2lmini.try_gpu() == torch.device("mps")
    fake_devices(cuda=0, mps=False)
    assert d2lmini.try_gpu() == torch.device("cpu")
    assert d2lmini.num_gpus() == 0


@pytest.mark.parametrize("i", [-1, 1.0, "0", None])
def test_try_gpu_rejects_bad_indices(fake_devices, i):
    fake_devices(cuda=2, mps=False)  # -1 used to give the device "cuda:-1"
    with pytest.raises(ValueError, match=f"i must be a non-negative int, got {re.escape(repr(i))}"):
        d2lmini.try_gpu(i)


def test_cpu():
    assert d2lmini.cpu() == torch.device("cpu")
    assert torch.zeros(1, device=d2lmini.cpu()).device.type == "cpu"


# ----------------------------------------------------------------- Timer


@pytest.fixture
def clock(monkeypatch):
    """A fake ``time.perf_counter`` for d2lmini.utils; advance it with ``clock.now += s``."""
    fake = SimpleNamespace(now=100.0)
    monkeypatch.setattr(utils, "time", SimpleNamespace(perf_counter=lambda: fake.now))
    return fake


def test_timer_records_laps(clock):
    timer = d2lmini.Timer()
    assert timer.avg() == 0.0 and timer.sum() == 0 and timer.cumsum() == []
    clock.now += 2.0
    assert timer.stop() == 2.0
    timer.start()
    clock.now += 1.0
    assert timer.stop() == 1.0
    clock.now += 4.0
    assert timer.stop() == 5.0  # without start(), a lap runs from the last start
    assert timer.times == [2.0, 1.0, 5.0]
    assert timer.sum() == 8.0 and timer.avg() == pytest.approx(8 / 3)
    assert timer.cumsum() == [2.0, 3.0, 8.0]


def test_timer_real_clock_is_monotonic():
    timer = d2lmini.Timer()
    assert timer.stop() >= 0.0


# ----------------------------------------------------------------- Accumulator


def test_accumulator_sums():
    metric = d2lmini.Accumulator(3)
    metric.add(1, 2, 3)
    metric.add(0.5, torch.tensor(1.0), np.float32(2))
    assert len(metric) == 3
    assert (metric[0], metric[1], metric[2]) == (1.5, 3.0, 5.0)
    assert all(isinstance(v, float) for v in metric.data)
    metric.reset()
    assert metric.data == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("values", [(1,), (1, 2, 3)])
def test_accumulator_wrong_arity(values):
    metric = d2lmini.Accumulator(2)
    with pytest.raises(ValueError, match=f"Accumulator has 2 slots but add\\(\\) got {len(values)} values"):
        metric.add(*values)
    assert metric.data == [0.0, 0.0]


def test_accumulator_keeps_inf_and_nan():
    metric = d2lmini.Accumulator(2)
    metric.add(float("inf"), torch.tensor([float("nan")]))  # a diverged loss is still summed, not refused
    assert metric[0] == float("inf") and np.isnan(metric[1])


def test_accumulator_rejects_strings_and_changes_nothing():
    # add("3", "4") used to sum 3.0 and 4.0
    metric = d2lmini.Accumulator(2)
    metric.add(1, 2)
    with pytest.raises(TypeError, match=r"value 2 of add\(\) must be a number, got str '4'"):
        metric.add(3, "4")
    assert metric.data == [1.0, 2.0]


@pytest.mark.parametrize("n", [0, -1, 2.0, True])
def test_accumulator_needs_positive_slots(n):
    with pytest.raises(ValueError, match=f"Accumulator needs a positive number of slots, got {n!r}"):
        d2lmini.Accumulator(n)


# ----------------------------------------------------------------- shared checks


@pytest.mark.parametrize("batch_size", [0, -1, 1.0, True, "4", None])
def test_check_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        _checks.check_batch_size(batch_size)
    _checks.check_batch_size(1)


def test_check_float():
    _checks.check_float(torch.zeros(2, dtype=torch.float16), "X")
    with pytest.raises(TypeError, match=r"X must be a floating-point tensor, got torch.int64; convert it with X.float\(\)"):
        _checks.check_float(torch.zeros(2, dtype=torch.int64), "X")
    with pytest.raises(TypeError, match="X must be a floating-point tensor, got list"):
        _checks.check_float([1.0, 2.0], "X")


def test_check_labels():
    _checks.check_labels(torch.tensor([0, 2]), 3)
    _checks.check_labels(torch.tensor([], dtype=torch.long), 3)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\) for 3 classes, got values from 0 to 3"):
        _checks.check_labels(torch.tensor([0, 3]), 3)
    with pytest.raises(ValueError, match="got values from -1 to 1"):
        _checks.check_labels(torch.tensor([-1, 1]), 3)
    for dtype in (torch.float32, torch.bool):
        with pytest.raises(TypeError, match=f"labels must be an integer tensor of class indices, got {dtype}"):
            _checks.check_labels(torch.zeros(2, dtype=dtype), 3)
