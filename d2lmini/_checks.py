"""Argument checks shared by the modules, each with a message that says the fix.

Each check is one call at the top of a public function. A message says what
was expected, what was got and how to fix it. Checks that read tensor values
wait for the device once per call; the training loop makes none per batch.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import torch


def describe(value) -> str:
    """How a message names a wrong value: a tensor by shape and dtype, anything else by type (and value if short)."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    return f"{type(value).__name__} {text}" if len(text) <= 40 else type(value).__name__


def check_int(value, name: str, minimum: int = 1, maximum: int | None = None, fix: str = "") -> None:
    """Raise ``ValueError`` unless ``value`` is an int (not a bool) in ``[minimum, maximum]``."""
    too_big = isinstance(value, int) and maximum is not None and value > maximum
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or too_big:
        wanted = ({0: "a non-negative int", 1: "a positive int"}.get(minimum, f"an int >= {minimum}")
                  if maximum is None else f"an int in [{minimum}, {maximum}]")  # fmt: skip
        if not fix and isinstance(value, float) and value.is_integer():
            fix = f"pass {int(value)}"
        raise ValueError(f"{name} must be {wanted}, got {value!r}" + (f"; {fix}" if fix else ""))


def check_dim(dim: int, t: torch.Tensor) -> None:
    """Raise ``ValueError`` unless ``dim`` names a dimension of ``t`` (counting from the end when negative)."""
    n = max(t.ndim, 1)
    check_int(dim, "dim", -n, n - 1)


def check_batch_size(batch_size: int) -> None:
    """Raise ``ValueError`` unless ``batch_size`` is a positive int."""
    check_int(batch_size, "batch_size")


def check_bool(value, name: str) -> None:
    """Raise ``TypeError`` unless ``value`` is True or False."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")


def check_label(value, name: str, example: str) -> None:
    """Raise ``TypeError`` unless ``value`` is a non-empty string such as ``example``."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} must be a non-empty string such as {example}, got {describe(value)}")


def check_choice(value, name: str, choices: tuple[str, ...]) -> None:
    """Raise ``ValueError`` unless ``value`` is one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(map(repr, choices[:-1])) + f" or {choices[-1]!r}"
        raise ValueError(f"{name} must be {options}, got {value!r}")


def check_number(value, name: str, minimum: float | None = None, *, exclusive: bool = False,
                 example: str = "", finite: bool = True) -> None:  # fmt: skip
    """Raise unless ``value`` is a number (or a one-element tensor), ``>= minimum`` (``>`` if ``exclusive``).

    Inf and NaN are refused unless ``finite`` is False.
    """
    fix = f"; pass e.g. {name}={example}" if example else ""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and value.device.type != "meta":
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {describe(value)}{fix}")
    if finite and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}{fix}")
    if minimum is not None and (value <= minimum if exclusive else value < minimum):
        raise ValueError(f"{name} must be {'>' if exclusive else '>='} {minimum}, got {value!r}{fix}")


def check_numbers(values: tuple, count: int) -> None:
    """Raise unless ``values`` are ``count`` numbers (one-element tensors count; inf and NaN are kept)."""
    if len(values) != count:
        raise ValueError(
            f"Accumulator has {count} slots but add() got {len(values)} values; pass one value per slot"
        )
    for i, v in enumerate(values):
        check_number(v, f"value {i + 1} of add()", finite=False)


def check_pair(value, name: str, positive: bool = False) -> None:
    """Raise unless ``value`` is a pair of finite numbers, e.g. axis limits or a figure size."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair of numbers such as {(3.5, 2.5) if positive else (0, 1)}, "
                        f"got {describe(value)}")  # fmt: skip
    for v in value:
        check_number(v, name, 0 if positive else None, exclusive=True)


def check_shape(value, name: str, example: str) -> None:
    """Raise unless ``value`` is a tuple of positive ints, e.g. ``(1, 28, 28)``."""
    if not isinstance(value, (tuple, list, torch.Size)) or not value:
        raise TypeError(f"{name} must be a non-empty tuple of positive ints such as {example}, got {describe(value)}")
    for size in value:
        check_int(size, name, fix=f"pass a tuple of positive ints such as {example}")


