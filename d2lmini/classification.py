"""Softmax, cross-entropy and accuracy for classifiers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from ._checks import (
    check_batches,
    check_callable,
    check_dim,
    check_float,
    check_int,
    check_labels,
    check_predictions,
    check_probabilities,
    check_scores_and_labels,
)
from .utils import Accumulator

__all__ = [
    "softmax",
    "cross_entropy",
    "accuracy",
    "evaluate_accuracy",
    "confusion_matrix",
    "model_device",
]

Batches = Iterable[tuple[torch.Tensor, torch.Tensor]]
NET_EXAMPLE = "an nn.Module or a function mapping X to scores"
EMPTY_FIX = "pass a loader holding data (an iterator or generator is used up after one pass)"


def softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Numerically stable softmax along ``dim``: ``exp(x - max) / sum(exp(x - max))``.

    Subtracting the row maximum changes nothing mathematically but keeps
    ``exp`` from overflowing, so logits of 1000 work. ``(n, q) -> (n, q)``,
    each row positive and summing to one.
    """
    check_float(X, "X")
    check_dim(dim, X)
    X_exp = torch.exp(X - X.amax(dim=dim, keepdim=True))
    return X_exp / X_exp.sum(dim=dim, keepdim=True)


def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy per example from probabilities: ``-log(y_hat[i, y[i]])``.

    ``y_hat`` must hold probabilities, e.g. ``softmax`` outputs; for logits use
    ``nn.CrossEntropyLoss``, which is also exact where this is not: a
    probability that underflowed to 0 gives a loss of ``inf`` here, on purpose
    (the softmax-regression chapter shows it).

    Args:
        y_hat: predicted probabilities, shape ``(n, q)``, rows summing to 1.
        y: class indices, shape ``(n,)``, values in ``[0, q)``.

    Returns:
        Losses of shape ``(n,)``.
    """
    check_scores_and_labels(y_hat, y)
    check_probabilities(y_hat)  # values in [0, 1], each row summing to 1
    return -torch.log(y_hat[torch.arange(len(y_hat)), y])


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Number of correct predictions (not the fraction).

    Args:
        y_hat: scores ``(n, q)`` (logits or probabilities; argmax is taken)
            or predicted class indices ``(n,)`` (an integer tensor).
        y: true class indices, shape ``(n,)``.

    Returns:
        The count of matches as a float; divide by ``n`` for the accuracy.
    """
    check_predictions(y_hat, y)
    if y_hat.ndim == 2:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat == y).sum())


def model_device(net: Callable) -> torch.device | None:
    """The device of ``net``'s first parameter, or None for a plain function."""
    check_callable(net, "net", NET_EXAMPLE)
    if isinstance(net, nn.Module):
        param = next(net.parameters(), None)
        if param is not None:
            return param.device
    return None


def evaluate_accuracy(
    net: Callable[[torch.Tensor], torch.Tensor], data_iter: Batches
) -> float:
    """Fraction of correctly classified examples over all batches of ``data_iter``.

    Batches are moved to ``net``'s device; a module is put in eval mode. Each
    batch counts with its real size, so a smaller last batch is weighted right.
    """
    check_callable(net, "net", NET_EXAMPLE)
    check_batches(data_iter, "data_iter")
    if isinstance(net, nn.Module):
        net.eval()
    device = model_device(net)
    metric = Accumulator(2)  # correct predictions, examples
    with torch.no_grad():
        for X, y in data_iter:
            if device is not None:
                X, y = X.to(device), y.to(device)
            metric.add(accuracy(net(X), y), y.numel())
    if metric[1] == 0:
        raise ValueError(f"data_iter yielded no examples; {EMPTY_FIX}")
    return metric[0] / metric[1]


def confusion_matrix(
    net: Callable[[torch.Tensor], torch.Tensor], data_iter: Batches, num_classes: int
) -> torch.Tensor:
    """Count ``(true, predicted)`` pairs: ``C[i, j]`` is how often class ``i`` was predicted as ``j``.

    Returns:
        An int64 tensor of shape ``(num_classes, num_classes)`` on the CPU;
        its diagonal holds the correct predictions.
    """
    check_callable(net, "net", NET_EXAMPLE)
    check_batches(data_iter, "data_iter")
    check_int(num_classes, "num_classes")
    if isinstance(net, nn.Module):
        net.eval()
    device = model_device(net)
    counts = torch.zeros(num_classes * num_classes, dtype=torch.int64)
    with torch.no_grad():
        for X, y in data_iter:
            if device is not None:
                X = X.to(device)
            scores = net(X)
            if scores.ndim != 2 or scores.shape[1] != num_classes:  # else counts land in wrong cells
                raise ValueError(
                    f"net gives scores of shape {tuple(scores.shape)}, expected (B, {num_classes}) "
                    f"for num_classes={num_classes}"
                )
            pred = scores.argmax(dim=1).cpu()
            check_labels(y, num_classes)
            counts += torch.bincount(y.cpu() * num_classes + pred, minlength=num_classes**2)
    if counts.sum() == 0:
        raise ValueError(f"data_iter yielded no examples; {EMPTY_FIX}")
    return counts.reshape(num_classes, num_classes)
