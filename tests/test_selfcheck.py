"""Self-check questions: their HTML and plain text for each kind, determinism, and bad input."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import torch
from bs4 import BeautifulSoup

import d2lmini
from d2lmini import Option, SelfCheck, selfcheck
from d2lmini.selfcheck import CSS, format_value


def single() -> SelfCheck:
    x = torch.tensor([100.0, 101.0, 102.0])
    return selfcheck(
        "Which of these is `torch.softmax(x, dim=0)` for `x = [100, 101, 102]`?",
        [Option(torch.softmax(x, dim=0), correct=True, feedback="Softmax ignores a shift: same as [0, 1, 2]."),
         Option(x / x.sum(), feedback="Dividing by the sum is not softmax."),
         Option(torch.exp(x) / torch.exp(x).sum(), feedback="exp(100) overflows float32: inf / inf."),
         Option("<b>not</b> a tag", feedback="Text is escaped: a < b & c.")],
        shuffle=False,  # the written order, so that the tests below can name positions
    )  # fmt: skip


def multiple() -> SelfCheck:
    return selfcheck(
        "Which calls give a float tensor?",
        [Option("`torch.ones(2)`", correct=True, feedback="float32 by default."),
         Option("`torch.arange(2) / 2`", correct=True, feedback="True division gives floats."),
         Option("`torch.arange(2)`", feedback="int64, from Python ints.")],
        multiple=True,
        shuffle=False,
    )  # fmt: skip


def numeric() -> SelfCheck:
    conv = torch.nn.Conv2d(1, 1, kernel_size=5)
    return selfcheck("How wide is the output of a 5 x 5 convolution on a 28 x 28 image?",
                     answer=conv(torch.zeros(1, 1, 28, 28)).shape[-1], tol=0.5,
                     explanation="28 - 5 + 1 = 24.")  # fmt: skip


def page(check: SelfCheck) -> BeautifulSoup:
    return BeautifulSoup(check.html, "html.parser")


# --- Each kind ---------------------------------------------------------------------------------------------


def test_single_choice_html_and_text():
    check = single()
    assert check.kind == "single"
    root = page(check).select_one("div.d2l-selfcheck")
    assert root["data-kind"] == "single" and root["id"] == check.id and root["role"] == "group"
    assert root.select_one(f"#{check.id}-q").get_text().startswith("Which of these is torch.softmax(x, dim=0)")
    options = root.select("ol.d2l-sc-options > li")
    assert [li["data-correct"] for li in options] == ["true", "false", "false", "false"]
    assert options[0].get_text() == "[0.0900, 0.2447, 0.6652]"  # computed by torch, printed with 4 decimals
    assert options[2].get_text() == "[nan, nan, nan]"
    assert options[3].get_text() == "<b>not</b> a tag" and options[3].select("b") == []  # escaped
    feedback = root.select("details [data-feedback]")
    assert len(feedback) == 4 and feedback[1].get_text() == "B: wrong. Dividing by the sum is not softmax."
    assert root.select_one("[aria-live=polite].d2l-sc-feedback") is not None
    assert "src=" not in check.html and "http" not in check.html  # nothing loaded from anywhere
    assert check.text == (
        "Self-check: Which of these is `torch.softmax(x, dim=0)` for `x = [100, 101, 102]`?\n"
        "  A. `[0.0900, 0.2447, 0.6652]`\n"
        "  B. `[0.3300, 0.3333, 0.3366]`\n"
        "  C. `[nan, nan, nan]`\n"
        "  D. <b>not</b> a tag\n"
        "Answers:\n"
        "  A: right. Softmax ignores a shift: same as [0, 1, 2].\n"
        "  B: wrong. Dividing by the sum is not softmax.\n"
        "  C: wrong. exp(100) overflows float32: inf / inf.\n"
        "  D: wrong. Text is escaped: a < b & c."
    )


def test_multiple_choice_says_select_all():
    check = multiple()
    root = page(check).select_one("div.d2l-selfcheck")
    assert check.kind == root["data-kind"] == "multiple"
    assert "Select all that apply" in root.select_one(".d2l-sc-question").get_text()
    assert [li["data-correct"] for li in root.select("ol > li")] == ["true", "true", "false"]
    assert root.select_one("ol > li code").get_text() == "torch.ones(2)"
    assert check.text.splitlines()[:2] == ["Self-check: Which calls give a float tensor?", "(Select all that apply.)"]


def test_numeric_question():
    check = numeric()
    root = page(check).select_one("div.d2l-selfcheck")
    assert check.kind == root["data-kind"] == "numeric"
    assert (root["data-answer"], root["data-tol"]) == ("24", "0.5")
    assert root.select("ol") == []
    assert root.select_one('details [data-feedback="explanation"]').get_text() == "The answer is 24. 28 - 5 + 1 = 24."
    assert check.text == (
        "Self-check: How wide is the output of a 5 x 5 convolution on a 28 x 28 image?\n"
        "Answer: 24 (within 0.5). 28 - 5 + 1 = 24."
    )


def test_values_are_formatted_the_same_everywhere():
    assert format_value(torch.Size([2, 3])) == "`(2, 3)`"
    assert format_value(torch.tensor([1, 2])) == "`[1, 2]`"
    assert format_value(0.1 + 0.2) == "`0.3000`"
    assert format_value((3,)) == "`(3,)`"
    assert format_value(torch.tensor(float("inf"))) == "`inf`"
    assert format_value("as `is`") == "as `is`"


def test_readable_without_javascript():
    """Without JavaScript the question, its options and the collapsed answers are plain HTML."""
    root = page(single())
    assert root.select_one("details > summary").get_text() == "Show the answers"
    assert len(root.select("ol > li")) == 4
    no_script = root.select_one("div.d2l-selfcheck")
    for el in no_script.select("script, style"):
        el.decompose()
    assert "Which of these is" in no_script.get_text() and "[nan, nan, nan]" in no_script.get_text()


def test_displays_as_html_and_plain_text():
    check = multiple()
    assert check._repr_mimebundle_() == {"text/html": check.html, "text/plain": check.text}
    assert str(check) == check.text


def test_in_ipython_it_displays_once_as_display_data():
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "import d2lmini\n"
        "shown = []\n"
        "ip.display_pub.publish = lambda data, metadata=None, **kw: shown.append(sorted(data))\n"
        "ip.run_cell('import d2lmini\\nd2lmini.selfcheck(\"Q?\", answer=3, tol=0.5, explanation=\"e\")')\n"
        "print(shown)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    # one display_data with both parts and no execute_result (a terminal shell still prints an empty "Out[0]: ")
    assert result.stdout.strip().splitlines()[-1].endswith(" [['text/html', 'text/plain']]"), result.stderr[-2000:]


# --- Deterministic: nbval compares the stored output ------------------------------------------------------


def test_same_question_same_output():
    for make in (single, multiple, numeric):
        a, b = make(), make()
        assert (a.html, a.text, a.id) == (b.html, b.text, b.id)
        assert re.fullmatch(r"d2l-sc-[0-9a-f]{12}", a.id)
    assert len({single().id, multiple().id, numeric().id}) == 3
    assert not re.search(r"0x[0-9a-f]{6,}|\d{4}-\d\d-\d\dT", single().html)  # no addresses, no timestamps


def test_output_is_the_same_in_another_process():
    code = "import sys; sys.path.insert(0, 'tests'); import test_selfcheck as t; print(t.single().id, t.numeric().id)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == [single().id, numeric().id], result.stderr[-2000:]


# --- Accessible: keyboard, announced feedback, contrast in light and dark mode ------------------------------


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colours_contrast_in_light_and_dark_mode():
    """The state colours mark borders and icons (WCAG non-text contrast >= 3:1); text inherits the theme's colour."""
    colours = dict(re.findall(r"--sc-(\w+):(#[0-9a-f]{6})", CSS))
    assert set(colours) == {"ok", "bad", "focus"}
    backgrounds = {"white": "#ffffff", "book dark": "#14181e", "book dark, behind HTML outputs": "#ced6dd",
                   "JupyterLab dark": "#111111", "Colab dark": "#1e1e1e"}
    for name, colour in colours.items():
        for where, background in backgrounds.items():
            assert contrast(colour, background) >= 3, (name, where)
    assert "color:inherit" in CSS and "focus-visible" in CSS
    assert ".d2l-selfcheck code{color:inherit" in CSS  # the theme's code colour may suit another background