def check_names(names, name: str) -> None:
    """Raise ``TypeError`` unless ``names`` is None or a list of names (a bare string is not)."""
    if names is not None and (isinstance(names, str) or not isinstance(names, (Sequence, np.ndarray))):
        raise TypeError(f"{name} must be a list of strings such as ['train loss'], got {describe(names)}"
                        + (f"; wrap it in a list: [{names!r}]" if isinstance(names, str) else ""))  # fmt: skip


def check_curves(X: list, Y: list, legend) -> None:
    """Raise unless ``X`` and ``Y`` are matching non-empty lists of 1-D curves, with one ``legend`` name per curve."""
    check_names(legend, "legend")
    if not Y or any(len(y) == 0 for y in Y):
        raise ValueError("plot got no data to draw; pass y values such as plot([1, 4, 9]), or plot(x, y)")
    if len(X) != len(Y):
        raise ValueError(f"got {len(X)} x series for {len(Y)} y series; give one x or one per curve")
    for i, (x, y) in enumerate(zip(X, Y)):
        if x.ndim != 1 or y.ndim != 1:
            raise ValueError(
                f"curve {i} is not one row of values: x has shape {x.shape} and y {y.shape}; "
                "pass each curve as a list, a 1-D array or a 1-D tensor"
            )
        if len(x) != len(y):
            raise ValueError(f"curve {i} has {len(x)} x values but {len(y)} y values; give as many of each")
    if legend is not None and len(legend) != len(Y):
        raise ValueError(f"got {len(legend)} legend entries for {len(Y)} curves")


