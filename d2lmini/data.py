"""Fashion-MNIST: find the files offline, verify them, and serve fast in-memory batches.

Where the data is looked for, in this order (the first folder holding any of
the four files is used, and it must hold all four):

1. the ``root`` argument;
2. the folder named by the environment variable ``D2LMINI_DATA``;
3. the user cache, ``$XDG_CACHE_HOME/d2lmini/fashion-mnist``
   (``~/.cache/d2lmini/fashion-mnist`` by default);
4. ``/usr/share/datasets/fashion-mnist`` (Debian package ``dataset-fashion-mnist``).

In each folder the files may sit directly or in torchvision's layout
``FashionMNIST/raw/``, gzipped or not. A folder named by ``root`` or
``D2LMINI_DATA`` must exist: a missing one is an error, never skipped.

Only when no folder holds the files are they downloaded, into
``FOLDER/FashionMNIST/raw`` of the first of 1-3 that is set. The URLs come
from ``D2LMINI_MIRROR`` when set, else from ``MIRRORS``; each request waits at
most ``DOWNLOAD_TIMEOUT`` seconds for the server to connect or send more
bytes. The files are fetched into a temporary folder, checked against the
official SHA-256 sums and only then moved into place, under a lock, so that
concurrent processes download once and a cut download leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gzip
import hashlib
import http.client
import math
import os
import shutil
import socket
import tempfile
import urllib.request
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
from torch.nn import functional as F

from ._checks import (
    check_batch_size,
    check_bool,
    check_callable,
    check_choice,
    check_device,
    check_image_data,
    check_index_list,
    check_int,
    check_normalize,
    check_path,
)

__all__ = [
    "DatasetError",
    "FASHION_MNIST_LABELS",
    "ENV_VAR",
    "SYSTEM_DIR",
    "MIRROR_ENV_VAR",
    "MIRRORS",
    "DOWNLOAD_TIMEOUT",
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
MIRROR_ENV_VAR = "D2LMINI_MIRROR"
MIRRORS = [
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # the one torchvision uses
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
]
DOWNLOAD_TIMEOUT = 30.0
FASHION_MNIST_LABELS = (
    "t-shirt", "trouser", "pullover", "dress", "coat",
    "sandal", "shirt", "sneaker", "bag", "ankle boot",
)  # fmt: skip
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
NAMES = tuple(name for pair in FILES.values() for name in pair)
# SHA-256 of the decompressed official files, checked when a file has the official size.
OFFICIAL = {
    "train-images-idx3-ubyte": (47040016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    "train-labels-idx1-ubyte": (60008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    "t10k-images-idx3-ubyte": (7840016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    "t10k-labels-idx1-ubyte": (10008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
}  # fmt: skip
LOCK = ".d2lmini.lock"  # a lock file in each folder d2lmini writes into
SUMS = "SHA256SUMS"  # the checksums of an unpacked copy for torchvision, written last
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
FIX_DOWNLOAD_FOLDER = (
    f"Fix: pass root= or set {ENV_VAR} to an existing folder you can write to (the data is then "
    "downloaded there), or install the offline copy (apt-get install dataset-fashion-mnist)."
)
FIX_UNPACK_FOLDER = (
    "Fix: set XDG_CACHE_HOME to a folder you can write to (the copy goes to "
    "$XDG_CACHE_HOME/d2lmini/torchvision), or pass root= a folder holding the four uncompressed "
    "files as ROOT/FashionMNIST/raw/NAME, which torchvision then reads in place."
)


class DatasetError(OSError):
    """Fashion-MNIST is missing, incomplete or corrupt; the message says how to fix it."""


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/d2lmini/fashion-mnist``, by default under ``~/.cache``."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "d2lmini" / "fashion-mnist"


def _env_dir() -> str | None:
    """The value of ``D2LMINI_DATA``, None when unset; set but empty is an error."""
    value = os.environ.get(ENV_VAR)
    if value == "":
        raise ValueError(
            f"the environment variable {ENV_VAR} is set to an empty string; set it to the folder holding "
            f"the four Fashion-MNIST files, or unset it (del os.environ[{ENV_VAR!r}])"
        )
    return value


def data_dirs(root: str | os.PathLike | None = None) -> list[Path]:
    """The folders searched for Fashion-MNIST, in order (see the module docstring).

    Only lists them, without touching the disk; ``find_fashion_mnist``
    checks that ``root`` and ``D2LMINI_DATA`` name existing folders.
    """
    if root is not None:
        check_path(root, "root")
    named = [d for d in (root, _env_dir()) if d is not None]
    return [Path(d).expanduser() for d in named] + [user_cache_dir(), SYSTEM_DIR]


def _check_named_folders(root: str | os.PathLike | None) -> None:
    """Raise ``DatasetError`` unless ``root`` and ``D2LMINI_DATA``, when set, name existing folders."""
    named = {
        "root": (root, "pass the folder that holds the four files, or leave out root= to search "
                       f"{ENV_VAR}, the user cache and the system folder"),
        ENV_VAR: (_env_dir(), f"set {ENV_VAR} to the folder that holds the four files, or unset it "
                              f"(del os.environ[{ENV_VAR!r}])"),
    }  # fmt: skip
    for name, (value, fix) in named.items():
        if value is None or Path(value).expanduser().is_dir():
            continue
        folder = Path(value).expanduser().absolute()
        what, remedy = (("is a file, not a folder", f"name its folder ({folder.parent}) instead") if folder.exists()
                        else ("does not exist", "create it (the data is then downloaded into it)"))  # fmt: skip
        raise DatasetError(
            f"{name} is {os.fspath(value)!r}" + (f" ({folder})" if str(folder) != os.fspath(value) else "")
            + f", which {what}; a folder named there is never skipped. Fix: {remedy}, or {fix}."
        )


def _find_in(folder: Path) -> dict[str, Path] | None:
    """The four files in ``folder`` (directly or in ``FashionMNIST/raw``), None if it holds none of them."""

    def locate(name: str) -> Path | None:
        for sub in (folder, folder / "FashionMNIST" / "raw"):
            for candidate in (sub / name, sub / f"{name}.gz"):
                if candidate.is_file():
                    return candidate
        return None

    found = {name: locate(name) for name in NAMES}
    if not any(found.values()):
        return None
    missing = [n for n, p in found.items() if p is None]
    if missing:
        raise DatasetError(
            f"{folder} holds part of Fashion-MNIST but lacks {', '.join(missing)} "
            f"(expected each as NAME or NAME.gz). {FIX_MISSING}"
        )
    return found  # type: ignore[return-value]


def find_fashion_mnist(root: str | os.PathLike | None = None) -> dict[str, Path] | None:
    """Paths of the four files from the first folder in ``data_dirs(root)`` that holds any.

    Returns None when no folder holds any of them. Raises ``DatasetError``
    naming the missing file when a folder holds only some, and naming the
    folder when ``root`` or ``D2LMINI_DATA`` is not an existing folder.
    """
    folders = data_dirs(root)
    _check_named_folders(root)
    for folder in folders:
        found = _find_in(folder)
        if found:
            return found
    return None


def _decompressed(path: Path) -> bytes:
    """The content of ``path``, gunzipped when its name ends in ``.gz``."""
    try:
        data = path.read_bytes()
        return gzip.decompress(data) if path.suffix == ".gz" else data
    except (OSError, EOFError, zlib.error) as e:  # gzip.BadGzipFile is an OSError
        raise DatasetError(f"{path} is not a readable gzip/IDX file ({e}). {FIX_CORRUPT}") from e


def _idx_tensor(data: bytes, path: Path, ndim: int) -> torch.Tensor:
    """The uint8 tensor in ``data``, the content of the IDX file ``path``, after checking it."""
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
    size, digest = OFFICIAL.get(path.name.removesuffix(".gz"), (None, None))
    if len(data) == size and hashlib.sha256(data).hexdigest() != digest:
        raise DatasetError(f"{path} has the size of the official file but not its SHA-256 {digest}. {FIX_CORRUPT}")
    return torch.frombuffer(bytearray(data), dtype=torch.uint8, offset=header).reshape(dims)


def read_idx(path: str | os.PathLike, ndim: int) -> torch.Tensor:
    """Read an unsigned-byte IDX file (optionally gzipped) into a uint8 tensor.

    Checks the header (magic ``0x0000 08 ndim``), that the byte count matches
    the dimensions it declares, and, for files of an official Fashion-MNIST
    size, the SHA-256 of the content.

    Args:
        path: the ``.gz`` or raw IDX file.
        ndim: dimensions expected: 3 for images ``(N, H, W)``, 1 for labels ``(N,)``.
    """
    check_path(path, "path", example="'train-images-idx3-ubyte.gz'")
    check_int(ndim, "ndim", 1, 255, fix="pass 3 for images (N, H, W), 1 for labels (N,)")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is not a file; pass the path of an IDX file such as train-images-idx3-ubyte.gz")
    return _idx_tensor(_decompressed(path), path, ndim)


def _check_pair(X: torch.Tensor, y: torch.Tensor, images: Path, labels: Path) -> None:
    """Raise ``DatasetError`` unless the images and labels read from ``images`` and ``labels`` belong together."""
    if len(X) != len(y):
        raise DatasetError(f"{images} holds {len(X)} images but {labels} holds {len(y)} labels. {FIX_CORRUPT}")
    if len(y) and int(y.max()) >= len(FASHION_MNIST_LABELS):
        raise DatasetError(f"{labels} holds label {int(y.max())}; Fashion-MNIST labels are 0-9. {FIX_CORRUPT}")


def _stamp(path: Path) -> tuple[int, int, int]:
    """What changes when a file is replaced: modification time, size and inode."""
    st = path.stat()
    return st.st_mtime_ns, st.st_size, st.st_ino


@functools.lru_cache(maxsize=4)
def _read_pair(images: Path, labels: Path, _stamps: tuple) -> tuple[torch.Tensor, torch.Tensor]:
    """One split, checked, kept in memory; callers hand out copies, never these tensors."""
    X, y = read_idx(images, 3), read_idx(labels, 1).long()
    _check_pair(X, y, images, labels)
    return X, y


@contextlib.contextmanager
def _locked(folder: Path, fix: str) -> Iterator[None]:
    """Create ``folder`` if needed and hold its lock file, against other processes and threads."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / LOCK, "a+b")  # noqa: SIM115 -- closed below, which releases the lock
    except OSError as e:
        raise DatasetError(f"cannot write into {folder} ({e.strerror or e}). {fix}") from e
    with lock:
        if os.name == "nt":
            import msvcrt

            while True:  # LK_LOCK gives up after 10 s; another process may download for longer
                try:
                    msvcrt.locking(lock.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError as e:
                    if e.errno != errno.EDEADLOCK:
                        raise
        else:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)  # one lock per open(): threads exclude each other too
        yield


