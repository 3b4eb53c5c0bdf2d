"""Figures that work the same in Jupyter, Colab, a plain script and the book build.

Figures are shown as PNG (retina resolution): nbval skips images when it
compares outputs, so figures never make a notebook test flaky.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes

__all__ = ["in_notebook", "use_png_display", "set_figsize", "plot", "show_images", "Animator"]


def in_notebook() -> bool:
    """True inside a Jupyter/Colab kernel, where rich display is available."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def use_png_display() -> None:
    """Show inline figures as high-resolution PNG (a no-op outside a notebook)."""
    if in_notebook():
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """Set the default figure size in inches and use PNG display."""
    use_png_display()
    plt.rcParams["figure.figsize"] = figsize


def _as_list(values) -> list:
    """Turn one curve or a list of curves into a list of curves."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    if isinstance(values, np.ndarray):
        return [values] if values.ndim == 1 else list(values)
    if values and not hasattr(values[0], "__len__"):
        return [values]
    return list(values)


def set_axes(axes: Axes, xlabel=None, ylabel=None, xlim=None, ylim=None,
             xscale="linear", yscale="linear", legend=None) -> None:  # fmt: skip
    """Set labels, limits, scales and legend of one matplotlib ``Axes``."""
    axes.set_xlabel(xlabel), axes.set_ylabel(ylabel)
    axes.set_xscale(xscale), axes.set_yscale(yscale)
    axes.set_xlim(xlim), axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid(True)


def plot(X, Y=None, xlabel: str | None = None, ylabel: str | None = None,
         legend: Sequence[str] | None = None, xlim=None, ylim=None,
         xscale: str = "linear", yscale: str = "linear",
         fmts: Sequence[str] = ("-", "m--", "g-.", "r:", "c-", "y--"),
         figsize: tuple[float, float] = (3.5, 2.5), axes: Axes | None = None) -> Axes:  # fmt: skip
    """Plot one or several curves on one ``Axes`` and return it.

    Args:
        X: x values, shape ``(m,)``, or one ``(m,)`` array per curve. With
            ``Y`` omitted, ``X`` holds the y values and x is ``0..m-1``.
        Y: y values, shape ``(m,)`` or one ``(m,)`` array per curve.
        legend: one label per curve.
        xscale, yscale: ``"linear"`` or ``"log"``.
        fmts: matplotlib format strings, used in turn.
    """
    X = _as_list(X)
    if Y is None:
        X, Y = [np.arange(len(x)) for x in X], X
    Y = _as_list(Y)
    if len(X) == 1:
        X = X * len(Y)
    if len(X) != len(Y):
        raise ValueError(f"got {len(X)} x series for {len(Y)} y series; give one x or one per curve")
    if legend is not None and len(legend) != len(Y):
        raise ValueError(f"got {len(legend)} legend entries for {len(Y)} curves")
    if axes is None:
        set_figsize(figsize)
        axes = plt.gca()
    for x, y, fmt in zip(X, Y, fmts * len(Y)):
        axes.plot(x, y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    return axes


def show_images(imgs, num_rows: int, num_cols: int, titles: Sequence[str] | None = None,
                scale: float = 1.5) -> np.ndarray:  # fmt: skip
    """Show images in a ``num_rows x num_cols`` grid and return the axes array.

    Args:
        imgs: ``(n, H, W)`` or ``(n, 1, H, W)`` tensor/array (or a list of ``(H, W)``
            images), ``n <= num_rows * num_cols``.
        titles: one title per image.
    """
    if len(imgs) > num_rows * num_cols:
        raise ValueError(f"{len(imgs)} images do not fit a {num_rows}x{num_cols} grid")
    if titles is not None and len(titles) != len(imgs):
        raise ValueError(f"got {len(titles)} titles for {len(imgs)} images")
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(imgs):
            img = imgs[i]
            img = img.detach().cpu().numpy() if isinstance(img, torch.Tensor) else np.asarray(img)
            ax.imshow(img.squeeze(0) if img.ndim == 3 else img, cmap="gray")
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    return axes


class Animator:
    """Draw curves point by point, e.g. loss and accuracy after every epoch.

    In Jupyter and Colab the figure is redrawn in place after each ``add``; a
    notebook executed in the book build or by nbval stores its final state.
    In a plain script, each ``add`` prints the values as text instead and the
    finished figure stays available as ``animator.fig`` (``savefig`` it).

    The other arguments (labels, limits, scales, formats, size) are as in ``plot``.

    Args:
        legend: one name per curve; the order of the values given to ``add``.
    """

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 legend: Sequence[str] = (), xlim=None, ylim=None,
                 xscale: str = "linear", yscale: str = "linear",
                 fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
                 figsize: tuple[float, float] = (3.5, 2.5)) -> None:  # fmt: skip
        use_png_display()
        self.fig, self.axes = plt.subplots(figsize=figsize)
        plt.close(self.fig)  # shown through our own display handle, not at cell end
        self.legend, self.fmts = list(legend), fmts
        self._config = dict(xlabel=xlabel, ylabel=ylabel, xlim=xlim, ylim=ylim,
                            xscale=xscale, yscale=yscale, legend=self.legend or None)  # fmt: skip
        self.X: list[list[float]] = []
        self.Y: list[list[float]] = []
        self._handle = None

    def add(self, x: float, y: float | Sequence[float]) -> None:
        """Append the point ``(x, y[i])`` to curve ``i`` and redraw (``None`` skips a curve)."""
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        if not self.X:
            self.X, self.Y = [[] for _ in ys], [[] for _ in ys]
        if len(ys) != len(self.Y):
            raise ValueError(f"this Animator draws {len(self.Y)} curves, add() got {len(ys)} values")
        for i, v in enumerate(ys):
            if v is not None:
                self.X[i].append(float(x))
                self.Y[i].append(float(v))
        self._redraw()
        if in_notebook():
            self._show()
        else:
            names = self.legend or [f"y{i}" for i in range(len(ys))]
            print(f"{x:g}: " + ", ".join(f"{n} {v:.4f}" for n, v in zip(names, ys) if v is not None))

    def _redraw(self) -> None:
        self.axes.cla()
        for x, y, fmt in zip(self.X, self.Y, self.fmts * len(self.Y)):
            self.axes.plot(x, y, fmt)
        set_axes(self.axes, **self._config)
        self.fig.tight_layout()

    def _show(self) -> None:
        from IPython.display import display

        if self._handle is None:
            self._handle = display(self.fig, display_id=True)
        else:
            self._handle.update(self.fig)
