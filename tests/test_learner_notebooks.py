"""tools/learner_notebooks.py: what a learner opens in Colab, Binder or from the download button.

The reader set runs top to bottom in a fresh environment in tests/test_learner_run.py
(``make test-learner``); here the conversion itself is checked, on the fixture
chapter, on planted bad chapters and on every chapter of the book.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT / "tools"))

import learner_notebooks as ln  # noqa: E402
from bookconfig import chapter_notebooks  # noqa: E402


@pytest.fixture()
def good(tmp_path) -> Path:
    path = tmp_path / "06_good.ipynb"
    nb = nbformat.read(FIXTURES / "chapter_good.ipynb", as_version=4)
    nb.cells[14].source += "\n\nSee {ref}`the first exercise <ex-fixture-1>` and {doc}`the API </api>`."
    nbformat.write(nb, path)
    return path


def convert(path: Path, number: int = 6) -> dict:
    """Convert ``path`` as chapter ``number`` of a book of that one chapter."""
    targets, titles = ln.book_index([path])
    targets = {k: ln.Target(v.notebook, v.text.replace("Exercise 0.", f"Exercise {number}."), v.anchor.replace("Exercise-0.", f"Exercise-{number}.")) for k, v in targets.items()}  # fmt: skip
    return ln.Converter(path, number, targets, titles).convert()


def markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_learner_notebooks_drop_hidden_cells_and_render_exercises(good):
    sets = convert(good)
    source = nbformat.read(good, as_version=4)
    for nb in sets.values():
        assert not any("remove-cell" in c.metadata.get("tags", []) for c in nb.cells)
        assert "assert float" not in "".join(c.source for c in nb.cells)
        text = markdown(nb)
        assert "```{" not in text and ":label:" not in text
        assert "#### Exercise 6.1\n\nQuestion 1: what is $1 + 1$?" in text
        assert [line for line in text.splitlines() if line.startswith("#### Exercise")] == [f"#### Exercise 6.{i}" for i in range(1, 7)]
        assert "[the first exercise](#Exercise-6.1)" in text
        assert "[the API](https://d2lmini.github.io/d2lmini/api.html)" in text
        # Outputs stay: the figure of cell 3 is still there, identical.
        figure = next(c for c in nb.cells if c.source.startswith("x = torch.arange"))
        assert figure.outputs == source.cells[3].outputs
        # hide-input code (the self-checks) is collapsed in JupyterLab and Colab, tags kept.
        checks = [c for c in nb.cells if "selfcheck(" in c.source]
        assert len(checks) == 4 and all(c.metadata["jupyter"]["source_hidden"] and c.metadata["cellView"] == "form" for c in checks)
        assert all(c.source.startswith("#@title Self-check question\n") and "hide-input" in c.metadata["tags"] for c in checks)
        assert nbformat.validate(nb) is None


def test_deliberate_errors_are_caught_so_run_all_goes_on(good, capsys):
    for nb in convert(good).values():
        [cell] = [c for c in nb.cells if "torch.ones(2, 3) + torch.ones(4, 5)" in c.source]
        assert cell.source.startswith("try:  # this cell fails on purpose") and "raises-exception" not in cell.metadata.get("tags", [])
        [output] = cell.outputs
        assert output.output_type == "stream" and output.text.startswith("RuntimeError: The size of tensor a (3)")
        exec(cell.source, {"torch": __import__("torch")})  # runs without raising, prints what was stored
        assert capsys.readouterr().out == output.text


def test_widget_outputs_are_dropped_until_the_cell_runs(good):
    plant(good, lambda nb: nb.cells[12].outputs.append(nbformat.v4.new_output(
        "display_data", data={"text/plain": "IntSlider(value=2)", ln.WIDGET_VIEW: {"model_id": "x", "version_major": 2, "version_minor": 0}})))  # fmt: skip
    for nb in convert(good).values():
        [cell] = [c for c in nb.cells if "IntSlider" in c.source]
        assert cell.outputs == []


def test_reader_set_folds_answers_after_the_exercises_and_student_set_has_none(good):
    reader, student = (convert(good)[name] for name in ("reader", "student"))
    text = markdown(reader)
    answers_at = text.index("## Answers")
    assert text.rindex("#### Exercise") < answers_at
    assert text.count("### Answer to Exercise 6.") == 6
    assert text.count("<details>\n<summary><b>Show the answer</b></summary>") >= 6
    gated = [c for c in reader.cells if "GATED-ANSWER" in c.source]
    assert len(gated) == 1 and gated[0].metadata["jupyter"]["source_hidden"] and gated[0].outputs
    assert gated[0].source.startswith("#@title Answer to Exercise 6.6\n")
    assert reader.cells.index(gated[0]) > [c.source for c in reader.cells].index(next(c.source for c in reader.cells if c.source.startswith("## Answers")))
    assert "Answer" not in markdown(student) and "Sum the squares" not in markdown(student)
    assert not any("GATED-ANSWER" in c.source for c in student.cells)
    assert len(student.cells) < len(reader.cells)


def plant(good: Path, change) -> Path:
    nb = nbformat.read(good, as_version=4)
    change(nb)
    nbformat.write(nb, good)
    return good


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda nb: setattr(nb.cells[15], "source", nb.cells[15].source.replace(":label: ex-fixture-6\n", "")),
         "without a :label:"),
        (lambda nb: setattr(nb.cells[16], "source", nb.cells[16].source.replace("ex-fixture-6", "ex-missing")),
         "does not exist"),
        (lambda nb: nb.cells[4].metadata.pop("tags"), "add the tag remove-cell"),
        (lambda nb: setattr(nb.cells[13], "source", "```{note}\nHi\n```"), "{note} has no notebook form"),
        (lambda nb: setattr(nb.cells[13], "source", "See {eq}`x`."), "{eq} has no notebook form"),
        (lambda nb: setattr(nb.cells[13], "source", "See {ref}`nowhere`."), "unknown label 'nowhere'"),
    ],
)  # fmt: skip
def test_a_chapter_that_cannot_be_converted_names_chapter_cell_and_fix(good, tmp_path, change, message):
    plant(good, change)
    out = tmp_path / "learner"
    (out / "reader").mkdir(parents=True)
    (out / "reader" / "kept.ipynb").write_text("{}")
    with pytest.raises(ln.LearnerNotebookError, match="06_good.ipynb") as error:
        ln.write(ln.build([good], [good]), out)
    assert message in str(error.value)
    assert [p.name for p in out.rglob("*")] == ["reader", "kept.ipynb"]  # the old folder, untouched


def test_write_replaces_the_folder_at_once_and_cli_reports_errors(good, tmp_path, capsys):
    out = tmp_path / "learner"
    (out / "reader").mkdir(parents=True)
    (out / "reader" / "stale.ipynb").write_text("{}")
    ln.write(ln.build([good], [good]), out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ipynb")) == ["reader/06_good.ipynb", "student/06_good.ipynb"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["06_good.ipynb", "learner"]  # no staging folder left
    assert ln.main(["--out", str(out), str(good)]) == 1  # numbered by _toc.yml, so only the book's chapters
    assert "06_good.ipynb: not a chapter of _toc.yml" in capsys.readouterr().err
    assert sorted(p.name for p in out.rglob("*.ipynb")) == ["06_good.ipynb", "06_good.ipynb"]  # untouched


def test_every_chapter_converts_the_same_way_twice():
    chapters = chapter_notebooks(ROOT)
    first, second = ln.build(chapters), ln.build(chapters)
    assert first == second  # same ids, same text: the learner branch changes only when a chapter does
    for path in chapters:
        reader = first["reader"][path.stem]
        hidden = sum("remove-cell" in c.metadata.get("tags", []) for c in nbformat.read(path, as_version=4).cells)
        assert hidden and not any("remove-cell" in c.metadata.get("tags", []) for c in reader.cells)
        assert copy.deepcopy(reader).cells[1].source.startswith("# Colab and Binder: install d2lmini")
