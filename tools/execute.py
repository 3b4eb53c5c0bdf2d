"""Execute chapter notebooks top to bottom, in place, the way nbval re-runs them.

Usage: python tools/execute.py [NOTEBOOK ...]   (default: every chapters/*.ipynb)

Each notebook runs in a fresh kernel of this environment with its folder as
the working directory, so execution counts are 1, 2, 3, ... and the stored
outputs come from one clean run. The wall time and the hardware are recorded
in the notebook metadata (``d2lmini.execution``); tools/execution_report.py
turns them into the book's execution report page.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import nbformat
import torch
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def cpu_name() -> str:
    """The CPU model, e.g. 'AMD EPYC 9B14', from /proc/cpuinfo where it exists."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware() -> dict:
    """What the notebook ran on: CPU, cores, GPU (if any), torch version."""
    import os

    return {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def execute(path: Path, timeout: int = 600) -> float:
    """Run ``path`` in place and return its wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,  # nbclient's output-widget hooks need it; dropped below
        record_timing=False,  # per-cell timestamps would make every re-run a diff
    )  # fmt: skip
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)  # stored widget state makes the HTML load widget JS from a CDN
    nb.metadata.setdefault("d2lmini", {})["execution"] = {"seconds": round(seconds, 1), **hardware()}
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
