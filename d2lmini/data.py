"""Fashion-MNIST: find the files offline, verify them, and serve fast in-memory batches.

Where the data is looked for, in this order (the first folder holding any of
the four files is used, and it must hold all four):

1. the ``root`` argument;
2. the folder named by the environment variable ``D2LMINI_DATA``;
3. the user cache, ``$XDG_CACHE_HOME/d2lmini/fashion-mnist``
   (``~/.cache/d2lmini/fashion-mnist`` by default);
4. ``/usr/share/datasets/fashion-mnist`` (Debian package ``dataset-fashion-mnist``).

In each folder the files may sit directly or in torchvision's layout
``FashionMNIST/raw/``, gzipped or not. Only when no folder holds them are
they downloaded with torchvision, into the first of 1-3 that is set.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import math
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
from torch.nn import functional as F

from ._checks import check_batch_size

__all__ = [
    "DatasetError",
    "FASHION_MNIST_LABELS",
    "ENV_VAR",
    "SYSTEM_DIR",
    "user_cache_dir",
    "data_dirs",
    "find_fashion_mnist",
    "read_idx",
    "read_fashion_mnist",
    "fashion_mnist_torchvision",
    "get_fashion_mnist_labels",
    "InMemoryLoader",
    "load_data_fashion_mnist",
]

ENV_VAR = "D2LMINI_DATA"
SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_LABELS = (
    "t-shirt", "trouser", "pullover", "dress", "coat",
    "sandal", "shirt", "sneaker", "bag", "ankle boot",
)  # fmt: skip
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# SHA-256 of the decompressed official files, checked when a file has the official size.
OFFICIAL = {
    "train-images-idx3-ubyte": (47040016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    "train-labels-idx1-ubyte": (60008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    "t10k-images-idx3-ubyte": (7840016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    "t10k-labels-idx1-ubyte": (10008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
}  # fmt: skip
FIX_MISSING = (
    "Fix: install the offline copy (apt-get install dataset-fashion-mnist), point "
    f"{ENV_VAR} at a folder holding the four files, or call again with download=True "
    "on a machine with network access."
)
FIX_CORRUPT = (
    "Fix: replace the bad file: reinstall the offline copy (apt-get install "
    f"dataset-fashion-mnist --reinstall), point {ENV_VAR} at a folder with good files, "
    "or delete the file and let d2lmini download the data again."
)


class DatasetError(OSError):
    """Fashion-MNIST is missing, incomplete or corrupt; the message says how to fix it."""


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/d2lmini/fashion-mnist``, by default under ``~/.cache``."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "d2lmini" / "fashion-mnist"


def data_dirs(root: str | os.PathLike | None = None) -> list[Path]:
    """The folders searched for Fashion-MNIST, in order (see the module docstring)."""
    dirs = [Path(root).expanduser() if root is not None else None,
            Path(os.environ[ENV_VAR]).expanduser() if os.environ.get(ENV_VAR) else None,
            user_cache_dir(),
            SYSTEM_DIR]  # fmt: skip
    return [d for d in dirs if d is not None]


def _locate(folder: Path, name: str) -> Path | None:
    for sub in (folder, folder / "FashionMNIST" / "raw"):
        for candidate in (sub / name, sub / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def find_fashion_mnist(root: str | os.PathLike | None = None) -> dict[str, Path] | None:
    """Paths of the four files from the first folder in ``data_dirs(root)`` that holds any.

    Returns None when no folder holds any of them. Raises ``DatasetError``
    naming the missing file when a folder holds only some.
    """
    names = [name for pair in FILES.values() for name in pair]
    for folder in data_dirs(root):
        found = {name: _locate(folder, name) for name in names}
        if any(found.values()):
            missing = [n for n, p in found.items() if p is None]
            if missing:
                raise DatasetError(
                    f"{folder} holds part of Fashion-MNIST but lacks {', '.join(missing)} "
                    f"(expected each as NAME or NAME.gz). {FIX_MISSING}"
                )
            return found  # type: ignore[return-value]
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
        raise DatasetError(f"{path} is not a readable gzip/IDX file ({e}). {FIX_CORRUPT}") from e


def read_idx(path: str | os.PathLike, ndim: int) -> torch.Tensor:
    """Read an unsigned-byte IDX file (optionally gzipped) into a uint8 tensor.

    Checks the header (magic ``0x0000 08 ndim``), that the byte count matches
    the dimensions it declares, and, for files of an official Fashion-MNIST
    size, the SHA-256 of the content.

    Args:
        path: the ``.gz`` or raw IDX file.
        ndim: dimensions expected: 3 for images ``(N, H, W)``, 1 for labels ``(N,)``.
    """
    path = Path(path)
    data = _read_bytes(path)
    header = 4 + 4 * ndim
    if len(data) < header or data[:4] != bytes([0, 0, 8, ndim]):
        raise DatasetError(
            f"{path} does not start with an IDX header for {ndim}-D unsigned bytes "
            f"(expected magic 00 00 08 {ndim:02x}, got {data[:4].hex(' ') or 'an empty file'}). {FIX_CORRUPT}"
        )
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    expected = header + math.prod(dims)
    if len(data) != expected:
        raise DatasetError(
            f"{path} is truncated or padded: its header declares shape {tuple(dims)}, "
            f"i.e. {expected} bytes, but it holds {len(data)}. {FIX_CORRUPT}"
        )
    name = path.name.removesuffix(".gz")
    size, digest = OFFICIAL.get(name, (None, None))
    if len(data) == size and hashlib.sha256(data).hexdigest() != digest:
        raise DatasetError(f"{path} has the size of the official file but not its SHA-256 {digest}. {FIX_CORRUPT}")
    return torch.frombuffer(bytearray(data), dtype=torch.uint8, offset=header).reshape(dims)


@functools.lru_cache(maxsize=4)
def _read_pair(images: Path, labels: Path, _mtimes: tuple[float, float]) -> tuple[torch.Tensor, torch.Tensor]:
    X, y = read_idx(images, 3), read_idx(labels, 1).long()
    if len(X) != len(y):
        raise DatasetError(f"{images} holds {len(X)} images but {labels} holds {len(y)} labels. {FIX_CORRUPT}")
    if len(y) and int(y.max()) >= len(FASHION_MNIST_LABELS):
        raise DatasetError(f"{labels} holds label {int(y.max())}; Fashion-MNIST labels are 0-9. {FIX_CORRUPT}")
    return X, y


def _download(root: str | os.PathLike | None) -> dict[str, Path]:
    target = data_dirs(root)[0]
    try:
        from torchvision.datasets import FashionMNIST

        for train in (True, False):
            FashionMNIST(str(target), train=train, download=True)
    except Exception as e:  # no network, blocked mirror, full disk, ...
        raise DatasetError(
            f"Fashion-MNIST was found in none of {[str(d) for d in data_dirs(root)]} "
            f"and downloading it into {target} failed ({e}). {FIX_MISSING}"
        ) from e
    return find_fashion_mnist(target)  # type: ignore[return-value]


def read_fashion_mnist(
    split: str, root: str | os.PathLike | None = None, download: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load one split whole: images uint8 ``(N, 28, 28)`` and labels int64 ``(N,)``.

    Args:
        split: ``"train"`` (60,000 examples) or ``"test"`` (10,000).
        root: a folder to look in first (see the module docstring for the order).
        download: fetch with torchvision when no folder holds the files.
    """
    if split not in FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    paths = find_fashion_mnist(root)
    if paths is None:
        if not download:
            raise DatasetError(
                f"Fashion-MNIST was found in none of {[str(d) for d in data_dirs(root)]} "
                f"and download=False. {FIX_MISSING}"
            )
        paths = _download(root)
    images, labels = (paths[name] for name in FILES[split])
    return _read_pair(images, labels, (images.stat().st_mtime, labels.stat().st_mtime))


