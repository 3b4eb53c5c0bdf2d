"""Softmax, cross-entropy, accuracy, evaluation and the confusion matrix."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import d2lmini


def one_hot_batches(labels: list[list[int]], preds: list[list[int]], q: int = 3):
    """Batches ``(scores, y)`` whose argmax is ``preds``: an identity net then predicts exactly those."""
    return [(nn.functional.one_hot(torch.tensor(p), q).float(), torch.tensor(y)) for y, p in zip(labels, preds)]


def identity(X: torch.Tensor) -> torch.Tensor:
    return X


# ----------------------------------------------------------------- softmax


def test_softmax_matches_torch():
    X = torch.randn(5, 7)
    torch.testing.assert_close(d2lmini.softmax(X), torch.softmax(X, dim=-1))
    torch.testing.assert_close(d2lmini.softmax(X, dim=0), torch.softmax(X, dim=0))
    P = d2lmini.softmax(X)
    assert P.shape == (5, 7) and (P > 0).all()
    torch.testing.assert_close(P.sum(dim=1), torch.ones(5))


def test_softmax_stable_for_large_logits():
    X = torch.tensor([[1000.0, 1000.0], [1000.0, 0.0], [-1000.0, -1000.0]])
    P = d2lmini.softmax(X)
    assert torch.isfinite(P).all()
    torch.testing.assert_close(P, torch.tensor([[0.5, 0.5], [1.0, 0.0], [0.5, 0.5]]))
    torch.testing.assert_close(P, torch.softmax(X, dim=-1))


def test_softmax_keeps_gradients():
    X = torch.randn(3, 4, requires_grad=True)
    d2lmini.softmax(X)[:, 0].sum().backward()
    X2 = X.detach().clone().requires_grad_()
    torch.softmax(X2, dim=-1)[:, 0].sum().backward()
    torch.testing.assert_close(X.grad, X2.grad)


def test_softmax_needs_float():
    with pytest.raises(TypeError, match=r"X must be a floating-point tensor, got torch.int64; convert it with X.float\(\)"):
        d2lmini.softmax(torch.tensor([[1, 2, 3]]))


# ----------------------------------------------------------------- cross_entropy


def test_cross_entropy_values():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    loss = d2lmini.cross_entropy(y_hat, torch.tensor([0, 2]))
    assert loss.shape == (2,)
    torch.testing.assert_close(loss, torch.tensor([-math.log(0.1), -math.log(0.5)]))


def test_cross_entropy_of_softmax_matches_torch():
    logits, y = torch.randn(6, 4), torch.tensor([0, 1, 2, 3, 3, 0])
    torch.testing.assert_close(
        d2lmini.cross_entropy(d2lmini.softmax(logits), y),
        nn.functional.cross_entropy(logits, y, reduction="none"),
    )


def test_cross_entropy_keeps_inf_for_an_underflowed_probability():
    # the softmax-regression chapter shows this on purpose: inf here, exactly 200 from logits
    logits, y = torch.tensor([[0.0, 200.0, 0.0]]), torch.tensor([0])
    assert d2lmini.softmax(logits)[0, 0] == 0
    assert math.isinf(d2lmini.cross_entropy(d2lmini.softmax(logits), y).item())
    assert nn.functional.cross_entropy(logits, y).item() == 200.0
    assert "inf" in d2lmini.cross_entropy.__doc__ and "nn.CrossEntropyLoss" in d2lmini.cross_entropy.__doc__


def test_cross_entropy_accepts_low_precision_probabilities():
    P = d2lmini.softmax(torch.randn(64, 10)).to(torch.float16)  # rows sum to 1 only within float16's precision
    loss = d2lmini.cross_entropy(P, torch.arange(64) % 10)
    assert loss.dtype == torch.float16 and torch.isfinite(loss).all()
    assert d2lmini.cross_entropy(torch.empty(0, 3), torch.empty(0, dtype=torch.long)).shape == (0,)


@pytest.mark.parametrize("y_hat, fix", [
    (torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 0.3]]), "values from -1 to 2"),  # logits
    (torch.sigmoid(torch.tensor([[2.0, 1.0, 0.5], [0.1, 0.2, 0.3]])), "rows off 1 by up to"),  # sigmoid, not softmax
])  # fmt: skip
def test_cross_entropy_rejects_what_is_not_probabilities(y_hat, fix):
    expected = r"y_hat must hold probabilities .*" + fix + r".*use nn.CrossEntropyLoss, which takes logits"
    with pytest.raises(ValueError, match=expected):
        d2lmini.cross_entropy(y_hat, torch.tensor([0, 1]))


@pytest.mark.parametrize("y, lo, hi", [([0, 3], 0, 3), ([-1, 2], -1, 2)])
def test_cross_entropy_labels_out_of_range(y, lo, hi):
    with pytest.raises(ValueError, match=rf"labels must lie in \[0, 3\) for 3 classes, got values from {lo} to {hi}"):
        d2lmini.cross_entropy(torch.full((2, 3), 1 / 3), torch.tensor(y))


def test_cross_entropy_labels_must_be_integers():
    with pytest.raises(TypeError, match="labels must be an integer tensor of class indices, got torch.float32"):
        d2lmini.cross_entropy(torch.full((2, 3), 1 / 3), torch.tensor([0.0, 1.0]))


@pytest.mark.parametrize("y_hat, y", [(torch.ones(3), torch.tensor([0, 1, 2])), (torch.ones(2, 3), torch.tensor([0, 1, 2])),
                                      (torch.ones(2, 3), torch.tensor([[0], [1]]))])  # fmt: skip
def test_cross_entropy_shapes(y_hat, y):
    with pytest.raises(ValueError, match=r"expected y_hat of shape \(n, q\) and y of shape \(n,\)"):
        d2lmini.cross_entropy(y_hat, y)


# ----------------------------------------------------------------- accuracy


def test_accuracy_counts_correct_predictions():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5], [0.8, 0.1, 0.1]])
    count = d2lmini.accuracy(y_hat, torch.tensor([2, 0, 0]))
    assert count == 2.0 and isinstance(count, float)
    assert d2lmini.accuracy(torch.tensor([2, 0, 0]), torch.tensor([2, 1, 0])) == 2.0  # class indices
    assert d2lmini.accuracy(torch.empty(0, 3), torch.empty(0, dtype=torch.long)) == 0.0


def test_accuracy_of_class_indices_of_any_integer_dtype():
    assert d2lmini.accuracy(torch.tensor([2, 0, 1], dtype=torch.int32), torch.tensor([2, 1, 1])) == 2.0
    assert d2lmini.accuracy(torch.tensor([2, 0], dtype=torch.uint8), torch.tensor([2, 0])) == 2.0


def test_accuracy_rejects_float_class_indices():
    # float (n,) predictions used to be truncated: 1.7 counted as class 1
    with pytest.raises(TypeError, match=r"y_hat of shape \(n,\) must hold predicted class indices .* got torch.float32"):
        d2lmini.accuracy(torch.tensor([0.2, 1.7]), torch.tensor([0, 1]))


def test_accuracy_labels_out_of_range():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\) for 3 classes, got values from 0 to 5"):
        d2lmini.accuracy(torch.ones(2, 3), torch.tensor([0, 5]))


def test_accuracy_shape_mismatch():
    with pytest.raises(ValueError, match=r"predictions \(3,\) and labels \(2,\) do not match"):
        d2lmini.accuracy(torch.tensor([0, 1, 2]), torch.tensor([0, 1]))


# ----------------------------------------------------------------- model_device, evaluate_accuracy


def test_model_device():
    assert d2lmini.model_device(nn.Linear(2, 2)) == torch.device("cpu")
    assert d2lmini.model_device(nn.ReLU()) is None  # a module without parameters
    assert d2lmini.model_device(identity) is None


def test_evaluate_accuracy_weights_batches_by_size():
    # 4 of 4 right in the first batch, 0 of 2 in the smaller last batch: 4/6, not the mean 1/2 of batch accuracies
    batches = one_hot_batches([[0, 1, 2, 0], [1, 2]], [[0, 1, 2, 0], [0, 0]])
    assert d2lmini.evaluate_accuracy(identity, batches) == pytest.approx(4 / 6)


def test_evaluate_accuracy_puts_a_module_in_eval_mode():
    net = nn.Sequential(nn.Dropout(0.9), nn.Identity())
    batches = one_hot_batches([[0, 1, 2] * 20], [[0, 1, 2] * 20])
    assert d2lmini.evaluate_accuracy(net, batches) == 1.0  # dropout off, or accuracy would drop
    assert not net.training


def test_evaluate_accuracy_runs_without_gradients():
    net = nn.Linear(3, 3)
    seen = []
    net.register_forward_hook(lambda m, i, o: seen.append(o.requires_grad))
    d2lmini.evaluate_accuracy(net, one_hot_batches([[0, 1]], [[0, 1]]))
    assert seen == [False]


def test_evaluate_accuracy_empty():
    with pytest.raises(ValueError, match="data_iter yielded no examples"):
        d2lmini.evaluate_accuracy(identity, [])


# ----------------------------------------------------------------- confusion_matrix


def test_confusion_matrix_counts():
    batches = one_hot_batches([[0, 0, 1, 2], [2, 2]], [[0, 1, 1, 0], [2, 2]])
    C = d2lmini.confusion_matrix(identity, batches, 3)
    assert C.dtype == torch.int64 and C.device.type == "cpu"
    assert C.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]  # rows: true class, columns: predicted
    assert int(C.trace()) == 4 and int(C.sum()) == 6


def test_confusion_matrix_labels_out_of_range():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\) for 3 classes, got values from 0 to 3"):
        d2lmini.confusion_matrix(identity, [(torch.eye(3)[[0, 1]], torch.tensor([0, 3]))], 3)


def test_confusion_matrix_of_no_batches():
    with pytest.raises(ValueError, match="data_iter yielded no examples"):
        d2lmini.confusion_matrix(identity, iter([]), 3)


def test_confusion_matrix_num_classes_must_match_the_net():
    batches = one_hot_batches([[0, 1]], [[0, 3]], q=4)  # the net scores 4 classes
    with pytest.raises(ValueError, match=r"net gives scores of shape \(2, 4\), expected \(B, 3\) for num_classes=3"):
        d2lmini.confusion_matrix(identity, batches, 3)
