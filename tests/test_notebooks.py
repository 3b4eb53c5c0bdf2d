"""The chapter notebooks follow the rules of the book (README, "Writing a chapter").

Every rule is checked twice: on each chapter of _toc.yml, and on small fixture
notebooks under tests/fixtures/ where the rule is planted broken, so that a
check that silently passes everything would fail here. The checks live in
tools/check_notebooks.py (also a command for authors).
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

import check_notebooks as cn  # noqa: E402
from bookconfig import chapter_notebooks, install_cell_source, toc_files  # noqa: E402
from portable_env import portable_env  # noqa: E402
from training_outputs import training_output_cells  # noqa: E402

CHAPTERS = chapter_notebooks(ROOT)


def read(path: Path):
    return nbformat.read(path, as_version=4)


# --- Every chapter ---------------------------------------------------------------


@pytest.mark.parametrize("check", list(cn.CHECKS))
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_rule(chapter: Path, check: str):
    problems = cn.CHECKS[check](read(chapter))
    assert not problems, f"{chapter.relative_to(ROOT)} ({check}):\n  " + "\n  ".join(problems)


def test_every_chapter_is_in_the_toc():
    in_toc = {f"{f}.ipynb" for f in toc_files(ROOT)}
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "chapters").glob("*.ipynb")}
    assert on_disk - in_toc == set(), "chapters missing from _toc.yml"
    assert {f for f in in_toc if f.startswith("chapters/")} - on_disk == set(), "_toc.yml names missing chapters"


def test_exercise_labels_are_unique_across_the_book():
    owner: dict[str, str] = {}
    clashes = []
    for chapter in CHAPTERS:
        for label in cn.exercises(read(chapter)).labels:
            if label in owner and owner[label] != chapter.stem:
                clashes.append(f"{label}: {owner[label]} and {chapter.stem}")
            owner.setdefault(label, chapter.stem)
    assert not clashes


# --- The checks catch what they should (fixtures) ------------------------------------


@pytest.fixture
def good():
    return read(FIXTURES / "chapter_good.ipynb")


def test_good_fixture_passes_every_check(good):
    assert cn.check(FIXTURES / "chapter_good.ipynb") == []


def test_planted_orphan_exercise_is_caught():
    found = cn.exercises(read(FIXTURES / "orphan_exercise.ipynb"))
    assert found.labels == ["ex-orphan-1", "ex-orphan-2"]
    assert found.problems == ["exercise 'ex-orphan-2' has no solution"]
    assert any("ex-orphan-2" in p for p in cn.check_exercises(read(FIXTURES / "orphan_exercise.ipynb")))


def test_planted_orphan_solution_is_caught():
    found = cn.exercises(read(FIXTURES / "orphan_solution.ipynb"))
    assert len(found.problems) == 1
    assert "ex-missing-9" in found.problems[0] and "does not exist" in found.problems[0]


def test_removing_a_solution_from_the_good_fixture_is_caught(good):
    cell = next(c for c in good.cells if "{solution} ex-fixture-3" in c.source)
    cell.source = cell.source.replace("```{solution} ex-fixture-3", "```{note}")
    assert cn.check_exercises(good) == ["exercise 'ex-fixture-3' has no solution"]


def test_fewer_than_six_exercises_is_caught():
    problems = cn.check_exercises(read(FIXTURES / "orphan_exercise.ipynb"))
    assert "2 exercises; a chapter needs at least 6" in problems


@pytest.mark.parametrize(
    "markdown, problem",
    [
        ("```{exercise}\nNo label.\n```", "without a :label:"),
        ("```{exercise}\n:label: ex-a-1\nQ\n```\n```{exercise}\n:label: ex-a-1\nQ\n```\n"
         "```{solution} ex-a-1\nA\n```", "used twice"),
        ("```{exercise}\n:label: ex-a-1\nQ\n```\n```{solution} ex-a-1\nA\n```\n```{solution} ex-a-1\nB\n```",
         "two solutions"),
        ("```{solution} ex-a-1\nA\n```\n```{exercise}\n:label: ex-a-1\nQ\n```", "does not exist before it"),
        ("```{exercise}\n:label: ex-a-1\nQ\n```\n```{solution-start} ex-a-1\n```\ntext", "has no solution-end"),
        ("```{exercise}\n:label: ex-a-1\nQ\n```\n```{solution} ex-a-1\nA\n```\n```{solution-end}\n```",
         "solution-end without a solution-start"),
    ],
    ids=["no-label", "duplicate-label", "two-solutions", "solution-first", "open-gate", "stray-end"],
)  # fmt: skip
def test_exercise_structure_errors_are_caught(markdown, problem):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown)])
    assert any(problem in p for p in cn.exercises(nb).problems), cn.exercises(nb).problems


def test_directives_inside_code_blocks_are_text():
    source = (
        "````{exercise}\n:label: ex-a-1\n\nWhat does MyST make of this?\n\n"
        "```markdown\n```{solution} ex-zzz-1\n```\n```\n````\n\n"
        ":::{solution} ex-a-1\n:class: dropdown\nColon fences work too.\n:::"
    )
    found = cn.directives(source)
    assert [(d.name, d.argument) for d in found] == [("exercise", ""), ("solution", "ex-a-1")]
    assert found[0].options == {"label": "ex-a-1"}


def test_gated_solutions_are_understood(good):
    found = cn.exercises(good)
    assert found.labels == [f"ex-fixture-{i}" for i in range(1, 7)]
    assert found.solved == found.labels and found.problems == []


def test_out_of_order_execution_is_caught(good):
    cells = cn.code_cells(good)
    cells[1].execution_count, cells[2].execution_count = cells[2].execution_count, cells[1].execution_count
    assert cn.check_execution_order(good)


def test_unexecuted_cell_is_caught(good):
    cn.code_cells(good)[-1].execution_count = None
    assert cn.check_execution_order(good)


def test_error_without_tag_is_caught(good):
    cell = next(c for c in good.cells if "raises-exception" in cn.tags(c))
    cell.metadata["tags"] = []
    assert any("without the raises-exception tag" in p for p in cn.check_errors(good))


def test_raises_exception_without_error_is_caught(good):
    cell = next(c for c in good.cells if "raises-exception" in cn.tags(c))
    cell.outputs = []
    assert any("stores no error" in p for p in cn.check_errors(good))


@pytest.mark.parametrize("keep", [["nbval-ignore-output"], ["remove-output"], []])
def test_widget_cell_without_tags_is_caught(good, keep):
    cell = next(c for c in good.cells if cn.is_widget_cell(c))
    cell.metadata["tags"] = keep
    assert cn.check_widgets(good)


def test_widget_detected_from_its_output_alone(good):
    cell = next(c for c in good.cells if cn.is_widget_cell(c))
    cell.source = "show_slider()"  # a helper defined elsewhere; the output gives it away
    assert cn.is_widget_cell(cell)


def test_stored_widget_state_is_caught(good):
    good.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    assert any("widget state" in p for p in cn.check_widgets(good))


def test_missing_assertion_cell_is_caught(good):
    for cell in good.cells:
        if "remove-cell" in cn.tags(cell):
            cell.metadata["tags"] = []
    assert cn.check_assertions(good)


def test_svg_output_is_caught(good):
    cell = next(c for c in cn.code_cells(good) if any("image/png" in o.get("data", {}) for o in c.outputs))
    cell.outputs.append(nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg/>"}))
    assert cn.check_images(good)


def test_install_cell_mismatch_is_caught(good):
    first = cn.code_cells(good)[0]
    assert first.source == install_cell_source()
    bad = copy.deepcopy(good)
    cn.code_cells(bad)[0].source = first.source.replace(") < (", ") <= (")
    assert cn.check_install_cell(bad)
    assert cn.check_install_cell(good, expected=first.source.replace("d2lmini==", "d2lmini>="))


def test_install_cell_that_ran_pip_is_caught(good):
    first = cn.code_cells(good)[0]
    assert not cn.check_install_cell(good)
    first.outputs.append(nbformat.v4.new_output("stream", name="stderr", text="ERROR: No matching distribution\n"))
    assert "older d2lmini" in cn.check_install_cell(good)[0]


def test_placeholder_text_and_missing_sections_are_caught(good):
    good.cells[0].source += "\n\nThis section is coming soon."
    good.cells = [c for c in good.cells if not c.source.startswith("## Summary")]
    problems = cn.check_structure(good)
    assert any("coming soon" in p for p in problems)
    assert any("## Summary" in p for p in problems)


def test_missing_execution_record_is_caught(good):
    del good.metadata["d2lmini"]
    assert cn.check_execution_record(good)


def test_html_check_catches_orphans():
    page = """
    <div class="exercise admonition" id="ex-a-1"><p class="admonition-title">Exercise 1</p></div>
    <div class="solution dropdown admonition" id="s1">
      <p class="admonition-title">Solution to<a class="reference internal" href="#ex-a-1"> Exercise 1</a></p></div>
    <div class="exercise admonition" id="ex-a-2"><p class="admonition-title">Exercise 2</p></div>
    <div class="solution dropdown admonition" id="s2">
      <p class="admonition-title">Solution to<a class="reference internal" href="#ex-a-9"> Exercise 9</a></p></div>
    """
    problems = cn.html_exercise_problems(page)
    assert "exercise 'ex-a-2' has no solution" in problems
    assert any("'s2' points to a missing exercise" in p for p in problems)
    assert len(problems) == 2


# --- Training results are not compared digit by digit (tools/training_outputs.py) ---------


def notebook(*cells: tuple[str, str]):
    """A notebook of code cells, each given as (source, printed output)."""
    nb = nbformat.v4.new_notebook()
    for source, printed in cells:
        cell = nbformat.v4.new_code_cell(source)
        if printed:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        nb.cells.append(cell)
    return nb


def flagged(nb) -> list[int]:
    return sorted(training_output_cells(nb))


DEFINE = ("import torch\nfrom torch import nn\nimport d2lmini\n"
          "net = nn.Linear(2, 1)\nopt = torch.optim.SGD(net.parameters(), lr=0.1)", "")  # fmt: skip


@pytest.mark.parametrize("training", [
    "history = d2lmini.train(net, it, it, loss, 3, opt)",
    "d2lmini.train_epoch(net, it, loss, opt)",
    "for X, y in it:\n    opt.zero_grad()\n    loss(net(X), y).backward()\n    opt.step()",
    "with torch.no_grad():\n    w -= lr * w.grad",
    "d2lmini.sgd([w, b], 0.03, 10)",
])  # fmt: skip
def test_a_cell_that_trains_and_prints_decimals_is_caught(training):
    nb = notebook(DEFINE, (training + "\nprint(f'loss {0.123:.3f}')", "loss 0.123\n"))
    assert flagged(nb) == [1]
    problems = cn.check_training_outputs(nb)
    assert len(problems) == 1 and problems[0].startswith("cell 1:") and "nbval-ignore-output" in problems[0]
    nb.cells[1].metadata["tags"] = ["nbval-ignore-output"]
    assert cn.check_training_outputs(nb) == []


def test_training_through_notebook_functions_and_lambdas_is_followed():
    nb = notebook(
        DEFINE,
        ("updater = lambda n: d2lmini.sgd([w, b], 0.1, n)\n"
         "def epoch(net):\n    d2lmini.train_epoch(net, it, loss, updater)\n"
         "def fit(net, k):\n    for _ in range(k):\n        epoch(net)", ""),
        ("fit(net, 3)\nprint('done: 0.91')", "done: 0.91\n"),
    )  # fmt: skip
    assert flagged(nb) == [2]


def test_trained_state_taints_later_cells_until_rebound():
    nb = notebook(
        DEFINE,
        ("history = d2lmini.train(net, it, it, loss, 3, opt)", ""),
        ("acc = history[-1].test_acc", ""),
        ("print(f'{acc:.3f}')", "0.845\n"),  # derived from the history: caught
        ("print(net)", "Linear(in_features=2, out_features=1, bias=True)\n"),  # no decimals: compared
        ("net = nn.Linear(2, 1)\nprint(net.weight.shape, 0.5)", "torch.Size([1, 2]) 0.5\n"),  # fresh
        ("print(f'{net(torch.ones(2)).item():.2f}')", "0.25\n"),  # the fresh net: clean
        ("for acc in [0.5, 0.25]:\n    print(acc)", "0.5\n0.25\n"),  # its own loop variable
        ("print(len(range(3)), 1.5)", "3 1.5\n"),  # builtins are never trained state
    )
    assert flagged(nb) == [3]


def test_mode_switches_and_magics_are_not_training():
    nb = notebook(DEFINE, ("%xmode minimal\nnet.train()\nnet.train(False)\nnet.eval()\nprint(0.5)", "0.5\n"))
    assert flagged(nb) == []


def test_thread_pinning_is_caught(good):
    cn.code_cells(good)[1].source += "\ntorch.set_num_threads(1)"
    problems = cn.check_threads(good)
    assert len(problems) == 1 and "thread" in problems[0]


# --- Self-check questions: 4 to 8 per chapter, hidden code, stored HTML -----------------------------------


def selfcheck_cells(nb) -> list:
    return [nb.cells[i] for i in cn.selfcheck_cells(nb)]


def test_good_fixture_has_its_self_checks(good):
    assert sorted(cn.selfcheck_cells(good).values()) == [1, 1, 1, 1]
    assert cn.check_selfchecks(good) == []


def test_self_check_without_hide_input_is_caught(good):
    i = next(iter(cn.selfcheck_cells(good)))
    good.cells[i].metadata["tags"] = []
    assert cn.check_selfchecks(good) == [
        f"cell {i}: self-check cell without the hide-input tag (the page must show the question, not its code)"
    ]


def test_self_check_without_stored_html_is_caught(good):
    i = list(cn.selfcheck_cells(good))[1]
    good.cells[i].outputs = []
    assert cn.check_selfchecks(good) == [f"cell {i}: self-check cell stores no HTML output of its question: execute it"]
    good.cells[i].outputs = [nbformat.v4.new_output("stream", name="stdout", text="Self-check: ...")]
    assert len(cn.check_selfchecks(good)) == 1  # the plain text alone is not the question on the page


@pytest.mark.parametrize("keep, ok", [(0, False), (3, False), (4, True), (8, True), (9, False)])
def test_four_to_eight_self_checks_per_chapter(good, keep, ok):
    cells = selfcheck_cells(good)
    others = [c for c in good.cells if c not in cells]
    good.cells = others + [copy.deepcopy(cells[n % len(cells)]) for n in range(keep)]
    problems = cn.check_selfchecks(good)
    assert problems == ([] if ok else [f"{keep} self-check questions; a chapter needs 4 to 8, each after the section "
                                       "it checks"])  # fmt: skip


def test_the_chapter_and_the_cell_are_named(tmp_path, good, capsys):
    i = next(iter(cn.selfcheck_cells(good)))
    good.cells[i].metadata["tags"] = []
    path = tmp_path / "07_bad.ipynb"
    nbformat.write(good, path)
    assert cn.main([str(path)]) == 1
    assert f"07_bad.ipynb: \n  self-check: cell {i}: self-check cell without the hide-input tag" in capsys.readouterr().out


def test_self_check_cells_are_not_training_outputs():
    question = ("import d2lmini, torch\nw = torch.ones(1, requires_grad=True)\n"
                "opt = torch.optim.SGD([w], lr=0.1)\n(w * 2).sum().backward()\nopt.step()\n"
                "d2lmini.selfcheck('What is w now?', answer=w.item(), tol=0.01, explanation='1 - 0.1 * 2')")  # fmt: skip
    nb = notebook(
        DEFINE,
        ("history = d2lmini.train(net, it, it, loss, 3, opt)", ""),
        (question, "Self-check: What is w now?\nAnswer: 0.8 (within 0.01). 1 - 0.1 * 2"),  # trains, prints 0.8
        ("net = nn.Linear(2, 1)\nd2lmini.selfcheck('Q', answer=net.in_features, tol=0.5, explanation='2.0')", ""),
        ("print(f'{net(torch.ones(2)).item():.2f}')", "0.25\n"),  # still the trained net: the question rebinds nothing
    )
    assert flagged(nb) == [4]


@pytest.mark.parametrize("native, isa", [("AVX512", "avx2"), ("AVX2", "default")])
def test_the_portable_run_emulates_another_machine(native, isa):
    env = portable_env(native)
    assert env["ATEN_CPU_CAPABILITY"] == isa and env["ATEN_CPU_CAPABILITY"].upper() != native
    assert env["MKL_ENABLE_INSTRUCTIONS"] in ("AVX2", "SSE4_2") and env["OMP_NUM_THREADS"] == "1"