def fashion_mnist_torchvision(train: bool, transform=None, root: str | os.PathLike | None = None):
    """The classic ``torchvision.datasets.FashionMNIST`` over the files ``d2lmini`` finds.

    torchvision wants uncompressed files under ``ROOT/FashionMNIST/raw``; when
    the found folder is not laid out so, they are unpacked once into
    ``~/.cache/d2lmini/torchvision`` (beside the searched cache, never in it). Indexing it gives ``(image, label)`` with one PIL image
    through ``transform`` per example (e.g. ``ToTensor()`` -> ``(1, 28, 28)``).
    """
    from torchvision.datasets import FashionMNIST

    paths = find_fashion_mnist(root) or _download(root)
    folder = next(iter(paths.values())).parent
    in_layout = folder.parts[-2:] == ("FashionMNIST", "raw") and all(
        p.parent == folder and p.suffix != ".gz" for p in paths.values()
    )
    if not in_layout:
        folder = user_cache_dir().parent / "torchvision" / "FashionMNIST" / "raw"  # not searched
        folder.mkdir(parents=True, exist_ok=True)
        to_unpack = [name for name in paths if not (folder / name).is_file()]
        for name in to_unpack:  # verify all before unpacking any: never leave a partial cache
            read_idx(paths[name], 3 if "images" in name else 1)
        for name in to_unpack:  # write under a temporary name, then rename: never a truncated file
            tmp = folder / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(_read_bytes(paths[name]))
            os.replace(tmp, folder / name)
    return FashionMNIST(str(folder.parents[1]), train=train, transform=transform, download=False)