def test_script_uses_real_controls_and_announces_feedback():
    from d2lmini.selfcheck import SCRIPT

    assert "createElement('button')" in SCRIPT and "box.type = 'checkbox'" in SCRIPT
    assert "aria-pressed" in SCRIPT and 'aria-live="polite"' in single().html
    assert "http" not in SCRIPT and "require(" not in SCRIPT and "import(" not in SCRIPT


# --- Bad input fails loudly, naming the question -------------------------------------------------------------


def opts(*options: Option) -> list[Option]:
    return list(options)


RIGHT = Option("yes", correct=True, feedback="because")
WRONG = Option("no", feedback="because not")
Q = "What does the first question of the chapter ask about tensors here?"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"options": [WRONG, Option("maybe", feedback="f")]}, ValueError, "no option is marked correct=True"),
        ({"answer": 3}, ValueError, "a numeric question needs a tolerance"),
        ({"answer": 3, "tol": 0, "explanation": "e"}, ValueError, "tol must be a positive number, got 0"),
        ({"answer": 3, "tol": -1, "explanation": "e"}, ValueError, "tol must be a positive number, got -1"),
        ({"answer": 3, "tol": 0.5}, ValueError, "a numeric question needs an explanation"),
        ({"answer": "3", "tol": 0.5, "explanation": "e"}, TypeError, "answer must be a finite number"),
        ({"answer": float("nan"), "tol": 0.5, "explanation": "e"}, TypeError, "answer must be a finite number"),
        ({"options": [RIGHT, Option("no")]}, ValueError, "option 'no' has no feedback"),
        ({"options": [RIGHT, Option("yes", feedback="again")]}, ValueError, "duplicate options yes"),
        ({"options": [Option(torch.tensor([1.0]), True, "a"), Option(torch.tensor([1.00001]), feedback="b")]},
         ValueError, "duplicate options `[1.0000]`"),
        ({"options": [RIGHT]}, ValueError, "needs at least two options, got 1"),
        ({"options": []}, ValueError, "needs at least two options, got 0"),
        ({"options": [RIGHT, Option("also", True, "f")]},
         ValueError, "2 options are marked correct; pass multiple=True"),
        ({"options": ["yes", "no"]}, TypeError, "wrap it as d2lmini.Option(text, correct=..., feedback='why')"),
        ({"options": "yes"}, TypeError, "options must be a list of d2lmini.Option"),
        ({"options": [Option("a", 1, "f"), WRONG]}, TypeError, "correct must be True or False"),
        ({}, ValueError, "no options and no answer"),
        ({"options": [RIGHT, WRONG], "answer": 1, "tol": 1}, ValueError, "not both"),
        ({"options": [RIGHT, WRONG], "tol": 1}, ValueError, "tol is for numeric questions"),
        ({"options": [RIGHT, WRONG], "multiple": "yes"}, TypeError, "multiple must be True or False"),
        ({"answer": 1, "tol": 1, "explanation": "e", "multiple": True}, ValueError, "multiple=True needs options"),
        ({"options": [RIGHT, WRONG], "explanation": None}, TypeError, "explanation must be a string"),
        ({"options": [RIGHT, WRONG], "shuffle": 1}, TypeError, "shuffle must be True or False"),
    ],
    ids=["no-correct", "no-tol", "zero-tol", "negative-tol", "no-explanation", "answer-text", "answer-nan",
         "no-feedback", "duplicate", "duplicate-after-rounding", "one-option", "no-options", "two-correct",
         "strings", "options-string", "correct-int", "nothing", "both", "tol-without-answer", "multiple-str",
         "numeric-multiple", "explanation-none", "shuffle-int"],
)  # fmt: skip
def test_bad_question_raises_naming_it(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)) as info:
        selfcheck(Q, **kwargs)
    assert "self-check question 'What does the first question of the chapter ...'" in str(info.value)


