"""Figures that work the same in Jupyter, Colab, a plain script and the book build.

Figures are shown as PNG (retina resolution): nbval skips images when it
compares outputs, so figures never make a notebook test flaky.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes

from ._checks import check_curves, check_int, check_names, check_number, check_pair, describe

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
    check_pair(figsize, "figsize", positive=True)
    use_png_display()
    plt.rcParams["figure.figsize"] = figsize


def _to_numpy(t: torch.Tensor, name: str) -> np.ndarray:
    """A CPU NumPy copy of ``t`` (bfloat16 becomes float32, which NumPy lacks)."""
    if t.device.type == "meta":
        raise ValueError(f"{name} is on the meta device, which holds no values; plot a tensor that has data")
    t = t.detach().cpu()
    return (t.float() if t.dtype == torch.bfloat16 else t).numpy()


def _as_list(values, name: str) -> list[np.ndarray]:
    """Turn one curve or a list of curves (lists, arrays or tensors) into a list of arrays."""
    if isinstance(values, torch.Tensor):
        values = _to_numpy(values, name)
    if isinstance(values, np.ndarray):
        return [values] if values.ndim <= 1 else list(values)
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list, array or tensor of numbers, got {describe(values)}")
    values = [_to_numpy(v, name) if isinstance(v, torch.Tensor) else v for v in values]
    if values and all(np.ndim(v) == 0 for v in values):  # one curve of numbers
        return [np.asarray(values)]
    return [np.asarray(v) for v in values]


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
    X = _as_list(X, "X")
    if Y is None:
        X, Y = [np.arange(np.size(x)) for x in X], X
    else:
        Y = _as_list(Y, "Y")
    if len(X) == 1:
        X = X * len(Y)
    check_curves(X, Y, legend)
    check_names(fmts, "fmts")
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
        imgs: ``n <= num_rows * num_cols`` images as a tensor/array or a list:
            grayscale ``(n, H, W)`` or ``(n, 1, H, W)``, or RGB ``(n, 3, H, W)``
            or ``(n, H, W, 3)`` (floats in [0, 1] or uint8 in [0, 255]).
        titles: one title per image.
    """
    check_int(num_rows, "num_rows")
    check_int(num_cols, "num_cols")
    check_number(scale, "scale", 0, exclusive=True, example="1.5")
    check_names(titles, "titles")
    images = [_as_image(img, i) for i, img in enumerate(_each(imgs))]
    if not images:
        raise ValueError("imgs holds no images; pass at least one, e.g. imgs[:8]")
    if len(images) > num_rows * num_cols:
        raise ValueError(f"{len(images)} images do not fit a {num_rows}x{num_cols} grid")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"got {len(titles)} titles for {len(images)} images")
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap="gray")  # the colour map is ignored for RGB images
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    return axes


def _each(imgs) -> list:
    """The images of a batch ``(n, ...)`` or of a list."""
    scalar = isinstance(imgs, (torch.Tensor, np.ndarray)) and imgs.ndim == 0
    if isinstance(imgs, (str, bytes)) or not isinstance(imgs, Iterable) or scalar:
        raise TypeError(f"imgs must be a tensor, an array or a list of images, got {describe(imgs)}")
    return list(imgs)


def _as_image(img, i: int) -> np.ndarray:
    """Image ``i`` as ``(H, W)`` grayscale or ``(H, W, 3)`` RGB, from any of the layouts ``show_images`` takes."""
    a = _to_numpy(img, f"image {i}") if isinstance(img, torch.Tensor) else np.asarray(img)
    if a.ndim == 3 and a.shape[0] in (1, 3):  # channels first, as in PyTorch
        a = np.moveaxis(a, 0, -1)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim == 2 or (a.ndim == 3 and a.shape[-1] == 3):
        return a
    raise ValueError(
        f"image {i} has shape {np.shape(img)}; show_images takes grayscale (H, W) or (1, H, W) and "
        "RGB (3, H, W) or (H, W, 3) images" + ("; for one image pass a list: [img]" if a.ndim < 2 else "")
    )


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
        check_names(legend, "legend")
        check_names(fmts, "fmts")
        for lim, name in ((xlim, "xlim"), (ylim, "ylim")):
            if lim is not None:
                check_pair(lim, name)
        check_pair(figsize, "figsize", positive=True)
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
        """Append the point ``(x, y[i])`` to curve ``i`` and redraw (``None`` skips a curve).

        ``y`` is one number or a sequence (list, tuple, 1-D tensor or array) of
        one number per curve; a call with a wrong value changes nothing.
        """
        check_number(x, "x")
        ys = _point(y)
        curves = len(self.legend or self.Y) or len(ys)  # the legend, or else the first call, fixes it
        if len(ys) != curves:
            raise ValueError(f"this Animator draws {curves} curves, add() got {len(ys)} values")
        if not self.X:
            self.X, self.Y = [[] for _ in ys], [[] for _ in ys]
        for i, v in enumerate(ys):
            if v is not None:
                self.X[i].append(float(x))
                self.Y[i].append(v)
        self._redraw()
        if in_notebook():
            self._show()
        else:
            names = self.legend or [f"y{i}" for i in range(len(ys))]
            print(f"{float(x):g}: " + ", ".join(f"{n} {v:.4f}" for n, v in zip(names, ys) if v is not None))

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


def _point(y) -> list[float | None]:
    """The values given to ``Animator.add`` as floats (``None`` kept), checked before anything is drawn."""
    if isinstance(y, (torch.Tensor, np.ndarray)):
        if y.ndim > 1:
            raise ValueError(f"y must be one number or one per curve, got shape {tuple(y.shape)}; pass y.flatten()")
        y = (_to_numpy(y, "y") if isinstance(y, torch.Tensor) else y).reshape(-1).tolist()
    ys = list(y) if isinstance(y, (list, tuple)) else [y]
    for i, v in enumerate(ys):
        if v is not None:
            check_number(v, f"y[{i}]", finite=False)
    return [None if v is None else float(v) for v in ys]
