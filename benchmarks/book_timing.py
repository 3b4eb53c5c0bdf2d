"""How long each chapter takes to run top to bottom, natively and on an emulated AVX2 machine.

Usage (from the repository root, on an otherwise idle machine):
    .venv/bin/python benchmarks/book_timing.py [--mode native|avx2|both] [NOTEBOOK ...]

Each chapter runs in a fresh kernel, as a learner's "Run all" does, from a copy
in a temporary folder (the chapters in chapters/ are not changed). *avx2*
holds ATen's kernels, MKL and oneDNN at AVX2 (tools/portable_env.py's knobs,
with all cores instead of one thread), which is how a laptop or a free Colab
CPU without AVX-512 runs; on a machine without AVX-512 both modes are the
same. Prints a markdown table of seconds per chapter and the total. The
book's target: every chapter under 2 minutes, the book under 5, on an idle
2-core AVX2 machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from bookconfig import chapter_notebooks  # noqa: E402
from portable_env import portable_env  # noqa: E402

AVX2 = {key: value for key, value in portable_env("AVX512").items() if key != "OMP_NUM_THREADS"}


def seconds_to_run(path: Path, env: dict[str, str]) -> float:
    """Run a copy of ``path`` in a fresh kernel with ``env`` added; its wall time in seconds."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copy(path, copy)
        nb = nbformat.read(copy, as_version=4)
        client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": folder}})
        start = time.perf_counter()
        with client.setup_kernel(env={**os.environ, **env}):
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        return time.perf_counter() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("native", "avx2", "both"), default="both")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    modes = {"native": {}, "avx2": AVX2}
    if args.mode != "both":
        modes = {args.mode: modes[args.mode]}
    paths = args.notebooks or chapter_notebooks(ROOT)
    print("| chapter | " + " | ".join(f"{mode} (s)" for mode in modes) + " |")
    print("|---|" + "---:|" * len(modes))
    totals = dict.fromkeys(modes, 0.0)
    for path in paths:
        row = []
        for mode, env in modes.items():
            seconds = seconds_to_run(path, env)
            totals[mode] += seconds
            row.append(f"{seconds:.1f}")
        print(f"| {path.stem} | " + " | ".join(row) + " |", flush=True)
    print("| **book** | " + " | ".join(f"**{totals[mode]:.1f}**" for mode in modes) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
