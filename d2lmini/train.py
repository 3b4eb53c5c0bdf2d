"""Training and prediction loops for classifiers, from scratch or with ``torch.optim``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
from torch import nn

from .classification import evaluate_accuracy, model_device
from .data import get_fashion_mnist_labels
from .plot import Animator, show_images
from .utils import Timer

__all__ = ["EpochStats", "train_epoch", "train", "train_ch3", "predict", "predict_ch3"]

Net = Callable[[torch.Tensor], torch.Tensor]
Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Updater = torch.optim.Optimizer | Callable[[int], None]
Batches = Iterable[tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class EpochStats:
    """What one epoch of ``train`` measured."""

    epoch: int
    train_loss: float
    train_acc: float
    test_acc: float
    seconds: float
    examples_per_sec: float


def _epoch_sums(net: Net, train_iter: Batches, loss: Loss, updater: Updater) -> tuple[float, float, int]:
    """One training pass; returns (summed loss, correct predictions, examples seen)."""
    is_optimizer = isinstance(updater, torch.optim.Optimizer)
    if not (is_optimizer or callable(updater)):
        raise TypeError(
            "updater must be a torch.optim optimizer or a function taking the batch size, "
            f"got {type(updater).__name__}"
        )
    if isinstance(net, nn.Module):
        net.train()
    device = model_device(net)
    loss_sum = correct = torch.zeros((), device=device)  # summed on the device: no sync per batch
    seen = 0
    for X, y in train_iter:
        if device is not None:
            X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
        y_hat = net(X)
        l = loss(y_hat, y)
        l_sum = l.sum() if l.ndim else l * len(y)
        if is_optimizer:
            updater.zero_grad()
            (l.mean() if l.ndim else l).backward()
            updater.step()
        else:
            l_sum.backward()
            updater(len(y))
        loss_sum = loss_sum + l_sum.detach()
        correct = correct + (y_hat.argmax(dim=1) == y).sum()
        seen += len(y)
    if seen == 0:
        raise ValueError("train_iter yielded no examples")
    return float(loss_sum), float(correct), seen


def train_epoch(net: Net, train_iter: Batches, loss: Loss, updater: Updater) -> tuple[float, float]:
    """Train ``net`` for one pass over ``train_iter``.

    Args:
        net: maps ``X`` ``(B, ...)`` to logits/probabilities ``(B, q)``.
        loss: per-example losses ``(B,)`` (``reduction="none"``) or their mean.
        updater: a ``torch.optim`` optimizer, or a from-scratch function
            called with the batch size after ``loss.sum().backward()``,
            e.g. ``lambda n: d2lmini.sgd([W, b], lr, n)``.

    Returns:
        ``(mean training loss, training accuracy)`` over the epoch's examples.
    """
    loss_sum, correct, seen = _epoch_sums(net, train_iter, loss, updater)
    return loss_sum / seen, correct / seen


def _progress(batches: Batches, enabled: bool, epoch: int) -> Batches:
    """Wrap ``batches`` in a tqdm bar when asked for, but never in CI logs."""
    if not enabled or os.environ.get("CI"):
        return batches
    from tqdm.auto import tqdm

    return tqdm(batches, desc=f"epoch {epoch}", leave=False)


def train(net: Net, train_iter: Batches, test_iter: Batches, loss: Loss, num_epochs: int,
          updater: Updater, animate: bool = True, progress: bool = False,
          ylim: tuple[float, float] = (0.2, 1.0)) -> list[EpochStats]:  # fmt: skip
    """Train for ``num_epochs`` and evaluate on ``test_iter`` after each epoch.

    Data batches move to the device of ``net``'s parameters, so the same call
    trains on the CPU or a GPU. Curves are drawn by an ``Animator`` when
    ``animate``; ``progress`` shows a tqdm bar per epoch (never in CI).

    Returns:
        One ``EpochStats`` per epoch (loss, accuracies, seconds, examples/s).
    """
    if not isinstance(num_epochs, int) or num_epochs <= 0:
        raise ValueError(f"num_epochs must be a positive int, got {num_epochs!r}")
    animator = Animator(xlabel="epoch", xlim=(1, num_epochs), ylim=ylim,
                        legend=["train loss", "train acc", "test acc"]) if animate else None  # fmt: skip
    history = []
    for epoch in range(1, num_epochs + 1):
        timer = Timer()
        loss_sum, correct, seen = _epoch_sums(net, _progress(train_iter, progress, epoch), loss, updater)
        seconds = timer.stop()
        stats = EpochStats(epoch, loss_sum / seen, correct / seen, evaluate_accuracy(net, test_iter),
                           seconds, seen / seconds)  # fmt: skip
        history.append(stats)
        if animator:
            animator.add(epoch, (stats.train_loss, stats.train_acc, stats.test_acc))
    return history


train_ch3 = train  # the name used in the "Dive into Deep Learning" lectures


def predict(net: Net, test_iter: Batches, n: int = 6) -> tuple[list[str], list[str]]:
    """Show the first ``n`` images of ``test_iter`` titled "true / predicted".

    Returns:
        The true and predicted Fashion-MNIST label names, ``n`` of each.
    """
    X, y = next(iter(test_iter))
    X, y = X[:n], y[:n]
    device = model_device(net)
    if isinstance(net, nn.Module):
        net.eval()
    with torch.no_grad():
        preds = net(X.to(device) if device is not None else X).argmax(dim=1).cpu()
    trues, guesses = get_fashion_mnist_labels(y.cpu()), get_fashion_mnist_labels(preds)
    titles = [f"{t}\n{p}" for t, p in zip(trues, guesses)]
    show_images(X.cpu().reshape(len(X), *X.shape[-2:]), 1, len(X), titles=titles)
    return trues, guesses


predict_ch3 = predict  # the name used in the "Dive into Deep Learning" lectures
