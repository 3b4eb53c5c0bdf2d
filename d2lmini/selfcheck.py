"""Self-check questions that answer back on the static web page and in notebooks alike.

A chapter asks a question in a code cell tagged ``hide-input``::

    d2lmini.selfcheck(
        "What is the shape of `torch.ones(3, 1) + torch.ones(2)`?",
        [d2lmini.Option((torch.ones(3, 1) + torch.ones(2)).shape, correct=True, feedback="Broadcasting ..."),
         d2lmini.Option("an error", feedback="The trailing sizes 1 and 2 are compatible ...")],
    )

The cell's output is one self-contained HTML block (inline CSS and JavaScript,
nothing loaded from anywhere) plus a plain-text version of the question. In
Jupyter, JupyterLab and Colab the freshly run cell is interactive; on the book's
static page the stored output is, without a kernel; with JavaScript off the
question, its options and (collapsed) its answers are still readable. Options
may be tensors, sizes or numbers computed in the cell, so a question can never
disagree with PyTorch. The output is the same on every machine: element ids
are derived from the question, numbers are printed with 4 decimals.
"""

from __future__ import annotations

import hashlib
import html
import math
import numbers
import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

import torch

from ._checks import check_selfcheck

__all__ = ["Option", "SelfCheck", "selfcheck"]

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Option:
    """One answer option of a multiple-choice question.

    ``text`` is a string (backticks mark code) or a value computed in the cell:
    a tensor, a ``torch.Size``, a number, a tuple or list of numbers.
    ``feedback`` says why the option is right or wrong; it is required.
    """

    text: Any
    correct: bool = False
    feedback: str = ""


def format_value(value) -> str:
    """An option's text: strings as they are, numbers and tensors printed the same on every machine."""
    if isinstance(value, str):
        return value
    if isinstance(value, torch.Size):
        return f"`{tuple(value)}`"
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().tolist()
    return f"`{_plain(value)}`"


