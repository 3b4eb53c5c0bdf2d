"""The public API: what ``d2lmini`` exports, and that each export is tested."""

from __future__ import annotations

import ast
import re
import types
from pathlib import Path

import d2lmini

TESTS = Path(__file__).parent
PUBLIC = sorted(name for name, value in vars(d2lmini).items()
                if not name.startswith("_") and not isinstance(value, types.ModuleType))  # fmt: skip


def test_exports_are_stable():
    # names are only ever added within a major version; extend this list, never shrink it
    expected = {
        "Accumulator", "Animator", "DatasetError", "EpochStats", "FASHION_MNIST_LABELS", "InMemoryLoader", "LayerSummary",
        "Option", "SelfCheck", "selfcheck",
        "Timer", "accuracy", "confusion_matrix", "cpu", "cross_entropy", "data_dirs", "data_iter",
        "evaluate_accuracy", "fashion_mnist_torchvision", "find_fashion_mnist", "get_fashion_mnist_labels",
        "in_notebook", "linreg", "load_array", "load_data_fashion_mnist", "model_device", "num_gpus", "plot",
        "predict", "predict_ch3", "read_fashion_mnist", "read_idx", "seed", "set_figsize", "sgd", "show_images",
        "softmax", "squared_loss", "summary", "synthetic_data", "train", "train_ch3", "train_epoch", "try_gpu",
        "use_png_display", "user_cache_dir",
    }  # fmt: skip
    assert expected <= set(PUBLIC)


def test_every_export_has_a_test():
    mine = [p for p in TESTS.glob("test_*.py")
            if p.name != Path(__file__).name and not p.name.startswith(("test_book", "test_notebook"))]  # fmt: skip
    sources = "\n".join(p.read_text() for p in mine)
    untested = [name for name in PUBLIC if not re.search(rf"\b{name}\b", sources)]
    assert untested == [], f"add tests for {untested}"


def test_aliases_and_version():
    assert d2lmini.train_ch3 is d2lmini.train
    assert d2lmini.predict_ch3 is d2lmini.predict
    assert issubclass(d2lmini.DatasetError, OSError)  # callers catching OSError keep working
    assert re.fullmatch(r"\d+\.\d+\.\d+", d2lmini.__version__)


def runtime_unions(source: str) -> list[int]:
    """Lines where ``X | Y`` is evaluated while Python 3.9 runs the code: outside annotations, at import
    (module and class bodies) or in ``isinstance``/``issubclass``. Tensors and ints may still use ``|``."""
    tree = ast.parse(source)
    annotations = {id(n) for node in ast.walk(tree) for n in ast.walk(getattr(node, "annotation", None) or ast.Pass())}
    annotations |= {id(n) for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                    for n in ast.walk(node.returns or ast.Pass())}  # fmt: skip
    bodies = [tree] + [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    at_import = [stmt for body in bodies for stmt in body.body
                 if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]  # fmt: skip
    type_checks = [call.args[1] for call in ast.walk(tree) if isinstance(call, ast.Call) and len(call.args) == 2
                   and getattr(call.func, "id", None) in ("isinstance", "issubclass")]  # fmt: skip
    return sorted({n.lineno for root in at_import + type_checks for n in ast.walk(root)
                   if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr) and id(n) not in annotations})  # fmt: skip


def test_import_works_on_python_3_9():
    assert runtime_unions("Alias = int | None\nclass A:\n    x = isinstance(1, int | str)\n") == [1, 3]
    assert runtime_unions("def f(x: int | None) -> str | None:\n    return x | 1\n") == []
    package = Path(d2lmini.__file__).parent
    for path in sorted(package.glob("*.py")):
        source = path.read_text()
        assert "from __future__ import annotations" in source or "|" not in source, path.name
        assert runtime_unions(source) == [], f"{path.name}: use typing.Union/Optional there (Python 3.9)"
