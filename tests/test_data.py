"""Finding, verifying, downloading and reading Fashion-MNIST, on small IDX files the tests write themselves.

Every test here runs isolated from the real data and the home cache: the
system folder, ``D2LMINI_DATA`` and ``XDG_CACHE_HOME`` point into ``tmp_path``;
opening a network connection anywhere but 127.0.0.1 fails the test, and
downloads go to a local HTTP server (the ``mirror`` fixture).
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import re
import socket
import threading
from pathlib import Path

import pytest
import torch
import torchvision

import d2lmini
from d2lmini import data
from d2lmini.data import DatasetError

BUILT_IN_MIRRORS = list(data.MIRRORS)  # before the isolated fixture replaces them
NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
FIX_WORDS = {  # what the fix says, per kind of error
    "missing": ("Fix: install the offline copy", "apt-get install dataset-fashion-mnist", "D2LMINI_DATA", "download=True"),
    "corrupt": ("Fix: replace the bad file", "apt-get install dataset-fashion-mnist --reinstall", "D2LMINI_DATA"),
}


def assert_says_fix(err: pytest.ExceptionInfo, kind: str) -> None:
    """The message tells the user how to repair the data: get it (missing) or replace a file (corrupt)."""
    for word in FIX_WORDS[kind]:
        assert word in str(err.value)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every search location into tmp_path and allow network access to 127.0.0.1 only."""
    dirs = {"system": tmp_path / "system", "xdg": tmp_path / "xdg", "env": tmp_path / "env", "root": tmp_path / "root"}
    monkeypatch.setattr(data, "SYSTEM_DIR", dirs["system"])
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    monkeypatch.delenv(data.MIRROR_ENV_VAR, raising=False)
    monkeypatch.setattr(data, "MIRRORS", ["http://127.0.0.1:9/"])  # the discard port: refused at once
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["xdg"]))
    dirs["cache"] = dirs["xdg"] / "d2lmini" / "fashion-mnist"
    connect = socket.socket.connect

    def loopback_only(self, address):
        if not (isinstance(address, tuple) and address[0] == "127.0.0.1"):
            raise AssertionError(f"a test tried to connect to {address!r}, not to 127.0.0.1")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    data._read_pair.cache_clear()
    return dirs


def idx_bytes(t: torch.Tensor) -> bytes:
    """Encode a uint8 tensor as an IDX file: magic 00 00 08 ndim, big-endian dims, data."""
    header = bytes([0, 0, 8, t.ndim]) + b"".join(d.to_bytes(4, "big") for d in t.shape)
    return header + t.contiguous().numpy().tobytes()


def write_file(path: Path, payload: bytes, gz: bool) -> Path:
    """Write ``payload`` to ``path`` (``path.gz``, compressed, when ``gz``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(payload))
    else:
        path.write_bytes(payload)
    return path


def make_split(n: int, offset: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` distinct 28x28 images (example i is filled with (offset + i) % 256) and labels i % 10."""
    values = (torch.arange(n) + offset) % 256
    images = values.reshape(n, 1, 1).expand(n, 28, 28).to(torch.uint8)
    return images, (torch.arange(n) % 10).to(torch.uint8)


def write_fashion(folder: Path, n_train: int = 12, n_test: int = 7, gz: bool = True,
                  layout: bool = False, offset: int = 0, skip: tuple[str, ...] = ()) -> Path:  # fmt: skip
    """Write the four small files into ``folder`` (or ``folder/FashionMNIST/raw`` with ``layout``)."""
    target = folder / "FashionMNIST" / "raw" if layout else folder
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images, labels = make_split(n, offset)
        for kind, t in (("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)):
            name = f"{prefix}-{kind}"
            if name not in skip:
                write_file(target / name, idx_bytes(t), gz)
    return target


SERVED = {"n_train": 8, "n_test": 4, "offset": 200}  # what the mirror serves; no other test writes these sizes


def served_files() -> dict[str, bytes]:
    """The decompressed IDX content of the four files the mirror serves."""
    files = {}
    for prefix, n in (("train", SERVED["n_train"]), ("t10k", SERVED["n_test"])):
        images, labels = make_split(n, SERVED["offset"])
        files[f"{prefix}-images-idx3-ubyte"], files[f"{prefix}-labels-idx1-ubyte"] = idx_bytes(images), idx_bytes(labels)
    return files


def official_sums() -> dict[str, tuple[int, str]]:
    """``OFFICIAL`` for the served files: downloads are checked against it."""
    return {name: (len(b), hashlib.sha256(b).hexdigest()) for name, b in served_files().items()}


class Mirror(http.server.ThreadingHTTPServer):
    """A local server for the four ``.gz`` files; it records the requests and can misbehave.

    ``mode``: ``"ok"``; ``"missing"`` (404); ``"short"`` (a complete response holding half
    the file); ``"cut"`` (promises the whole file, sends half, closes); ``"stall"``
    (promises the whole file, sends half, then waits for ``gate``). While ``gate`` is
    clear, responses wait for it, at most 60 s, before they start.
    """

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), MirrorHandler)
        self.files = {f"{name}.gz": gzip.compress(content) for name, content in served_files().items()}
        self.requests: list[str] = []
        self.mode = "ok"
        self.gate = threading.Event()
        self.gate.set()
        self.url = f"http://127.0.0.1:{self.server_port}/fashion"


class MirrorHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 -- the name http.server calls
        mirror = self.server
        mirror.requests.append(self.path)
        if mirror.mode != "stall":
            mirror.gate.wait(60)
        body = mirror.files.get(self.path.rsplit("/", 1)[-1])
        if body is None or mirror.mode == "missing":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) // 2 if mirror.mode == "short" else len(body)))
        self.end_headers()
        self.wfile.write(body if mirror.mode == "ok" else body[: len(body) // 2])
        if mirror.mode == "stall":
            self.wfile.flush()
            mirror.gate.wait(60)
        self.close_connection = True

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def mirror(monkeypatch):
    """A running ``Mirror``, named by ``D2LMINI_MIRROR``; stopped after the test."""
    server = Mirror()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv(data.MIRROR_ENV_VAR, server.url)
    monkeypatch.setattr(data, "DOWNLOAD_TIMEOUT", 5.0)
    for name, sums in official_sums().items():
        monkeypatch.setitem(data.OFFICIAL, name, sums)
    yield server
    server.gate.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def leftovers(folder: Path) -> list[str]:
    """Names under ``folder`` that are neither data files nor the lock: temporary files and folders."""
    keep = set(NAMES) | {f"{n}.gz" for n in NAMES} | {"FashionMNIST", "raw", data.LOCK}
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name not in keep)


# ----------------------------------------------------------------- search order


def test_user_cache_dir_follows_xdg_then_home(isolated, monkeypatch, tmp_path):
    assert d2lmini.user_cache_dir() == isolated["cache"]
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert d2lmini.user_cache_dir() == tmp_path / "home" / ".cache" / "d2lmini" / "fashion-mnist"


def test_data_dirs_order(isolated, monkeypatch):
    assert d2lmini.data_dirs() == [isolated["cache"], isolated["system"]]
    monkeypatch.setenv("D2LMINI_DATA", str(isolated["env"]))
    assert d2lmini.data_dirs(isolated["root"]) == [isolated["root"], isolated["env"], isolated["cache"], isolated["system"]]
    assert d2lmini.data_dirs("no/such/folder")[0] == Path("no/such/folder")  # listing does not touch the disk


def test_data_dirs_expand_home(isolated, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("D2LMINI_DATA", "~/env")
    assert d2lmini.data_dirs("~/root")[:2] == [tmp_path / "home" / "root", tmp_path / "home" / "env"]
    write_fashion(tmp_path / "home" / "env", n_train=11)
    assert len(d2lmini.read_fashion_mnist("train")[1]) == 11


def test_find_returns_none_when_no_folder_holds_files(isolated):
    assert d2lmini.find_fashion_mnist() is None


def test_root_beats_env_beats_cache_beats_system(isolated, monkeypatch):
    # each location holds a different number of training examples, so we can tell which one was read
    write_fashion(isolated["system"], n_train=15)
    assert len(d2lmini.read_fashion_mnist("train")[1]) == 15
    write_fashion(isolated["cache"], n_train=14, layout=True)
    assert len(d2lmini.read_fashion_mnist("train")[1]) == 14
    write_fashion(isolated["env"], n_train=13, gz=False)
    monkeypatch.setenv("D2LMINI_DATA", str(isolated["env"]))
    assert len(d2lmini.read_fashion_mnist("train")[1]) == 13
    write_fashion(isolated["root"], n_train=12)
    assert len(d2lmini.read_fashion_mnist("train", root=isolated["root"])[1]) == 12
    assert d2lmini.find_fashion_mnist(isolated["root"])["train-images-idx3-ubyte"].parent == isolated["root"]


def test_find_accepts_gz_raw_and_torchvision_layout(isolated):
    write_fashion(isolated["root"], gz=False, layout=True)
    paths = d2lmini.find_fashion_mnist(isolated["root"])
    assert set(paths) == set(NAMES)
    assert all(p.parent == isolated["root"] / "FashionMNIST" / "raw" and p.suffix != ".gz" for p in paths.values())
    write_fashion(isolated["system"], gz=True)
    assert all(p.suffix == ".gz" for p in d2lmini.find_fashion_mnist().values())


def test_missing_one_of_four_files_names_it_and_the_fix(isolated):
    write_fashion(isolated["root"], skip=("t10k-labels-idx1-ubyte",))
    write_fashion(isolated["system"])  # complete, but the incomplete root comes first
    with pytest.raises(DatasetError, match=r"lacks t10k-labels-idx1-ubyte") as err:
        d2lmini.find_fashion_mnist(isolated["root"])
    assert str(isolated["root"]) in str(err.value)
    assert_says_fix(err, "missing")



@pytest.mark.parametrize("kind", ["missing", "file"])
@pytest.mark.parametrize("how", ["root", "env"])
def test_a_named_folder_must_exist_and_is_never_skipped(isolated, monkeypatch, how, kind):
    write_fashion(isolated["system"])  # a good copy further down the list is not used instead
    named = isolated[how] / "data" if kind == "missing" else write_file(isolated[how] / "notes.txt", b"x", gz=False)
    root = named if how == "root" else None
    if how == "env":
        monkeypatch.setenv("D2LMINI_DATA", str(named))
    what, remedy = (("does not exist", "create it (the data is then downloaded into it)") if kind == "missing"
                    else ("is a file, not a folder", f"name its folder ({named.parent}) instead"))  # fmt: skip
    for call in (lambda: d2lmini.find_fashion_mnist(root), lambda: d2lmini.read_fashion_mnist("test", root),
                 lambda: d2lmini.load_data_fashion_mnist(4, root=root), lambda: d2lmini.fashion_mnist_torchvision(False, root=root)):  # fmt: skip
        with pytest.raises(DatasetError, match=re.escape(f"is '{named}', which {what}; a folder named there is "
                                                         f"never skipped. Fix: {remedy}, or ")) as err:  # fmt: skip
            call()
        assert str(err.value).startswith("root" if how == "root" else "D2LMINI_DATA")
        assert ("leave out root=" if how == "root" else "unset it (del os.environ['D2LMINI_DATA'])") in str(err.value)


def test_a_relative_named_folder_is_shown_absolute(isolated, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetError, match=f"root is 'datasets/fm' \\({tmp_path}/datasets/fm\\), which does not exist"):
        d2lmini.find_fashion_mnist("datasets/fm")


def test_empty_root_or_env_is_an_error(isolated, monkeypatch):
    write_fashion(isolated["system"])
    with pytest.raises(ValueError, match="root is an empty string, which names nothing; pass a path such as"):
        d2lmini.read_fashion_mnist("train", root="")
    monkeypatch.setenv("D2LMINI_DATA", "")
    for call in (d2lmini.data_dirs, d2lmini.find_fashion_mnist, lambda: d2lmini.read_fashion_mnist("train")):
        with pytest.raises(ValueError, match=r"D2LMINI_DATA is set to an empty string; set it to the folder .* "
                                             r"or unset it \(del os.environ\['D2LMINI_DATA'\]\)"):  # fmt: skip
            call()


# ----------------------------------------------------------------- reading files


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_round_trip(tmp_path, gz):
    images, labels = make_split(5, offset=3)
    X = d2lmini.read_idx(write_file(tmp_path / "imgs", idx_bytes(images), gz), 3)
    y = d2lmini.read_idx(write_file(tmp_path / "lbls", idx_bytes(labels), gz), 1)
    assert X.dtype == y.dtype == torch.uint8
    assert X.shape == (5, 28, 28) and torch.equal(X, images)
    assert torch.equal(y, labels)


def test_read_idx_wrong_magic(tmp_path):
    path = write_file(tmp_path / "train-images-idx3-ubyte", idx_bytes(make_split(2)[1]), gz=True)  # a 1-D file
    with pytest.raises(DatasetError, match=r"expected magic 00 00 08 03, got 00 00 08 01") as err:
        d2lmini.read_idx(path, 3)
    assert str(path) in str(err.value)
    assert_says_fix(err, "corrupt")


def test_read_idx_empty_file(tmp_path):
    path = write_file(tmp_path / "t10k-labels-idx1-ubyte", b"", gz=False)
    with pytest.raises(DatasetError, match="got an empty file"):
        d2lmini.read_idx(path, 1)


@pytest.mark.parametrize("change, size", [(-100, 3052), (+3, 3155)])
def test_read_idx_truncated_or_padded(tmp_path, change, size):
    payload = idx_bytes(make_split(4)[0])
    payload = payload[:change] if change < 0 else payload + bytes(change)
    path = write_file(tmp_path / "train-images-idx3-ubyte", payload, gz=True)
    with pytest.raises(DatasetError, match=rf"is truncated or padded: its header declares shape \(4, 28, 28\), "
                                           rf"i\.e\. 3152 bytes, but it holds {size}") as err:  # fmt: skip
        d2lmini.read_idx(path, 3)
    assert str(path) in str(err.value)
    assert_says_fix(err, "corrupt")


def test_read_idx_corrupt_gzip(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(b"this is not gzip data at all")
    with pytest.raises(DatasetError, match="is not a readable gzip/IDX file") as err:
        d2lmini.read_idx(path, 1)
    assert str(path) in str(err.value)
    assert_says_fix(err, "corrupt")


def test_read_idx_cut_gzip_stream(tmp_path):
    path = write_file(tmp_path / "train-images-idx3-ubyte", idx_bytes(make_split(50)[0]), gz=True)
    path.write_bytes(path.read_bytes()[:-20])  # an interrupted download
    with pytest.raises(DatasetError, match="is not a readable gzip/IDX file"):
        d2lmini.read_idx(path, 3)


def test_read_idx_official_size_with_wrong_checksum(tmp_path, monkeypatch):
    payload = idx_bytes(make_split(6)[1])
    monkeypatch.setitem(data.OFFICIAL, "train-labels-idx1-ubyte", (len(payload), "0" * 64))
    path = write_file(tmp_path / "train-labels-idx1-ubyte", payload, gz=True)
    with pytest.raises(DatasetError, match="has the size of the official file but not its SHA-256 0000") as err:
        d2lmini.read_idx(path, 1)
    assert_says_fix(err, "corrupt")
    monkeypatch.setitem(data.OFFICIAL, "train-labels-idx1-ubyte", (len(payload), hashlib.sha256(payload).hexdigest()))
    assert len(d2lmini.read_idx(path, 1)) == 6


def test_read_fashion_mnist_splits(isolated):
    write_fashion(isolated["root"], n_train=12, n_test=7, offset=100)
    X, y = d2lmini.read_fashion_mnist("train", root=isolated["root"])
    assert X.shape == (12, 28, 28) and X.dtype == torch.uint8
    assert y.dtype == torch.int64 and y.tolist() == [i % 10 for i in range(12)]
    assert X[3, 0, 0] == 103
    X, y = d2lmini.read_fashion_mnist("test", root=isolated["root"])
    assert X.shape == (7, 28, 28) and len(y) == 7


def test_read_fashion_mnist_unknown_split(isolated):
    with pytest.raises(ValueError, match="split must be 'train' or 'test', got 'val'"):
        d2lmini.read_fashion_mnist("val")


def test_labels_out_of_range(isolated):
    folder = write_fashion(isolated["root"], skip=("train-labels-idx1-ubyte",))
    labels = torch.tensor([0, 1, 10] + [0] * 9, dtype=torch.uint8)
    bad = write_file(folder / "train-labels-idx1-ubyte", idx_bytes(labels), gz=True)
    with pytest.raises(DatasetError, match="holds label 10; Fashion-MNIST labels are 0-9") as err:
        d2lmini.read_fashion_mnist("train", root=isolated["root"])
    assert str(bad) in str(err.value)
    assert_says_fix(err, "corrupt")


def test_image_label_count_mismatch(isolated):
    folder = write_fashion(isolated["root"], n_train=12, skip=("train-labels-idx1-ubyte",))
    write_file(folder / "train-labels-idx1-ubyte", idx_bytes(make_split(11)[1]), gz=True)
    with pytest.raises(DatasetError, match="holds 12 images but .*train-labels-idx1-ubyte.gz holds 11 labels") as err:
        d2lmini.read_fashion_mnist("train", root=isolated["root"])
    assert "train-images-idx3-ubyte.gz" in str(err.value)
    assert_says_fix(err, "corrupt")


def test_corrupt_file_found_first_is_reported_not_skipped(isolated):
    folder = write_fashion(isolated["root"])
    write_fashion(isolated["system"])
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match=r"t10k-images-idx3-ubyte\.gz is not a readable gzip"):
        d2lmini.read_fashion_mnist("test", root=isolated["root"])


def test_read_sees_a_replaced_file(isolated):
    folder = write_fashion(isolated["root"], n_train=12)
    assert len(d2lmini.read_fashion_mnist("train", root=isolated["root"])[1]) == 12
    write_fashion(isolated["root"], n_train=9)
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):  # a later mtime, even on coarse clocks
        os.utime(folder / name, ns=(0, (folder / name).stat().st_mtime_ns + 10**9))
    assert len(d2lmini.read_fashion_mnist("train", root=isolated["root"])[1]) == 9



def test_changing_returned_data_never_changes_later_calls(isolated):
    write_fashion(isolated["root"], n_train=12, offset=100)
    X, y = d2lmini.read_fashion_mnist("train", root=isolated["root"])
    X.zero_()
    y.fill_(7)
    train_iter, _ = d2lmini.load_data_fashion_mnist(4, root=isolated["root"])
    train_iter.images.zero_()
    X, y = d2lmini.read_fashion_mnist("train", root=isolated["root"])
    assert X[3, 0, 0] == 103 and y.tolist() == [i % 10 for i in range(12)]
    assert data._read_pair.cache_info().hits >= 2  # served from memory, not re-read


# ----------------------------------------------------------------- downloading


def test_default_mirror_is_torchvisions_and_the_timeout_is_bounded():
    assert torchvision.datasets.FashionMNIST.mirrors[0] in BUILT_IN_MIRRORS
    assert 0 < data.DOWNLOAD_TIMEOUT <= 60


def test_no_download_when_a_folder_holds_the_files(isolated, mirror):
    write_fashion(isolated["system"])
    assert len(d2lmini.read_fashion_mnist("train")[1]) == 12
    write_fashion(isolated["root"], skip=("train-images-idx3-ubyte",))
    with pytest.raises(DatasetError, match="lacks train-images-idx3-ubyte"):
        d2lmini.read_fashion_mnist("train", root=isolated["root"])  # incomplete: an error, not a download
    assert mirror.requests == []


@pytest.mark.parametrize("where", ["root", "env", "cache"])
def test_download_goes_into_first_configured_folder(isolated, mirror, monkeypatch, where):
    root = isolated["root"] if where == "root" else None
    if where in ("root", "env"):
        isolated["root"].mkdir()
        isolated["env"].mkdir()
        monkeypatch.setenv("D2LMINI_DATA", str(isolated["env"]))
    X, y = d2lmini.read_fashion_mnist("train", root=root)
    assert len(y) == 8 and X[5, 0, 0] == 205  # the served files
    target = isolated[where]
    assert sorted(p.name for p in (target / "FashionMNIST" / "raw").iterdir()) == sorted(f"{n}.gz" for n in NAMES)
    assert mirror.requests == [f"/fashion/{n}.gz" for n in NAMES]
    assert leftovers(target) == []  # no temporary files
    # the next call finds the downloaded files and does not download again
    assert len(d2lmini.read_fashion_mnist("test", root=root)[1]) == 4
    assert len(mirror.requests) == 4


@pytest.mark.parametrize("url", ["{url}", "{url}/"])
def test_mirror_url_with_or_without_slash(isolated, mirror, monkeypatch, url):
    monkeypatch.setenv("D2LMINI_MIRROR", url.format(url=mirror.url))
    assert len(d2lmini.read_fashion_mnist("test")[1]) == 4
    assert mirror.requests[0] == "/fashion/train-images-idx3-ubyte.gz"


def test_download_failure_says_where_it_looked_and_the_fix(isolated, mirror):
    mirror.mode = "missing"
    with pytest.raises(DatasetError, match="found in none of .* and downloading it into .* failed") as err:
        d2lmini.read_fashion_mnist("train")
    message = str(err.value)
    for folder in (isolated["cache"], isolated["system"]):
        assert str(folder) in message
    assert f"{mirror.url}/train-images-idx3-ubyte.gz: HTTP Error 404" in message
    assert "set D2LMINI_MIRROR to the URL of a folder holding the four .gz files" in message
    assert_says_fix(err, "missing")
    assert leftovers(isolated["cache"]) == [] and not (isolated["cache"] / "FashionMNIST").exists()


def test_built_in_mirrors_are_tried_in_order(isolated, mirror, monkeypatch):
    monkeypatch.delenv("D2LMINI_MIRROR")
    monkeypatch.setattr(data, "MIRRORS", ["http://127.0.0.1:9/"])  # the discard port refuses
    with pytest.raises(DatasetError, match=r"failed \(http://127.0.0.1:9/train-images-idx3-ubyte.gz: .*refused"):
        d2lmini.read_fashion_mnist("train")
    monkeypatch.setattr(data, "MIRRORS", ["http://127.0.0.1:9/", mirror.url])
    assert len(d2lmini.read_fashion_mnist("train")[1]) == 8
    assert len(mirror.requests) == 4


def test_download_false_never_downloads(isolated, mirror):
    with pytest.raises(DatasetError, match="found in none of .* and download=False") as err:
        d2lmini.read_fashion_mnist("train", download=False)
    assert str(isolated["system"]) in str(err.value)
    assert_says_fix(err, "missing")
    with pytest.raises(DatasetError, match="download=False"):
        d2lmini.load_data_fashion_mnist(4, download=False)
    assert mirror.requests == []


# ----------------------------------------------------------------- labels


def test_get_fashion_mnist_labels():
    assert len(d2lmini.FASHION_MNIST_LABELS) == 10
    assert d2lmini.get_fashion_mnist_labels([0, 9]) == ["t-shirt", "ankle boot"]
    assert d2lmini.get_fashion_mnist_labels(torch.tensor([1, 7])) == ["trouser", "sneaker"]
    assert d2lmini.get_fashion_mnist_labels([]) == []


def test_get_fashion_mnist_labels_out_of_range():
    with pytest.raises(ValueError, match=r"class indices lie in 0-9, got \[10, -1\]"):
        d2lmini.get_fashion_mnist_labels([3, 10, -1])


# ----------------------------------------------------------------- load_data_fashion_mnist


def test_load_data_fashion_mnist_small(isolated):
    write_fashion(isolated["root"], n_train=12, n_test=7)
    train_iter, test_iter = d2lmini.load_data_fashion_mnist(5, root=isolated["root"])
    assert isinstance(train_iter, d2lmini.InMemoryLoader)
    assert (len(train_iter), len(test_iter)) == (3, 2)
    assert (train_iter.num_examples, test_iter.num_examples) == (12, 7)
    X, y = next(iter(train_iter))
    assert X.shape == (5, 1, 28, 28) and X.dtype == torch.float32 and y.dtype == torch.int64
    assert 0 <= X.min() and X.max() <= 1
    # the test loader keeps the file order, the training loader shuffles
    assert torch.cat([y for _, y in test_iter]).tolist() == [i % 10 for i in range(7)]
    assert train_iter.shuffle and not test_iter.shuffle


def test_load_data_fashion_mnist_normalize_and_device(isolated):
    write_fashion(isolated["root"], n_train=12, n_test=7, offset=51)  # test image 0 is all 51/255 = 0.2
    _, test_iter = d2lmini.load_data_fashion_mnist(7, root=isolated["root"], device="cpu", normalize=(0.1, 0.5))
    X, _ = next(iter(test_iter))
    assert X.device.type == "cpu"
    torch.testing.assert_close(X[0], torch.full((1, 28, 28), (0.2 - 0.1) / 0.5))


@pytest.mark.parametrize("resize, shape", [(32, (32, 32)), ((20, 24), (20, 24)), (28, (28, 28))])
def test_resize_applied_once_to_the_stored_images(isolated, resize, shape):
    write_fashion(isolated["root"], n_train=12, n_test=7, offset=7)
    train_iter, test_iter = d2lmini.load_data_fashion_mnist(4, resize=resize, root=isolated["root"])
    for loader in (train_iter, test_iter):
        assert loader.images.shape[2:] == shape and loader.images.dtype == torch.uint8  # resized up front
        X, _ = next(iter(loader))
        assert X.shape == (4, 1, *shape)
    # constant images stay constant (antialiased bilinear resize, rounded back to uint8)
    X, _ = next(iter(test_iter))
    torch.testing.assert_close(X[1], torch.full((1, *shape), 8 / 255))


def test_resize_is_checked_before_any_file_is_read(isolated):
    # isolated holds no data: a bad resize must be reported, not the missing files
    with pytest.raises(ValueError, match="resize must be None"):
        d2lmini.load_data_fashion_mnist(4, resize=(28,), download=False)


@pytest.mark.parametrize("resize", [0, -3, True, 2.5, "32", (32,), (32, 0), (32, 32, 1), (16.0, 16), (True, 28)])
def test_unknown_resize_values(isolated, resize):
    write_fashion(isolated["root"])
    with pytest.raises(ValueError, match="resize must be None, a positive int or a \\(height, width\\) pair"):
        d2lmini.load_data_fashion_mnist(4, resize=resize, root=isolated["root"])


@pytest.mark.parametrize("batch_size", [0, -1, 2.0, True, None])
def test_load_data_fashion_mnist_batch_size_checked_first(isolated, batch_size):
    # no data anywhere: the argument error comes before any search or download
    with pytest.raises(ValueError, match=f"batch_size must be a positive int, got {batch_size!r}"):
        d2lmini.load_data_fashion_mnist(batch_size)



def epoch(loader) -> list[int]:
    """The first pixel of each image of one epoch: which examples came, in which order."""
    return torch.cat([(X[:, 0, 0, 0] * 255).round().long() for X, _ in loader]).tolist()


def test_seed_makes_the_training_order_independent_of_the_global_generator(isolated):
    write_fashion(isolated["root"], n_train=40, n_test=7)
    orders = []
    for global_seed in (1, 2):
        torch.manual_seed(global_seed)
        train_iter, _ = d2lmini.load_data_fashion_mnist(8, root=isolated["root"], seed=5)
        orders.append([epoch(train_iter), epoch(train_iter)])
    assert orders[0] == orders[1] and orders[0][0] != orders[0][1]  # the same run twice; each epoch a new order
    assert sorted(orders[0][0]) == list(range(40))
    other, _ = d2lmini.load_data_fashion_mnist(8, root=isolated["root"], seed=6)
    assert epoch(other) != orders[0][0]


def test_validation_holds_out_the_last_training_examples(isolated):
    write_fashion(isolated["root"], n_train=30, n_test=7)
    train_iter, valid_iter, test_iter = d2lmini.load_data_fashion_mnist(
        4, root=isolated["root"], validation=10, seed=0, normalize=(0.1, 0.5), resize=14)
    assert (train_iter.num_examples, valid_iter.num_examples, test_iter.num_examples) == (20, 10, 7)
    assert train_iter.images[:, 0, 0, 0].tolist() == list(range(20))  # the stored images; batches are normalised
    assert train_iter.shuffle and not valid_iter.shuffle and not test_iter.shuffle
    assert valid_iter.images[:, 0, 0, 0].tolist() == list(range(20, 30))  # in file order
    assert valid_iter.labels.tolist() == [i % 10 for i in range(20, 30)]
    assert valid_iter.normalize == train_iter.normalize == (0.1, 0.5) and valid_iter.images.shape[2:] == (14, 14)
    # the same split every time, as in the chapters: images[:n - validation], images[n - validation:]
    again = d2lmini.load_data_fashion_mnist(4, root=isolated["root"], validation=10, seed=0)
    assert torch.equal(again[1].images, d2lmini.read_fashion_mnist("train", root=isolated["root"])[0][20:].unsqueeze(1))


@pytest.mark.parametrize("validation", [30, 31])
def test_validation_must_leave_training_examples(isolated, validation):
    write_fashion(isolated["root"], n_train=30)
    with pytest.raises(ValueError, match=f"validation={validation} leaves no training examples: the training "
                                         "split holds 30; hold out fewer, e.g. validation=10_000"):  # fmt: skip
        d2lmini.load_data_fashion_mnist(4, root=isolated["root"], validation=validation)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"normalize": (0.5,)}, ValueError, r"normalize must be \(mean, std\) with std > 0, got 1 values \(0.5,\)"),
    ({"normalize": (0.5, float("inf"))}, ValueError, "both finite, got \\(0.5, inf\\)"),
    ({"validation": 0}, ValueError, "validation must be a positive int, got 0; pass the number of training examples"),
    ({"seed": -1}, ValueError, "seed must be an int in"),
    ({"device": "gpu"}, ValueError, "device 'gpu' names no device"),
    ({"download": "no"}, TypeError, "download must be True or False, got str 'no'"),
    ({"root": 3}, TypeError, r"root must be a path \(a str or pathlib.Path\)"),
])  # fmt: skip
def test_load_data_arguments_are_checked_before_any_file_is_read(isolated, kwargs, error, message):
    # no data anywhere and download=False: reading first would raise DatasetError instead
    with pytest.raises(error, match=message):
        d2lmini.load_data_fashion_mnist(4, **{"download": False, **kwargs})


