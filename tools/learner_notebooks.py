"""Turn each chapter into the notebooks a learner opens (Colab, Binder, download).

Usage:
    python tools/learner_notebooks.py [--out DIR] [NOTEBOOK ...]
    python tools/learner_notebooks.py --branch-tree DIR

Writes ``DIR/reader/<chapter>.ipynb`` and ``DIR/student/<chapter>.ipynb``
(default ``DIR``: _build/learner; default chapters: those of _toc.yml). With
``--branch-tree`` it writes instead what the branch ``learner-notebooks``
holds, from which Colab and Binder open them: the reader set in
``chapters/``, the student set in ``student/``, and ``binder/`` installing
the released d2lmini (the Pages workflow pushes it; see tools/d2lmini_book.py). A
learner notebook is the chapter as the web page shows it, made for Jupyter,
JupyterLab and Colab, which render Markdown but not MyST:

- authoring-only cells (tagged ``remove-cell``: hidden assertions) are gone;
- each exercise is Markdown headed **Exercise N.M**, numbered as on the web
  page (chapter N in _toc.yml order from 0, M-th exercise of the chapter);
- the **reader** set moves every answer to an "Answers" section after the
  exercises, its prose folded in ``<details>`` blocks and its code cells
  collapsed (JupyterLab); the **student** set has no answers at all;
- a cell that fails on purpose (tag ``raises-exception``) catches and prints
  its error, so "Run all" runs past it in Colab and Jupyter, and ``%xmode``
  lines go (the learner keeps full tracebacks); widget outputs, whose state
  is not stored, are dropped until the cell runs;
- cross-references become links to the other notebooks (pages that are not
  chapters, such as the API reference, to the published site),
  ``(label)=`` targets are dropped, and ``hide-input`` code (figures,
  self-check questions) is collapsed, in JupyterLab and in Colab;
- stored outputs are kept, so a reader sees the expected result before running.

A chapter that cannot be turned into a learner notebook (an exercise without
a label, an answer without its exercise, a cell of assertions without its
``remove-cell`` tag, MyST markup this tool does not know) stops the tool with
the chapter, the cell and the fix; the output folder is then left as it was.
The book's Sphinx extension (tools/d2lmini_book.py) publishes both sets with
the site; tests/test_learner_notebooks.py runs the reader set in a fresh
environment.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import shutil
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from bookconfig import ROOT, chapter_notebooks, package_version, site_url
from check_notebooks import DIRECTIVE, FENCE, OPTION, exercises

SETS = ("reader", "student")
AUTHORING_TAG = "remove-cell"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TARGET = re.compile(r"^\(([\w-]+)\)=\s*$")
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")


class LearnerNotebookError(ValueError):
    """A chapter that cannot be turned into a learner notebook; the message says where and how to fix it."""


@dataclass
class Block:
    """A piece of one Markdown cell: plain text, or one top-level MyST directive."""

    text: str
    directive: str = ""
    argument: str = ""
    options: dict | None = None
    body: str = ""


@dataclass
class Target:
    """Where a label points: a notebook, and the text and anchor of its heading or exercise."""

    notebook: str
    text: str
    anchor: str


def blocks(source: str) -> list[Block]:
    """Split Markdown into text and top-level directives (fence-aware, as check_notebooks reads them)."""
    lines = source.split("\n")
    result, text, i = [], [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        directive = DIRECTIVE.match(match.group(2).strip()) if match else None
        if not directive:
            text.append(lines[i])
            i += 1
            continue
        fence = match.group(1)
        end = next(
            (j for j in range(i + 1, len(lines)) if re.fullmatch(rf"\s{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*", lines[j])),
            len(lines),
        )
        options, body_start = {}, i + 1
        while body_start < end and (option := OPTION.match(lines[body_start])):
            options[option.group(1)] = option.group(2).strip()
            body_start += 1
        if text:
            result.append(Block("\n".join(text)))
            text = []
        body = "\n".join(lines[body_start:end]).strip("\n")
        result.append(Block("\n".join(lines[i : end + 1]), directive.group(1), directive.group(2).strip(), options, body))
        i = end + 1
    if text:
        result.append(Block("\n".join(text)))
    return result


def heading_anchor(title: str) -> str:
    """The anchor Jupyter gives a Markdown heading: its text with spaces as dashes."""
    return re.sub(r"\s+", "-", re.sub(r"[`*$]", "", title).strip())


def exercise_title(chapter: int, count: int, title: str) -> str:
    """"Exercise 6.3", or "Exercise 6.3 (title)": the numbering of the web page."""
    return f"Exercise {chapter}.{count}" + (f" ({title})" if title else "")


def notebook_title(nb) -> str:
    for cell in nb.cells:
        for line in cell.source.splitlines() if cell.cell_type == "markdown" else []:
            if (match := HEADING.match(line)) and len(match.group(1)) == 1:
                return match.group(2)
    return ""


def book_index(paths: list[Path]) -> tuple[dict[str, Target], dict[str, str]]:
    """Every label of the book (section targets and exercises) and every chapter's title."""
    targets, titles = {}, {}
    for number, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        titles[path.stem] = notebook_title(nb)
        pending, count = None, 0
        for cell in (c for c in nb.cells if c.cell_type == "markdown"):
            for block in blocks(cell.source):
                if block.directive == "exercise":
                    count += 1
                    name = exercise_title(number, count, block.argument)
                    targets[block.options.get("label", "")] = Target(path.stem, name, heading_anchor(name))
                    continue
                for line in block.text.splitlines() if not block.directive else []:
                    if match := TARGET.match(line):
                        pending = match.group(1)
                    elif pending and (heading := HEADING.match(line)):
                        targets[pending] = Target(path.stem, heading.group(2), heading_anchor(heading.group(2)))
                        pending = None
    return targets, titles


