"""Run the reader notebooks the way a learner does: released package, fresh environment, CPU.

Usage:
    python tools/run_learner_notebooks.py [--work DIR] [--report FILE] [NOTEBOOK ...]

1. Builds the d2lmini wheel from a copy of the checkout's package files.
2. Creates a virtual environment in a folder outside the repository and
   installs the wheel and ipykernel there: pip resolves d2lmini's declared
   dependencies as it would in Colab or Binder, within the versions of CI's
   constraints.txt (so locally available wheels are reused).
3. Writes the reader notebooks (tools/learner_notebooks.py) to a folder
   outside the repository and runs each top to bottom in a kernel of that
   environment, with no GPU visible. A notebook fails when a cell raises, when
   the kernel's peak memory (VmHWM, its peak resident set) reaches 1.5 GB,
   what Binder gives a session, or when a cell whose output nbval compares
   (no ``nbval-ignore-output`` tag; sanitised by nbval_sanitize.cfg) prints
   something else than the page shows: then the learner does not see what
   the book promised, most often because a hidden cell drew random numbers
   from the global generator (give it its own ``torch.Generator`` or wrap it
   in ``torch.random.fork_rng()``).
4. Writes the seconds and peak memory of each chapter to ``--report``
   (default _build/learner-run.json), which tools/execution_report.py adds to
   the book's execution report.

Exits 1 and names each failing chapter. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import configparser
import copy
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from bookconfig import ROOT, chapter_notebooks, package_version
from learner_notebooks import build

PEAK_LIMIT = 1.5e9  # bytes: Binder's memory per session is 1-2 GB
CONSTRAINTS = ROOT / "constraints.txt"
PACKAGE_FILES = ("pyproject.toml", "README.md", "d2lmini")
KERNEL = "d2lmini-learner"


def pip(python: Path, *args: str) -> None:
    subprocess.run([str(python), "-m", "pip", "-qq", "--disable-pip-version-check", *args], check=True)


def build_wheel(work: Path) -> Path:
    """The d2lmini wheel, built from a copy so the checkout gets no build/ or egg-info."""
    source = work / "source"
    source.mkdir()
    for name in PACKAGE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    pip(Path(sys.executable), "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(work / "dist"), str(source))
    return next((work / "dist").glob(f"d2lmini-{package_version()}-*.whl"))


def learner_environment(work: Path, wheel: Path) -> Path:
    """A fresh virtual environment with the wheel and a kernel; returns its Jupyter data folder."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip(python, "install", "--constraint", str(CONSTRAINTS), str(wheel), "ipykernel")
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(venv), "--name", KERNEL], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return venv / "share" / "jupyter"


def peak_memory(pid: int) -> int:
    """Peak resident set (VmHWM) of a running process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def sanitizers() -> list[tuple[re.Pattern, str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "nbval_sanitize.cfg")
    return [(re.compile(config[name]["regex"]), config[name]["replace"]) for name in config.sections()]


def shown(cell, rules) -> list[str]:
    """What nbval compares of a cell's outputs: streams (merged) and text/plain or text/html, sanitised."""
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            text = output.text
            if texts and texts[-1][0] == output.name:
                texts[-1] = (output.name, texts[-1][1] + text)
                continue
            texts.append((output.name, text))
        elif output.output_type in ("execute_result", "display_data"):
            data = output.get("data", {})
            texts.append(("data", data.get("text/html") or data.get("text/plain", "")))
    result = []
    for _, text in texts:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        result.append(text)
    return result


def differences(stored, ran) -> list[str]:
    """Cells whose compared outputs differ from the stored ones: "cell N: stored ... / now ..."."""
    rules, found = sanitizers(), []
    for index, (before, after) in enumerate(zip(stored.cells, ran.cells)):
        if before.cell_type != "code" or {"nbval-ignore-output", "nbval-skip"} & set(before.metadata.get("tags", [])):
            continue
        if shown(before, rules) != shown(after, rules):
            found.append(f"cell {index}: the page shows {shown(before, rules)!r:.120} but it prints {shown(after, rules)!r:.120}")
    return found


def run(path: Path, folder: Path) -> dict:
    """Run one notebook in the learner kernel; its seconds, peak memory and problem (or None)."""
    nb = nbformat.read(path, as_version=4)
    stored = copy.deepcopy(nb)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=900, resources={"metadata": {"path": str(folder)}})
    start, error = time.perf_counter(), None
    with client.setup_kernel(env={**os.environ, "CUDA_VISIBLE_DEVICES": ""}):
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as failure:
            error = f"{failure.ename}: {failure.evalue}"
        peak = peak_memory(client.km.provisioner.pid)
    if error is None and (changed := differences(stored, nb)):
        error = f"{len(changed)} cell(s) print something else than the page; " + "; ".join(changed[:3])
    return {"seconds": round(time.perf_counter() - start, 1), "peak_mb": round(peak / 1e6), "error": error}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="working folder outside the repository (default: a new temporary one)")
    parser.add_argument("--report", type=Path, default=ROOT / "_build" / "learner-run.json")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    work = (args.work or Path(tempfile.mkdtemp(prefix="d2lmini-learner-"))).resolve()
    if work.is_relative_to(ROOT):
        parser.error(f"--work {work} is inside the repository; a learner's folder is not")
    chapters = chapter_notebooks(ROOT)
    paths = [p.resolve() for p in args.notebooks] or chapters
    readers = build(paths, chapters)["reader"]
    folder = work / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    for stem, notebook in readers.items():
        nbformat.write(notebook, folder / f"{stem}.ipynb")

    os.environ["JUPYTER_PATH"] = str(learner_environment(work, build_wheel(work)))
    results, failures = {}, []
    for stem in readers:
        results[stem] = result = run(folder / f"{stem}.ipynb", folder)
        if result["error"]:
            failures.append(f"{stem}: {result['error']}")
        elif result["peak_mb"] * 1e6 >= PEAK_LIMIT:
            failures.append(f"{stem}: peak memory {result['peak_mb']} MB, over {PEAK_LIMIT / 1e6:.0f} MB")
        print(f"{stem}: {result['seconds']:.1f} sec, peak {result['peak_mb']} MB" + (f", {result['error']}" if result["error"] else ""))

    args.report.parent.mkdir(parents=True, exist_ok=True)
    environment = subprocess.run([str(work / "venv/bin/python"), "-c", "import torch; print(torch.__version__)"],
                                 capture_output=True, text=True).stdout.strip()  # fmt: skip
    threads = os.environ.get("OMP_NUM_THREADS", str(os.cpu_count()))
    report = {"d2lmini": package_version(), "torch": environment, "python": platform.python_version(),
              "threads": threads, "chapters": results}  # fmt: skip
    args.report.write_text(json.dumps(report, indent=1) + "\n")
    print("\n".join(failures) or f"every learner notebook ran, each under {PEAK_LIMIT / 1e6:.0f} MB")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