def check_callable(value, name: str, example: str) -> None:
    """Raise ``TypeError`` unless ``value`` can be called."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, such as {example}; got {describe(value)}")


def check_batches(batches, name: str, reusable: bool = False) -> None:
    """Raise ``TypeError`` unless ``batches`` yields ``(X, y)`` pairs; with ``reusable``, also once per epoch."""
    if isinstance(batches, (torch.Tensor, str, bytes)) or not isinstance(batches, Iterable):
        raise TypeError(
            f"{name} must yield (X, y) batches, like a DataLoader, a d2lmini loader or a list of pairs; "
            f"got {describe(batches)}; wrap tensors with d2lmini.load_array((X, y), batch_size)"
        )
    if reusable and isinstance(batches, Iterator):
        raise TypeError(
            f"{name} is an iterator ({type(batches).__name__}), used up after one pass, but it is read "
            "once per epoch; pass a DataLoader, a d2lmini loader or a list of batches"
        )


def check_tensor(t, name: str, shape: str | None = None, fix: str = "") -> None:
    """Raise ``TypeError`` unless ``t`` is a tensor and ``ValueError`` unless it has as many dimensions as ``shape``.

    ``shape`` reads like a docstring, e.g. ``"(n, q)"``; a trailing ``...`` allows more dimensions.
    """
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {describe(t)}; convert it with torch.as_tensor({name})")
    if shape is not None:
        dims = [d.strip() for d in shape.strip("()").split(",") if d.strip()]
        ok = t.ndim >= len(dims) - 1 if dims and dims[-1] == "..." else t.ndim == len(dims)
        if not ok:
            raise ValueError(f"{name} must have shape {shape}, got {tuple(t.shape)}" + (f"; {fix}" if fix else ""))


def check_float(t: torch.Tensor, name: str) -> None:
    """Raise ``TypeError`` unless ``t`` is a floating-point tensor."""
    if not isinstance(t, torch.Tensor):
        raise TypeError(
            f"{name} must be a floating-point tensor, got {type(t).__name__}; "
            f"convert it with torch.tensor({name}, dtype=torch.float32)"
        )
    if not t.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {t.dtype}; convert it with {name}.float()")


def check_same_device(**tensors: torch.Tensor) -> None:
    """Raise ``ValueError`` unless the named tensors all live on one device."""
    (first, t0), *rest = tensors.items()
    for name, t in rest:
        if t.device != t0.device:
            raise ValueError(
                f"{first} is on {t0.device} but {name} is on {t.device}; "
                f"move them to one device, e.g. {name} = {name}.to({first}.device)"
            )


def check_same_dtype(**tensors: torch.Tensor) -> None:
    """Raise ``TypeError`` unless the named tensors all have one dtype."""
    (first, t0), *rest = tensors.items()
    for name, t in rest:
        if t.dtype != t0.dtype:
            raise TypeError(
                f"{first} is {t0.dtype} but {name} is {t.dtype}; "
                f"convert one, e.g. {name} = {name}.to({first}.dtype)"
            )


def check_probabilities(y_hat: torch.Tensor) -> None:
    """Raise ``ValueError`` unless each row of ``y_hat`` ``(n, q)`` is a probability distribution.

    Values must lie in [0, 1] and rows sum to 1 up to 0.01 (loose enough for
    float16). A 0 is a probability: its loss is ``inf``. One device sync.
    """
    if y_hat.numel() == 0:
        return
    with torch.no_grad():
        lo, hi, off = torch.stack([y_hat.amin(), y_hat.amax(), (y_hat.sum(dim=1) - 1).abs().amax()]).tolist()
    if math.isnan(lo + hi + off):
        raise ValueError(
            "y_hat holds NaN, so it is no probability: the model has diverged; "
            "train again with a smaller learning rate"
        )
    if lo < 0 or hi > 1 or off > 0.01:
        raise ValueError(
            f"y_hat must hold probabilities (values in [0, 1], each row summing to 1), got values "
            f"from {lo:.4g} to {hi:.4g} and rows off 1 by up to {off:.3g}; these look like logits: "
            "pass d2lmini.softmax(logits), or use nn.CrossEntropyLoss, which takes logits"
        )


def check_scores_and_labels(y_hat: torch.Tensor, y: torch.Tensor) -> None:
    """Raise unless ``y_hat`` is a float ``(n, q)`` tensor and ``y`` holds ``n`` class indices on its device."""
    check_float(y_hat, "y_hat")
    check_tensor(y, "y")
    check_same_device(y_hat=y_hat, y=y)
    if y_hat.ndim != 2 or y.shape != (y_hat.shape[0],):
        raise ValueError(
            f"expected y_hat of shape (n, q) and y of shape (n,), "
            f"got {tuple(y_hat.shape)} and {tuple(y.shape)}"
        )
    check_labels(y, y_hat.shape[1])


def check_predictions(y_hat: torch.Tensor, y: torch.Tensor) -> None:
    """Raise unless ``y_hat`` is scores ``(n, q)`` or integer class indices ``(n,)`` for labels ``y`` ``(n,)``."""
    check_tensor(y_hat, "y_hat")
    check_tensor(y, "y")
    check_same_device(y_hat=y_hat, y=y)
    if y_hat.ndim == 1 and (y_hat.is_floating_point() or y_hat.dtype == torch.bool):
        raise TypeError(
            f"y_hat of shape (n,) must hold predicted class indices (an integer tensor), got {y_hat.dtype}; "
            "pass the scores (n, q) or y_hat.argmax(dim=1)"
        )
    if y_hat.ndim not in (1, 2) or y_hat.shape[:1] != y.shape:
        raise ValueError(
            f"predictions {tuple(y_hat.shape)} and labels {tuple(y.shape)} do not match; "
            "pass scores of shape (n, q) or class indices of shape (n,) with labels (n,)"
        )
    if y_hat.ndim == 2:
        check_labels(y, y_hat.shape[1])
    else:
        check_class_indices(y)


def check_arrays(arrays, names: tuple[str, ...] = ()) -> tuple[torch.Tensor, ...]:
    """Return ``arrays`` as a tuple after checking they are tensors ``(n, ...)`` with one ``n > 0``, on one device.

    ``names`` name the tensors in messages; without them they are ``data_arrays[i]``.
    """
    if isinstance(arrays, torch.Tensor) or not isinstance(arrays, Iterable):
        raise TypeError(
            f"data_arrays must be a tuple of tensors such as (features, labels), got {describe(arrays)}; "
            "for one tensor X pass (X,)"
        )
    arrays = tuple(arrays)
    if not arrays:
        raise ValueError("data_arrays holds no tensors; pass a tuple such as (features, labels)")
    names = names or tuple(f"data_arrays[{i}]" for i in range(len(arrays)))
    for a, name in zip(arrays, names):
        check_tensor(a, name, "(n, ...)", fix=f"give {name} one row per example")
    sizes = [len(a) for a in arrays]
    if len(set(sizes)) != 1:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same number of rows, got {sizes[0]} and {sizes[1]}"
            if len(names) == 2 and not names[0].startswith("data_arrays")
            else f"all tensors must have the same first dimension (one row per example), got {sizes}"
        )
    if sizes[0] == 0:
        raise ValueError(f"{' and '.join(names)} hold no examples (0 rows); pass at least one row")
    check_same_device(**dict(zip(names, arrays)))
    return arrays


def check_linreg(X: torch.Tensor, w: torch.Tensor, b) -> None:
    """Raise unless ``X @ w + b`` is a linear model: ``X`` ``(n, d)``, ``w`` ``(d,)`` or ``(d, k)``, a bias per output."""
    check_float(X, "X")
    check_tensor(X, "X", "(n, d)", fix="for one example x pass x.reshape(1, -1)")
    check_float(w, "w")
    if w.ndim not in (1, 2):
        raise ValueError(f"w must have shape (d, 1), got {tuple(w.shape)}")
    if X.shape[-1] != w.shape[0]:
        raise ValueError(
            f"X has {X.shape[-1]} features but w has {w.shape[0]} rows; "
            "w must have shape (d, 1) for X of shape (n, d)"
        )
    tensors = {"X": X, "w": w, "b": b} if isinstance(b, torch.Tensor) else {"X": X, "w": w}
    check_same_device(**tensors)
    check_same_dtype(**tensors)
    if not isinstance(b, torch.Tensor):
        check_number(b, "b", example="0.0")
        return
    out = (X.shape[0], *w.shape[1:])
    try:
        grown = tuple(torch.broadcast_shapes(out, b.shape))
    except RuntimeError:
        grown = None
    if grown != out:
        raise ValueError(
            f"b of shape {tuple(b.shape)} does not fit X @ w of shape {out}"
            + (f" (it would broadcast to {grown})" if grown else "")
            + f"; b must hold one bias per output: shape {(w.shape[1],) if w.ndim == 2 else (1,)}"
        )


def check_targets(y_hat: torch.Tensor, y: torch.Tensor) -> None:
    """Raise unless ``y`` pairs with ``y_hat`` value by value: the same shape up to dimensions of size 1."""
    check_float(y_hat, "y_hat")
    check_tensor(y, "y")
    check_same_device(y_hat=y_hat, y=y)
    if y.numel() != y_hat.numel():
        raise ValueError(
            f"y_hat {tuple(y_hat.shape)} and y {tuple(y.shape)} hold different numbers "
            "of values; pass one target per prediction"
        )
    if [s for s in y_hat.shape if s != 1] != [s for s in y.shape if s != 1]:
        raise ValueError(
            f"y_hat {tuple(y_hat.shape)} and y {tuple(y.shape)} hold as many values but in different "
            f"layouts, so they would be paired wrongly; pass y of shape {tuple(y_hat.shape)} "
            "(an (n,) y for an (n, 1) y_hat is fine too)"
        )


def check_params(params) -> list[torch.Tensor]:
    """Return ``params`` as a list after checking each is a tensor with a gradient."""
    if isinstance(params, torch.Tensor):
        raise TypeError(
            f"params must be a list of tensors such as [w, b], got a single tensor of shape "
            f"{tuple(params.shape)}; wrap it in a list: sgd([w], lr, batch_size)"
        )
    if not isinstance(params, Iterable):
        raise TypeError(f"params must be a list of tensors such as [w, b], got {describe(params)}")
    params = list(params)
    if not params:
        raise ValueError("params is empty; pass the tensors to update, such as [w, b]")
    for i, p in enumerate(params):
        check_tensor(p, f"params[{i}]")
    missing = [i for i, p in enumerate(params) if p.grad is None]
    if missing:  # check all first: never update only some
        raise RuntimeError(
            "a parameter has no gradient: create it with requires_grad=True "
            f"and call loss.backward() before sgd(); params[{missing[0]}] "
            f"(shape {tuple(params[missing[0]].shape)}) has none"
        )
    return params


def check_updater(updater, net) -> None:
    """Raise unless ``updater`` is a function of the batch size or an optimizer holding some of ``net``'s parameters."""
    if isinstance(updater, torch.optim.Optimizer):
        owned = {id(p) for group in updater.param_groups for p in group["params"]}
        trainable = [p for p in net.parameters() if p.requires_grad] if isinstance(net, torch.nn.Module) else []
        if trainable and not any(id(p) in owned for p in trainable):
            raise ValueError(
                "the optimizer holds none of net's parameters, so training would never change net "
                "(was it built for another network, or for a copy?); build it from this network: "
                "torch.optim.SGD(net.parameters(), lr=0.1)"
            )
    elif not callable(updater):
        raise TypeError(
            "updater must be a torch.optim optimizer or a function taking the batch size, "
            f"got {type(updater).__name__}; pass e.g. torch.optim.SGD(net.parameters(), lr=0.1) "
            "or lambda n: d2lmini.sgd([W, b], lr, n)"
        )


