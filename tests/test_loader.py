"""``InMemoryLoader``: batches sliced from tensors held whole in memory."""

from __future__ import annotations

import pytest
import torch

import d2lmini
from d2lmini import InMemoryLoader


@pytest.fixture(autouse=True)
def restore_determinism():
    """``d2lmini.seed`` switches on deterministic algorithms globally; undo it after each test."""
    state = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.use_deterministic_algorithms(state[0], warn_only=state[1])


def uint8_data(n: int = 10, h: int = 3, w: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` images ``(n, 1, h, w)``; image i is filled with 25 * i, its label is i."""
    images = (torch.arange(n) * 25).to(torch.uint8).reshape(n, 1, 1, 1).expand(n, 1, h, w).contiguous()
    return images, torch.arange(n)


def epoch_labels(loader: InMemoryLoader) -> list[int]:
    return torch.cat([y for _, y in loader]).tolist()


def test_len_and_batch_shapes():
    images, labels = uint8_data(10)
    loader = InMemoryLoader(images, labels, batch_size=4)
    assert len(loader) == 3 and loader.num_examples == 10
    shapes = [(tuple(X.shape), tuple(y.shape)) for X, y in loader]
    assert shapes == [((4, 1, 3, 4), (4,)), ((4, 1, 3, 4), (4,)), ((2, 1, 3, 4), (2,))]


def test_drop_last():
    images, labels = uint8_data(10)
    loader = InMemoryLoader(images, labels, batch_size=4, drop_last=True, shuffle=True, seed=0)
    assert len(loader) == 2
    batches = list(loader)
    assert [len(y) for _, y in batches] == [4, 4]
    assert len(set(torch.cat([y for _, y in batches]).tolist())) == 8
    assert len(InMemoryLoader(images, labels, batch_size=5, drop_last=True)) == 2  # exact multiple: nothing dropped
    assert len(InMemoryLoader(images, labels, batch_size=11, drop_last=True)) == 0


def test_fixed_order_without_shuffle_and_reiterable():
    images, labels = uint8_data(10)
    loader = InMemoryLoader(images, labels, batch_size=3)
    assert epoch_labels(loader) == list(range(10))
    assert epoch_labels(loader) == list(range(10))  # a second epoch works and is the same


def test_shuffle_draws_a_new_order_every_epoch():
    images, labels = uint8_data(50)
    loader = InMemoryLoader(images, labels, batch_size=8, shuffle=True, seed=1)
    orders = [epoch_labels(loader) for _ in range(3)]
    for order in orders:
        assert sorted(order) == list(range(50))  # every example exactly once
    assert orders[0] != orders[1] != orders[2] and orders[0] != list(range(50))


def test_images_and_labels_stay_paired_when_shuffled():
    images, labels = uint8_data(10)
    for X, y in InMemoryLoader(images, labels, batch_size=4, shuffle=True, seed=3):
        torch.testing.assert_close(X[:, 0, 0, 0], (y * 25).float() / 255)


def test_seed_argument_and_global_seed_fix_the_order():
    images, labels = uint8_data(50)
    same = [epoch_labels(InMemoryLoader(images, labels, 8, shuffle=True, seed=7)) for _ in range(2)]
    assert same[0] == same[1]
    assert epoch_labels(InMemoryLoader(images, labels, 8, shuffle=True, seed=8)) != same[0]
    runs = []
    for _ in range(2):
        d2lmini.seed(42)
        loader = InMemoryLoader(images, labels, 8, shuffle=True)
        runs.append([epoch_labels(loader), epoch_labels(loader)])
    assert runs[0] == runs[1]


def test_uint8_scaled_to_float32_in_unit_interval():
    images = torch.tensor([0, 51, 255], dtype=torch.uint8).reshape(3, 1, 1, 1)
    X, y = next(iter(InMemoryLoader(images, torch.tensor([0, 1, 2]), batch_size=3)))
    assert X.dtype == torch.float32 and y.dtype == torch.int64
    torch.testing.assert_close(X.flatten(), torch.tensor([0.0, 0.2, 1.0]))


def test_float_images_pass_through_as_float32():
    images = torch.rand(6, 2, 3, 3, dtype=torch.float64)
    X, _ = next(iter(InMemoryLoader(images, torch.arange(6), batch_size=6)))
    assert X.dtype == torch.float32
    torch.testing.assert_close(X, images.float())


def test_normalize():
    images, labels = uint8_data(4)
    X, _ = next(iter(InMemoryLoader(images, labels, batch_size=4, normalize=(0.5, 0.25))))
    torch.testing.assert_close(X, (images.float() / 255 - 0.5) / 0.25)


@pytest.mark.parametrize("shuffle", [False, True])
def test_batches_never_change_the_stored_images(shuffle):
    images = torch.ones(4, 1, 2, 2)
    loader = InMemoryLoader(images, torch.arange(4), batch_size=2, shuffle=shuffle, normalize=(0.25, 0.5), seed=0)
    for _ in range(3):
        for X, _ in loader:
            torch.testing.assert_close(X, torch.full_like(X, 1.5))
            X.zero_()  # a user changing a batch in place does not reach the data either
    assert torch.equal(images, torch.ones(4, 1, 2, 2))


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int32, torch.int64])
def test_integer_labels_are_served_as_int64(dtype):
    images, labels = uint8_data(4)
    _, y = next(iter(InMemoryLoader(images, labels.to(dtype), batch_size=4)))
    assert y.dtype == torch.int64 and y.tolist() == [0, 1, 2, 3]


def test_centred_float_images_are_accepted():
    images = torch.linspace(-1, 1, 8).reshape(8, 1, 1, 1)  # e.g. pixels minus a mean image
    X, _ = next(iter(InMemoryLoader(images, torch.arange(8), batch_size=8)))
    torch.testing.assert_close(X, images)


def test_device_argument():
    images, labels = uint8_data(4)
    loader = InMemoryLoader(images, labels, batch_size=2, device="cpu")
    X, y = next(iter(loader))
    assert X.device.type == y.device.type == "cpu"


@pytest.mark.parametrize("batch_size", [0, -4, 2.5, True, "8"])
def test_batch_size_must_be_positive_int(batch_size):
    images, labels = uint8_data(4)
    with pytest.raises(ValueError, match=f"batch_size must be a positive int, got {batch_size!r}"):
        InMemoryLoader(images, labels, batch_size)


def test_shape_errors():
    images, labels = uint8_data(4)
    with pytest.raises(ValueError, match=r"expected images \(N, C, H, W\) and labels \(N,\), got \(4, 3, 4\) and \(4,\)"):
        InMemoryLoader(images[:, 0], labels, 2)
    with pytest.raises(ValueError, match=r"got \(4, 1, 3, 4\) and \(3,\)"):
        InMemoryLoader(images, labels[:3], 2)
    with pytest.raises(ValueError, match=r"got \(4, 1, 3, 4\) and \(4, 1\)"):
        InMemoryLoader(images, labels.reshape(4, 1), 2)


@pytest.mark.parametrize("std", [0.0, -1.0])
def test_normalize_std_must_be_positive(std):
    images, labels = uint8_data(4)
    with pytest.raises(ValueError, match=r"normalize must be \(mean, std\) with std > 0"):
        InMemoryLoader(images, labels, 2, normalize=(0.5, std))
