"""Write execution.md: how long each chapter took to execute, and on what hardware.

The numbers come from the notebook metadata that tools/execute.py records,
so the page always describes the stored outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def rows() -> list[str]:
    out = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        title = next((c.source.splitlines()[0].lstrip("# ") for c in nb.cells if c.cell_type == "markdown"), path.stem)
        run = nb.metadata.get("d2lmini", {}).get("execution")
        if run is None:
            out.append(f"| {title} | not recorded | | |")
            continue
        hw = f"{run['cpu']}, {run['cores']} cores" + (f", {run['gpu']}" if run.get("gpu") else "")
        out.append(f"| {title} | {run['seconds']:.1f} | {hw} | {run['torch']} |")
    return out


def main() -> None:
    lines = [
        "# Execution report",
        "",
        "How long each chapter's stored outputs took to compute, measured by",
        "`tools/execute.py` when the notebook was last executed top to bottom.",
        "",
        "| Chapter | Seconds | Hardware | PyTorch |",
        "| --- | ---: | --- | --- |",
        *rows(),
        "",
    ]
    (ROOT / "execution.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
