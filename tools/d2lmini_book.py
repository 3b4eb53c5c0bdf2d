"""Sphinx extension of the d2lmini book (``sphinx.local_extensions`` in _config.yml).

It makes these promises of the book hold in every build:

Offline site
    MathJax 3 is copied from ``node_modules/mathjax/es5`` (``npm ci`` installs
    it from package.json / package-lock.json; ``make book`` runs that) into
    ``_static/mathjax`` of the built site, where ``mathjax_path`` points. A
    build that cannot find it, or whose pages would load any script or
    stylesheet from another host, warns, so the ``-W`` build fails.
Answers collapsed
    Every solution gets the ``dropdown`` class, so sphinx-togglebutton shows it
    collapsed even where an author forgot ``:class: dropdown``.
Student edition
    With ``hide_solutions: true`` sphinx-exercise drops ``{solution}`` blocks
    but would keep the cells between ``{solution-start}`` and
    ``{solution-end}`` (the answer's code and outputs). They are dropped too.
Clean pages
    No script error or console error on any page: sphinx-thebe's inline
    configuration is added twice by Jupyter Book 1.x (a ``const`` declared
    twice is a page error), so duplicate inline scripts are dropped, and with
    no Thebe button (``launch_buttons.thebe`` off) its scripts, which name a
    CDN, are not included at all. pydata-sphinx-theme logs an error on a
    first visit when no ``default_mode`` is set; it is set to ``auto``, the
    mode the theme falls back to anyway.
Chapters numbered from 0
    The chapter parts of _toc.yml are numbered; Sphinx starts at 1, the book
    at 0 (0. Getting started, 1. Tensors, ...), so every section, figure and
    exercise number is shifted by one: "Exercise 6.3" is the third exercise
    of chapter 6 here and in the learner notebooks.
Learner notebooks
    tools/learner_notebooks.py turns every chapter into a reader notebook
    (answers folded at the end) and a student notebook (no answers). The
    build publishes them under ``notebooks/reader/`` and
    ``notebooks/student/`` (the student edition only the student set), the
    download button of a chapter serves the edition's learner notebook, and
    the Colab and Binder buttons open it on GitHub, at the git ref
    ``learner_ref()``: the Pages workflow pushes the notebooks built from
    commit C to the branch ``learner-notebooks`` and tags them
    ``learner-<C>``, so a page always opens the notebook it was built with.
One repository URL
    MyST substitutions ``{{ repo_url }}``, ``{{ repo_branch }}``,
    ``{{ binder_url }}``, ``{{ clone_command }}`` and ``{{ d2lmini_version }}``
    come from ``repository`` in _config.yml and from ``d2lmini.__version__``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node, solution_node

logger = logging.getLogger(__name__)

THIRD_PARTY = re.compile(r"^(https?:)?//", re.I)


# --- Student edition ---------------------------------------------------------


class removed_solution(nodes.Element):
    """Marks where a hidden gated solution started; removed with its cells."""


class SolutionStart(SolutionStartDirective):
    """``solution-start`` that leaves a marker when solutions are hidden."""

    def run(self):
        result = super().run()  # keeps sphinx-exercise's gated bookkeeping
        if self.env.app.config.hide_solutions:
            return [removed_solution()]
        return result


class RemoveHiddenGatedSolutions(SphinxTransform):
    """Drop everything from a hidden ``solution-start`` to its ``solution-end``."""

    default_priority = 9  # before sphinx-exercise merges gated solutions (10)

    def apply(self, **kwargs) -> None:
        for marker in list(self.document.findall(removed_solution)):
            parent = marker.parent
            start = parent.index(marker)
            end = next(
                (i for i in range(start, len(parent.children)) if isinstance(parent.children[i], solution_end_node)),
                None,
            )
            if end is None:
                logger.warning("solution-start has no solution-end in the same section", location=marker)
                parent.remove(marker)
                continue
            del parent.children[start : end + 1]


# --- Answers collapsed --------------------------------------------------------


class CollapseSolutions(SphinxTransform):
    """Give every solution the ``dropdown`` class (collapsed until clicked)."""

    default_priority = 20  # after gated solutions are merged

    def apply(self, **kwargs) -> None:
        for node in self.document.findall(solution_node):
            if "dropdown" not in node["classes"]:
                node["classes"].append("dropdown")


# --- Repository substitutions -------------------------------------------------


def add_substitutions(app: Sphinx, config) -> None:
    options = config.html_theme_options
    url = str(options.get("repository_url", "")).rstrip("/")
    branch = str(options.get("repository_branch", "master"))
    binderhub = str(options.get("launch_buttons", {}).get("binderhub_url", "https://mybinder.org")).rstrip("/")
    slug = url.split("github.com/", 1)[-1]
    values = {
        "repo_url": url,
        "repo_branch": branch,
        "binder_url": f"{binderhub}/v2/gh/{slug}/{branch}",
        "clone_command": f"`git clone {url}`",
    }
    try:
        from bookconfig import package_version  # tools/ is on sys.path (local_extensions)

        values["d2lmini_version"] = package_version(Path(app.srcdir))
    except (ImportError, OSError, ValueError):
        pass
    config.myst_substitutions = {**values, **(config.myst_substitutions or {})}


# --- Chapters numbered from 0 ------------------------------------------------------


def number_chapters_from_zero(app: Sphinx, env) -> list[str]:
    """Shift Sphinx's section and figure (exercise) numbers so the first chapter is 0.

    Sphinx assigns them afresh whenever the toctree changes (always from 1), in
    ``env.toc_secnumbers``, ``env.toc_fignumbers``, the ``secnumber`` of each
    toctree entry (the sidebar) and of each page title (the browser tab, the
    previous/next links); a first chapter numbered 1 means "not shifted yet".
    """
    sections = [n for numbers in env.toc_secnumbers.values() for n in numbers.values() if n]
    if not sections or min(n[0] for n in sections) != 1:
        return []
    shift = lambda number: (number[0] - 1, *number[1:]) if number else number  # noqa: E731
    for numbers in env.toc_secnumbers.values():
        numbers.update({anchor: shift(n) for anchor, n in numbers.items()})
    for kinds in env.toc_fignumbers.values():
        for numbers in kinds.values():
            numbers.update({target: shift(n) for target, n in numbers.items()})
    for toc in env.tocs.values():
        for reference in toc.findall(nodes.reference):
            if reference.get("secnumber"):
                reference["secnumber"] = shift(reference["secnumber"])
    titles = {id(t): t for t in [*env.titles.values(), *env.longtitles.values()]}  # often the same node
    for title in titles.values():  # page titles, previous/next links
        if title.get("secnumber"):
            title["secnumber"] = shift(title["secnumber"])
    return []


# --- Learner notebooks -------------------------------------------------------------

LEARNER_BRANCH = "learner-notebooks"


def learner_ref(srcdir: Path) -> str:
    """``learner-<commit>``: the tag of the learner notebooks built from this commit.

    The commit is ``GITHUB_SHA`` in GitHub Actions, else ``git rev-parse HEAD``;
    without either, the branch ``learner-notebooks`` (its newest notebooks).
    """
    sha = os.environ.get("GITHUB_SHA", "")
    if not sha:
        try:
            sha = subprocess.run(
                ["git", "rev-parse", "HEAD"], cwd=srcdir, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return LEARNER_BRANCH
    return f"learner-{sha[:12]}"


def learner_set(app: Sphinx) -> str:
    return "student" if app.config.hide_solutions else "reader"


def build_learner_notebooks(app: Sphinx) -> None:
    from bookconfig import chapter_notebooks  # tools/ is on sys.path (local_extensions)
    from learner_notebooks import LearnerNotebookError, build

    chapters = chapter_notebooks(Path(app.srcdir))
    app.d2lmini_learner = {}
    try:
        app.d2lmini_learner = build(chapters, chapters)
    except LearnerNotebookError as error:
        logger.warning(f"no learner notebooks: {error}")


def learner_path(app: Sphinx, pagename: str) -> str:
    """Where a chapter's learner notebook lies on the learner branch (and in the site)."""
    folder = "chapters" if learner_set(app) == "reader" else "student"
    return f"{folder}/{Path(pagename).name}.ipynb"