class Converter:
    """Rewrites one chapter into its reader and student notebooks."""

    def __init__(self, path: Path, number: int, targets: dict[str, Target], titles: dict[str, str]):
        self.path, self.number, self.targets, self.titles = path, number, targets, titles
        self.cell = 0

    def fail(self, problem: str, fix: str) -> LearnerNotebookError:
        return LearnerNotebookError(f"{self.path.name}, cell {self.cell}: {problem}; {fix}")

    # --- MyST inline markup -------------------------------------------------

    def link(self, target: Target, text: str) -> str:
        page = "" if target.notebook == self.path.stem else f"{target.notebook}.ipynb"
        return f"[{text}]({page}#{target.anchor})"

    def role(self, match: re.Match) -> str:
        name, content = match.groups()
        explicit = EXPLICIT.match(content)
        text, key = (explicit.group(1), explicit.group(2)) if explicit else ("", content)
        if name == "doc":
            stem = Path(key).name
            if stem in self.titles:
                return f"[{text or self.titles[stem]}]({stem}.ipynb)"
            if not text or not key.startswith("/"):
                raise self.fail(f"{{doc}} link {key!r} is neither a chapter nor a page with its text", "write {doc}`text </page>`")
            return f"[{text}]({site_url()}{key.lstrip('/')}.html)"  # a page of the book, not a notebook
        if name in ("ref", "numref"):
            if key not in self.targets:
                raise self.fail(f"{{{name}}} to unknown label {key!r}", "point it at a (label)= target or an exercise label")
            return self.link(self.targets[key], text or self.targets[key].text)
        if name == "math":
            return f"${content}$"
        raise self.fail(f"the MyST role {{{name}}} has no notebook form", "use Markdown, {doc}, {ref} or {numref}")

    def markdown(self, text: str) -> str:
        lines = [line for line in text.split("\n") if not TARGET.match(line)]
        return ROLE.sub(self.role, "\n".join(lines)).strip("\n")

    # --- Cells --------------------------------------------------------------

    def check_code(self, cell) -> None:
        tree = ast.parse(TransformerManager().transform_cell(cell.source))  # %magics as Python
        if tree.body and all(isinstance(stmt, ast.Assert) for stmt in tree.body):
            raise self.fail("a cell of assertions only is not tagged remove-cell", "add the tag remove-cell (it is hidden on the web page too)")

    def convert(self) -> dict[str, nbformat.NotebookNode]:
        """The reader and the student notebook of this chapter."""
        nb = nbformat.read(self.path, as_version=4)
        problems = [p for p in exercises(nb).problems if not p.endswith("has no solution")]  # fine for a learner
        if problems:
            raise LearnerNotebookError(f"{self.path.name}: {problems[0]}; fix the exercise markup (tools/check_notebooks.py)")
        lesson, answers, count = [], [], 0
        gated = ""  # the exercise whose gated answer (solution-start ... solution-end) is open
        for self.cell, cell in enumerate(nb.cells):
            if AUTHORING_TAG in cell.metadata.get("tags", []):
                continue
            if cell.cell_type != "markdown":
                if cell.cell_type == "code":
                    self.check_code(cell)
                    cell = self.learner_code(cell, gated)
                    if not cell.source.strip():
                        continue  # it only set the traceback mode
                (answers if gated else lesson).append(cell)
                continue
            parts: list[str] = []

            def flush(into: list) -> None:
                text = "\n\n".join(p for p in parts if p.strip())
                if text:
                    into.append(self.markdown_cell(cell, text, answer=into is not lesson))
                parts.clear()

            for block in blocks(cell.source):
                if block.directive == "exercise":
                    count += 1
                    title = exercise_title(self.number, count, block.argument)
                    parts.append(f"#### {title}\n\n{self.markdown(block.body)}")
                elif block.directive == "solution":
                    flush(answers if gated else lesson)
                    answers.append(self.answer_heading(block.argument))
                    answers.append(self.markdown_cell(cell, self.markdown(block.body), answer=True))
                elif block.directive == "solution-start":
                    flush(lesson)
                    answers.append(self.answer_heading(block.argument))
                    gated = block.argument
                elif block.directive == "solution-end":
                    flush(answers)
                    gated = ""
                elif block.directive:
                    raise self.fail(f"the MyST directive {{{block.directive}}} has no notebook form", "use Markdown or an exercise/solution")
                else:
                    parts.append(self.markdown(block.text))
            flush(answers if gated else lesson)
        return {"reader": self.notebook(nb, lesson + self.answers_section(answers)), "student": self.notebook(nb, lesson)}

    def answer_heading(self, label: str):
        target = self.targets[label]
        return nbformat.v4.new_markdown_cell(f"### Answer to {target.text}\n\n[Back to the exercise](#{target.anchor})")

    def answers_section(self, answers: list) -> list:
        if not answers:
            return []
        intro = (
            "## Answers\n\nTry each exercise before you read its answer. The text of an answer is folded "
            "(click **Show the answer** to open it); its code cells run like any other cell."
        )
        return [nbformat.v4.new_markdown_cell(intro), *answers]

    def markdown_cell(self, cell, text: str, answer: bool):
        if answer:
            text = f"<details>\n<summary><b>Show the answer</b></summary>\n\n{text}\n\n</details>"
        return nbformat.v4.new_markdown_cell(text, metadata=copy.deepcopy(dict(cell.metadata)))

    def learner_code(self, cell, gated: str):
        """The cell as a learner's notebook needs it.

        A deliberate error is caught and printed, so that "Run all" (which stops at the
        first error in Colab and Jupyter) runs past it. Widget outputs are dropped: their
        state is not stored, so they would show as a broken widget until the cell runs.
        Answer code and ``hide-input`` code are collapsed: JupyterLab reads
        ``jupyter.source_hidden``, Colab a ``#@title`` line with ``cellView: form``.
        """
        cell = copy.deepcopy(cell)
        cell.source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%xmode"))
        for output in cell.get("outputs", []):
            if output.output_type == "stream":  # what %xmode printed
                output.text = "".join(line for line in output.text.splitlines(True) if not line.startswith("Exception reporting mode:"))
        cell.outputs = [o for o in cell.get("outputs", []) if WIDGET_VIEW not in o.get("data", {}) and o.get("text", True)]
        if "raises-exception" in cell.metadata.get("tags", []):
            self.catch_error(cell)
        if not gated and "hide-input" not in cell.metadata.get("tags", []):
            return cell
        cell.metadata.update({"jupyter": {"source_hidden": True}, "cellView": "form"})
        if gated:
            title = f"Answer to {self.targets[gated].text}"
        elif "selfcheck(" in cell.source:
            title = "Self-check question"
        elif cell.outputs:
            title = "Code of the output below"
        else:
            title = "Helper code"
        if not cell.source.startswith("%%"):  # a cell magic must stay the first line
            cell.source = f"#@title {title}\n{cell.source}"
        return cell

    def catch_error(self, cell) -> None:
        """Wrap a ``raises-exception`` cell in ``try``/``except`` that prints the error, and store that print."""
        code = cell.source
        if any(isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value
               for node in ast.walk(ast.parse(TransformerManager().transform_cell(code)))):  # fmt: skip
            raise self.fail("a raises-exception cell holds a multi-line string", "indenting it would change the string; build it from lines")
        cell.source = (
            "try:  # this cell fails on purpose: read the error\n"
            + textwrap.indent(code, "    ")
            + '\nexcept Exception as error:\n    print(f"{type(error).__name__}: {error}")'
        )
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if not errors:
            raise self.fail("a cell tagged raises-exception has no stored error", "run `make execute`, or drop the tag")
        cell.outputs = [o for o in cell.outputs if o.output_type != "error"]
        text = f"{errors[0].ename}: {ANSI.sub('', errors[0].evalue)}\n"
        cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
        cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != "raises-exception"]

    def notebook(self, nb, cells: list):
        result = copy.deepcopy(nb)
        result.cells = copy.deepcopy(cells)
        for i, cell in enumerate(result.cells):
            cell.id = f"cell-{i}"  # the same ids on every build
        return result


