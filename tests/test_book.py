"""The book machinery: configuration, tools, and a real build of a tiny fixture book.

These run before the book is built (``make unit``). The checks of the real
built site are in tests/test_book_browser.py (``make browser``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT / "tools"))

import check_notebooks as cn  # noqa: E402
import d2lmini_book  # noqa: E402
import learner_notebooks  # noqa: E402
import check_site  # noqa: E402
import execution_report  # noqa: E402
import student_config  # noqa: E402
import sync_install_cell  # noqa: E402
from bookconfig import chapter_notebooks, install_cell_source, load_config, package_version, repository, toc_files  # noqa: E402

JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5"


def need(condition: bool, reason: str) -> None:
    """Skip when a prerequisite is missing locally; in CI (env CI set) fail instead."""
    if not condition:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)


# --- Configuration: one repository URL, the right branch ---------------------------------


def test_repository_and_launch_buttons_are_configured():
    config = load_config()
    url, branch = repository()
    assert url.startswith("https://github.com/") and url.count("/") == 4
    assert "branch" in config["repository"], "set repository.branch: Jupyter Book would silently use master"
    assert config["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    for button in ("use_repository_button", "use_edit_page_button"):
        assert config["html"][button] is True


def test_pages_workflow_publishes_the_configured_branch():
    _, branch = repository()
    text = (ROOT / ".github/workflows/book.yml").read_text()
    workflow = yaml.safe_load(text)
    triggers = workflow.get("on", workflow.get(True))  # PyYAML reads the key `on` as True
    assert triggers["push"]["branches"] == [branch]
    refs = set(re.findall(r"refs/heads/([\w./-]+)'", text))
    assert refs == {branch}, f"workflow deploys from {refs}, _config.yml says {branch}"


def test_pages_workflow_runs_the_ci_entry_point_and_deploys_the_html():
    workflow = yaml.safe_load((ROOT / ".github/workflows/book.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    assert any(step.get("run", "").strip() == ".ci/run" for step in steps)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_pages_workflow_publishes_the_learner_notebooks_the_buttons_open(monkeypatch, tmp_path):
    workflow = yaml.safe_load((ROOT / ".github/workflows/book.yml").read_text())
    build = workflow["jobs"]["build"]
    names = [step.get("name", step.get("uses", "")) for step in build["steps"]]
    publish = build["steps"][names.index("Publish the learner notebooks for Colab and Binder")]
    assert names.index("Test and build (.ci/run)") < names.index(publish["name"]) < names.index("Upload the site")
    assert publish["if"] == "github.ref == 'refs/heads/main' && github.event_name != 'pull_request'"
    assert build["permissions"] == {"contents": "write"}
    script = publish["run"]
    assert "tools/learner_notebooks.py --branch-tree" in script and "git init -q -b learner-notebooks" in script
    assert 'git tag "learner-${GITHUB_SHA::12}"' in script and 'learner-notebooks "learner-${GITHUB_SHA::12}"' in script
    # ... the very ref the book's extension links to for the same commit:
    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
    assert d2lmini_book.learner_ref(tmp_path) == "learner-0123456789ab"
    monkeypatch.delenv("GITHUB_SHA")
    assert d2lmini_book.learner_ref(tmp_path) == d2lmini_book.LEARNER_BRANCH  # not a git checkout


def test_learner_branch_tree_has_both_sets_and_binder_installs_the_release(tmp_path):
    out = tmp_path / "branch"
    assert learner_notebooks.main(["--branch-tree", str(out)]) == 0
    chapters = [p.stem for p in chapter_notebooks(ROOT)]
    assert sorted(p.stem for p in (out / "chapters").glob("*.ipynb")) == sorted(chapters)
    assert sorted(p.stem for p in (out / "student").glob("*.ipynb")) == sorted(chapters)
    requirements = (out / "binder" / "requirements.txt").read_text().splitlines()
    main = [line for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines() if line and line[0] != "#"]
    assert [line for line in requirements if line[0] != "#"] == [*main, f"d2lmini=={package_version()}"]
    assert not (out / "binder" / "postBuild").exists()  # no package source on that branch
    assert "learner-<commit>" in (out / "README.md").read_text()


def test_repository_url_is_written_only_in_config():
    url, _ = repository()
    bare = url.split("://", 1)[1]
    files = ["intro.md", "api.md", "README.md", "Makefile", ".ci/run", "_toc.yml", ".github/workflows/book.yml"]
    files += [p.relative_to(ROOT).as_posix() for p in (ROOT / "binder").iterdir()]
    offenders = [f for f in files if bare in (ROOT / f).read_text()]
    assert not offenders, f"{bare} is hard-coded in {offenders}; derive it from _config.yml"
    assert (ROOT / "_config.yml").read_text().count(bare) == 1


def test_install_cell_installs_exactly_the_package_version():
    version = package_version()
    expected = install_cell_source()
    assert expected.splitlines()[0] == f"# Colab and Binder: install d2lmini {version}, the release this notebook was run with."
    assert f'%pip install --quiet "d2lmini=={version}"' in expected
    assert "git+" not in expected  # a release from PyPI, not a tag of the repository


@pytest.mark.parametrize(
    ("installed", "installs"),
    [(None, True), ("0.0.9", True), ("{version}", False), ("{major}.{minor_next}.0", False), ("1.0.0rc1", True)],
)
def test_install_cell_installs_only_when_missing_or_older(installed, installs):
    """Run the cell's logic (``%pip`` replaced by a recorder) against a faked installed version."""
    from importlib.metadata import PackageNotFoundError

    major, minor, _ = map(int, package_version().split("."))
    fields = {"version": package_version(), "major": major, "minor_next": minor + 1}
    installed = None if installed is None else installed.format(**fields)
    calls = []

    def fake_version(name):
        if installed is None:
            raise PackageNotFoundError(name)
        return installed

    source = re.sub(r'%pip install --quiet (".*")', r"calls.append(\1)", install_cell_source())
    source = source.replace("from importlib.metadata import PackageNotFoundError, version", "")
    exec(source, {"calls": calls, "version": fake_version, "PackageNotFoundError": PackageNotFoundError})
    assert bool(calls) == installs


