"""Check chapter notebooks against the rules of the book (README, "Writing a chapter").

Usage: python tools/check_notebooks.py [NOTEBOOK ...]   (default: the chapters of _toc.yml)

Prints every problem, one per line, and exits 1 when there is any. The same
functions back tests/test_notebooks.py (source level) and, for exercises and
answers in the built HTML, tests/test_book_browser.py (``html_exercise_problems``).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from bookconfig import ROOT, chapter_notebooks, install_cell_source
from training_outputs import SELFCHECK, check_training_outputs

MIN_EXERCISES = 6
SELFCHECKS = (4, 8)  # questions per chapter (../shared/curriculum.md)
SELFCHECK_HTML = 'class="d2l-selfcheck"'
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_SOURCE = re.compile(r"@interact\b|\binteract(ive|_manual)?\s*\(|\b(ipy)?widgets\.[A-Z]\w*\s*\(")
WIDGET_TAGS = ("nbval-ignore-output", "remove-output")
PLACEHOLDERS = re.compile(r"\bTODO\b|\bTBD\b|\bFIXME\b|placeholder|coming soon|lorem ipsum|being written", re.I)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})(.*)$")
DIRECTIVE = re.compile(r"^\{([\w-]+)\}\s*(.*)$")
OPTION = re.compile(r"^\s*:([\w-]+):\s*(.*)$")
EXERCISE_DIRECTIVES = {"exercise", "exercise-start", "exercise-end", "solution", "solution-start", "solution-end"}


# --- Exercises and solutions ----------------------------------------------------


@dataclass
class Directive:
    name: str
    argument: str
    options: dict
    cell: int  # index of the markdown cell


def directives(source: str, cell: int = 0) -> list[Directive]:
    """The MyST directives of one markdown cell, fence-aware.

    Directives inside plain code blocks (e.g. a ```python example within an
    exercise) are text, not directives, exactly as MyST parses them.
    """
    found: list[Directive] = []
    stack: list[tuple[str, int, bool]] = []  # (fence char, fence length, is a directive)
    lines = source.splitlines()
    for i, line in enumerate(lines):
        match = FENCE.match(line)
        if not match:
            continue
        fence, rest = match.groups()
        top = stack[-1] if stack else None
        if top and fence[0] == top[0] and len(fence) >= top[1] and not rest.strip():
            stack.pop()  # closing fence
            continue
        if top and not top[2]:
            continue  # a fence-like line inside a code block is text
        directive = DIRECTIVE.match(rest.strip())
        stack.append((fence[0], len(fence), directive is not None))
        if directive:
            options = {}
            for option_line in lines[i + 1 :]:
                option = OPTION.match(option_line)
                if not option:
                    break
                options[option.group(1)] = option.group(2).strip()
            found.append(Directive(directive.group(1), directive.group(2).strip(), options, cell))
    return found


@dataclass
class Exercises:
    labels: list[str] = field(default_factory=list)  # exercises, in order
    solved: list[str] = field(default_factory=list)  # solution targets, in order
    problems: list[str] = field(default_factory=list)


def exercises(nb) -> Exercises:
    """Exercises, solutions and their problems in one notebook."""
    result = Exercises()
    seen_at: dict[str, int] = {}
    open_gate: Directive | None = None
    found = [d for i, c in enumerate(nb.cells) if c.cell_type == "markdown" for d in directives(c.source, i)]
    for d in found:
        if d.name not in EXERCISE_DIRECTIVES:
            continue
        if d.name in ("exercise", "exercise-start"):
            label = d.options.get("label", "")
            if not label:
                result.problems.append(f"cell {d.cell}: {{{d.name}}} without a :label: (answers refer to it)")
                continue
            if label in seen_at:
                result.problems.append(f"cell {d.cell}: exercise label {label!r} is used twice")
            seen_at[label] = len(result.labels)
            result.labels.append(label)
        elif d.name in ("solution", "solution-start"):
            target = d.argument
            if d.name == "solution-start":
                if open_gate is not None:
                    result.problems.append(
                        f"cell {d.cell}: solution-start {target!r} opened before the solution-end "
                        f"of {open_gate.argument!r}"
                    )
                open_gate = d
            if not target:
                result.problems.append(f"cell {d.cell}: {{{d.name}}} names no exercise")
            elif target not in seen_at:
                result.problems.append(
                    f"cell {d.cell}: solution points to exercise {target!r}, which does not exist "
                    "before it in this chapter"
                )
            elif target in result.solved:
                result.problems.append(f"cell {d.cell}: exercise {target!r} has two solutions")
            result.solved.append(target)
        elif d.name == "solution-end":
            if open_gate is None:
                result.problems.append(f"cell {d.cell}: solution-end without a solution-start")
            open_gate = None
    if open_gate is not None:
        result.problems.append(f"cell {open_gate.cell}: solution-start {open_gate.argument!r} has no solution-end")
    for label in result.labels:
        if label not in result.solved:
            result.problems.append(f"exercise {label!r} has no solution")
    return result


def html_exercise_problems(html: str) -> list[str]:
    """The same consistency check on a page built by sphinx-exercise.

    Exercises are elements with class ``exercise`` and an id (their label);
    each solution's title links back to its exercise (``href="#label"``).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    exercises_ = [el.get("id") for el in soup.select(".exercise[id]")]
    problems, solved = [], []
    for sol in soup.select(".solution"):
        link = sol.select_one(".admonition-title a[href]")
        href = link.get("href", "") if link else ""
        target = href.split("#", 1)[1] if "#" in href else ""
        if not target or (href.startswith("#") and target not in exercises_):
            problems.append(f"solution {sol.get('id')!r} points to a missing exercise ({href or 'no link'})")
        solved.append(target)
    problems += [f"exercise {label!r} has no solution" for label in exercises_ if label not in solved]
    return problems


# --- Other rules -------------------------------------------------------------------


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def check_install_cell(nb, expected: str | None = None) -> list[str]:
    expected = install_cell_source() if expected is None else expected
    first = next(iter(code_cells(nb)), None)
    if first is None or first.source != expected:
        return [
            "the first code cell is not the install cell of d2lmini.__version__ "
            "(run `make sync-install-cell`, see README)"
        ]
    if first.outputs:  # d2lmini was missing or older where the chapter ran: the page shows pip's attempt
        return [
            "the install cell has stored output: the environment that executed the chapter had an older "
            "d2lmini installed (run `pip install -e .` in .venv, then execute the chapter again)"
        ]
    return []


def check_execution_order(nb) -> list[str]:
    """Executed top to bottom in one fresh kernel: counts 1, 2, 3, ... (empty cells skipped)."""
    counts = [c.execution_count for c in code_cells(nb) if c.source.strip()]
    if counts == list(range(1, len(counts) + 1)):
        return []
    return [
        f"execution counts are {counts[:12]}{' ...' if len(counts) > 12 else ''}, not 1, 2, 3, ...: "
        "run `make execute NB=<this notebook>`"
    ]


def check_errors(nb) -> list[str]:
    problems = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        has_error = any(o.output_type == "error" for o in c.outputs)
        if has_error and "raises-exception" not in tags(c):
            problems.append(f"cell {i}: error output without the raises-exception tag")
        if "raises-exception" in tags(c) and not has_error:
            problems.append(f"cell {i}: tagged raises-exception but stores no error")
    return problems


def is_widget_cell(cell) -> bool:
    if cell.cell_type != "code":
        return False
    return any(WIDGET_MIME in o.get("data", {}) for o in cell.outputs) or bool(WIDGET_SOURCE.search(cell.source))


def check_widgets(nb) -> list[str]:
    problems = [
        f"cell {i}: widget cell needs the tags {' and '.join(WIDGET_TAGS)}"
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and is_widget_cell(c) and not all(t in tags(c) for t in WIDGET_TAGS)
    ]
    if "widgets" in nb.metadata:
        problems.append("notebook stores widget state (metadata.widgets), which makes pages load widget JS from a CDN")
    return problems


def check_assertions(nb) -> list[str]:
    if any("remove-cell" in tags(c) and re.search(r"\bassert\b", c.source) for c in code_cells(nb)):
        return []
    return ["no hidden assertion cell (a code cell tagged remove-cell with an assert)"]


def check_images(nb) -> list[str]:
    return [
        f"cell {i}: SVG output; figures must be PNG (d2lmini.set_figsize)"
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and any("image/svg+xml" in o.get("data", {}) for o in c.outputs)
    ]


def check_structure(nb) -> list[str]:
    problems = []
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        problems.append("the first cell must be markdown starting with '# Title'")
    headings = [line.strip() for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()]
    for section in ("## Summary", "## Exercises"):
        if section not in headings:
            problems.append(f"no '{section}' section")
    for i, c in enumerate(nb.cells):
        if c.cell_type == "markdown" and (m := PLACEHOLDERS.search(c.source)):
            problems.append(f"cell {i}: placeholder text {m.group(0)!r}")
    return problems


def check_threads(nb) -> list[str]:
    return [
        f"cell {i}: pins torch's thread count, which slows every learner's machine; remove it "
        "(the checks must hold whatever the number of threads)"
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and re.search(r"\bset_num(_interop)?_threads\s*\(", c.source)
    ]


def check_execution_record(nb) -> list[str]:
    if nb.metadata.get("d2lmini", {}).get("execution"):
        return []
    return ["no execution record (metadata d2lmini.execution): run `make execute NB=<this notebook>`"]


def check_exercises(nb, minimum: int = MIN_EXERCISES) -> list[str]:
    found = exercises(nb)
    problems = list(found.problems)
    if len(found.labels) < minimum:
        problems.append(f"{len(found.labels)} exercises; a chapter needs at least {minimum}")
    return problems


def selfcheck_cells(nb) -> dict[int, int]:
    """``{cell index: number of selfcheck(...) calls}`` for the code cells that ask self-check questions."""
    return {i: len(SELFCHECK.findall(c.source)) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and SELFCHECK.search(c.source)}  # fmt: skip


def check_selfchecks(nb, limits: tuple[int, int] = SELFCHECKS) -> list[str]:
    """4 to 8 self-check questions, each in a cell tagged hide-input that stores its HTML output."""
    cells = selfcheck_cells(nb)
    problems = []
    for i, calls in cells.items():
        cell = nb.cells[i]
        if "hide-input" not in tags(cell):
            problems.append(f"cell {i}: self-check cell without the hide-input tag (the page must show the question, "
                            "not its code)")  # fmt: skip
        shown = sum(str(o.get("data", {}).get("text/html", "")).count(SELFCHECK_HTML) for o in cell.outputs)
        if shown < calls:
            problems.append(f"cell {i}: self-check cell stores no HTML output of its question: execute it")
    total = sum(cells.values())
    if not limits[0] <= total <= limits[1]:
        problems.append(f"{total} self-check questions; a chapter needs {limits[0]} to {limits[1]}, "
                        "each after the section it checks")  # fmt: skip
    return problems


CHECKS = {
    "structure": check_structure,
    "install cell": check_install_cell,
    "execution order": check_execution_order,
    "execution record": check_execution_record,
    "errors": check_errors,
    "widgets": check_widgets,
    "assertions": check_assertions,
    "images": check_images,
    "exercises": check_exercises,
    "training outputs": check_training_outputs,
    "threads": check_threads,
    "self-check": check_selfchecks,
}


def check(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [f"{name}: {p}" for name, fn in CHECKS.items() for p in fn(nb)]


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or chapter_notebooks(ROOT)
    failed = False
    for path in paths:
        problems = check(path)
        failed |= bool(problems)
        print(f"{path}: {'ok' if not problems else ''}")
        for p in problems:
            print(f"  {p}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
