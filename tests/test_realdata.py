"""The real Fashion-MNIST from the Debian package ``dataset-fashion-mnist``.

Marked ``realdata``; part of the default ``pytest tests`` run (deselect with
``-m "not realdata"``). Skipped only when the package's folder is absent.
``D2LMINI_DATA`` and the user cache are redirected, so the files come from the
system folder and never from the network.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch
import torchvision

import d2lmini
from d2lmini import data

REAL = Path("/usr/share/datasets/fashion-mnist")

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is absent: apt-get install dataset-fashion-mnist"),
]


@pytest.fixture(scope="module", autouse=True)
def only_system_folder(tmp_path_factory):
    """No D2LMINI_DATA, an empty user cache, the real system folder."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(data.ENV_VAR, raising=False)
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
        mp.setattr(data, "SYSTEM_DIR", REAL)
        yield


@pytest.fixture(scope="module")
def splits():
    return {split: d2lmini.read_fashion_mnist(split, download=False) for split in ("train", "test")}


def test_found_in_the_system_folder():
    paths = d2lmini.find_fashion_mnist()
    assert {p.parent for p in paths.values()} == {REAL}
    for name, path in paths.items():  # the official files (read_idx checks the SHA-256 of official sizes)
        X = d2lmini.read_idx(path, 3 if "images" in name else 1)
        assert X.numel() + 4 + 4 * X.ndim == data.OFFICIAL[name][0]


@pytest.mark.parametrize("split, n", [("train", 60000), ("test", 10000)])
def test_sizes_shapes_labels_and_balance(splits, split, n):
    X, y = splits[split]
    assert X.shape == (n, 28, 28) and X.dtype == torch.uint8
    assert y.shape == (n,) and y.dtype == torch.int64
    assert int(y.min()) == 0 and int(y.max()) == 9
    assert torch.bincount(y, minlength=10).tolist() == [n // 10] * 10
    assert int(y[0]) == 9  # both splits open with an ankle boot
    assert 0.27 < float(X.float().mean()) / 255 < 0.30


def test_train_and_test_differ(splits):
    (X_train, _), (X_test, _) = splits["train"], splits["test"]
    train_images = {bytes(x.numpy()) for x in X_train}
    assert len(train_images) == 60000  # no duplicates
    assert not any(bytes(x.numpy()) in train_images for x in X_test)  # no test image is a training image


def test_load_data_fashion_mnist(splits):
    train_iter, test_iter = d2lmini.load_data_fashion_mnist(256, download=False)
    assert (len(train_iter), len(test_iter)) == (235, 40)
    X, y = next(iter(train_iter))
    assert X.shape == (256, 1, 28, 28) and X.dtype == torch.float32 and y.shape == (256,)
    assert 0 <= float(X.min()) and float(X.max()) <= 1
    epoch = torch.cat([y for _, y in train_iter])
    assert torch.bincount(epoch).tolist() == [6000] * 10  # one epoch: every example once
    assert torch.equal(torch.cat([y for _, y in test_iter]), splits["test"][1])  # test order kept


def test_validation_split_is_the_chapters_split(splits):
    X, y = splits["train"]
    train_iter, valid_iter, test_iter = d2lmini.load_data_fashion_mnist(256, download=False, validation=10_000, seed=0)
    assert (train_iter.num_examples, valid_iter.num_examples, test_iter.num_examples) == (50000, 10000, 10000)
    assert torch.equal(train_iter.images[:, 0], X[:50_000]) and torch.equal(valid_iter.images[:, 0], X[50_000:])
    assert torch.equal(valid_iter.labels, y[50_000:])
    assert torch.bincount(valid_iter.labels).tolist() == [1023, 988, 1008, 1021, 1050, 996, 970, 955, 968, 1021]
    again, _, _ = d2lmini.load_data_fashion_mnist(256, download=False, validation=10_000, seed=0)
    assert torch.equal(next(iter(again))[0], next(iter(train_iter))[0])  # seeded: the same order in every run


def test_reading_again_is_fast_and_gives_a_fresh_copy(splits):
    X, _ = splits["train"]
    start = time.perf_counter()
    again, _ = d2lmini.read_fashion_mnist("train", download=False)
    assert time.perf_counter() - start < 1.0  # from memory: a copy takes about 0.03 s
    assert again.data_ptr() != X.data_ptr() and torch.equal(again, X)


def test_torchvision_sees_the_same_data(splits):
    test = d2lmini.fashion_mnist_torchvision(train=False, transform=torchvision.transforms.ToTensor())
    assert len(test) == 10000
    X, y = test[0]
    assert X.shape == (1, 28, 28) and y == 9
    torch.testing.assert_close(X[0], splits["test"][0][0].float() / 255)
    assert torch.equal(test.targets, splits["test"][1])