def get_fashion_mnist_labels(labels: Sequence[int] | torch.Tensor) -> list[str]:
    """Text names (``"t-shirt"``, ...) for class indices 0-9, shape ``(n,)`` -> ``n`` strings."""
    labels = [int(i) for i in labels]
    bad = [i for i in labels if not 0 <= i < len(FASHION_MNIST_LABELS)]
    if bad:
        raise ValueError(f"Fashion-MNIST class indices lie in 0-9, got {bad[:5]}")
    return [FASHION_MNIST_LABELS[i] for i in labels]


class InMemoryLoader:
    """Minibatches from tensors held whole in memory (CPU or GPU), like a ``DataLoader``.

    Each epoch draws one permutation from a seeded generator and slices it;
    there is no per-example Python work, and no worker processes are needed.

    Args:
        images: uint8 ``(N, C, H, W)`` (scaled to [0, 1] per batch) or float.
        labels: int64 ``(N,)``.
        batch_size: examples per batch ``B``.
        shuffle: draw a new order every epoch.
        drop_last: skip a final batch smaller than ``B``.
        device: where the data lives and batches come from.
        normalize: ``(mean, std)`` applied to every batch after scaling.
        seed: seed of the shuffling generator; by default it is drawn from
            torch's global generator, so ``d2lmini.seed`` fixes it.

    Yields:
        ``X`` float32 ``(B, C, H, W)`` and ``y`` int64 ``(B,)``.
    """

    def __init__(
        self,
        images: torch.Tensor,
        labels: torch.Tensor,
        batch_size: int,
        shuffle: bool = False,
        drop_last: bool = False,
        device: torch.device | str | None = None,
        normalize: tuple[float, float] | None = None,
        seed: int | None = None,
    ) -> None:
        check_batch_size(batch_size)
        if images.ndim != 4 or labels.shape != (len(images),):
            raise ValueError(
                f"expected images (N, C, H, W) and labels (N,), got {tuple(images.shape)} "
                f"and {tuple(labels.shape)}"
            )
        if normalize is not None and not normalize[1] > 0:
            raise ValueError(f"normalize must be (mean, std) with std > 0, got {normalize}")
        self.images, self.labels = images.to(device), labels.to(device)
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.normalize = normalize
        if seed is None:
            seed = int(torch.randint(2**62, ()))
        self.generator = torch.Generator().manual_seed(seed)

    @property
    def num_examples(self) -> int:
        """``N``, the number of examples in one epoch (before ``drop_last``)."""
        return len(self.labels)

    def __len__(self) -> int:
        rounding = math.floor if self.drop_last else math.ceil
        return rounding(self.num_examples / self.batch_size)

    def _batch(self, idx: torch.Tensor | slice) -> tuple[torch.Tensor, torch.Tensor]:
        if isinstance(idx, slice):
            X, y = self.images[idx], self.labels[idx]
        else:  # index_select copies whole rows; images[idx] gathers element by element, several times slower
            X, y = self.images.index_select(0, idx), self.labels.index_select(0, idx)
        # A slice is a view of the stored images: copy before changing values in place.
        X = X.float().div_(255) if X.dtype == torch.uint8 else X.to(torch.float32, copy=True)
        if self.normalize is not None:
            X = X.sub_(self.normalize[0]).div_(self.normalize[1])
        return X, y

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = torch.randperm(self.num_examples, generator=self.generator).to(self.images.device) if self.shuffle else None
        for i in range(len(self)):
            window = slice(i * self.batch_size, (i + 1) * self.batch_size)
            yield self._batch(order[window] if order is not None else window)


