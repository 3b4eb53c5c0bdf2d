"""A network's layer table: output shape, parameters and multiply-adds of each layer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import nn

from ._checks import check_bool, check_shape, describe

__all__ = ["LayerSummary", "summary"]


class LayerSummary(NamedTuple):
    """One row of ``summary``: a layer that holds no other layers."""

    #: Its path in the network, e.g. ``"0"`` or ``"body.conv1"`` (``""`` for a network that is one layer).
    name: str
    #: Its class name, e.g. ``"Conv2d"``.
    layer: str
    #: Its output shape for one example, without the batch dimension (of the first tensor if it returns several).
    output_shape: tuple
    #: How many parameters it holds.
    params: int
    #: Multiply-adds per example, counted for ``nn.Linear`` and ``nn.Conv1d/2d/3d`` (the bulk of the work), else 0.
    mult_adds: int


def summary(net: nn.Module, input_shape: Sequence[int], print_table: bool = True) -> list[LayerSummary]:
    """Run one example of shape ``input_shape`` through ``net`` and tabulate every layer.

    The table has one row per layer in the order they ran, with the output
    shape, the parameter count and the multiply-adds per example, and a
    total row (each shared parameter counted once). The network runs in
    eval mode without gradients, on its own device; its modes are restored.

    Args:
        net: an ``nn.Module``.
        input_shape: the shape of one example without the batch dimension,
            e.g. ``(1, 28, 28)`` for a Fashion-MNIST image.
        print_table: print the table (else only return the rows).

    Returns:
        One ``LayerSummary`` per layer call.
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be an nn.Module (summary hooks its layers), got {describe(net)}")
    check_shape(input_shape, "input_shape", "(1, 28, 28)")
    check_bool(print_table, "print_table")
    rows = _run(net, tuple(input_shape))
    if print_table:
        _print_table(rows, tuple(input_shape), sum(p.numel() for p in net.parameters()))
    return rows


def _mult_adds(layer: nn.Module, out: torch.Tensor) -> int:
    """Multiply-adds per example: each output value of a Linear or convolution is a dot product."""
    per_example = out[0].numel()
    if isinstance(layer, nn.Linear):
        return per_example * layer.in_features
    if isinstance(layer, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        return per_example * layer.in_channels // layer.groups * math.prod(layer.kernel_size)
    return 0


def _run(net: nn.Module, input_shape: tuple[int, ...]) -> list[LayerSummary]:
    """One forward pass with hooks on every leaf layer, recording a row per call."""
    param = next(net.parameters(), None)
    dtype = param.dtype if param is not None and param.is_floating_point() else torch.float32
    X = torch.zeros(1, *input_shape, dtype=dtype, device=param.device if param is not None else None)
    rows, running, hooks = [], [], []  # running: the layers whose forward has begun but not ended

    def before(layer, inputs):
        running.append((layer, tuple(inputs[0].shape[1:]) if inputs and isinstance(inputs[0], torch.Tensor) else None))

    def after(layer, inputs, output):
        out = next(iter(_tensors(output)), None)
        rows.append(LayerSummary(names[layer], type(layer).__name__, tuple(out.shape[1:]) if out is not None else (),
                                 sum(p.numel() for p in layer.parameters()),
                                 _mult_adds(layer, out) if out is not None else 0))  # fmt: skip
        running.pop()

    names = {m: name for name, m in net.named_modules() if next(m.children(), None) is None}
    modes = {m: m.training for m in net.modules()}
    for layer in names:
        hooks += [layer.register_forward_pre_hook(before), layer.register_forward_hook(after)]
    try:
        net.eval()
        with torch.no_grad():
            net(X)
    except Exception as error:
        raise RuntimeError(
            f"net failed on one example of shape {input_shape}{_where(running, names)}: {error}. input_shape "
            "is the shape of one example without the batch dimension, e.g. (1, 28, 28) for a Fashion-MNIST image"
        ) from error
    finally:
        for hook in hooks:
            hook.remove()
        for m, training in modes.items():
            m.training = training
    return rows


def _where(running: list, names: dict) -> str:
    """Which layer failed, for the error message: the last one that began and did not end."""
    if not running:
        return ""
    layer, shape = running[-1]
    label = f"'{names[layer]}' ({type(layer).__name__})" if names[layer] else type(layer).__name__
    return f" in layer {label}, whose input had shape {shape}"


def _tensors(output) -> list[torch.Tensor]:
    """The tensors in a layer's output, in order (an RNN returns a tuple)."""
    if isinstance(output, torch.Tensor):
        return [output]
    if isinstance(output, (tuple, list)):
        return [t for item in output for t in _tensors(item)]
    return []


def _print_table(rows: list[LayerSummary], input_shape: tuple[int, ...], total_params: int) -> None:
    labels = [f"{r.name} {r.layer}".strip() for r in rows]
    width = max(len("layer"), *map(len, labels)) + 2
    shape_width = max(len("output shape"), len(str(input_shape)), *(len(str(r.output_shape)) for r in rows)) + 2
    print(f"{'layer':<{width}}{'output shape':<{shape_width}}{'params':>10}{'mult-adds':>13}")
    print(f"{'input':<{width}}{input_shape}")
    for label, r in zip(labels, rows):
        print(f"{label:<{width}}{str(r.output_shape):<{shape_width}}{r.params:>10,}{r.mult_adds:>13,}")
    print(f"{'total':<{width + shape_width}}{total_params:>10,}{sum(r.mult_adds for r in rows):>13,}")
