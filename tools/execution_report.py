"""Write execution.md: how long each chapter took to execute, and on what hardware.

Usage: python tools/execution_report.py   (``make book`` runs it before every build)

The numbers come from the notebook metadata that tools/execute.py records
(``d2lmini.execution``) when it runs a chapter top to bottom, so the page
always describes the stored outputs and is never typed by hand. When
``make test-learner`` has run on this machine (CI runs it before the build),
a second table gives the time and peak memory of each learner notebook in a
fresh environment (_build/learner-run.json, tools/run_learner_notebooks.py).
execution.md is generated (and gitignored); edit this file to change the page.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from bookconfig import ROOT, chapter_notebooks


def title_of(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return fallback


def hardware(run: dict) -> str:
    text = f"{run.get('cpu', '?')}, {run.get('cores', '?')} cores"
    return text + (f", {run['gpu']}" if run.get("gpu") else ", no GPU")


def rows(root: Path) -> tuple[list[str], float]:
    out, total = [], 0.0
    for path in chapter_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        doc = path.relative_to(root).with_suffix("").as_posix()
        name = f"{{doc}}`{title_of(nb, path.stem)} <{doc}>`"
        run = nb.metadata.get("d2lmini", {}).get("execution")
        if not run:
            out.append(f"| {name} | not recorded | | | |")
            continue
        total += float(run["seconds"])
        out.append(
            f"| {name} | {float(run['seconds']):.1f} | {hardware(run)} | {run.get('torch', '?')} "
            f"| {run.get('python', '?')} |"
        )
    return out, total


LEARNER_RUN = Path("_build") / "learner-run.json"


def learner_rows(root: Path) -> list[str]:
    """The learner-notebook run's table, or a line saying how to get it."""
    path = root / LEARNER_RUN
    if not path.is_file():
        return ["", "The learner notebooks were not run on the machine that built this page (`make test-learner`).", ""]
    run = json.loads(path.read_text(encoding="utf8"))
    chapters = run["chapters"]
    result = lambda r: "ran" if not r["error"] else r["error"].replace("|", "\\|")  # noqa: E731
    table = [f"| {stem} | {r['seconds']:.1f} | {r['peak_mb']:,} | {result(r)} |" for stem, r in chapters.items()]
    return [
        "",
        "## The learner notebooks in a fresh environment",
        "",
        "The notebooks learners open (answers folded, hidden checks removed), run top to bottom",
        "by `make test-learner` in a new virtual environment where d2lmini is installed from its wheel",
        f"(d2lmini {run['d2lmini']}, PyTorch {run['torch']}, Python {run['python']}), from a folder",
        f"outside the repository, without a GPU, with {run.get('threads', '?')} torch thread(s), when this page was built.",
        "Peak memory is the",
        "kernel's peak resident set; the test fails at 1,500 MB, what Binder gives a session.",
        "",
        "| Notebook | Seconds | Peak memory (MB) | Result |",
        "| --- | ---: | ---: | --- |",
        *table,
        f"| **All notebooks** | **{sum(r['seconds'] for r in chapters.values()):.1f}** | | |",
        "",
    ]


def render(root: Path = ROOT) -> str:
    table, total = rows(root)
    return "\n".join(
        [
            "# Execution report",
            "",
            "How long each chapter took to execute, top to bottom in a fresh kernel, when",
            "its stored outputs were computed, and on which machine. The book shows exactly",
            "those outputs; CI re-runs every chapter and compares (nbval). The numbers are",
            "read from the notebooks' metadata, written by `tools/execute.py`",
            "(`make execute`), and this page is regenerated at every build.",
            "",
            "| Chapter | Seconds | Hardware | PyTorch | Python |",
            "| --- | ---: | --- | --- | --- |",
            *table,
            f"| **All chapters** | **{total:.1f}** | | | |",
            "",
            "Timings are wall-clock seconds including start-up and data loading; on a",
            "shared or busy machine they are longer. A GPU shortens the later chapters.",
            *learner_rows(root),
        ]
    )


def main() -> None:
    (ROOT / "execution.md").write_text(render(ROOT), encoding="utf8")


if __name__ == "__main__":
    main()