def test_default_build_keeps_answers_and_student_config_hides_them():
    config = load_config()
    assert config["sphinx"]["config"]["hide_solutions"] is False
    student = student_config.student_config()
    assert student["sphinx"]["config"]["hide_solutions"] is True
    assert student["title"].endswith("(student edition)")
    for path in student["sphinx"]["local_extensions"].values():
        assert Path(path).is_absolute() and Path(path).is_dir()
    # Apart from these, the two editions share every setting.
    for key in set(config) - {"title", "sphinx"}:
        assert student[key] == config[key]


def test_site_loads_nothing_from_a_cdn_by_configuration():
    sphinx = load_config()["sphinx"]["config"]
    assert not re.match(r"^(https?:)?//", sphinx["mathjax_path"])
    assert sphinx["nb_ipywidgets_js"] == {}
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    version = package["dependencies"]["mathjax"]
    assert re.fullmatch(r"3\.\d+\.\d+", version), "pin MathJax 3 exactly (its fonts ship in the package)"
    assert lock["packages"]["node_modules/mathjax"]["version"] == version


def test_site_check_flags_cdn_resources_but_not_links():
    page = """<html><head>
      <script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>
      <script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js"></script>
      <link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">
      <link rel="canonical" href="https://example.org/page.html">
      <style>@import url("https://fonts.example.org/x.css");</style>
      <script src="_static/mathjax/tex-mml-chtml.js"></script></head>
      <body><a href="https://colab.research.google.com/github/a/b/blob/main/x.ipynb">Colab</a>
      <img src="https://example.org/x.png"></body></html>"""
    problems = check_site.third_party_resources(page)
    assert len([p for p in problems if p.startswith("<script")]) == 2
    assert any("fonts.googleapis.com" in p for p in problems)
    assert any("<style>" in p for p in problems)
    assert any("widget JavaScript" in p for p in problems)
    assert any("<img" in p for p in problems)
    assert not any("colab" in p or "canonical" in p or "_static/mathjax" in p for p in problems)