def _plain(value) -> str:
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_plain(v) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, bool) or isinstance(value, numbers.Integral):
        return str(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return f"{value:.4f}"
    return str(value)


def _number(value: float, tol: float) -> str:
    """A numeric answer as the page and the text show it: rounded to a tenth of the tolerance's first digit,
    so that the last bits of a float32 result, which differ between machines, never show."""
    decimals = max(0, 1 - math.floor(math.log10(tol)))
    text = f"{round(float(value), decimals):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _inline(text: str) -> str:
    """Escape ``text`` for HTML and turn `code` into <code>code</code>."""
    parts = CODE.split(text)
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


@dataclass(frozen=True)
class SelfCheck:
    """A checked self-check question; ``selfcheck`` builds it. Displayed, it shows ``html`` (``text`` as plain text)."""

    question: str
    options: tuple  # of Option with their text formatted
    multiple: bool = False
    answer: Optional[float] = None
    tol: Optional[float] = None
    explanation: str = ""

    @property
    def kind(self) -> str:
        """``"single"``, ``"multiple"`` or ``"numeric"``."""
        return "numeric" if self.answer is not None else "multiple" if self.multiple else "single"

    @property
    def id(self) -> str:
        """The HTML id, a hash of the question, so that the same question gives the same page on every machine."""
        answer = None if self.answer is None else _number(self.answer, self.tol)  # as shown: machine-independent
        key = repr((self.question, [(o.text, o.correct, o.feedback) for o in self.options], answer, self.tol))
        return "d2l-sc-" + hashlib.sha256(key.encode("utf8")).hexdigest()[:12]

    @property
    def text(self) -> str:
        """The question as plain text, with its options and then the answers and their feedback."""
        lines = [f"Self-check: {self.question}"]
        if self.kind == "numeric":
            lines += [f"Answer: {_number(self.answer, self.tol)} (within {self.tol:g}). {self.explanation}"]
            return "\n".join(lines)
        if self.multiple:
            lines.append("(Select all that apply.)")
        lines += [f"  {LETTERS[i]}. {o.text}" for i, o in enumerate(self.options)]
        lines.append("Answers:")
        lines += [f"  {LETTERS[i]}: {'right' if o.correct else 'wrong'}. {o.feedback}"
                  for i, o in enumerate(self.options)]  # fmt: skip
        if self.explanation:
            lines.append(self.explanation)
        return "\n".join(lines)

    @property
    def html(self) -> str:
        """The self-contained HTML block (inline CSS and JavaScript; readable without JavaScript)."""
        i = self.id
        attrs = f'class="d2l-selfcheck" id="{i}" data-kind="{self.kind}" role="group" aria-labelledby="{i}-q"'
        if self.kind == "numeric":
            attrs += f' data-answer="{_number(self.answer, self.tol)}" data-tol="{self.tol:g}"'
        hint = " <em>(Select all that apply.)</em>" if self.multiple else ""
        parts = [f"<div {attrs}>", f"<style>{CSS}</style>", '<p class="d2l-sc-label">Self-check</p>',
                 f'<p class="d2l-sc-question" id="{i}-q">{_inline(self.question)}{hint}</p>']  # fmt: skip
        if self.kind == "numeric":
            parts += [f'<details class="d2l-sc-answer"><summary>Show the answer</summary>',
                      f'<p data-feedback="explanation">The answer is {_number(self.answer, self.tol)}. '
                      f"{_inline(self.explanation)}</p></details>"]  # fmt: skip
        else:
            parts.append('<ol class="d2l-sc-options" type="A">')
            parts += [f'<li data-correct="{str(o.correct).lower()}"><span class="d2l-sc-text">{_inline(o.text)}</span></li>'
                      for o in self.options]  # fmt: skip
            parts += ['</ol>', '<details class="d2l-sc-answer"><summary>Show the answers</summary><ul>']
            parts += [f'<li data-feedback="{n}"><strong>{LETTERS[n]}: {"right" if o.correct else "wrong"}.</strong> '
                      f"<span>{_inline(o.feedback)}</span></li>" for n, o in enumerate(self.options)]  # fmt: skip
            parts.append("</ul>")
            if self.explanation:
                parts.append(f'<p data-feedback="explanation">{_inline(self.explanation)}</p>')
            parts.append("</details>")
        parts += ['<div class="d2l-sc-feedback" aria-live="polite"></div>',
                  f"<script>{SCRIPT}\nd2lSelfcheck(document.currentScript ? document.currentScript.parentNode"
                  f' : document.getElementById("{i}"));</script>', "</div>"]  # fmt: skip
        return "\n".join(parts)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "text/plain": self.text}

    def _ipython_display_(self):
        from IPython.display import display

        display({"text/html": self.html, "text/plain": self.text}, raw=True)

    def __str__(self) -> str:
        return self.text


def selfcheck(question: str, options: Optional[Sequence[Option]] = None, *, multiple: bool = False,
              answer=None, tol=None, explanation: str = "", shuffle: bool = True) -> SelfCheck:  # fmt: skip
    """A self-check question, displayed as an interactive block that also works on the static page.

    Three kinds:

    - multiple choice with one right option: ``selfcheck(question, [Option(...), ...])``;
    - several right options ("select all that apply", checked with a Submit
      button): the same with ``multiple=True``;
    - a numeric answer: ``selfcheck(question, answer=14, tol=0.5, explanation=...)``;
      any answer within ``tol > 0`` of ``answer`` counts (``tol=0.5`` for an int).

    Every option needs ``feedback``; a numeric question needs an ``explanation``
    of the computation. The options are shown in an order fixed by the question
    (the same on every machine), not in the order written, so that the right
    answer is not always "A"; ``shuffle=False`` keeps the written order, for
    options with a natural order such as numbers. Compute options and answers
    in the cell with PyTorch (an option's text may be a tensor or a size), so
    they cannot be wrong.

    Returns:
        A :class:`SelfCheck`; as the last expression of a cell it displays itself
        (``text/html`` and a plain-text ``text/plain``).

    Raises:
        ValueError, TypeError: for a question that cannot be answered as written, naming the question.
    """
    check_selfcheck(question, options, multiple, answer, tol, explanation, shuffle)
    if answer is not None:
        return SelfCheck(question, (), False, float(answer), float(tol), explanation)
    formatted = [Option(format_value(o.text), o.correct, o.feedback) for o in options]
    if shuffle:
        random.Random(zlib.crc32(question.encode("utf8"))).shuffle(formatted)
    return SelfCheck(question, tuple(formatted), multiple, None, None, explanation)