# ----------------------------------------------------------------- torchvision


def copies(isolated) -> list[Path]:
    """The unpacked copies for torchvision, one folder per source, beside the searched cache."""
    base = isolated["cache"].parent / "torchvision"
    return sorted(p for p in base.iterdir() if p.name != data.LOCK) if base.exists() else []


def test_fashion_mnist_torchvision_unpacks_gz_beside_the_searched_cache(isolated):
    write_fashion(isolated["root"], n_train=12, n_test=7, offset=20)
    ds = d2lmini.fashion_mnist_torchvision(train=True, transform=torchvision.transforms.ToTensor(), root=isolated["root"])
    [copy] = copies(isolated)  # one copy, no temporary folders left
    assert Path(ds.root) == copy and copy.parent == isolated["cache"].parent / "torchvision"
    assert sorted(p.name for p in (copy / "FashionMNIST" / "raw").iterdir()) == sorted([*NAMES, data.SUMS])
    assert not isolated["cache"].exists()  # the searched cache stays empty: no duplicate copy
    assert len(ds) == 12
    X, y = ds[3]
    assert X.shape == (1, 28, 28) and X.dtype == torch.float32 and y == 3
    torch.testing.assert_close(X, torch.full((1, 28, 28), 23 / 255))
    test = d2lmini.fashion_mnist_torchvision(train=False, root=isolated["root"])
    assert len(test) == 7 and copies(isolated) == [copy]  # reused
    # same examples as d2lmini's own reader
    X, y = d2lmini.read_fashion_mnist("test", root=isolated["root"])
    assert torch.equal(test.data, X) and torch.equal(test.targets, y)