def check_scheduler(scheduler, scheduler_step: str, updater) -> None:
    """Raise unless ``scheduler`` is None or a learning-rate scheduler of ``updater`` stepped when it expects."""
    from torch.optim import lr_scheduler

    check_choice(scheduler_step, "scheduler_step", ("batch", "epoch"))
    if scheduler is None:
        return
    if not isinstance(scheduler, (lr_scheduler.LRScheduler, lr_scheduler.ReduceLROnPlateau)):
        raise TypeError(
            "scheduler must be a torch.optim.lr_scheduler scheduler such as "
            f"StepLR(optimizer, step_size=5), got {describe(scheduler)}"
        )
    if scheduler.optimizer is not updater:
        raise ValueError(
            "scheduler changes the learning rate of another optimizer than updater; "
            "build it from the optimizer you pass, e.g. StepLR(updater, step_size=5)"
        )
    name = type(scheduler).__name__
    if scheduler_step == "epoch" and isinstance(scheduler, (lr_scheduler.OneCycleLR, lr_scheduler.CyclicLR)):
        raise ValueError(f"{name} changes the learning rate after every batch; pass scheduler_step='batch'")
    if scheduler_step == "batch" and isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
        raise ValueError(f"{name} is stepped once per epoch with the test loss; pass scheduler_step='epoch'")


