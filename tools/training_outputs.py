"""Find the chapter cells that print results of floating-point training.

Losses, accuracies and learned weights differ in their last digits between CPU
kinds (AVX-512, AVX2, ...), thread counts and GPUs, so nbval must not compare
them digit by digit: such a cell carries the tag ``nbval-ignore-output`` and
the claims it supports are asserted, with margins, in a hidden cell.

The rule, read from the cells' Python source (``ast``) and stored outputs:

- A cell *trains* when it runs a training step: ``train``, ``train_ch3``,
  ``train_epoch`` or ``sgd`` called with two or more arguments (so not the
  mode switch ``net.train(False)``), any ``.step()``, or an
  in-place update from a gradient (``w -= lr * w.grad``); directly or through
  a function or lambda the notebook defines.
- Training *taints* the data names the training cell reads or binds (the model,
  its parameters, the loaders, the history); not imports or functions. A later
  cell that reads a tainted name taints the names it binds; a cell that binds a
  name afresh from clean values cleans it.
- A code cell that trains or reads a tainted name, and whose stored text output
  shows a decimal number, prints a training result.
- Self-check cells (``d2lmini.selfcheck(...)``) are skipped: they are
  self-contained, print their numbers rounded by ``selfcheck`` and neither
  taint nor clean the chapter's names.
"""

from __future__ import annotations

import ast
import re

IGNORE_TAG = "nbval-ignore-output"
TRAINING_CALLS = {"train", "train_ch3", "train_epoch", "sgd"}
DECIMAL = re.compile(r"\d\.\d|\de[-+]?\d")
MAGIC = re.compile(r"^(\s*)(?:%|!(?!=)).*$", re.M)  # %xmode, !pip; not a continued "!= x"
SELFCHECK = re.compile(r"\bselfcheck\s*\(")


def parse(source: str) -> ast.Module:
    """A code cell's source as Python, with IPython magics replaced by ``pass``."""
    return ast.parse(MAGIC.sub(r"\1pass", source))


def executed_nodes(tree: ast.AST):
    """Every node a cell runs when executed: function and class bodies excluded."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))


def called_name(call: ast.Call) -> str:
    """``f`` for ``f(...)`` and ``a.b.f(...)``."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def is_training_step(node: ast.AST, trainers: set[str]) -> bool:
    if isinstance(node, ast.Call):
        name = called_name(node)
        if name in TRAINING_CALLS:
            return len(node.args) + len(node.keywords) >= 2  # not the mode switch net.train(False)
        return name in trainers or (name == "step" and isinstance(node.func, ast.Attribute))
    return isinstance(node, ast.AugAssign) and any(
        isinstance(n, ast.Attribute) and n.attr == "grad" for n in ast.walk(node.value)
    )


def functions(trees: list[ast.Module]) -> dict[str, ast.AST]:
    """The functions the notebook defines: ``def name`` and ``name = lambda ...``."""
    found: dict[str, ast.AST] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[node.name] = node
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
                found.update({t.id: node.value for t in node.targets if isinstance(t, ast.Name)})
    return found


def training_functions(trees: list[ast.Module]) -> set[str]:
    """The training calls plus every notebook function that (transitively) trains."""
    defined, trainers = functions(trees), set(TRAINING_CALLS)
    grew = True
    while grew:
        new = {name for name, fn in defined.items()
               if name not in trainers and any(is_training_step(n, trainers) for n in ast.walk(fn))}  # fmt: skip
        trainers |= new
        grew = bool(new)
    return trainers


def binds(tree: ast.AST) -> set[str]:
    return {n.id for n in executed_nodes(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def reads(tree: ast.AST) -> set[str]:
    """Names a cell reads before binding them itself (loop and comprehension variables are its own)."""
    own = {n.id for node in executed_nodes(tree) if isinstance(node, (ast.For, ast.comprehension))
           for n in ast.walk(node.target) if isinstance(n, ast.Name)}  # fmt: skip
    first: dict[str, ast.expr_context] = {}
    nodes = [n for n in executed_nodes(tree) if isinstance(n, ast.Name)]
    for n in sorted(nodes, key=lambda n: (n.lineno, n.col_offset)):
        first.setdefault(n.id, n.ctx)
    return {name for name, ctx in first.items() if isinstance(ctx, ast.Load)} - own


def data_names(trees: list[ast.Module]) -> set[str]:
    """Names the notebook binds to data: not builtins, imports, functions or classes."""
    bound, code = set(), set(functions(trees))
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                code |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.ClassDef):
                code.add(node.name)
    return bound - code


def text_output(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "text/plain" in out.get("data", {}):
            parts.append(out["data"]["text/plain"])
    return "".join("".join(p) if isinstance(p, list) else p for p in parts)


def training_output_cells(nb) -> dict[int, str]:
    """``{cell index: why}`` for every code cell that prints a training result."""
    cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    trees = [parse(c.source) for _, c in cells]
    trainers, data = training_functions(trees), data_names(trees)
    tainted: set[str] = set()
    found = {}
    for (i, cell), tree in zip(cells, trees):
        if SELFCHECK.search(cell.source):
            continue
        read, bound = reads(tree) & data, binds(tree) & data
        trains = any(is_training_step(n, trainers) for n in executed_nodes(tree))
        dirty = sorted(read & tainted)
        if trains or dirty:
            tainted |= bound | (read if trains else set())
            if DECIMAL.search(text_output(cell)):
                found[i] = "it trains" if trains else f"it reads trained state ({', '.join(dirty[:4])})"
        else:
            tainted -= bound
    return found


def check_training_outputs(nb) -> list[str]:
    """Problems: training results that nbval would compare digit by digit."""
    return [
        f"cell {i}: prints floating-point training results ({why}) that nbval compares digit by digit; "
        f"tag it {IGNORE_TAG} and assert the claims it supports with margins in a hidden remove-cell cell"
        for i, why in training_output_cells(nb).items()
        if IGNORE_TAG not in nb.cells[i].get("metadata", {}).get("tags", [])
    ]
