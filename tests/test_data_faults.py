"""Faults around the Fashion-MNIST files: cut and hanging downloads, concurrent callers, a read-only cache.

Servers are local (``mirror`` from ``test_data``, on 127.0.0.1, stopped after
each test); folders are temporary; subprocesses get a time limit.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import torch

import d2lmini
from d2lmini import data
from d2lmini.data import DatasetError
from test_data import NAMES, copies, isolated, leftovers, mirror, official_sums, write_fashion  # noqa: F401 -- fixtures

REPO = Path(__file__).resolve().parents[1]


def assert_nothing_half_written(isolated) -> None:
    """No data file, temporary file or folder in the searched cache: the next call starts clean."""
    assert d2lmini.find_fashion_mnist() is None
    assert not isolated["cache"].exists() or leftovers(isolated["cache"]) == []


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


# ----------------------------------------------------------------- cut and hanging downloads


@pytest.mark.parametrize("mode, reason", [
    ("cut", r"IncompleteRead"),  # the connection drops before the promised length
    ("short", r"got \d+ bytes that are no complete gzip file \(.*\); the download was cut short"),
    ("other data", r"got 20 bytes that are not the official file \(6288 bytes, SHA-256 [0-9a-f]{16}\.\.\.\); "
                   r"the download was cut short or the server holds other data"),
    ("missing", r"HTTP Error 404: Not Found"),
])  # fmt: skip
def test_a_failed_download_leaves_nothing_and_the_next_one_works(isolated, mirror, mode, reason):
    good = dict(mirror.files)
    if mode == "other data":
        mirror.files["train-images-idx3-ubyte.gz"] = gzip.compress(bytes(20))
    else:
        mirror.mode = mode
    with pytest.raises(DatasetError, match=rf"downloading it into .* failed \({mirror.url}/train-images-idx3-ubyte\.gz: {reason}"):
        d2lmini.read_fashion_mnist("train")
    assert_nothing_half_written(isolated)
    mirror.mode, mirror.files = "ok", good
    X, y = d2lmini.read_fashion_mnist("train")
    assert len(y) == 8


@pytest.mark.parametrize("mode", ["never answers", "stops mid-file"])
def test_a_hanging_server_fails_within_the_timeout(isolated, mirror, monkeypatch, mode):
    monkeypatch.setattr(data, "DOWNLOAD_TIMEOUT", 0.5)
    mirror.gate.clear()  # released after the test
    mirror.mode = "ok" if mode == "never answers" else "stall"
    start = time.monotonic()
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte\.gz: no answer within 0\.5 s "
                                           r"\(d2lmini\.data\.DOWNLOAD_TIMEOUT\)") as err:  # fmt: skip
        d2lmini.read_fashion_mnist("train")
    assert time.monotonic() - start < 10
    assert "D2LMINI_MIRROR" in str(err.value)
    assert_nothing_half_written(isolated)


def test_an_interrupted_download_leaves_nothing(isolated, mirror, monkeypatch):
    fetch = data._fetch

    def interrupted(name):
        if name == "t10k-images-idx3-ubyte":
            raise KeyboardInterrupt
        return fetch(name)

    monkeypatch.setattr(data, "_fetch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        d2lmini.read_fashion_mnist("train")
    assert_nothing_half_written(isolated)


def test_a_full_disk_is_reported_with_the_folder(isolated, mirror, monkeypatch):
    def no_space(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(data.os, "replace", no_space)
    with pytest.raises(DatasetError, match=rf"cannot write the download into {isolated['cache']} \(\[Errno 28\] "
                                           r"No space left on device\)\. Fix: pass root= or set D2LMINI_DATA"):  # fmt: skip
        d2lmini.read_fashion_mnist("train")
    assert_nothing_half_written(isolated)


# ----------------------------------------------------------------- concurrent callers


def test_three_threads_download_once_and_all_succeed(isolated, mirror):
    mirror.gate.clear()  # hold the first download until all three threads are running
    results, errors = [], []

    def load():
        try:
            results.append(d2lmini.read_fashion_mnist("train")[1])
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    wait_for(lambda: mirror.requests)
    time.sleep(0.3)
    mirror.gate.set()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 3
    assert all(torch.equal(y, results[0]) for y in results)
    assert len(mirror.requests) == 4  # one download, not three
    assert leftovers(isolated["cache"]) == []


def test_three_threads_unpack_for_torchvision_at_once(isolated):
    write_fashion(isolated["root"], n_train=12)
    barrier, sizes, errors = threading.Barrier(3), [], []

    def load():
        barrier.wait(30)
        try:
            sizes.append(len(d2lmini.fashion_mnist_torchvision(train=True, root=isolated["root"])))
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and sizes == [12, 12, 12]
    [copy] = copies(isolated)  # one copy, no temporary folders
    assert sorted(p.name for p in (copy / "FashionMNIST" / "raw").iterdir()) == sorted([*NAMES, data.SUMS])


SCRIPT = """
import json, sys
from pathlib import Path
from d2lmini import data
config = json.loads(sys.argv[1])
data.SYSTEM_DIR = Path(config["system"])
data.DOWNLOAD_TIMEOUT = 60.0
data.OFFICIAL.update({name: tuple(sums) for name, sums in config["official"].items()})
Path(config["started"]).touch()
"""


def python(isolated, mirror, code: str, name: str, drop_root: bool = False) -> subprocess.Popen:
    """Start a Python process that finds no copy of the data and downloads from ``mirror``."""
    config = {"system": str(isolated["system"]), "official": official_sums(), "started": str(isolated["xdg"].parent / name)}
    env = {k: v for k, v in os.environ.items() if k != data.ENV_VAR}
    env.update(XDG_CACHE_HOME=str(isolated["xdg"]), D2LMINI_MIRROR=mirror.url)
    # root has CAP_DAC_OVERRIDE and writes anywhere: drop it so that file modes count
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all"] if drop_root else []
    return subprocess.Popen([*prefix, sys.executable, "-c", SCRIPT + code, json.dumps(config)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def test_two_processes_download_once_and_both_succeed(isolated, mirror):
    code = "print(len(data.read_fashion_mnist('train')[1]))"
    mirror.gate.clear()  # hold the first process's download until the second one waits for the lock
    first = python(isolated, mirror, code, "first")
    wait_for(lambda: mirror.requests, 120)
    second = python(isolated, mirror, code, "second")
    wait_for((isolated["xdg"].parent / "second").exists, 120)
    time.sleep(1)
    mirror.gate.set()
    assert finish(first) == finish(second) == "8\n"
    assert len(mirror.requests) == 4  # the second process found the first one's files
    assert leftovers(isolated["cache"]) == []


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_read_only_cache_names_the_folder_and_what_to_set(isolated, mirror, tmp_path):
    drop_root = os.geteuid() == 0
    if drop_root and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only")
    isolated["root"].mkdir()
    gz = write_fashion(tmp_path / "gz")
    for folder in (isolated["xdg"], isolated["root"]):
        folder.mkdir(exist_ok=True)
        folder.chmod(0o555)
    code = f"""
messages = []
for call in (lambda: data.read_fashion_mnist("train"), lambda: data.read_fashion_mnist("train", root={str(isolated["root"])!r}),
             lambda: data.fashion_mnist_torchvision(True, root={str(gz)!r})):
    try:
        call()
    except data.DatasetError as e:
        messages.append(str(e))
print(json.dumps(messages))
"""
    try:
        messages = json.loads(finish(python(isolated, mirror, code, "started", drop_root)))
    finally:
        for folder in (isolated["xdg"], isolated["root"]):
            folder.chmod(0o755)
    cache, root, unpack = messages
    fix = "Fix: pass root= or set D2LMINI_DATA to an existing folder you can write to"
    assert cache.startswith(f"cannot write into {isolated['cache']} (Permission denied). {fix}")
    assert root.startswith(f"cannot write into {isolated['root']} (Permission denied). {fix}")
    assert unpack.startswith(f"cannot write into {isolated['xdg'] / 'd2lmini' / 'torchvision'} (Permission denied). "
                             "Fix: set XDG_CACHE_HOME to a folder you can write to")  # fmt: skip
    assert mirror.requests == []
