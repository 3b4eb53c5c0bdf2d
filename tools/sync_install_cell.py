"""Rewrite the install cell (first code cell) of every chapter from d2lmini.__version__.

Usage:
    python tools/sync_install_cell.py [--check] [NOTEBOOK ...]

The cell installs exactly ``d2lmini==`` + ``d2lmini.__version__`` where
d2lmini is missing or older (tools/bookconfig.py, ``INSTALL_CELL``). This
tool writes it into the first code cell of each chapter (default: the
chapters of _toc.yml and the fixtures under tests/fixtures/ that have an
install cell), keeping
its outputs and execution count, so after a change of version no
re-execution is needed. With ``--check`` it changes nothing and exits 1 when
a chapter disagrees (tests/test_notebooks.py runs the same check).

Do not run it while authors are editing chapters: it rewrites the files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from bookconfig import ROOT, chapter_notebooks, install_cell_source, package_version


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def first_code_cell(nb):
    return next((cell for cell in nb.cells if cell.cell_type == "code"), None)


def is_install_cell(cell) -> bool:
    return cell is not None and cell.source.lstrip().startswith("# Colab and Binder: install d2lmini")


def sync(path: Path, expected: str, check: bool, insert: bool = True) -> str | None:
    """Return a message when ``path`` disagrees (and fix it unless ``check``).

    Without ``insert``, a notebook that has no install cell is left alone.
    """
    nb = nbformat.read(path, as_version=4)
    cell = first_code_cell(nb)
    if cell is not None and cell.source == expected:
        return None
    if not insert and not is_install_cell(cell):
        return None
    if check:
        return f"{_rel(path)}: the first code cell is not the install cell of d2lmini {package_version()}"
    if not is_install_cell(cell):
        # No install cell yet: insert one after the title cell.
        cell = nbformat.v4.new_code_cell(expected)
        if nb.get("nbformat_minor", 0) < 5:
            cell.pop("id", None)  # cell ids exist from nbformat 4.5 on
        index = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
        nb.cells.insert(index, cell)
        message = f"{_rel(path)}: install cell inserted (execute the notebook again)"
    else:
        cell.source = expected
        message = f"{_rel(path)}: install cell updated"
    nbformat.write(nb, path)
    return message


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, change nothing, exit 1 on a mismatch")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    expected = install_cell_source()
    if args.notebooks:
        targets = [(p, True) for p in args.notebooks]
    else:  # the chapters, and the test fixtures that have an install cell
        targets = [(p, True) for p in chapter_notebooks(ROOT)]
        targets += [(p, False) for p in sorted((ROOT / "tests" / "fixtures").glob("*.ipynb"))]
    messages = [m for p, insert in targets if (m := sync(p, expected, args.check, insert))]
    print("\n".join(messages) or "every install cell installs d2lmini " + package_version())
    return 1 if (args.check and messages) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
