"""The public API: what ``d2lmini`` exports, and that each export is tested."""

from __future__ import annotations

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