def test_fashion_mnist_torchvision_uses_torchvision_layout_in_place(isolated):
    write_fashion(isolated["root"], gz=False, layout=True)
    ds = d2lmini.fashion_mnist_torchvision(train=False, root=isolated["root"])
    assert Path(ds.root) == isolated["root"] and len(ds) == 7
    assert not (isolated["xdg"] / "d2lmini").exists()  # nothing unpacked


def test_fashion_mnist_torchvision_serves_the_data_of_the_source_asked_for(isolated, tmp_path):
    write_fashion(tmp_path / "a", n_train=12, offset=1)
    write_fashion(tmp_path / "b", n_train=9, offset=2)
    for root, n, first in [("a", 12, 1), ("b", 9, 2), ("a", 12, 1)]:
        ds = d2lmini.fashion_mnist_torchvision(train=True, root=tmp_path / root)
        assert len(ds) == n and ds.data[0, 0, 0] == first
    assert len(copies(isolated)) == 2


@pytest.mark.parametrize("damage", ["truncate", "delete", "sums"])
def test_fashion_mnist_torchvision_repairs_a_damaged_copy(isolated, damage):
    write_fashion(isolated["root"], n_train=12)
    d2lmini.fashion_mnist_torchvision(train=True, root=isolated["root"])
    [copy] = copies(isolated)
    raw = copy / "FashionMNIST" / "raw"
    images = raw / "train-images-idx3-ubyte"
    if damage == "truncate":
        images.write_bytes(images.read_bytes()[:-100])
    elif damage == "delete":
        images.unlink()
    else:
        (raw / data.SUMS).write_text("garbage\n")
    ds = d2lmini.fashion_mnist_torchvision(train=True, root=isolated["root"])
    assert len(ds) == 12 and copies(isolated) == [copy]
    assert images.stat().st_size == 16 + 12 * 784


