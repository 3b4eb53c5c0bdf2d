"""Figures: plot, show_images, Animator and the display helpers (matplotlib's Agg backend)."""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg", force=True)

import IPython  # noqa: E402
import IPython.display  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib_inline.backend_inline  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import d2lmini  # noqa: E402

plot_module = sys.modules["d2lmini.plot"]  # d2lmini.plot is also the function plot


@pytest.fixture(autouse=True)
def clean_figures(monkeypatch):
    """Close figures after each test and restore the default figure size."""
    monkeypatch.setitem(plt.rcParams, "figure.figsize", plt.rcParams["figure.figsize"])
    yield
    plt.close("all")


@pytest.fixture
def jupyter(monkeypatch):
    """Pretend to run in a Jupyter kernel; record what would be displayed."""
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def display(obj, display_id=False):
        shown.append(("display", obj))
        return Handle()

    monkeypatch.setattr(plot_module, "in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(matplotlib_inline.backend_inline, "set_matplotlib_formats", lambda *f: shown.append(("formats", f)))
    return shown


# ----------------------------------------------------------------- display helpers


def test_in_jupyter_kernel_detection(monkeypatch):
    assert d2lmini.in_notebook() is False  # pytest is no kernel
    monkeypatch.setattr(IPython, "get_ipython", lambda: type("Shell", (), {"kernel": object()})())
    assert d2lmini.in_notebook() is True
    monkeypatch.setattr(IPython, "get_ipython", lambda: type("TerminalShell", (), {})())
    assert d2lmini.in_notebook() is False  # IPython in a terminal cannot show inline figures


def test_use_png_display(jupyter, monkeypatch):
    d2lmini.use_png_display()
    assert jupyter == [("formats", ("retina",))]
    monkeypatch.setattr(plot_module, "in_notebook", lambda: False)
    d2lmini.use_png_display()
    assert len(jupyter) == 1  # a no-op outside a notebook


def test_set_figsize():
    d2lmini.set_figsize((5, 3))
    assert tuple(plt.rcParams["figure.figsize"]) == (5, 3)
    d2lmini.set_figsize()
    assert tuple(plt.rcParams["figure.figsize"]) == (3.5, 2.5)


# ----------------------------------------------------------------- plot


def test_plot_one_curve_with_labels():
    x = np.arange(5)
    axes = d2lmini.plot(x, x**2, xlabel="x", ylabel="f(x)", xlim=(0, 4))
    (line,) = axes.get_lines()
    assert line.get_xdata().tolist() == [0, 1, 2, 3, 4] and line.get_ydata().tolist() == [0, 1, 4, 9, 16]
    assert axes.get_xlabel() == "x" and axes.get_ylabel() == "f(x)" and axes.get_xlim() == (0, 4)


def test_plot_several_curves_share_x_and_get_a_legend():
    x = torch.arange(4.0)
    axes = d2lmini.plot(x, [x, 2 * x, 3 * x], legend=["a", "b", "c"], yscale="log")
    assert len(axes.get_lines()) == 3
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["a", "b", "c"]
    assert axes.get_yscale() == "log"
    assert axes.get_lines()[2].get_ydata().tolist() == [0, 3, 6, 9]


def test_plot_y_only_and_given_axes():
    _, ax = plt.subplots()
    axes = d2lmini.plot([3.0, 1.0, 2.0], axes=ax)
    assert axes is ax
    assert axes.get_lines()[0].get_xdata().tolist() == [0, 1, 2]
    assert axes.get_lines()[0].get_ydata().tolist() == [3.0, 1.0, 2.0]


def test_plot_of_tensors_with_gradients():
    w = torch.tensor(2.0, requires_grad=True)
    losses = [w * i for i in range(3)]  # 0-d tensors in a graph, as a training loop collects them
    axes = d2lmini.plot(losses)
    assert axes.get_lines()[0].get_ydata().tolist() == [0.0, 2.0, 4.0]
    axes = d2lmini.plot(torch.arange(3.0), torch.arange(3.0).bfloat16() * w)
    assert axes.get_lines()[0].get_ydata().tolist() == [0.0, 2.0, 4.0]


def test_plot_nothing_draws_nothing():
    _, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    with pytest.raises(ValueError, match="plot got no data to draw"):
        d2lmini.plot([])  # used to return the previous figure's axes as if it had drawn
    assert len(ax.get_lines()) == 1


def test_plot_errors():
    with pytest.raises(ValueError, match="got 2 x series for 3 y series; give one x or one per curve"):
        d2lmini.plot([[0, 1], [0, 1]], [[0, 1], [1, 2], [2, 3]])
    with pytest.raises(ValueError, match="got 1 legend entries for 2 curves"):
        d2lmini.plot([0, 1], [[0, 1], [1, 2]], legend=["only one"])


# ----------------------------------------------------------------- show_images


@pytest.mark.parametrize("imgs", [torch.rand(5, 28, 28), torch.rand(5, 1, 28, 28), [np.zeros((8, 8))] * 5])
def test_show_images_grid_and_titles(imgs):
    axes = d2lmini.show_images(imgs, 2, 3, titles=list("abcde"))
    assert axes.shape == (2, 3)
    assert [ax.get_title() for ax in axes.flat] == ["a", "b", "c", "d", "e", ""]
    assert [len(ax.get_images()) for ax in axes.flat] == [1, 1, 1, 1, 1, 0]
    assert all(not ax.axison for ax in axes.flat)
    assert axes[0, 0].get_images()[0].get_array().shape in ((28, 28), (8, 8))


def test_show_images_rgb_channels_first_and_last():
    chw = torch.rand(2, 3, 8, 6)
    axes = d2lmini.show_images(chw, 1, 2)
    shown = axes[0, 0].get_images()[0].get_array()
    assert shown.shape == (8, 6, 3)
    np.testing.assert_allclose(shown, chw[0].permute(1, 2, 0).numpy())
    hwc = (np.random.rand(2, 8, 6, 3) * 255).astype(np.uint8)
    axes = d2lmini.show_images(list(hwc), 1, 2)
    assert axes[0, 1].get_images()[0].get_array().shape == (8, 6, 3)


def test_show_images_of_different_sizes_side_by_side():
    axes = d2lmini.show_images([torch.rand(28, 28), torch.rand(64, 64)], 1, 2)  # e.g. original and resized
    assert [ax.get_images()[0].get_array().shape for ax in axes.flat] == [(28, 28), (64, 64)]


def test_show_images_keeps_gradients_out():
    imgs = torch.rand(2, 1, 4, 4, requires_grad=True)
    axes = d2lmini.show_images(imgs * 1, 1, 2)  # a tensor in a graph, as a net's output would be
    assert axes[0, 0].get_images()[0].get_array().shape == (4, 4)


def test_show_images_errors():
    with pytest.raises(ValueError, match="7 images do not fit a 2x3 grid"):
        d2lmini.show_images(torch.rand(7, 4, 4), 2, 3)
    with pytest.raises(ValueError, match="got 2 titles for 3 images"):
        d2lmini.show_images(torch.rand(3, 4, 4), 1, 3, titles=["a", "b"])


# ----------------------------------------------------------------- Animator


def test_animator_script_mode_prints_metrics(capsys):
    animator = d2lmini.Animator(xlabel="epoch", legend=["train loss", "test acc"], xlim=(1, 3))
    animator.add(1, (0.9, 0.5))
    animator.add(2, (0.4, None))  # None skips a curve
    animator.add(3, [0.2, 0.8])
    assert capsys.readouterr().out.splitlines() == [
        "1: train loss 0.9000, test acc 0.5000",
        "2: train loss 0.4000",
        "3: train loss 0.2000, test acc 0.8000",
    ]
    assert animator.X == [[1.0, 2.0, 3.0], [1.0, 3.0]]
    assert animator.Y == [[0.9, 0.4, 0.2], [0.5, 0.8]]
    lines = animator.axes.get_lines()
    assert len(lines) == 2 and lines[1].get_ydata().tolist() == [0.5, 0.8]
    assert animator.axes.get_xlabel() == "epoch"
    assert plt.get_fignums() == []  # closed: no stray figure at the end of a cell or script


def test_animator_single_value_without_legend(capsys):
    animator = d2lmini.Animator()
    animator.add(0.5, torch.tensor(2.0))
    assert capsys.readouterr().out == "0.5: y0 2.0000\n"
    assert animator.Y == [[2.0]]


def test_animator_wrong_arity():
    animator = d2lmini.Animator(legend=["a", "b"])
    animator.add(1, (0.1, 0.2))
    with pytest.raises(ValueError, match=r"this Animator draws 2 curves, add\(\) got 3 values"):
        animator.add(2, (0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match=r"this Animator draws 2 curves, add\(\) got 1 values"):
        animator.add(2, 0.1)


def test_animator_takes_a_tensor_of_values(capsys):
    animator = d2lmini.Animator(legend=["loss", "acc"])
    animator.add(1, torch.tensor([0.5, 0.25], requires_grad=True))
    animator.add(torch.tensor(2), np.array([0.4, 0.5]))
    assert animator.Y == [[0.5, 0.4], [0.25, 0.5]] and animator.X == [[1.0, 2.0], [1.0, 2.0]]
    assert capsys.readouterr().out.splitlines()[0] == "1: loss 0.5000, acc 0.2500"


def test_animator_failed_add_changes_nothing():
    animator = d2lmini.Animator()
    with pytest.raises(TypeError, match=r"y\[1\] must be a number"):
        animator.add(1, (0.5, "0.2"))  # used to fix the number of curves before failing
    with pytest.raises(ValueError, match="pass y.flatten"):
        animator.add(1, torch.ones(2, 2))
    assert animator.X == [] and animator.Y == []
    animator.add(1, (0.5, 0.2, 0.1))  # the next correct call works
    assert animator.Y == [[0.5], [0.2], [0.1]]


def test_animator_in_jupyter_updates_one_display(jupyter, capsys):
    animator = d2lmini.Animator(legend=["loss"])
    for epoch in range(3):
        animator.add(epoch, 1.0 / (epoch + 1))
    assert [kind for kind, _ in jupyter] == ["formats", "display", "update", "update"]
    assert all(obj is animator.fig for kind, obj in jupyter[1:])
    assert capsys.readouterr().out == ""  # the figure replaces the text