def build(paths: list[Path], all_chapters: list[Path] | None = None) -> dict[str, dict[str, nbformat.NotebookNode]]:
    """``{set: {chapter stem: notebook}}`` for the given chapters; raises LearnerNotebookError."""
    chapters = all_chapters or chapter_notebooks(ROOT)
    targets, titles = book_index(chapters)
    numbers = {path.resolve(): n for n, path in enumerate(chapters)}
    result: dict[str, dict] = {name: {} for name in SETS}
    for path in paths:
        number = numbers.get(path.resolve())
        if number is None:
            raise LearnerNotebookError(f"{path}: not a chapter of _toc.yml (learner notebooks are numbered by it)")
        for name, notebook in Converter(path, number, targets, titles).convert().items():
            result[name][path.stem] = notebook
    return result


def write(notebooks: dict[str, dict[str, nbformat.NotebookNode]], out: Path) -> None:
    """Replace ``out`` with the sets, all at once: a failure leaves the old folder as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for name, chapters in notebooks.items():
            (staging / name).mkdir()
            for stem, notebook in chapters.items():
                nbformat.write(notebook, staging / name / f"{stem}.ipynb")
        old = out.with_name(f".{out.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


BRANCH_README = """# d2lmini learner notebooks

Generated by `tools/learner_notebooks.py` from the chapters of the book's
`main` branch; do not edit here. `chapters/` holds the reader notebooks
(answers folded at the end), `student/` the notebooks without answers. The
book's Colab and Binder buttons open them at the tag `learner-<commit>` of
the commit they were built from. Binder installs PyTorch (CPU) and the
released d2lmini {version} from `binder/requirements.txt`.
"""


def write_branch_tree(notebooks: dict[str, dict[str, nbformat.NotebookNode]], out: Path) -> None:
    """The files of the branch learner-notebooks: both sets, a Binder set-up and a README."""
    version = package_version(ROOT)
    lines = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf8").splitlines()
    requirements = "\n".join(line for line in lines if line.strip() and not line.startswith("#"))
    with tempfile.TemporaryDirectory() as sets:
        write(notebooks, Path(sets) / "sets")
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(Path(sets) / "sets" / "reader", out / "chapters")
        shutil.copytree(Path(sets) / "sets" / "student", out / "student")
    (out / "binder").mkdir()
    header = "# Binder for the learner notebooks: the main branch's binder/requirements.txt, and the released d2lmini."
    (out / "binder" / "requirements.txt").write_text(f"{header}\n{requirements}\nd2lmini=={version}\n", encoding="utf8")
    shutil.copy2(ROOT / "binder" / "runtime.txt", out / "binder" / "runtime.txt")
    (out / "README.md").write_text(BRANCH_README.format(version=version), encoding="utf8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "learner")
    parser.add_argument("--branch-tree", type=Path, help="write the files of the learner-notebooks branch here")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    try:
        notebooks = build(args.notebooks or chapter_notebooks(ROOT))
    except LearnerNotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.branch_tree:
        write_branch_tree(notebooks, args.branch_tree)
        print(f"the learner-notebooks branch tree is in {args.branch_tree}")
        return 0
    write(notebooks, args.out)
    count = sum(len(chapters) for chapters in notebooks.values())
    print(f"{count} learner notebooks in {args.out}/{{{','.join(SETS)}}}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
