"""Argument checks shared by the modules, each with a message that says the fix."""

from __future__ import annotations

import torch


def check_batch_size(batch_size: int) -> None:
    """Raise ``ValueError`` unless ``batch_size`` is a positive int."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")


def check_float(t: torch.Tensor, name: str) -> None:
    """Raise ``TypeError`` unless ``t`` is a floating-point tensor."""
    if not isinstance(t, torch.Tensor) or not t.is_floating_point():
        got = t.dtype if isinstance(t, torch.Tensor) else type(t).__name__
        raise TypeError(
            f"{name} must be a floating-point tensor, got {got}; "
            f"convert it with {name}.float()"
        )


def check_labels(y: torch.Tensor, num_classes: int) -> None:
    """Raise ``ValueError`` unless ``y`` holds integer class indices in [0, num_classes)."""
    if y.is_floating_point() or y.dtype == torch.bool:
        raise TypeError(f"labels must be an integer tensor of class indices, got {y.dtype}")
    if y.numel() and (int(y.min()) < 0 or int(y.max()) >= num_classes):
        raise ValueError(
            f"labels must lie in [0, {num_classes}) for {num_classes} classes, "
            f"got values from {int(y.min())} to {int(y.max())}"
        )