def point_launch_buttons_at_learner_notebooks(app: Sphinx, pagename: str, templatename: str, context, doctree) -> None:
    if Path(pagename).name not in getattr(app, "d2lmini_learner", {}).get(learner_set(app), {}):
        return
    options = app.config.html_theme_options
    slug = str(options.get("repository_url", "")).rstrip("/").split("github.com/", 1)[-1]
    launch = options.get("launch_buttons", {})
    ref, path = app.config.d2lmini_learner_ref or learner_ref(Path(app.srcdir)), learner_path(app, pagename)
    links = {
        "Colab": f"{str(launch.get('colab_url', '')).rstrip('/')}/github/{slug}/blob/{ref}/{path}",
        "Binder": f"{str(launch.get('binderhub_url', '')).rstrip('/')}/v2/gh/{slug}/{ref}?urlpath=lab/tree/{path}",
    }
    for button in header_buttons(context.get("header_buttons", [])):
        if button.get("text") in links:
            button["url"] = links[button["text"]]


def header_buttons(buttons: list):
    for button in buttons:
        if isinstance(button, dict):
            yield button
            yield from header_buttons(button.get("buttons", []))


def publish_learner_notebooks(app: Sphinx, exception) -> None:
    """Both sets under notebooks/ (the student edition: its own), and the download button's copy."""
    import nbformat

    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    learner = getattr(app, "d2lmini_learner", {})
    for name, chapters in learner.items():
        if app.config.hide_solutions and name != "student":
            continue
        for stem, notebook in chapters.items():
            (out / "notebooks" / name).mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, out / "notebooks" / name / f"{stem}.ipynb")
    for source in (out / "_sources").rglob("*.ipynb"):
        notebook = learner.get(learner_set(app), {}).get(source.stem)
        if notebook is not None:
            nbformat.write(notebook, source)