def test_intro_maps_every_chapter_and_explains_running_and_answers():
    text = (ROOT / "intro.md").read_text()
    chapters = [f for f in toc_files() if f.startswith("chapters/")]
    assert [c for c in chapters if f"{{doc}}`{c}`" not in text] == []
    for topic in ("Colab", "Binder", "Offline", "D2LMINI_DATA", "dataset-fashion-mnist", "Exercises and answers",
                  "collapsed", "make student", "download.pytorch.org/whl/cpu"):  # fmt: skip
        assert topic in text, topic


@pytest.mark.parametrize("name", ["intro.md", "api.md", "README.md"])
def test_pages_have_no_placeholder_text(name):
    match = cn.PLACEHOLDERS.search((ROOT / name).read_text())
    assert match is None, f"{name}: {match.group(0)!r}"


def test_api_page_documents_every_public_module():
    modules = sorted(p.stem for p in (ROOT / "d2lmini").glob("*.py") if not p.stem.startswith("_"))
    text = (ROOT / "api.md").read_text()
    documented = re.findall(r"automodule::\s*d2lmini\.(\w+)", text)
    assert sorted(documented) == modules


def test_binder_installs_cpu_only_torch_and_the_package():
    requirements = (ROOT / "binder/requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in requirements
    assert re.search(r"^torch\b", requirements, re.M) and re.search(r"^torchvision\b", requirements, re.M)
    post_build = ROOT / "binder/postBuild"
    assert os.access(post_build, os.X_OK)
    assert "pip install --no-deps" in post_build.read_text() and "-e ." in post_build.read_text()


# --- Tools -------------------------------------------------------------------------------------


def test_sync_install_cell_rewrites_only_the_install_cell(tmp_path):
    path = tmp_path / "chapter.ipynb"
    shutil.copy(FIXTURES / "chapter_good.ipynb", path)
    before = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    cn.code_cells(nb)[0].source = cn.code_cells(nb)[0].source.replace("d2lmini==", "d2lmini==9")
    nbformat.write(nb, path)
    assert sync_install_cell.main(["--check", str(path)]) == 1
    assert sync_install_cell.main([str(path)]) == 0
    assert sync_install_cell.main(["--check", str(path)]) == 0
    after = nbformat.read(path, as_version=4)
    assert after.cells == before.cells and after.metadata == before.metadata


def test_sync_install_cell_inserts_a_missing_install_cell(tmp_path):
    path = tmp_path / "chapter.ipynb"
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("import torch")]
    )
    nbformat.write(nb, path)
    assert sync_install_cell.main([str(path)]) == 0
    cells = nbformat.read(path, as_version=4).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert cells[1].source == install_cell_source() and cells[2].source == "import torch"
    nbformat.validate(nbformat.read(path, as_version=4))


def test_execution_report_is_generated_from_notebook_metadata(tmp_path):
    (tmp_path / "chapters").mkdir()
    shutil.copy(FIXTURES / "chapter_good.ipynb", tmp_path / "chapters/00_a.ipynb")
    shutil.copy(FIXTURES / "orphan_exercise.ipynb", tmp_path / "chapters/01_b.ipynb")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/00_a\n  - file: chapters/01_b\n"
    )
    run = nbformat.read(FIXTURES / "chapter_good.ipynb", as_version=4).metadata["d2lmini"]["execution"]
    page = execution_report.render(tmp_path)
    assert f"| {{doc}}`Fixture chapter <chapters/00_a>` | {run['seconds']:.1f} | {run['cpu']}" in page
    assert "| {doc}`Orphan exercise <chapters/01_b>` | not recorded |" in page
    assert f"**{run['seconds']:.1f}**" in page


# --- A real build of a fixture book, with the book's own configuration --------------------