# Colours only mark borders and icons (text, code included, inherits the page's colour): each has a contrast of at
# least 3.2:1 against white, against the dark backgrounds of JupyterLab and Colab, and against the light grey on
# which the book's dark theme shows HTML outputs, so no theme switch is needed.
CSS = (
    ".d2l-selfcheck{--sc-ok:#2f7d32;--sc-bad:#d62828;--sc-focus:#1971c2;color:inherit;background:transparent;"
    "border:1px solid rgba(128,128,128,.6);border-left:4px solid var(--sc-focus);border-radius:4px;"
    "padding:.4em 1em .6em;margin:1em 0;line-height:1.5}"
    ".d2l-selfcheck .d2l-sc-label{font-weight:bold;margin:.2em 0}"
    ".d2l-selfcheck code{color:inherit;background:rgba(128,128,128,.15);padding:0 .2em;border-radius:3px}"
    ".d2l-selfcheck .d2l-sc-question{margin:.2em 0 .5em}"
    ".d2l-selfcheck ol{margin:.3em 0;padding-left:2em}"
    ".d2l-selfcheck.d2l-sc-js ol{list-style:none;padding-left:0}"
    ".d2l-selfcheck.d2l-sc-js li{margin:.3em 0}"
    ".d2l-selfcheck button,.d2l-selfcheck input{font:inherit;color:inherit;background:transparent;"
    "border:1px solid currentColor;border-radius:4px;padding:.2em .6em;cursor:pointer}"
    ".d2l-selfcheck input[type=text]{width:8em;cursor:text}"
    ".d2l-selfcheck input[type=checkbox]{width:1.1em;height:1.1em;vertical-align:middle;margin-right:.4em}"
    ".d2l-selfcheck button.d2l-sc-choice{text-align:left;width:100%}"
    ".d2l-selfcheck button.d2l-sc-choice[aria-pressed=true]{border-width:2px}"
    ".d2l-selfcheck .d2l-sc-letter{font-weight:bold;margin-right:.5em}"
    ".d2l-selfcheck button:focus-visible,.d2l-selfcheck input:focus-visible,.d2l-selfcheck summary:focus-visible"
    "{outline:3px solid var(--sc-focus);outline-offset:2px}"
    ".d2l-selfcheck .d2l-sc-feedback:empty{display:none}"
    ".d2l-selfcheck .d2l-sc-feedback{margin-top:.5em;padding:.3em .8em;border-left:4px solid currentColor}"
    ".d2l-selfcheck .d2l-sc-feedback.d2l-sc-right{border-left-color:var(--sc-ok)}"
    ".d2l-selfcheck .d2l-sc-feedback.d2l-sc-wrong{border-left-color:var(--sc-bad)}"
    ".d2l-selfcheck .d2l-sc-right .d2l-sc-mark{color:var(--sc-ok)}"
    ".d2l-selfcheck .d2l-sc-wrong .d2l-sc-mark{color:var(--sc-bad)}"
    ".d2l-selfcheck.d2l-sc-js[data-kind=single] details,.d2l-selfcheck.d2l-sc-js[data-kind=multiple] details"
    "{display:none}"
    ".d2l-selfcheck details{margin-top:.4em}"
)