# --- Clean pages -----------------------------------------------------------------


def set_default_mode(app: Sphinx, config) -> None:
    # pydata-sphinx-theme reads it from the HTML context, not the theme options.
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}


def clean_page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    thebe = bool(app.config.html_theme_options.get("launch_buttons", {}).get("thebe"))
    seen, kept = set(), []
    for script in scripts:
        filename = str(getattr(script, "filename", script) or "")
        body = str(getattr(script, "attributes", {}).get("body", ""))
        if not thebe and ("THEBE_JS_URL" in body or filename.endswith("sphinx-thebe.js")):
            continue
        if (filename, body) in seen:
            continue
        seen.add((filename, body))
        kept.append(script)
    scripts[:] = kept


# --- Offline assets -------------------------------------------------------------


def mathjax_source(app: Sphinx) -> Path:
    return (Path(app.srcdir) / app.config.d2lmini_mathjax_dir).resolve()


def check_mathjax(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    path = str(app.config.mathjax_path or "")
    if THIRD_PARTY.match(path):
        logger.warning(f"mathjax_path {path!r} loads MathJax from a CDN; serve it from the site (_static)")
        return
    if path.startswith("mathjax/") and not (mathjax_source(app) / path.removeprefix("mathjax/")).is_file():
        logger.warning(
            f"MathJax not found at {mathjax_source(app)}: run `npm ci` in the book folder "
            "(`make book` does), or equations will show as raw TeX"
        )


def check_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for kind in ("script_files", "css_files"):
        for asset in context.get(kind, []):
            name = str(getattr(asset, "filename", asset))
            if THIRD_PARTY.match(name):
                logger.warning(
                    f"page {pagename!r} would load {name} from a third-party host; "
                    "the book must work offline (serve it from _static)"
                )


def copy_mathjax(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source(app)
    if source.is_dir():
        shutil.copytree(source, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app: Sphinx) -> dict:
    app.add_config_value("d2lmini_mathjax_dir", "node_modules/mathjax/es5", "html")
    # The git ref the launch buttons open; empty: learner_ref() (the tag of this commit's notebooks).
    app.add_config_value("d2lmini_learner_ref", "", "html")
    app.setup_extension("sphinx_exercise")
    app.add_directive("solution-start", SolutionStart, override=True)
    app.add_node(removed_solution)
    app.add_transform(RemoveHiddenGatedSolutions)
    app.add_transform(CollapseSolutions)
    app.connect("config-inited", add_substitutions)
    app.connect("config-inited", set_default_mode)
    app.connect("html-page-context", clean_page_scripts)
    app.connect("builder-inited", check_mathjax)
    app.connect("html-page-context", check_page_assets)
    app.connect("build-finished", copy_mathjax)
    app.connect("env-get-updated", number_chapters_from_zero, priority=900)
    app.connect("builder-inited", build_learner_notebooks)
    app.connect("html-page-context", point_launch_buttons_at_learner_notebooks, priority=502)
    app.connect("build-finished", publish_learner_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