def check_class_indices(y: torch.Tensor) -> None:
    """Raise ``TypeError`` unless ``y`` is an integer tensor."""
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        raise TypeError(
            f"labels must be an integer tensor of class indices, got {y.dtype}; "
            "convert them with y.long() (for scores or one-hot rows: y.argmax(dim=1))"
        )


def check_labels(y: torch.Tensor, num_classes: int) -> None:
    """Raise ``ValueError`` unless ``y`` holds integer class indices in [0, num_classes)."""
    check_class_indices(y)
    if y.numel():
        lo, hi = torch.stack(torch.aminmax(y)).tolist()  # one device sync for both ends
        if lo < 0 or hi >= num_classes:
            raise ValueError(
                f"labels must lie in [0, {num_classes}) for {num_classes} classes, "
                f"got values from {lo} to {hi}"
            )


# ----------------------------------------------------------------- d2lmini.data


def check_path(value, name: str, example: str = "'~/datasets/fashion-mnist'") -> None:
    """Raise unless ``value`` is a non-empty path: a ``str`` or an ``os.PathLike`` such as ``pathlib.Path``."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (a str or pathlib.Path) such as {example}, got {describe(value)}")
    if not os.fspath(value):
        raise ValueError(f"{name} is an empty string, which names nothing; pass a path such as {example}")


def check_device(device) -> None:
    """Raise unless ``device`` is None or a device of this machine, e.g. ``"cpu"`` or ``"cuda:0"``."""
    if device is None:
        return
    fix = "pass e.g. 'cpu', 'cuda:0' or d2lmini.try_gpu(), which falls back to the CPU"
    if isinstance(device, bool) or not isinstance(device, (str, int, torch.device)):
        raise TypeError(f"device must be a torch.device or a name such as 'cuda:0', got {describe(device)}; {fix}")
    try:
        parsed = torch.device(device)
    except (RuntimeError, ValueError) as e:
        raise ValueError(f"device {device!r} names no device ({e}); {fix}") from None
    count = {"cuda": torch.cuda.device_count(), "mps": int(torch.backends.mps.is_available())}.get(parsed.type)
    if count is not None and (parsed.index or 0) >= count:
        raise ValueError(f"device {device!r} is not available: this machine has {count} {parsed.type} device(s); {fix}")


def check_normalize(normalize) -> None:
    """Raise unless ``normalize`` is None or ``(mean, std)``: two finite numbers with ``std > 0``."""
    if normalize is None:
        return
    fix = "pass two numbers, e.g. normalize=(0.2860, 0.3530), the Fashion-MNIST training pixels' mean and std"
    if not isinstance(normalize, (tuple, list)):
        raise TypeError(f"normalize must be (mean, std) with std > 0, got {describe(normalize)}; {fix}")
    if len(normalize) != 2:
        raise ValueError(f"normalize must be (mean, std) with std > 0, got {len(normalize)} values {normalize!r}; {fix}")
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in normalize):
        raise TypeError(f"normalize must be (mean, std) with std > 0, got {normalize!r}; {fix} (tensor.item() gives one)")
    if not all(math.isfinite(v) for v in normalize) or not normalize[1] > 0:
        raise ValueError(f"normalize must be (mean, std) with std > 0, both finite, got {normalize!r}; {fix}")


def check_image_data(images, labels) -> None:
    """Raise unless ``images`` is uint8 or float ``(N, C, H, W)``, ``N > 0``, and ``labels`` holds ``N`` class indices.

    Float images must hold pixel values in [0, 1], or centred ones in [-1, 1]:
    0-255 floats, standardised values or NaN are refused. One device sync.
    """
    check_tensor(images, "images")
    check_tensor(labels, "labels")
    if images.ndim != 4 or labels.shape != (len(images),):
        raise ValueError(
            f"expected images (N, C, H, W) and labels (N,), got {tuple(images.shape)} and {tuple(labels.shape)}; "
            "for grayscale images (N, H, W) pass images.unsqueeze(1)"
        )
    if len(images) == 0:
        raise ValueError("images and labels hold no examples (N = 0); pass at least one")
    if images.dtype != torch.uint8 and not images.is_floating_point():
        raise TypeError(
            f"images must be uint8 (values 0-255, scaled to [0, 1] per batch) or float in [0, 1], got {images.dtype}; "
            "convert 0-255 values with images.to(torch.uint8)"
        )
    check_class_indices(labels)
    if images.is_floating_point():
        lo, hi = torch.stack(torch.aminmax(images)).tolist()
        if not (lo >= -1 and hi <= 1):  # also refuses NaN
            raise ValueError(
                f"float images must hold pixel values in [0, 1] (or centred ones in [-1, 1]), got values from "
                f"{lo:.4g} to {hi:.4g}; pass the uint8 images (scaled per batch) or divide by 255, and "
                "standardise with normalize=(mean, std) rather than beforehand"
            )
    if int(labels.min()) < 0:
        raise ValueError(f"labels must be class indices >= 0, got {int(labels.min())}; labels count classes from 0")


def check_index_list(labels) -> None:
    """Raise ``TypeError`` unless ``labels`` is a 1-D integer tensor or array, or a sequence of ints."""

    def is_index(i) -> bool:
        if isinstance(i, torch.Tensor):
            return i.ndim == 0 and not (i.is_floating_point() or i.is_complex() or i.dtype == torch.bool)
        return isinstance(i, numbers.Integral) and not isinstance(i, bool)

    if isinstance(labels, np.ndarray):
        ok = labels.ndim == 1 and np.issubdtype(labels.dtype, np.integer)
    elif isinstance(labels, torch.Tensor):
        ok = labels.ndim == 1 and not (labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool)
    else:
        ok = isinstance(labels, Sequence) and not isinstance(labels, (str, bytes)) and all(map(is_index, labels))
    if not ok:
        raise TypeError(
            f"labels must be class indices: a list of ints such as [0, 9] or a 1-D integer tensor, got "
            f"{describe(labels)}; convert labels with y.long(), or scores with y_hat.argmax(dim=1)"
        )


def _question_name(question) -> str:
    """How a self-check message names its question: the first words."""
    words = str(question).split()
    return repr(" ".join(words[:8]) + (" ..." if len(words) > 8 else ""))


def check_selfcheck(question, options, multiple, answer, tol, explanation, shuffle) -> None:
    """Raise unless the arguments of ``selfcheck`` make a question that can be answered as written.

    Every message names the question by its first words, so the book's checks point at the cell.
    """
    if not isinstance(question, str) or not question.strip():
        raise TypeError(f"question must be a non-empty string, got {describe(question)}")
    q = f"self-check question {_question_name(question)}"
    check_bool(multiple, f"{q}: multiple")
    check_bool(shuffle, f"{q}: shuffle")
    if not isinstance(explanation, str):
        raise TypeError(f"{q}: explanation must be a string, got {describe(explanation)}")
    if answer is not None:
        if options is not None:
            raise ValueError(f"{q}: pass either options (multiple choice) or answer= (numeric), not both")
        if multiple:
            raise ValueError(f"{q}: multiple=True needs options; a numeric question has one answer")
        if isinstance(answer, torch.Tensor) and answer.numel() == 1:
            answer = answer.item()
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or not math.isfinite(answer):
            raise TypeError(f"{q}: answer must be a finite number, got {describe(answer)}")
        if tol is None:
            raise ValueError(f"{q}: a numeric question needs a tolerance; pass e.g. tol=0.5 for an integer answer")
        if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not math.isfinite(tol) or tol <= 0:
            raise ValueError(f"{q}: tol must be a positive number, got {tol!r}; pass e.g. tol=0.5 for an integer "
                             "answer or tol=0.01 for a rounded decimal")  # fmt: skip
        if not explanation.strip():
            raise ValueError(f"{q}: a numeric question needs an explanation of how to compute the answer; "
                             "pass explanation='...'")  # fmt: skip
        return
    if tol is not None:
        raise ValueError(f"{q}: tol is for numeric questions; pass answer= as well, or drop tol")
    if options is None:
        raise ValueError(f"{q}: no options and no answer; pass a list of d2lmini.Option, or answer= and tol=")
    if isinstance(options, (str, bytes)) or not isinstance(options, Sequence):
        raise TypeError(f"{q}: options must be a list of d2lmini.Option, got {describe(options)}")
    from .selfcheck import Option, format_value  # the module imports this one

    for o in options:
        if not isinstance(o, Option):
            raise TypeError(f"{q}: options must be d2lmini.Option objects, got {describe(o)}; "
                            "wrap it as d2lmini.Option(text, correct=..., feedback='why')")  # fmt: skip
    if len(options) < 2:
        raise ValueError(f"{q}: a multiple-choice question needs at least two options, got {len(options)}")
    texts = [format_value(o.text) for o in options]
    for o, text in zip(options, texts):
        if not isinstance(o.correct, bool):
            raise TypeError(f"{q}: option {text!r}: correct must be True or False, got {describe(o.correct)}")
        if not isinstance(o.feedback, str) or not o.feedback.strip():
            raise ValueError(f"{q}: option {text!r} has no feedback; say why it is right or wrong")
    repeated = sorted({t for t in texts if texts.count(t) > 1})
    if repeated:
        raise ValueError(f"{q}: duplicate options {', '.join(repeated)}; every option must read differently")
    right = sum(o.correct for o in options)
    if right == 0:
        raise ValueError(f"{q}: no option is marked correct=True")
    if right > 1 and not multiple:
        raise ValueError(f"{q}: {right} options are marked correct; pass multiple=True for 'select all that apply'")