def build_fixture_book(directory: Path, hide_solutions: bool) -> subprocess.Popen:
    for name in ("chapter_good", "orphan_exercise"):
        shutil.copy(FIXTURES / f"{name}.ipynb", directory / f"{name}.ipynb")
    (directory / "intro.md").write_text("# Fixture book\n\nA book of two pages, built by tests/test_book.py.\n")
    (directory / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapter_good\n  - file: orphan_exercise\n"
    )
    config = student_config.student_config() if hide_solutions else load_config()
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {k: str((ROOT / v).resolve()) for k, v in sphinx["local_extensions"].items()}
    sphinx["config"]["d2lmini_mathjax_dir"] = str(MATHJAX)
    (directory / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    command = [str(JUPYTER_BOOK), "build", str(directory), "-W", "-n", "--keep-going"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def fixture_books(tmp_path_factory):
    """Both editions of the fixture book, built in parallel: {edition: (exit code, log, html dir)}."""
    need((MATHJAX / "tex-mml-chtml.js").is_file(), "MathJax is not installed: run `npm ci` (make book does)")
    runs = {}
    for edition, hide in (("full", False), ("student", True)):
        directory = tmp_path_factory.mktemp(edition)
        runs[edition] = (build_fixture_book(directory, hide), directory)
    books = {}
    for edition, (process, directory) in runs.items():
        log, _ = process.communicate(timeout=600)
        books[edition] = (process.returncode, log, directory / "_build" / "html")
    return books


def page(books, edition: str, name: str) -> BeautifulSoup:
    return BeautifulSoup((books[edition][2] / f"{name}.html").read_text(), "html.parser")


@pytest.mark.parametrize("edition", ["full", "student"])
def test_fixture_book_builds_without_warnings(fixture_books, edition):
    code, log, _ = fixture_books[edition]
    assert code == 0 and "WARNING" not in log, log[-3000:]


def test_built_exercise_check_passes_good_page_and_catches_planted_orphan(fixture_books):
    html = fixture_books["full"][2]
    assert cn.html_exercise_problems((html / "chapter_good.html").read_text()) == []
    assert cn.html_exercise_problems((html / "orphan_exercise.html").read_text()) == [
        "exercise 'ex-orphan-2' has no solution"
    ]


def test_every_answer_is_collapsed(fixture_books):
    solutions = page(fixture_books, "full", "chapter_good").select(".solution")
    assert len(solutions) == 6
    # ex-fixture-5's solution has no `:class: dropdown`; the book's extension adds it.
    assert all("dropdown" in s["class"] for s in solutions)


def test_gated_answer_keeps_its_code_and_output(fixture_books):
    solution = page(fixture_books, "full", "chapter_good").select(".solution")[-1]
    assert "GATED-ANSWER 57.4" in solution.get_text()


def test_student_edition_has_exercises_and_no_answers(fixture_books):
    full, student = page(fixture_books, "full", "chapter_good"), page(fixture_books, "student", "chapter_good")
    assert len(student.select(".exercise")) == len(full.select(".exercise")) == 6
    assert student.select(".solution") == []
    text = student.get_text()
    assert "Solution to" not in text and "GATED-ANSWER" not in text and "Sum the squares" not in text
    # Only the gated answer's code cell is gone; every other cell is still there.
    assert len(student.select("div.cell")) == len(full.select("div.cell")) - 1


def test_fixture_site_serves_mathjax_itself(fixture_books):
    html = fixture_books["full"][2]
    scripts = [s["src"] for s in page(fixture_books, "full", "chapter_good").select("script[src]")]
    assert "_static/mathjax/tex-mml-chtml.js" in scripts
    assert (html / "_static/mathjax/tex-mml-chtml.js").is_file()
    assert (html / "_static/mathjax/output/chtml/fonts/woff-v2").is_dir()
    assert check_site.site_problems(html) == []


def test_fixture_launch_buttons_open_the_learner_notebooks(fixture_books):
    """Outside a git checkout (and GitHub Actions) the buttons open the learner branch's newest notebooks."""
    url, branch = repository()
    slug = url.split("github.com/", 1)[1]
    ref = "learner-notebooks" if "GITHUB_SHA" not in os.environ else f"learner-{os.environ['GITHUB_SHA'][:12]}"
    for edition, folder in (("full", "chapters"), ("student", "student")):
        hrefs = {a["href"] for a in page(fixture_books, edition, "chapter_good").select("a[href]")}
        assert f"https://colab.research.google.com/github/{slug}/blob/{ref}/{folder}/chapter_good.ipynb" in hrefs
        assert f"https://mybinder.org/v2/gh/{slug}/{ref}?urlpath=lab/tree/{folder}/chapter_good.ipynb" in hrefs
        assert f"{url}/edit/{branch}/chapter_good.ipynb" in hrefs
