"""Linear regression from scratch and with ``torch.utils.data``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

import torch
from torch.utils.data import DataLoader, TensorDataset

from ._checks import (
    check_arrays,
    check_batch_size,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_linreg,
    check_number,
    check_params,
    check_targets,
)

__all__ = ["synthetic_data", "data_iter", "load_array", "linreg", "squared_loss", "sgd"]


def synthetic_data(
    w: torch.Tensor, b: float, num_examples: int, noise: float = 0.01
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw a linear-regression dataset ``y = X w + b + noise``.

    Args:
        w: true weights, shape ``(d,)``.
        b: true bias, a number.
        num_examples: ``n``, the number of rows to draw.
        noise: standard deviation of the Gaussian noise added to ``y``.

    Returns:
        ``X`` of shape ``(n, d)`` with N(0, 1) entries and ``y`` of shape ``(n, 1)``.
    """
    if not isinstance(w, torch.Tensor) or w.ndim != 1 or len(w) == 0:
        shape = tuple(w.shape) if isinstance(w, torch.Tensor) else type(w).__name__
        raise ValueError(
            f"w must be a 1-D tensor of shape (d,), got {shape}; "
            "pass w.reshape(-1) or torch.tensor([2, -3.4])"
        )
    check_float(w, "w")
    if isinstance(b, torch.Tensor) and b.numel() != 1:
        raise ValueError(f"b must be a single number, got a tensor of shape {tuple(b.shape)}")
    check_number(b, "b", example="4.2")
    check_int(num_examples, "num_examples")
    check_number(noise, "noise", 0, example="0.01")
    X = torch.normal(0.0, 1.0, (num_examples, len(w)), dtype=w.dtype)
    y = X @ w + b
    y += torch.normal(0.0, noise, y.shape, dtype=w.dtype)
    return X, y.reshape(-1, 1)


def data_iter(
    batch_size: int,
    features: torch.Tensor,
    labels: torch.Tensor,
    last_batch: Literal["keep", "drop", "wrap"] = "keep",
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield shuffled minibatches ``(X, y)`` of ``features`` ``(n, ...)`` and ``labels`` ``(n, ...)``.

    The order comes from ``torch.randperm`` when the iteration starts, so
    ``seed`` makes it repeatable. ``last_batch`` says what to do when ``n`` is
    not a multiple of ``batch_size``: ``"keep"`` yields a smaller final batch,
    ``"drop"`` skips it, and ``"wrap"`` fills it up with examples from the
    start of the shuffled order. Every batch has shape ``(batch_size, ...)``
    except a kept last one. Bad arguments fail at the call, not when iterated.
    """
    check_batch_size(batch_size)
    check_arrays((features, labels), ("features", "labels"))
    check_choice(last_batch, "last_batch", ("keep", "drop", "wrap"))
    return _batches(batch_size, features, labels, last_batch)


def _batches(batch_size: int, features: torch.Tensor, labels: torch.Tensor, last_batch: str):
    """The generator behind ``data_iter``, its arguments already checked."""
    n = len(features)
    order = torch.randperm(n)
    stop = n - n % batch_size if last_batch == "drop" else n
    for i in range(0, stop, batch_size):
        idx = order[i : i + batch_size]
        if last_batch == "wrap" and len(idx) < batch_size:  # cycle the order, even if n < batch_size
            idx = torch.cat([idx, order[torch.arange(batch_size - len(idx)) % n]])
        yield features[idx], labels[idx]


def load_array(
    data_arrays: Iterable[torch.Tensor], batch_size: int, is_train: bool = True
) -> DataLoader:
    """Wrap tensors that share their first dimension ``n`` in a ``DataLoader``.

    Args:
        data_arrays: a tuple (or list) of tensors of shapes ``(n, ...)``,
            e.g. ``(features, labels)``; one tensor alone is ``(features,)``.
        batch_size: examples per batch.
        is_train: shuffle every epoch when True (training), keep order otherwise.

    Returns:
        A ``DataLoader`` yielding one ``(batch_size, ...)`` slice of each tensor.
    """
    check_batch_size(batch_size)
    check_bool(is_train, "is_train")
    arrays = check_arrays(data_arrays)
    return DataLoader(TensorDataset(*arrays), batch_size, shuffle=is_train)


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear model ``X @ w + b``: ``(n, d) @ (d, 1) + (1,) -> (n, 1)``.

    ``w`` may also be ``(d,)`` (then the result is ``(n,)``) or ``(d, k)``
    with a bias ``(k,)`` for ``k`` outputs.
    """
    check_linreg(X, w, b)
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Half squared error per example: ``(y_hat - y)**2 / 2``, shape of ``y_hat``.

    ``y`` must have the shape of ``y_hat`` up to dimensions of size 1, e.g.
    ``(n,)`` against predictions ``(n, 1)``; it is reshaped, never broadcast.
    """
    check_targets(y_hat, y)
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """One minibatch SGD step: ``p -= lr * p.grad / batch_size``, then zero ``p.grad``.

    Divide by ``batch_size`` because the loss was summed over the batch; the
    step size then does not depend on the batch size.

    Args:
        params: a list (or other iterable) of leaf tensors, e.g. ``[w, b]``.
        lr: learning rate, a positive finite number.
        batch_size: examples in the batch whose summed loss gave the gradients.
    """
    check_number(lr, "lr", 0, exclusive=True, example="0.03")
    check_batch_size(batch_size)
    params = check_params(params)
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size
            p.grad.zero_()