def test_fashion_mnist_torchvision_notices_a_source_damaged_after_the_copy_was_made(isolated):
    folder = write_fashion(isolated["root"])
    assert len(d2lmini.fashion_mnist_torchvision(train=False, root=isolated["root"])) == 7
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match=r"t10k-labels-idx1-ubyte\.gz is not a readable gzip/IDX file") as err:
        d2lmini.fashion_mnist_torchvision(train=False, root=isolated["root"])
    assert_says_fix(err, "corrupt")


def test_fashion_mnist_torchvision_corrupt_file_leaves_no_partial_cache(isolated):
    folder = write_fashion(isolated["root"])
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x03bad"))
    with pytest.raises(DatasetError, match=r"t10k-labels-idx1-ubyte\.gz does not start with an IDX header"):
        d2lmini.fashion_mnist_torchvision(train=True, root=isolated["root"])
    assert copies(isolated) == []  # all four or none, and no temporary folder
    write_fashion(isolated["root"], n_train=9)  # the user replaces the bad file: the next call works
    assert len(d2lmini.fashion_mnist_torchvision(train=True, root=isolated["root"])) == 9


@pytest.mark.parametrize("layout", [False, True])
@pytest.mark.parametrize("fault", ["label 10", "count"])
def test_fashion_mnist_torchvision_checks_labels_and_counts(isolated, layout, fault):
    folder = write_fashion(isolated["root"], n_train=12, gz=not layout, layout=layout, skip=("train-labels-idx1-ubyte",))
    labels = torch.tensor([0, 1, 10] + [0] * 9) if fault == "label 10" else torch.arange(11) % 10
    write_file(folder / "train-labels-idx1-ubyte", idx_bytes(labels.to(torch.uint8)), gz=not layout)
    message = "holds label 10; Fashion-MNIST labels are 0-9" if fault == "label 10" else "holds 12 images but .* holds 11 labels"
    with pytest.raises(DatasetError, match=message) as err:
        d2lmini.fashion_mnist_torchvision(train=True, root=isolated["root"])
    assert_says_fix(err, "corrupt")
    assert copies(isolated) == []


def test_fashion_mnist_torchvision_downloads_when_nothing_found(isolated, monkeypatch):
    calls = []

    def fake_download(root):
        calls.append(root)
        raise DatasetError("no network")

    monkeypatch.setattr(data, "_download", fake_download)
    isolated["root"].mkdir()
    with pytest.raises(DatasetError, match="no network"):
        d2lmini.fashion_mnist_torchvision(train=True, root=isolated["root"])
    assert calls == [isolated["root"]]
