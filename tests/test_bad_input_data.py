"""Every public function of ``d2lmini.data`` with bad arguments: each call raises a clear error.

One row per bad call: the call, the exception type, and a fragment of the
message that says what was expected and how to fix it. No data is anywhere
(the ``isolated`` fixture of ``test_data``) and downloads are off or refused,
so an argument that slipped through would end in a ``DatasetError`` instead.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import d2lmini
from d2lmini import InMemoryLoader, data
from d2lmini.data import DatasetError
from test_data import isolated, write_file  # noqa: F401 -- the autouse fixture

inf, nan = math.inf, math.nan
U8 = torch.zeros(4, 1, 2, 2, dtype=torch.uint8)  # good images
Y = torch.arange(4)  # good labels


def loader(**kwargs):
    """``InMemoryLoader`` with good arguments, changed by ``kwargs``."""
    args = {"images": U8, "labels": Y, "batch_size": 2, **kwargs}
    return InMemoryLoader(**args)


def load(**kwargs):
    """``load_data_fashion_mnist`` with good arguments and no download, changed by ``kwargs``."""
    return d2lmini.load_data_fashion_mnist(**{"batch_size": 4, "download": False, **kwargs})


NORMALIZE = [  # (value, exception, fragment), for both InMemoryLoader and load_data_fashion_mnist
    ((0.5, inf), ValueError, r"normalize must be \(mean, std\) with std > 0, both finite, got \(0.5, inf\); pass two numbers, e.g. normalize=\(0.2860, 0.3530\)"),
    ((nan, 1), ValueError, r"both finite, got \(nan, 1\); pass two numbers"),
    ((0.5,), ValueError, r"normalize must be \(mean, std\) with std > 0, got 1 values \(0.5,\); pass two numbers"),
    ((0.1, 0.2, 0.3), ValueError, r"got 3 values"),
    ((0.5, 0), ValueError, r"with std > 0, both finite, got \(0.5, 0\)"),
    ((0.5, -1.0), ValueError, r"with std > 0, both finite, got \(0.5, -1.0\)"),
    (0.5, TypeError, r"normalize must be \(mean, std\) with std > 0, got float 0.5; pass two numbers"),
    ("0.5, 0.3", TypeError, r"got str '0.5, 0.3'; pass two numbers"),
    ((0.5, "1"), TypeError, r"got \(0.5, '1'\); pass two numbers.*\(tensor.item\(\) gives one\)"),
    ((True, 1), TypeError, r"got \(True, 1\); pass two numbers"),
    ((torch.tensor(0.3), 0.3), TypeError, r"\(tensor.item\(\) gives one\)"),
]
SEEDS = [  # (value, fragment)
    (-1, r"seed must be an int in \[0, 18446744073709551615\], got -1"),
    (2**64, r"seed must be an int in \[0, 18446744073709551615\], got 18446744073709551616"),
    (1.0, r"seed must be an int in .*, got 1.0; pass 1"),
    ("1", r"seed must be an int in .*, got '1'"),
    (True, r"seed must be an int in .*, got True"),
]
DEVICES = [  # (value, exception, fragment)
    ("gpu", ValueError, r"device 'gpu' names no device \(.*\); pass e.g. 'cpu', 'cuda:0' or d2lmini.try_gpu\(\)"),
    ("cuda:99", ValueError, r"device 'cuda:99' is not available: this machine has \d+ cuda device\(s\); pass e.g. 'cpu'"),
    (-1, ValueError, r"device -1 names no device"),
    (1.5, TypeError, r"device must be a torch.device or a name such as 'cuda:0', got float 1.5; pass e.g. 'cpu'"),
    (True, TypeError, r"device must be a torch.device or a name such as 'cuda:0', got bool True"),
]

CASES = [
    # ------------------------------------------------ data_dirs, find_fashion_mnist: root
    *[pytest.param(lambda d: f(3), TypeError, r"root must be a path \(a str or pathlib.Path\) such as '~/datasets/fashion-mnist', got int 3", id=f"{f.__name__}-root-int")
      for f in (d2lmini.data_dirs, d2lmini.find_fashion_mnist)],
    *[pytest.param(lambda d: f(""), ValueError, r"root is an empty string, which names nothing; pass a path such as", id=f"{f.__name__}-root-empty")
      for f in (d2lmini.data_dirs, d2lmini.find_fashion_mnist)],
    pytest.param(lambda d: d2lmini.data_dirs(b"/data"), TypeError, r"root must be a path .*, got bytes b'/data'", id="data_dirs-root-bytes"),
    pytest.param(lambda d: d2lmini.find_fashion_mnist(d["root"]), DatasetError, r"root is '.*/root', which does not exist; .* Fix: create it", id="find-root-missing"),
    pytest.param(lambda d: d2lmini.find_fashion_mnist(write_file(d["root"] / "f.gz", b"", False)), DatasetError, r"which is a file, not a folder; .* Fix: name its folder \(.*/root\) instead", id="find-root-file"),
    # ------------------------------------------------ read_idx
    pytest.param(lambda d: d2lmini.read_idx(None, 3), TypeError, r"path must be a path \(a str or pathlib.Path\) such as 'train-images-idx3-ubyte.gz', got NoneType None", id="read_idx-path-none"),
    pytest.param(lambda d: d2lmini.read_idx("", 3), ValueError, r"path is an empty string, which names nothing", id="read_idx-path-empty"),
    pytest.param(lambda d: d2lmini.read_idx(d["root"] / "x.gz", 3), FileNotFoundError, r"x.gz is not a file; pass the path of an IDX file", id="read_idx-path-missing"),
    pytest.param(lambda d: d2lmini.read_idx(d["xdg"].parent, 3), FileNotFoundError, r"is not a file; pass the path of an IDX file", id="read_idx-path-folder"),
    *[pytest.param(lambda d, n=n: d2lmini.read_idx(write_file(d["root"] / "l", bytes(12), False), n), ValueError,
                   rf"ndim must be an int in \[1, 255\], got {n!r}; pass 3 for images \(N, H, W\), 1 for labels \(N,\)", id=f"read_idx-ndim-{n!r}")
      for n in (0, -1, 256, "3", True, None)],
    pytest.param(lambda d: d2lmini.read_idx(write_file(d["root"] / "l", bytes(12), False), 3.0), ValueError, r"ndim must be an int .*, got 3.0; pass 3", id="read_idx-ndim-float"),
    # ------------------------------------------------ read_fashion_mnist
    *[pytest.param(lambda d, s=s: d2lmini.read_fashion_mnist(s), ValueError, rf"split must be 'train' or 'test', got {s!r}".replace("[", r"\[").replace("]", r"\]"), id=f"read-split-{s!r}")
      for s in ("val", "Train", "", 1, None, ["train"])],
    pytest.param(lambda d: d2lmini.read_fashion_mnist("train", download="no"), TypeError, r"download must be True or False, got str 'no'", id="read-download-str"),
    pytest.param(lambda d: d2lmini.read_fashion_mnist("train", download=None), TypeError, r"download must be True or False, got NoneType None", id="read-download-none"),
    pytest.param(lambda d: d2lmini.read_fashion_mnist("train", root=1.5), TypeError, r"root must be a path .*, got float 1.5", id="read-root-float"),
    pytest.param(lambda d: d2lmini.read_fashion_mnist("train", root=d["root"]), DatasetError, r"which does not exist; a folder named there is never skipped", id="read-root-missing"),
    # ------------------------------------------------ fashion_mnist_torchvision
    *[pytest.param(lambda d, t=t: d2lmini.fashion_mnist_torchvision(t), TypeError, rf"train must be True or False, got {tname}", id=f"torchvision-train-{tname}")
      for t, tname in ((1, "int 1"), ("train", "str 'train'"), (None, "NoneType None"))],
    pytest.param(lambda d: d2lmini.fashion_mnist_torchvision(True, "ToTensor"), TypeError, r"transform must be callable, such as torchvision.transforms.ToTensor\(\); got str 'ToTensor'", id="torchvision-transform-str"),
    pytest.param(lambda d: d2lmini.fashion_mnist_torchvision(True, root=""), ValueError, r"root is an empty string", id="torchvision-root-empty"),
    pytest.param(lambda d: d2lmini.fashion_mnist_torchvision(True, root=d["root"]), DatasetError, r"which does not exist; a folder named there is never skipped", id="torchvision-root-missing"),
    # ------------------------------------------------ get_fashion_mnist_labels
    *[pytest.param(lambda d, v=v: d2lmini.get_fashion_mnist_labels(v), TypeError,
                   rf"labels must be class indices: a list of ints such as \[0, 9\] or a 1-D integer tensor, got {got}; convert labels with y.long\(\), or scores with y_hat.argmax\(dim=1\)",
                   id=f"labels-{name}")
      for name, v, got in [
          ("float", [1.7], r"list \[1.7\]"),
          ("whole-float", [1.0, 2.0], r"list \[1.0, 2.0\]"),
          ("str", "123", r"str '123'"),
          ("bool", [True, False], r"list \[True, False\]"),
          ("none", None, r"NoneType None"),
          ("int", 3, r"int 3"),
          ("float-tensor", torch.tensor([1.0, 2.0]), r"a tensor of shape \(2,\) and dtype torch.float32"),
          ("bool-tensor", torch.tensor([True]), r"a tensor of shape \(1,\) and dtype torch.bool"),
          ("2d-tensor", torch.zeros(2, 3, dtype=torch.long), r"a tensor of shape \(2, 3\) and dtype torch.int64"),
          ("0d-tensor", torch.tensor(3), r"a tensor of shape \(\) and dtype torch.int64"),
          ("float-array", np.array([1.5]), r"ndarray array\(\[1.5\]\)"),
          ("float-tensor-items", [torch.tensor(1.5)], r"list \[tensor\(1.5000\)\]"),
      ]],
    *[pytest.param(lambda d, v=v: d2lmini.get_fashion_mnist_labels(v), ValueError, rf"Fashion-MNIST class indices lie in 0-9, got \[{bad}\]", id=f"labels-range-{bad}")
      for v, bad in (([10], "10"), ([3, -1], "-1"), (torch.tensor([12]), "12"), (np.array([255]), "255"))],
    # ------------------------------------------------ InMemoryLoader
    pytest.param(lambda d: loader(images=U8.tolist()), TypeError, r"images must be a torch.Tensor, got list; convert it with torch.as_tensor\(images\)", id="loader-images-list"),
    pytest.param(lambda d: loader(labels=[0, 1, 2, 3]), TypeError, r"labels must be a torch.Tensor, got list \[0, 1, 2, 3\]; convert it with torch.as_tensor\(labels\)", id="loader-labels-list"),
    pytest.param(lambda d: loader(images=U8[:, 0]), ValueError, r"expected images \(N, C, H, W\) and labels \(N,\), got \(4, 2, 2\) and \(4,\); for grayscale images \(N, H, W\) pass images.unsqueeze\(1\)", id="loader-images-3d"),
    pytest.param(lambda d: loader(labels=Y[:3]), ValueError, r"got \(4, 1, 2, 2\) and \(3,\)", id="loader-labels-short"),
    pytest.param(lambda d: loader(labels=Y.reshape(4, 1)), ValueError, r"got \(4, 1, 2, 2\) and \(4, 1\)", id="loader-labels-2d"),
    pytest.param(lambda d: loader(images=U8[:0], labels=Y[:0]), ValueError, r"images and labels hold no examples \(N = 0\); pass at least one", id="loader-empty"),
    pytest.param(lambda d: loader(labels=Y.float()), TypeError, r"labels must be an integer tensor of class indices, got torch.float32; convert them with y.long\(\)", id="loader-labels-float"),
    pytest.param(lambda d: loader(labels=Y > 1), TypeError, r"labels must be an integer tensor of class indices, got torch.bool", id="loader-labels-bool"),
    pytest.param(lambda d: loader(labels=torch.tensor([0, -1, 2, 3])), ValueError, r"labels must be class indices >= 0, got -1; labels count classes from 0", id="loader-labels-negative"),
    pytest.param(lambda d: loader(images=U8.long()), TypeError, r"images must be uint8 \(values 0-255, scaled to \[0, 1\] per batch\) or float in \[0, 1\], got torch.int64; convert 0-255 values with images.to\(torch.uint8\)", id="loader-images-int64"),
    pytest.param(lambda d: loader(images=U8.bool()), TypeError, r"images must be uint8 .* got torch.bool", id="loader-images-bool"),
    pytest.param(lambda d: loader(images=torch.full((4, 1, 2, 2), 255.0)), ValueError, r"float images must hold pixel values in \[0, 1\] \(or centred ones in \[-1, 1\]\), got values from 255 to 255; pass the uint8 images \(scaled per batch\) or divide by 255", id="loader-images-0-255-floats"),
    pytest.param(lambda d: loader(images=torch.full((4, 1, 2, 2), -2.0)), ValueError, r"got values from -2 to -2; .* standardise with normalize=\(mean, std\) rather than beforehand", id="loader-images-standardised"),
    pytest.param(lambda d: loader(images=torch.full((4, 1, 2, 2), nan)), ValueError, r"float images must hold pixel values in \[0, 1\] .* got values from nan to nan", id="loader-images-nan"),
    pytest.param(lambda d: loader(images=torch.full((4, 1, 2, 2), inf)), ValueError, r"got values from inf to inf", id="loader-images-inf"),
    *[pytest.param(lambda d, b=b: loader(batch_size=b), ValueError, rf"batch_size must be a positive int, got {b!r}", id=f"loader-batch_size-{b!r}")
      for b in (0, -2, 2.5, True, None, "2")],
    *[pytest.param(lambda d, k=k: loader(**{k: "yes"}), TypeError, rf"{k} must be True or False, got str 'yes'", id=f"loader-{k}-str")
      for k in ("shuffle", "drop_last")],
    pytest.param(lambda d: loader(shuffle=1), TypeError, r"shuffle must be True or False, got int 1", id="loader-shuffle-int"),
    *[pytest.param(lambda d, v=v: loader(device=v), e, m, id=f"loader-device-{v!r}") for v, e, m in DEVICES],
    *[pytest.param(lambda d, v=v: loader(normalize=v), e, m, id=f"loader-normalize-{v!r}") for v, e, m in NORMALIZE],
    *[pytest.param(lambda d, v=v: loader(seed=v), ValueError, m, id=f"loader-seed-{v!r}") for v, m in SEEDS],
    # ------------------------------------------------ load_data_fashion_mnist (no data anywhere: each check comes first)
    *[pytest.param(lambda d, b=b: load(batch_size=b), ValueError, rf"batch_size must be a positive int, got {b!r}", id=f"load-batch_size-{b!r}")
      for b in (0, -1, 2.0, True, None)],
    *[pytest.param(lambda d, r=r: load(resize=r), ValueError, r"resize must be None, a positive int or a \(height, width\) pair of positive ints", id=f"load-resize-{r!r}")
      for r in (0, -3, True, 2.5, "32", (32,), (32, 0), [28, 28])],
    pytest.param(lambda d: load(root=5), TypeError, r"root must be a path", id="load-root-int"),
    pytest.param(lambda d: load(root=""), ValueError, r"root is an empty string", id="load-root-empty"),
    pytest.param(lambda d: load(root=d["root"]), DatasetError, r"which does not exist; a folder named there is never skipped", id="load-root-missing"),
    pytest.param(lambda d: load(download=1), TypeError, r"download must be True or False, got int 1", id="load-download-int"),
    *[pytest.param(lambda d, v=v: load(device=v), e, m, id=f"load-device-{v!r}") for v, e, m in DEVICES],
    *[pytest.param(lambda d, v=v: load(normalize=v), e, m, id=f"load-normalize-{v!r}") for v, e, m in NORMALIZE],
    *[pytest.param(lambda d, v=v: load(seed=v), ValueError, m, id=f"load-seed-{v!r}") for v, m in SEEDS],
    *[pytest.param(lambda d, v=v: load(validation=v), ValueError,
                   rf"validation must be a positive int, got {v!r}; pass the number of training examples to hold out, e.g. 10_000", id=f"load-validation-{v!r}")
      for v in (0, -5, 0.2, True, "10000")],
]


@pytest.mark.parametrize("call, error, message", CASES)
def test_bad_argument_raises_a_clear_error(isolated, call, error, message):
    with pytest.raises(error, match=message):
        call(isolated)


@pytest.mark.parametrize("value, error, message", [
    ("", ValueError, r"the environment variable D2LMINI_DATA is set to an empty string; set it to the folder"),
    ("{root}", DatasetError, r"D2LMINI_DATA is '.*/root', which does not exist; .* or unset it \(del os.environ\['D2LMINI_DATA'\]\)"),
    ("{file}", DatasetError, r"D2LMINI_DATA is '.*/f.gz', which is a file, not a folder"),
])  # fmt: skip
def test_bad_d2lmini_data_raises_a_clear_error(isolated, monkeypatch, value, error, message):
    file = write_file(isolated["env"] / "f.gz", b"", False)
    monkeypatch.setenv(data.ENV_VAR, value.format(root=isolated["root"], file=file))
    for call in (d2lmini.find_fashion_mnist, lambda: d2lmini.read_fashion_mnist("test"), lambda: load(),
                 lambda: d2lmini.fashion_mnist_torchvision(False)):  # fmt: skip
        with pytest.raises(error, match=message):
            call()


def test_good_arguments_of_every_kind_are_accepted(isolated):
    """The checks refuse only what is wrong: the values the rows above vary, given correctly."""
    assert d2lmini.get_fashion_mnist_labels([np.int64(1), torch.tensor(2), 3]) == ["trouser", "pullover", "dress"]
    assert d2lmini.get_fashion_mnist_labels(np.array([9], dtype=np.uint8)) == ["ankle boot"]
    assert d2lmini.get_fashion_mnist_labels(range(2)) == ["t-shirt", "trouser"]
    centred = torch.rand(4, 1, 2, 2) - 0.5
    X, y = next(iter(loader(images=centred, labels=Y.to(torch.uint8), device=torch.device("cpu"),
                            normalize=[np.float32(0.1), 2], seed=2**64 - 1, shuffle=True)))  # fmt: skip
    assert y.dtype == torch.int64 and X.shape == (2, 1, 2, 2)