def _why(e: BaseException) -> str:
    """A download error in a few words; a timeout names the setting that bounds it."""
    if isinstance(e, socket.timeout) or isinstance(getattr(e, "reason", None), socket.timeout):
        return f"no answer within {DOWNLOAD_TIMEOUT} s (d2lmini.data.DOWNLOAD_TIMEOUT)"
    return str(e) or type(e).__name__


def _check_official(payload: bytes, name: str) -> None:
    """Raise ``ValueError`` unless ``payload`` gunzips to the official file ``name``."""
    try:
        data = gzip.decompress(payload)
    except (OSError, EOFError, zlib.error) as e:
        raise ValueError(
            f"got {len(payload)} bytes that are no complete gzip file ({e}); the download was cut short "
            "or the server sends something else"
        ) from e
    size, digest = OFFICIAL[name]
    if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
        raise ValueError(
            f"got {len(data)} bytes that are not the official file ({size} bytes, SHA-256 {digest[:16]}...); "
            "the download was cut short or the server holds other data"
        )


def _fetch(name: str) -> bytes:
    """``NAME.gz`` from the first mirror that serves the official file, or ``ConnectionError`` saying why none did."""
    mirrors = [os.environ[MIRROR_ENV_VAR]] if os.environ.get(MIRROR_ENV_VAR) else MIRRORS
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + f"/{name}.gz"
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
                payload = response.read()
            _check_official(payload, name)
            return payload
        except (OSError, EOFError, zlib.error, ValueError, http.client.HTTPException) as e:  # incl. URLError, timeouts
            failures.append(f"{url}: {_why(e)}")
    raise ConnectionError("; ".join(failures))