def _image_size(resize: int | tuple[int, int]) -> tuple[int, int]:
    """``resize`` as a ``(height, width)`` pair of positive ints, or a ``ValueError``."""
    size = (resize, resize) if isinstance(resize, int) else resize
    if not (isinstance(size, tuple) and len(size) == 2
            and all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size)):  # fmt: skip
        raise ValueError(f"resize must be None, a positive int or a (height, width) pair of positive ints, got {resize!r}")
    return size


def _resize(images: torch.Tensor, size: tuple[int, int], chunk: int = 2048) -> torch.Tensor:
    """Resize uint8 ``(N, C, H, W)`` images once, bilinear with antialiasing, to uint8 ``(N, C, h, w)``."""
    out = torch.empty((len(images), images.shape[1], *size), dtype=torch.uint8)
    for i in range(0, len(images), chunk):
        part = images[i : i + chunk].float()
        part = F.interpolate(part, size=size, mode="bilinear", antialias=True, align_corners=False)
        out[i : i + chunk] = part.round_().clamp_(0, 255).to(torch.uint8)
    return out


def load_data_fashion_mnist(
    batch_size: int,
    resize: int | tuple[int, int] | None = None,
    *,
    root: str | os.PathLike | None = None,
    device: torch.device | str | None = None,
    normalize: tuple[float, float] | None = None,
    download: bool = True,
) -> tuple[InMemoryLoader, InMemoryLoader]:
    """Fashion-MNIST as a shuffled training loader and an ordered test loader.

    Args:
        batch_size: examples per batch.
        resize: ``None`` for 28x28, an int ``s`` for ``s x s``, or ``(h, w)``;
            applied once to the whole split, not per image.
        root: a folder to look in first (see the module docstring).
        device: keep the data on this device (e.g. ``d2lmini.try_gpu()``).
        normalize: ``(mean, std)`` to standardise every batch.
        download: fetch with torchvision when no folder holds the files.

    Returns:
        ``(train_iter, test_iter)`` yielding ``X`` float32 ``(B, 1, H, W)`` in
        [0, 1] (before ``normalize``) and ``y`` int64 ``(B,)``; 60,000 and
        10,000 examples.
    """
    check_batch_size(batch_size)
    size = None if resize is None else _image_size(resize)
    loaders = []
    for split in ("train", "test"):
        images, labels = read_fashion_mnist(split, root, download)
        images = images.unsqueeze(1)
        if size is not None:
            images = _resize(images, size)
        loaders.append(InMemoryLoader(images, labels, batch_size, shuffle=split == "train",
                                      device=device, normalize=normalize))  # fmt: skip
    return loaders[0], loaders[1]