# Plain ES5, no dependencies; defined once per page, attached to each block by its own script.
SCRIPT = r"""window.d2lSelfcheck = window.d2lSelfcheck || function (root) {
  if (!root || root.getAttribute('data-ready')) { return; }
  root.setAttribute('data-ready', 'true');
  root.className += ' d2l-sc-js';
  var kind = root.getAttribute('data-kind');
  var out = root.querySelector('.d2l-sc-feedback');
  function feedback(n) {
    var el = root.querySelector('[data-feedback="' + n + '"] span') || root.querySelector('[data-feedback="' + n + '"]');
    return el ? el.innerHTML : '';
  }
  function say(right, head, body) {
    out.className = 'd2l-sc-feedback ' + (right ? 'd2l-sc-right' : 'd2l-sc-wrong');
    out.innerHTML = '<p><span class="d2l-sc-mark" aria-hidden="true">' + (right ? '\u2713 ' : '\u2717 ') +
      '</span><strong>' + head + '</strong> ' + body + '</p>';
  }
  var items = root.querySelectorAll('ol.d2l-sc-options > li');
  var letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  if (kind === 'single') {
    var buttons = [];
    for (var i = 0; i < items.length; i++) {
      (function (n, li) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'd2l-sc-choice';
        b.setAttribute('aria-pressed', 'false');
        b.innerHTML = '<span class="d2l-sc-letter">' + letters[n] + '</span>' + li.innerHTML;
        b.addEventListener('click', function () {
          for (var k = 0; k < buttons.length; k++) { buttons[k].setAttribute('aria-pressed', String(k === n)); }
          var right = li.getAttribute('data-correct') === 'true';
          say(right, right ? 'Right.' : 'Not quite.', feedback(n));
        });
        li.innerHTML = '';
        li.appendChild(b);
        buttons.push(b);
      })(i, items[i]);
    }
  } else if (kind === 'multiple') {
    var boxes = [];
    for (var j = 0; j < items.length; j++) {
      var label = document.createElement('label');
      var box = document.createElement('input');
      box.type = 'checkbox';
      label.appendChild(box);
      label.insertAdjacentHTML('beforeend', '<span class="d2l-sc-letter">' + letters[j] + '</span>' + items[j].innerHTML);
      items[j].innerHTML = '';
      items[j].appendChild(label);
      boxes.push(box);
    }
    var submit = document.createElement('button');
    submit.type = 'button';
    submit.className = 'd2l-sc-submit';
    submit.textContent = 'Submit';
    root.querySelector('ol.d2l-sc-options').insertAdjacentElement('afterend', submit);
    submit.addEventListener('click', function () {
      var wrong = [], body = '';
      for (var k = 0; k < boxes.length; k++) {
        var right = items[k].getAttribute('data-correct') === 'true';
        if (boxes[k].checked !== right) { wrong.push(k); }
      }
      var show = wrong.length ? wrong : [];
      if (!wrong.length) {
        for (var m = 0; m < boxes.length; m++) { if (boxes[m].checked) { show.push(m); } }
      }
      for (var s = 0; s < show.length; s++) {
        body += '<br><strong>' + letters[show[s]] + ':</strong> ' + feedback(show[s]);
      }
      say(!wrong.length, wrong.length ? 'Not quite: ' + wrong.length + ' of ' + boxes.length +
          ' options are marked wrongly.' : 'Right: exactly these options hold.', body);
    });
  } else if (kind === 'numeric') {
    var form = document.createElement('p');
    var id = root.id + '-input';
    form.innerHTML = '<label for="' + id + '">Your answer: </label><input type="text" inputmode="decimal" ' +
      'autocomplete="off" id="' + id + '"> <button type="button" class="d2l-sc-submit">Check</button>';
    root.querySelector('.d2l-sc-question').insertAdjacentElement('afterend', form);
    var input = form.querySelector('input');
    var answer = parseFloat(root.getAttribute('data-answer'));
    var tol = parseFloat(root.getAttribute('data-tol'));
    var check = function () {
      var text = input.value.replace(/,/g, '').trim();
      var x = Number(text);
      if (text === '' || isNaN(x)) { say(false, 'Not a number.', 'Type a number, e.g. 12 or 0.5.'); return; }
      if (Math.abs(x - answer) <= tol) { say(true, 'Right.', feedback('explanation')); }
      else { say(false, 'Not quite.', 'Try again, or open "Show the answer" below.'); }
    };
    form.querySelector('button').addEventListener('click', check);
    input.addEventListener('keydown', function (e) { if (e.key === 'Enter') { check(); } });
  }
};"""