def _download(root: str | os.PathLike | None) -> dict[str, Path]:
    """Download the four files into ``FashionMNIST/raw`` of the first folder of ``data_dirs(root)``."""
    target = data_dirs(root)[0]
    with _locked(target, FIX_DOWNLOAD_FOLDER):
        found = _find_in(target)  # another process or thread may have downloaded meanwhile
        if found:
            return found
        try:
            with tempfile.TemporaryDirectory(prefix=".download-", dir=target) as tmp:
                raw = Path(tmp) / "raw"  # not searched: a cut download is never found
                raw.mkdir()
                for name in NAMES:
                    (raw / f"{name}.gz").write_bytes(_fetch(name))
                dest = target / "FashionMNIST" / "raw"
                dest.parent.mkdir(exist_ok=True)
                if dest.exists():  # e.g. an empty folder left by torchvision: move file by file
                    for path in raw.iterdir():
                        os.replace(path, dest / path.name)
                else:
                    os.replace(raw, dest)  # all four files appear at once
        except ConnectionError as e:
            raise DatasetError(
                f"Fashion-MNIST was found in none of {[str(d) for d in data_dirs(root)]} "
                f"and downloading it into {target} failed ({e}). {FIX_MISSING} "
                f"To use another server, set {MIRROR_ENV_VAR} to the URL of a folder holding the four .gz files."
            ) from e
        except OSError as e:  # a full disk, a folder that turned read-only, ...
            raise DatasetError(f"cannot write the download into {target} ({e}). {FIX_DOWNLOAD_FOLDER}") from e
        return _find_in(target)  # type: ignore[return-value]