def test_empty_question_is_refused():
    with pytest.raises(TypeError, match="question must be a non-empty string"):
        selfcheck("  ", [RIGHT, WRONG])


def test_options_are_shown_in_an_order_fixed_by_the_question():
    options = [Option(f"option {i}", correct=i == 0, feedback=f"why {i}") for i in range(4)]
    questions = [f"Question {n}: which option is right?" for n in range(12)]
    shown = [selfcheck(q, options).options for q in questions]
    for q, order in zip(questions, shown):
        assert sorted(order, key=lambda o: o.text) == options  # the same options, texts and feedback kept
        assert selfcheck(q, options).options == order  # the same order on every call (and machine: crc32)
    assert len({[o.text for o in order].index("option 0") for order in shown}) > 1  # the right one moves
    assert selfcheck(questions[0], options, shuffle=False).options == tuple(options)


def test_several_correct_options_with_multiple():
    check = selfcheck(Q, [RIGHT, Option("also", True, "f"), WRONG], multiple=True)
    assert check.kind == "multiple"
    assert d2lmini.selfcheck(Q, [RIGHT, WRONG], multiple=True).kind == "multiple"  # one right option is allowed


def test_numeric_answers_hide_the_last_bits_of_float32():
    """Two machines may differ in the last bits of a float32 result; page, text and id must not."""
    a = selfcheck("Loss?", answer=0.5108256, tol=0.005, explanation="-log(0.6)")
    b = selfcheck("Loss?", answer=0.5108257, tol=0.005, explanation="-log(0.6)")
    assert (a.html, a.text, a.id) == (b.html, b.text, b.id)
    assert 'data-answer="0.5108" data-tol="0.005"' in a.html
    assert a.text == "Self-check: Loss?\nAnswer: 0.5108 (within 0.005). -log(0.6)"
    assert selfcheck("Count?", answer=7850.0, tol=0.5, explanation="e").text.startswith("Self-check: Count?\nAnswer: 7850 ")
