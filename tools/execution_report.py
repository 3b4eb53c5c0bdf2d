"""Write execution.md: how long each chapter took to execute, and on what hardware.

Usage: python tools/execution_report.py   (``make book`` runs it before every build)

The numbers come from the notebook metadata that tools/execute.py records
(``d2lmini.execution``) when it runs a chapter top to bottom, so the page
always describes the stored outputs and is never typed by hand. execution.md
is generated (and gitignored); edit this file to change the page.
"""

from __future__ import annotations

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
            "",
        ]
    )


def main() -> None:
    (ROOT / "execution.md").write_text(render(ROOT), encoding="utf8")


if __name__ == "__main__":
    main()