def _find_or_download(root: str | os.PathLike | None, download: bool) -> dict[str, Path]:
    """The four files found (see ``find_fashion_mnist``), downloaded first when none are and ``download``."""
    paths = find_fashion_mnist(root)
    if paths is None:
        if not download:
            raise DatasetError(
                f"Fashion-MNIST was found in none of {[str(d) for d in data_dirs(root)]} "
                f"and download=False. {FIX_MISSING}"
            )
        paths = _download(root)
    return paths


def read_fashion_mnist(
    split: str, root: str | os.PathLike | None = None, download: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load one split whole: images uint8 ``(N, 28, 28)`` and labels int64 ``(N,)``.

    Each call returns new tensors: changing them never changes what later
    calls return (the files are read once per session and then copied,
    about 0.03 s for the training split).

    Args:
        split: ``"train"`` (60,000 examples) or ``"test"`` (10,000).
        root: a folder to look in first (see the module docstring for the order).
        download: fetch the files when no folder holds them.
    """
    check_choice(split, "split", tuple(FILES))
    check_bool(download, "download")
    paths = _find_or_download(root, download)
    images, labels = (paths[name] for name in FILES[split])
    X, y = _read_pair(images, labels, (_stamp(images), _stamp(labels)))
    return X.clone(), y.clone()


def _unpacked_intact(raw: Path) -> bool:
    """Whether ``raw`` holds the four files with the SHA-256 sums written when they were unpacked."""
    try:
        sums = dict(line.split()[::-1] for line in (raw / SUMS).read_text().splitlines())
        return sorted(sums) == sorted(NAMES) and all(
            hashlib.sha256((raw / name).read_bytes()).hexdigest() == digest for name, digest in sums.items()
        )
    except (OSError, ValueError):  # missing, unreadable or garbled
        return False


def _unpacked_for_torchvision(paths: dict[str, Path]) -> Path:
    """The root of a verified uncompressed copy of ``paths`` in torchvision's layout, made once per source.

    The copy lives in ``~/.cache/d2lmini/torchvision/KEY`` (beside the searched
    cache, never in it), where KEY is a checksum of the source files: another
    source gets another copy. It is checked against its SHA-256 sums before
    each use and made again when damaged.
    """
    key = hashlib.sha256()
    for name in NAMES:
        try:
            key.update(f"{name} {hashlib.sha256(paths[name].read_bytes()).hexdigest()}\n".encode())
        except OSError as e:
            raise DatasetError(f"{paths[name]} is not readable ({e}). {FIX_CORRUPT}") from e
    base = user_cache_dir().parent / "torchvision"
    root = base / key.hexdigest()[:16]
    with _locked(base, FIX_UNPACK_FOLDER):
        if _unpacked_intact(root / "FashionMNIST" / "raw"):
            return root
        contents = {name: _decompressed(path) for name, path in paths.items()}
        for images, labels in FILES.values():  # verify all before writing any
            X, y = _idx_tensor(contents[images], paths[images], 3), _idx_tensor(contents[labels], paths[labels], 1)
            _check_pair(X, y, paths[images], paths[labels])
        try:
            with tempfile.TemporaryDirectory(prefix=".unpack-", dir=base) as tmp:
                raw = Path(tmp) / "copy" / "FashionMNIST" / "raw"
                raw.mkdir(parents=True)
                for name, data in contents.items():
                    (raw / name).write_bytes(data)
                sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in contents.items())
                (raw / SUMS).write_text(sums)
                shutil.rmtree(root, ignore_errors=True)  # a damaged copy
                os.replace(Path(tmp) / "copy", root)
        except OSError as e:
            raise DatasetError(f"cannot unpack Fashion-MNIST for torchvision into {base} ({e}). {FIX_UNPACK_FOLDER}") from e
    return root


def fashion_mnist_torchvision(train: bool, transform=None, root: str | os.PathLike | None = None):
    """The classic ``torchvision.datasets.FashionMNIST`` over the files ``d2lmini`` finds.

    The files get the same checks as in ``read_fashion_mnist`` (headers,
    sizes, checksums, label range, image and label counts). torchvision wants
    uncompressed files under ``ROOT/FashionMNIST/raw``; when the found folder
    is not laid out so, a verified copy is unpacked once per source into
    ``~/.cache/d2lmini/torchvision`` (beside the searched cache, never in it).
    Indexing it gives ``(image, label)`` with one PIL image through
    ``transform`` per example (e.g. ``ToTensor()`` -> ``(1, 28, 28)``).
    """
    check_bool(train, "train")
    if transform is not None:
        check_callable(transform, "transform", "torchvision.transforms.ToTensor()")
    from torchvision.datasets import FashionMNIST

    paths = _find_or_download(root, download=True)
    folder = next(iter(paths.values())).parent
    in_layout = folder.parts[-2:] == ("FashionMNIST", "raw") and all(
        p.parent == folder and p.suffix != ".gz" for p in paths.values()
    )
    if in_layout:  # torchvision reads these very files: check the split it will read
        images, labels = (paths[name] for name in FILES["train" if train else "test"])
        _read_pair(images, labels, (_stamp(images), _stamp(labels)))
        tv_root = folder.parents[1]
    else:
        tv_root = _unpacked_for_torchvision(paths)
    return FashionMNIST(str(tv_root), train=train, transform=transform, download=False)


def get_fashion_mnist_labels(labels: Sequence[int] | torch.Tensor) -> list[str]:
    """Text names (``"t-shirt"``, ...) for class indices 0-9, shape ``(n,)`` -> ``n`` strings."""
    check_index_list(labels)
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
        images: uint8 ``(N, C, H, W)`` (scaled to [0, 1] per batch) or float
            with values in [0, 1] (centred values in [-1, 1] are accepted too).
        labels: integer ``(N,)``, class indices from 0; served as int64.
        batch_size: examples per batch ``B``.
        shuffle: draw a new order every epoch.
        drop_last: skip a final batch smaller than ``B``.
        device: where the data lives and batches come from; by default that of ``images``.
        normalize: ``(mean, std)`` applied to every batch after scaling.
        seed: seed of the shuffling generator (an int from 0 to 2**64 - 1); by
            default it is drawn from torch's global generator, so ``d2lmini.seed`` fixes it.

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
        check_image_data(images, labels)
        check_batch_size(batch_size)
        check_bool(shuffle, "shuffle")
        check_bool(drop_last, "drop_last")
        check_device(device)
        check_normalize(normalize)
        if seed is not None:
            check_int(seed, "seed", 0, 2**64 - 1)
        device = images.device if device is None else torch.device(device)
        self.images, self.labels = images.to(device), labels.to(device, torch.int64)
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.normalize = None if normalize is None else (float(normalize[0]), float(normalize[1]))
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
    seed: int | None = None,
    validation: int | None = None,
) -> tuple[InMemoryLoader, ...]:
    """Fashion-MNIST as a shuffled training loader and an ordered test loader (and a validation loader).

    Args:
        batch_size: examples per batch.
        resize: ``None`` for 28x28, an int ``s`` for ``s x s``, or ``(h, w)``;
            applied once to the whole split, not per image.
        root: a folder to look in first (see the module docstring).
        device: keep the data on this device (e.g. ``d2lmini.try_gpu()``).
        normalize: ``(mean, std)`` to standardise every batch. Compute them
            from the training part only, e.g. from ``train_iter.images``.
        download: fetch the files when no folder holds them.
        seed: seed of the training loader's shuffling (an int from 0 to
            2**64 - 1), so that its order is the same in every run whatever
            else draws random numbers; by default drawn from torch's global
            generator (``d2lmini.seed`` fixes it).
        validation: hold out this many training examples, e.g. ``10_000``: the
            *last* ones of the training file, always the same (the file's
            order is random; each class has 955-1,050 of the last 10,000).
            Choose settings on them and use the test set once, at the end.

    Returns:
        ``(train_iter, test_iter)``, or ``(train_iter, valid_iter, test_iter)``
        with ``validation``: 60,000 (or ``60,000 - validation``),
        ``validation`` and 10,000 examples. They yield ``X`` float32
        ``(B, 1, H, W)`` in [0, 1] (before ``normalize``) and ``y`` int64
        ``(B,)``; only the training loader shuffles.
    """
    check_batch_size(batch_size)
    size = None if resize is None else _image_size(resize)
    if root is not None:
        check_path(root, "root")
    check_device(device)
    check_normalize(normalize)
    check_bool(download, "download")
    if seed is not None:
        check_int(seed, "seed", 0, 2**64 - 1)
    if validation is not None:
        check_int(validation, "validation", fix="pass the number of training examples to hold out, e.g. 10_000")
    (X_train, y_train), (X_test, y_test) = (read_fashion_mnist(split, root, download) for split in ("train", "test"))
    n_fit = len(y_train) - (validation or 0)
    if n_fit < 1:
        raise ValueError(
            f"validation={validation} leaves no training examples: the training split holds {len(y_train)}; "
            "hold out fewer, e.g. validation=10_000"
        )

    def loader(images: torch.Tensor, labels: torch.Tensor, shuffle: bool) -> InMemoryLoader:
        images = images.unsqueeze(1) if size is None else _resize(images.unsqueeze(1), size)
        return InMemoryLoader(images, labels, batch_size, shuffle=shuffle, device=device,
                              normalize=normalize, seed=seed if shuffle else None)  # fmt: skip

    train_iter = loader(X_train[:n_fit], y_train[:n_fit], shuffle=True)
    valid = [loader(X_train[n_fit:], y_train[n_fit:], shuffle=False)] if validation else []
    return (train_iter, *valid, loader(X_test, y_test, shuffle=False))
