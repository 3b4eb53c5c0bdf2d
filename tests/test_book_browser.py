"""The built book works as a website: static checks of the HTML, then every page in headless Chromium.

Run after ``make book student`` (``make test`` does): ``make browser``, i.e.
``pytest -m browser tests``. The site is served from 127.0.0.1 only; any
request to another host is blocked and counted as a failure, so the pages are
proved to work offline (no CDN), as readers behind firewalls need.

Without a built site (or without Chromium) the tests skip with the reason,
except in CI (environment variable CI set), where they fail.
Overrides: D2LMINI_SITE, D2LMINI_STUDENT_SITE (built HTML folders), CHROMIUM.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import check_notebooks as cn  # noqa: E402
import check_site  # noqa: E402
from bookconfig import load_config, repository, toc_files  # noqa: E402
from d2lmini_book import learner_ref  # noqa: E402

pytestmark = pytest.mark.browser

SITE = Path(os.environ.get("D2LMINI_SITE", ROOT / "_build" / "html"))
STUDENT_SITE = Path(os.environ.get("D2LMINI_STUDENT_SITE", ROOT / "_build" / "student" / "html"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PAGES = toc_files(ROOT)  # e.g. "intro", "chapters/01_tensors", "api", "execution"
CHAPTERS = [p for p in PAGES if (ROOT / f"{p}.ipynb").is_file()]
# Left in the visible text (outside code) only when MathJax did not typeset.
RAW_TEX = re.compile(
    r"\\\(|\\\)|\\\[|\\\]|\$\$|\\(frac|sum|mathbf|mathrm|hat|top|cdot|partial|left|right|begin|sqrt|log|exp)\b"
)


def need(condition: bool, reason: str) -> None:
    """Skip when a prerequisite is missing locally; in CI (env CI set) fail instead."""
    if not condition:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)


def notebook(chapter: str):
    return nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{page}.html").read_text(encoding="utf8"), "html.parser")


def visible_png_outputs(nb) -> int:
    """PNG outputs the HTML page shows (cells tagged remove-output/remove-cell are not rendered)."""
    return sum(
        "image/png" in out.get("data", {})
        for cell in cn.code_cells(nb)
        if not {"remove-output", "remove-cell"} & set(cn.tags(cell))
        for out in cell.outputs
    )


def gated_code_cells(nb) -> int:
    """Rendered code cells inside gated solutions (removed from the student edition)."""
    count, inside = 0, False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for d in cn.directives(cell.source):
                inside = {"solution-start": True, "solution-end": False}.get(d.name, inside)
        elif inside and "remove-cell" not in cn.tags(cell):
            count += 1
    return count


def has_display_maths(nb) -> bool:
    return any(c.cell_type == "markdown" and "$$" in c.source for c in nb.cells)


# The chapter to photograph: the first with figures, display maths and exercises.
SCREENSHOT_CHAPTER = next(
    (c for c in CHAPTERS
     if visible_png_outputs(notebook(c)) and has_display_maths(notebook(c)) and cn.exercises(notebook(c)).labels),
    CHAPTERS[0] if CHAPTERS else None,
)  # fmt: skip


@pytest.fixture(scope="module")
def site() -> Path:
    need((SITE / "index.html").is_file(), f"no built book at {SITE}: run `make book` first")
    return SITE


@pytest.fixture(scope="module")
def student_site() -> Path:
    need((STUDENT_SITE / "index.html").is_file(), f"no student edition at {STUDENT_SITE}: run `make student` first")
    return STUDENT_SITE


# --- Static checks of the built HTML -------------------------------------------------------


def test_every_page_of_the_toc_is_built(site):
    assert [p for p in PAGES if not (site / f"{p}.html").is_file()] == []


def test_site_loads_nothing_from_third_party_hosts(site):
    assert check_site.site_problems(site) == []
    assert (site / "_static/mathjax/tex-mml-chtml.js").is_file()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_has_an_answer_in_the_built_page(site, chapter):
    page = (site / f"{chapter}.html").read_text(encoding="utf8")
    assert cn.html_exercise_problems(page) == []
    built = [e["id"] for e in BeautifulSoup(page, "html.parser").select(".exercise[id]")]
    assert built == cn.exercises(notebook(chapter)).labels


def launch_links(chapter: str, folder: str = "chapters") -> dict[str, str]:
    """Colab and Binder open the learner notebook, at the tag of the notebooks built from this commit."""
    url, _ = repository()
    slug, ref, path = url.split("github.com/", 1)[1], learner_ref(ROOT), f"{folder}/{Path(chapter).name}.ipynb"
    return {
        "Colab": f"https://colab.research.google.com/github/{slug}/blob/{ref}/{path}",
        "Binder": f"https://mybinder.org/v2/gh/{slug}/{ref}?urlpath=lab/tree/{path}",
    }


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_buttons_open_the_learner_notebook_and_edit_opens_the_chapter(site, student_site, chapter):
    url, branch = repository()
    hrefs = {a["href"] for a in soup(site, chapter).select("a[href]")}
    assert set(launch_links(chapter).values()) <= hrefs
    assert f"{url}/edit/{branch}/{chapter}.ipynb" in hrefs
    student_hrefs = {a["href"] for a in soup(student_site, chapter).select("a[href]")}
    assert set(launch_links(chapter, "student").values()) <= student_hrefs


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_download_button_and_notebooks_folder_serve_the_learner_notebooks(site, student_site, chapter):
    """The download button's file is the edition's learner notebook: no hidden cells, and no answers for students."""
    stem = Path(chapter).name
    reader = nbformat.read(site / "notebooks" / "reader" / f"{stem}.ipynb", as_version=4)
    student = nbformat.read(site / "notebooks" / "student" / f"{stem}.ipynb", as_version=4)
    assert nbformat.read(site / "_sources" / f"{chapter}.ipynb", as_version=4) == reader
    assert nbformat.read(student_site / "_sources" / f"{chapter}.ipynb", as_version=4) == student
    assert nbformat.read(student_site / "notebooks" / "student" / f"{stem}.ipynb", as_version=4) == student
    assert not (student_site / "notebooks" / "reader").exists()
    hidden = [c for c in notebook(chapter).cells if "remove-cell" in c.metadata.get("tags", [])]
    assert hidden and not any("remove-cell" in c.metadata.get("tags", []) for c in reader.cells + student.cells)
    assert any(c.source.startswith("## Answers") for c in reader.cells)
    assert not any("Answer" in c.source for c in student.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapters_and_exercises_are_numbered_from_0_alike_on_the_page_and_in_the_learner_notebook(site, chapter):
    page = [t.get_text(" ", strip=True) for t in soup(site, chapter).select(".exercise .admonition-title")]
    reader = nbformat.read(site / "notebooks" / "reader" / f"{Path(chapter).name}.ipynb", as_version=4)
    headings = [line[5:] for c in reader.cells for line in c.source.splitlines() if line.startswith("#### Exercise ")]
    number = CHAPTERS.index(chapter)
    assert page == headings == [f"Exercise {number}.{i}" for i in range(1, len(page) + 1)]
    html = soup(site, chapter)
    assert html.title.get_text().startswith(f"{number}. ")
    assert any(h1.get_text().startswith(f"{number}. ") for h1 in html.select("main h1"))


def test_api_page_documents_every_public_name(site):
    ids = {el.get("id") for el in soup(site, "api").select("[id]")}
    missing = []
    for path in sorted((ROOT / "d2lmini").glob("*.py")):
        if path.stem.startswith("_"):
            continue
        tree = ast.parse(path.read_text())
        names = next(
            (ast.literal_eval(n.value) for n in tree.body
             if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)),
            [],
        )  # fmt: skip
        missing += [f"d2lmini.{path.stem}.{name}" for name in names if f"d2lmini.{path.stem}.{name}" not in ids]
        if f"module-d2lmini.{path.stem}" not in ids:
            missing.append(f"module d2lmini.{path.stem}")
    assert missing == []


def test_execution_report_lists_every_chapter(site):
    page = soup(site, "execution")
    linked = {a["href"].split("#")[0] for a in page.select("table a[href]")}
    assert linked == {f"{c}.html" for c in CHAPTERS}
    assert "Hardware" in page.get_text()


def test_student_edition_is_the_same_book_without_answers(site, student_site):
    assert "(student edition)" in soup(student_site, "intro").title.get_text()
    assert check_site.site_problems(student_site) == []
    for chapter in CHAPTERS:
        full, student = soup(site, chapter), soup(student_site, chapter)
        assert student.select(".solution") == [], chapter
        assert "Solution to" not in student.get_text(), chapter
        assert len(student.select(".exercise")) == len(full.select(".exercise")), chapter
        gated = gated_code_cells(notebook(chapter))
        assert len(student.select("div.cell")) == len(full.select("div.cell")) - gated, chapter


# --- In headless Chromium --------------------------------------------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def server(site):
    """The built site on http://127.0.0.1:<free port>/."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (Debian package chromium; or set CHROMIUM)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Visit:
    """One page in a fresh browser context, with everything that went wrong on the way."""

    def __init__(self, browser, base: str, page_name: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.context.route("**/*", self._only_local(base))
        self.page = self.context.new_page()
        # Generous: CI runners and shared machines can be slow; a real hang still fails.
        self.page.set_default_timeout(90_000)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.page.goto(f"{base}{page_name}.html", wait_until="load")
        # MathJax typesets asynchronously after load; wait until it is done.
        self.page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
        self.page.evaluate("() => window.MathJax ? window.MathJax.startup.promise.then(() => true) : true")
        self.page.wait_for_load_state("networkidle")

    def _only_local(self, base: str):
        def handle(route):
            if route.request.url.startswith(base):
                route.continue_()
            else:
                self.problems.append(f"third-party request blocked: {route.request.url}")
                route.abort()

        return handle

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    visits = []

    def open_page(page_name: str) -> Visit:
        visits.append(Visit(browser, server, page_name))
        return visits[-1]

    yield open_page
    for v in visits:
        v.close()


MATH_STATE = """() => {
  const article = document.querySelector('main') || document.body;
  const maths = [...article.querySelectorAll('.math')];
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, .highlight, script, style, mjx-container, .cell_output')
       .forEach(el => el.remove());
  return {
    total: maths.length,
    typeset: maths.filter(m => m.querySelector('mjx-container')).length,
    text: clone.textContent,
  };
}"""

IMAGES = """() => [...(document.querySelector('main') || document.body).querySelectorAll('img')]
  .filter(img => img.offsetParent !== null)
  .map(img => ({src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0,
                output: !!img.closest('.cell_output')}))"""


def maths_problems(page) -> list[str]:
    maths = page.evaluate(MATH_STATE)
    problems = []
    if maths["typeset"] != maths["total"]:
        problems.append(f"{maths['total'] - maths['typeset']} of {maths['total']} equations not typeset")
    raw = RAW_TEX.search(maths["text"])
    if raw:
        context = maths["text"][max(0, raw.start() - 80) : raw.end() + 80].replace("\n", " ")
        problems.append(f"raw TeX {raw.group(0)!r} on the page: ...{context}...")
    return problems


def image_problems(page, page_name: str) -> list[str]:
    images = page.evaluate(IMAGES)
    problems = [f"image did not load: {i['src']}" for i in images if not i["ok"]]
    if page_name in CHAPTERS:
        expected = visible_png_outputs(notebook(page_name))
        shown = sum(i["output"] for i in images)
        if shown < expected:
            problems.append(f"{shown} figures on the page, the notebook has {expected}")
    return problems


def launch_problems(page, chapter: str) -> list[str]:
    """The rocket menu opens and offers Binder and Colab for this chapter's learner notebook."""
    expected = launch_links(chapter)
    page.click(".dropdown-launch-buttons button")
    problems = []
    for name, href in expected.items():
        link = page.locator(".dropdown-launch-buttons a", has_text=name)
        try:
            link.wait_for(state="visible", timeout=5000)
        except Exception:  # playwright's TimeoutError
            problems.append(f"no visible {name} launch button after opening the menu")
            continue
        if link.get_attribute("href") != href:
            problems.append(f"{name} launch button points at {link.get_attribute('href')}, not {href}")
    page.keyboard.press("Escape")
    return problems


def answer_problems(page, chapter: str) -> list[str]:
    """Every answer starts collapsed; the first one opens when its toggle is clicked."""
    solutions = page.locator(".solution")
    if solutions.count() < cn.MIN_EXERCISES:
        return [f"{solutions.count()} answers on the page; a chapter has at least {cn.MIN_EXERCISES}"]
    bodies = page.locator(".solution > .admonition-title ~ *")
    shown = [i for i in range(bodies.count()) if bodies.nth(i).is_visible()]
    if shown:
        return [f"{len(shown)} answers visible before any click (they must start collapsed)"]
    first = solutions.first
    toggle = first.locator(".toggle-button")
    toggle.click()
    try:
        first.locator(":scope > .admonition-title ~ *").first.wait_for(state="visible", timeout=5000)
    except Exception:  # playwright's TimeoutError
        return ["the first answer did not open when its toggle was clicked"]
    if toggle.get_attribute("aria-expanded") != "true":
        return ["the first answer's toggle does not report itself expanded"]
    return []


@pytest.mark.parametrize("page_name", PAGES)
def test_page_works_in_the_browser(visit, page_name):
    """No failed request, no console or script error, maths typeset, images shown; on chapters,
    working launch buttons and answers that open on click. A screenshot of one chapter is saved."""
    v = visit(page_name)
    problems = maths_problems(v.page) + image_problems(v.page, page_name)
    if page_name == SCREENSHOT_CHAPTER:  # for review: the first figure, with the text around it
        (ROOT / "_build").mkdir(exist_ok=True)
        figure = v.page.locator(".cell_output img").first
        if figure.count():
            figure.scroll_into_view_if_needed()
        v.page.screenshot(path=str(ROOT / "_build" / f"screenshot-{Path(page_name).name}.png"))
    if page_name in CHAPTERS:
        problems += launch_problems(v.page, page_name)
        problems += answer_problems(v.page, page_name)
        if page_name == SCREENSHOT_CHAPTER:
            v.page.locator(".solution").first.scroll_into_view_if_needed()
            v.page.screenshot(path=str(ROOT / "_build" / f"screenshot-{Path(page_name).name}-answer.png"))
    problems = v.problems + problems  # requests and console, including those the clicks caused
    assert problems == [], f"{page_name}:\n  " + "\n  ".join(problems)


def test_configuration_of_this_module_matches_the_book():
    assert load_config()["launch_buttons"]["notebook_interface"] == "jupyterlab"  # urlpath=lab/tree/...


# --- Self-check questions (d2lmini.selfcheck): on the static page, without a kernel ------------------------------


def selfcheck_count(chapter: str) -> int:
    return sum(cn.selfcheck_cells(notebook(chapter)).values())


def selfcheck_problems(page_soup: BeautifulSoup) -> list[str]:
    """Every question on a built page has feedback for every option (an explanation if numeric)."""
    problems = []
    for q in page_soup.select("div.d2l-selfcheck"):
        name = q.select_one(".d2l-sc-question").get_text(" ", strip=True)[:50]
        if q.get("data-kind") == "numeric":
            explanation = q.select_one('[data-feedback="explanation"]')
            if not (explanation and explanation.get_text(strip=True)) or not q.get("data-answer") or not q.get("data-tol"):
                problems.append(f"{name!r}: numeric question without answer, tolerance or explanation")
            continue
        options = q.select("ol.d2l-sc-options > li")
        feedback = [q.select_one(f'[data-feedback="{i}"] span') for i in range(len(options))]
        if len(options) < 2 or not any(li.get("data-correct") == "true" for li in options):
            problems.append(f"{name!r}: fewer than two options or none right")
        if not all(f is not None and f.get_text(strip=True) for f in feedback):
            problems.append(f"{name!r}: an option without feedback")
    return problems


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_self_check_is_on_the_page_with_its_feedback(site, chapter):
    page = soup(site, chapter)
    questions = page.select("div.d2l-selfcheck")
    assert len(questions) == selfcheck_count(chapter) >= cn.SELFCHECKS[0]
    assert selfcheck_problems(page) == []
    assert all(q.select_one("script") and not q.select("script[src]") for q in questions)  # inline, nothing loaded
    # the question shows; the code that builds it is collapsed (hide-input), readers can still open it
    for q in questions:
        cell = q.find_parent("div", class_="cell")
        assert "tag_hide-input" in cell.get("class", []) and q.find_parent(class_="cell_output") is not None
        source = cell.select_one("details.hide")
        assert source is not None and "open" not in source.attrs and "d2lmini.selfcheck(" in source.get_text()


def test_student_edition_keeps_the_self_checks(site, student_site):
    for chapter in CHAPTERS:
        full = [q["id"] for q in soup(site, chapter).select("div.d2l-selfcheck")]
        student = [q["id"] for q in soup(student_site, chapter).select("div.d2l-selfcheck")]
        assert student == full and full, chapter


SELFCHECK_STATE = """() => [...document.querySelectorAll('div.d2l-selfcheck')].map(q => ({
  id: q.id, kind: q.dataset.kind, ready: q.dataset.ready === 'true',
  answer: q.dataset.answer, tol: q.dataset.tol,
  controls: q.querySelectorAll('button, input').length,
  options: [...q.querySelectorAll('ol.d2l-sc-options > li')].map((li, i) => ({
    correct: li.dataset.correct === 'true',
    feedback: (q.querySelector(`[data-feedback="${i}"] span`) || {}).textContent || ''})),
  explanation: (q.querySelector('[data-feedback="explanation"]') || {}).textContent || '',
  live: !!q.querySelector('.d2l-sc-feedback[aria-live="polite"]'),
}))"""


def feedback_of(question) -> tuple[str, str]:
    """(right or wrong, text) of the feedback a question shows now."""
    box = question.locator(".d2l-sc-feedback")
    verdict = "right" if "d2l-sc-right" in (box.get_attribute("class") or "") else (
        "wrong" if "d2l-sc-wrong" in (box.get_attribute("class") or "") else "none")
    return verdict, " ".join(box.inner_text().split())


def answer_wrongly_then_rightly(page, q: dict) -> list[str]:
    """Answer one question wrongly, then rightly (the right answer by keyboard), checking the feedback each time."""
    question = page.locator(f"#{q['id']}")
    question.scroll_into_view_if_needed()
    problems = []

    def expect(verdict: str, text: str, step: str):
        got, shown = feedback_of(question)
        if got != verdict or " ".join(text.split()) not in shown:
            problems.append(f"{q['id']} ({q['kind']}), {step}: shows {got} {shown[:120]!r}, "
                            f"expected {verdict} with {text[:60]!r}")  # fmt: skip

    if q["kind"] == "single":
        wrong = next(i for i, o in enumerate(q["options"]) if not o["correct"])
        right = next(i for i, o in enumerate(q["options"]) if o["correct"])
        choices = question.locator("button.d2l-sc-choice")
        choices.nth(wrong).click()
        expect("wrong", q["options"][wrong]["feedback"], "wrong option clicked")
        choices.nth(right).focus()
        page.keyboard.press("Enter")
        expect("right", q["options"][right]["feedback"], "right option chosen with the keyboard")
        if choices.nth(right).get_attribute("aria-pressed") != "true":
            problems.append(f"{q['id']}: the chosen option does not report aria-pressed")
    elif q["kind"] == "multiple":
        boxes = question.locator("input[type=checkbox]")
        wrong = next(i for i, o in enumerate(q["options"]) if not o["correct"])
        boxes.nth(wrong).check()
        question.locator("button.d2l-sc-submit").click()
        expect("wrong", q["options"][wrong]["feedback"], "a wrong option ticked")
        for i, o in enumerate(q["options"]):
            boxes.nth(i).focus()
            if boxes.nth(i).is_checked() != o["correct"]:
                page.keyboard.press("Space")
        question.locator("button.d2l-sc-submit").focus()
        page.keyboard.press("Enter")
        expect("right", next(o["feedback"] for o in q["options"] if o["correct"]), "the right options ticked")
    else:
        field = question.locator("input[type=text]")
        field.fill(str(float(q["answer"]) + 10 * float(q["tol"]) + 1))
        question.locator("button.d2l-sc-submit").click()
        expect("wrong", "Not quite", "a wrong number")
        field.fill(q["answer"])
        field.press("Enter")
        expect("right", q["explanation"], "the right number")
    return problems


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_self_checks_answer_back_in_the_browser(visit, chapter):
    """On the static page every question becomes interactive; one (of a kind that varies by chapter) is answered
    wrongly, then rightly, and shows the matching feedback; no request fails and no script errs."""
    v = visit(chapter)
    questions = v.page.evaluate(SELFCHECK_STATE)
    problems = [f"{q['id']}: not made interactive" for q in questions if not q["ready"] or not q["controls"]]
    problems += [f"{q['id']}: feedback is not announced (aria-live)" for q in questions if not q["live"]]
    problems += [f"{q['id']}: an option without feedback" for q in questions
                 if any(not o["feedback"].strip() for o in q["options"])]  # fmt: skip
    problems += [f"{q['id']}: no explanation" for q in questions if q["kind"] == "numeric" and not q["explanation"]]
    assert len(questions) == selfcheck_count(chapter)
    kind = ("single", "multiple", "numeric")[CHAPTERS.index(chapter) % 3]
    chosen = next((q for q in questions if q["kind"] == kind), questions[0])
    problems += answer_wrongly_then_rightly(v.page, chosen)
    problems = v.problems + problems
    assert problems == [], f"{chapter}:\n  " + "\n  ".join(problems)


def test_self_checks_without_javascript_still_show_the_question(browser, server):
    """With JavaScript off, the question, its options and the collapsed answers are there to read."""
    chapter = CHAPTERS[1] if len(CHAPTERS) > 1 else CHAPTERS[0]
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server}{chapter}.html", wait_until="load")
        first = page.locator("div.d2l-selfcheck").first
        assert first.locator(".d2l-sc-question").is_visible()
        assert first.locator("details > summary").is_visible()
        if first.get_attribute("data-kind") != "numeric":
            assert first.locator("ol.d2l-sc-options > li").count() >= 2
            assert first.locator("ol.d2l-sc-options > li").first.is_visible()
        assert first.locator("button").count() == 0  # no dead controls
    finally:
        context.close()
