"""Training and prediction loops for classifiers, from scratch or with ``torch.optim``."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Union

import torch
from torch import nn

from ._checks import (
    check_batches,
    check_bool,
    check_callable,
    check_int,
    check_label,
    check_pair,
    check_scheduler,
    check_updater,
)
from .classification import NET_EXAMPLE, model_device
from .data import get_fashion_mnist_labels
from .plot import Animator, show_images
from .utils import Timer

__all__ = ["EpochStats", "train_epoch", "train", "train_ch3", "predict", "predict_ch3"]

# Module-level aliases are evaluated at import: typing.Union, not X | Y, keeps Python 3.9 working.
Net = Callable[[torch.Tensor], torch.Tensor]
Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Updater = Union[torch.optim.Optimizer, Callable[[int], None]]
Batches = Iterable[tuple[torch.Tensor, torch.Tensor]]
LOSS_EXAMPLE = "nn.CrossEntropyLoss() or d2lmini.cross_entropy"


@dataclass(frozen=True)
class EpochStats:
    """What one epoch of ``train`` measured.

    ``test_loss`` is the mean loss over ``test_iter`` (a test or validation
    split), measured with the training loss function; it is None only in a
    record built by hand. When ``test_iter`` is a validation split, read the
    same numbers as ``valid_acc`` and ``valid_loss``.
    """

    epoch: int
    train_loss: float
    train_acc: float
    test_acc: float
    seconds: float
    examples_per_sec: float
    test_loss: float | None = None

    @property
    def valid_acc(self) -> float:
        """``test_acc``, named for a validation split passed as ``test_iter``."""
        return self.test_acc

    @property
    def valid_loss(self) -> float | None:
        """``test_loss``, named for a validation split passed as ``test_iter``."""
        return self.test_loss


def _batch_sum(l: torch.Tensor, n: int) -> torch.Tensor:
    """The summed loss of a batch of ``n`` examples, from per-example losses or their mean."""
    return l.sum() if l.ndim else l * n


def _epoch_sums(net: Net, train_iter: Batches, loss: Loss, updater: Updater, epoch: int = 1,
                after_batch: Callable[[int, torch.Tensor, int], None] | None = None,
                ) -> tuple[float, float, int]:  # fmt: skip
    """One training pass; returns (summed loss, correct predictions, examples seen).

    ``after_batch(batch, summed loss, batch size)`` runs after each update,
    batches counted from 1. ``epoch`` only names the epoch in an error.
    """
    is_optimizer = isinstance(updater, torch.optim.Optimizer)
    if isinstance(net, nn.Module):
        net.train()
    device = model_device(net)
    loss_sum = correct = torch.zeros((), device=device)  # summed on the device: no sync per batch
    batch_losses = []
    seen = 0
    for batch, (X, y) in enumerate(train_iter, 1):
        if device is not None:
            X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
        y_hat = net(X)
        l = loss(y_hat, y)
        l_sum = _batch_sum(l, len(y))
        # A non-finite loss stops training. On the CPU it is caught here, before the update spoils
        # the weights, at no cost. On an accelerator, asking would wait for the device every batch,
        # so the batch losses stay there and are searched only if the epoch's sum is not finite.
        if _check_now(l_sum) and not torch.isfinite(l_sum):
            raise _non_finite(epoch, batch, l_sum)
        if is_optimizer:
            updater.zero_grad()
            (l.mean() if l.ndim else l).backward()
            updater.step()
        else:
            l_sum.backward()
            updater(len(y))
        batch_losses.append(l_sum.detach())
        if after_batch is not None:
            after_batch(batch, batch_losses[-1], len(y))
        loss_sum = loss_sum + batch_losses[-1]
        correct = correct + (y_hat.argmax(dim=1) == y).sum()
        seen += len(y)
    if seen == 0:
        raise ValueError("train_iter yielded no examples; pass a loader holding data "
                         "(an iterator or generator is used up after one pass)")  # fmt: skip
    total = float(loss_sum)
    if not math.isfinite(total):
        first = int((~torch.isfinite(torch.stack(batch_losses))).nonzero()[0])
        raise _non_finite(epoch, first + 1, batch_losses[first])
    return total, float(correct), seen


def _check_now(l_sum: torch.Tensor) -> bool:
    """Whether a batch loss is checked for inf/NaN at once: only on the CPU, where it costs no device sync."""
    return l_sum.device.type == "cpu"


def _non_finite(epoch: int, batch: int, l_sum: torch.Tensor) -> FloatingPointError:
    return FloatingPointError(
        f"the training loss became {float(l_sum.detach())} in epoch {epoch}, batch {batch}; training stopped. "
        "Usual causes: a learning rate too large (try one 10 times smaller), or probabilities "
        "that underflow to 0 in a loss on probabilities such as d2lmini.cross_entropy "
        "(compute the loss from logits with nn.CrossEntropyLoss instead)"
    )


def train_epoch(net: Net, train_iter: Batches, loss: Loss, updater: Updater) -> tuple[float, float]:
    """Train ``net`` for one pass over ``train_iter``.

    Args:
        net: maps ``X`` ``(B, ...)`` to logits/probabilities ``(B, q)``.
        loss: per-example losses ``(B,)`` (``reduction="none"``) or their mean.
        updater: a ``torch.optim`` optimizer over ``net``'s parameters, or a
            from-scratch function called with the batch size after
            ``loss.sum().backward()``, e.g. ``lambda n: d2lmini.sgd([W, b], lr, n)``.

    Returns:
        ``(mean training loss, training accuracy)`` over the epoch's examples.

    Raises:
        FloatingPointError: at the first batch whose loss is inf or NaN.
    """
    _check_step(net, train_iter, loss, updater)
    loss_sum, correct, seen = _epoch_sums(net, train_iter, loss, updater)
    return loss_sum / seen, correct / seen


def _check_step(net: Net, train_iter: Batches, loss: Loss, updater: Updater, reusable: bool = False) -> None:
    """The checks ``train`` and ``train_epoch`` share."""
    check_callable(net, "net", NET_EXAMPLE)
    check_batches(train_iter, "train_iter", reusable)
    check_callable(loss, "loss", LOSS_EXAMPLE)
    check_updater(updater, net)


def _evaluate(net: Net, data_iter: Batches, loss: Loss) -> tuple[float, float]:
    """Mean loss and accuracy of ``net`` over ``data_iter``, summed on the device (one sync)."""
    if isinstance(net, nn.Module):
        net.eval()
    device = model_device(net)
    loss_sum = correct = torch.zeros((), device=device)
    seen = 0
    with torch.no_grad():
        for X, y in data_iter:
            if device is not None:
                X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
            y_hat = net(X)
            loss_sum = loss_sum + _batch_sum(loss(y_hat, y), len(y))
            correct = correct + (y_hat.argmax(dim=1) == y).sum()
            seen += len(y)
    if seen == 0:
        raise ValueError("test_iter yielded no examples; pass a loader holding data "
                         "(an iterator or generator is used up after one pass)")  # fmt: skip
    return float(loss_sum) / seen, float(correct) / seen


def _progress(batches: Batches, enabled: bool, epoch: int) -> Batches:
    """Wrap ``batches`` in a tqdm bar when asked for, but never in CI logs."""
    if not enabled or os.environ.get("CI"):
        return batches
    from tqdm.auto import tqdm

    return tqdm(batches, desc=f"epoch {epoch}", leave=False)


def train(net: Net, train_iter: Batches, test_iter: Batches, loss: Loss, num_epochs: int,
          updater: Updater, animate: bool = True, progress: bool = False,
          ylim: tuple[float, float] | None = None, *, scheduler=None, scheduler_step: str = "epoch",
          on_batch: Callable[[int, int, float], None] | None = None,
          test_label: str = "test") -> list[EpochStats]:  # fmt: skip
    """Train for ``num_epochs`` and evaluate on ``test_iter`` after each epoch.

    Data batches move to the device of ``net``'s parameters, so the same call
    trains on the CPU or a GPU. Curves are drawn by an ``Animator`` when
    ``animate`` (``ylim`` fixes the y-axis, which otherwise fits the curves);
    ``progress`` shows a tqdm bar per epoch (never in CI).

    Args:
        test_iter: a test or validation split; its loss and accuracy are
            measured after every epoch (``EpochStats.test_loss`` and
            ``test_acc``, whichever split it is).
        updater: as in ``train_epoch``; an optimizer must hold ``net``'s
            parameters (it is checked before training).
        scheduler: a ``torch.optim.lr_scheduler`` scheduler of ``updater``,
            stepped after every batch or after every epoch.
        scheduler_step: ``"epoch"`` (most schedulers, e.g. ``StepLR``;
            ``ReduceLROnPlateau`` gets the epoch's test loss) or ``"batch"``
            (``OneCycleLR``, ``CyclicLR``).
        on_batch: called after every update as ``on_batch(epoch, batch, loss)``
            with epoch and batch counted from 1 and the batch's mean training
            loss as a float (reading it waits for the device once per batch).
        test_label: what ``test_iter`` holds, named on the figure's third
            curve: ``test_label="valid"`` draws "valid acc".

    Returns:
        One ``EpochStats`` per epoch (losses, accuracies, seconds, examples/s).

    Raises:
        FloatingPointError: at the first training loss that is inf or NaN,
            naming the epoch and batch.
    """
    check_int(num_epochs, "num_epochs")
    _check_step(net, train_iter, loss, updater, reusable=num_epochs > 1)
    check_batches(test_iter, "test_iter", reusable=num_epochs > 1)
    check_bool(animate, "animate")
    check_bool(progress, "progress")
    if ylim is not None:
        check_pair(ylim, "ylim")
    check_scheduler(scheduler, scheduler_step, updater)
    if on_batch is not None:
        check_callable(on_batch, "on_batch", "a function of (epoch, batch, loss)")
    check_label(test_label, "test_label", "'valid'")
    animator = Animator(xlabel="epoch", xlim=(1, num_epochs) if num_epochs > 1 else None, ylim=ylim,
                        legend=["train loss", "train acc", f"{test_label} acc"]) if animate else None  # fmt: skip
    per_batch = scheduler if scheduler_step == "batch" else None
    per_epoch = scheduler if scheduler_step == "epoch" else None

    def after_batch(batch: int, l_sum: torch.Tensor, n: int) -> None:
        if per_batch is not None:
            per_batch.step()
        if on_batch is not None:
            on_batch(epoch, batch, float(l_sum) / n)  # the epoch running now

    hook = after_batch if per_batch is not None or on_batch is not None else None
    history = []
    for epoch in range(1, num_epochs + 1):
        timer = Timer()
        loss_sum, correct, seen = _epoch_sums(net, _progress(train_iter, progress, epoch), loss, updater, epoch, hook)
        seconds = timer.stop()
        test_loss, test_acc = _evaluate(net, test_iter, loss)
        stats = EpochStats(epoch, loss_sum / seen, correct / seen, test_acc, seconds, seen / seconds, test_loss)
        history.append(stats)
        if isinstance(per_epoch, torch.optim.lr_scheduler.ReduceLROnPlateau):
            per_epoch.step(test_loss)
        elif per_epoch is not None:
            per_epoch.step()
        if animator:
            animator.add(epoch, (stats.train_loss, stats.train_acc, stats.test_acc))
    return history


train_ch3 = train  # the name used in the "Dive into Deep Learning" lectures


def predict(net: Net, test_iter: Batches, n: int = 6) -> tuple[list[str], list[str]]:
    """Show the first ``n`` images of ``test_iter`` titled "true / predicted".

    Args:
        net: a Fashion-MNIST classifier, images ``(B, 1, 28, 28)`` to scores ``(B, 10)``.
        test_iter: batches ``(X, y)``; only the first batch is used.
        n: how many images to show (at most the first batch's size).

    Returns:
        The true and predicted Fashion-MNIST label names, ``n`` of each.
    """
    check_callable(net, "net", NET_EXAMPLE)
    check_batches(test_iter, "test_iter")
    check_int(n, "n")
    X, y = next(iter(test_iter))
    X, y = X[:n], y[:n]
    device = model_device(net)
    if isinstance(net, nn.Module):
        net.eval()
    with torch.no_grad():
        preds = net(X.to(device) if device is not None else X).argmax(dim=1).cpu()
    trues, guesses = get_fashion_mnist_labels(y.cpu()), get_fashion_mnist_labels(preds)
    titles = [f"{t}\n{p}" for t, p in zip(trues, guesses)]
    show_images(X.cpu(), 1, len(X), titles=titles)
    return trues, guesses


predict_ch3 = predict  # the name used in the "Dive into Deep Learning" lectures
