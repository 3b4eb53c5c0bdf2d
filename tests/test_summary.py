"""summary: the layer table of a network (output shapes, parameters, multiply-adds)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import d2lmini


def small_cnn() -> nn.Sequential:
    """The small CNN of the CNN chapter."""
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(10, 20, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(320, 10),
    )  # fmt: skip


def test_summary_rows_of_the_chapter_cnn(capsys):
    rows = d2lmini.summary(small_cnn(), (1, 28, 28))
    assert [r.layer for r in rows] == ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"]
    assert [r.name for r in rows] == [str(i) for i in range(8)]
    assert [r.output_shape for r in rows] == [(10, 24, 24), (10, 24, 24), (10, 12, 12), (20, 8, 8), (20, 8, 8),
                                              (20, 4, 4), (320,), (10,)]  # fmt: skip
    assert [r.params for r in rows] == [260, 0, 0, 5020, 0, 0, 0, 3210]
    assert [r.mult_adds for r in rows] == [10 * 24 * 24 * 25, 0, 0, 20 * 8 * 8 * 250, 0, 0, 0, 3200]
    assert all(isinstance(r, d2lmini.LayerSummary) for r in rows)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["layer", "output", "shape", "params", "mult-adds"]
    assert lines[1].split() == ["input", "(1,", "28,", "28)"]
    assert lines[2].split() == ["0", "Conv2d", "(10,", "24,", "24)", "260", "144,000"]
    assert lines[-1].split() == ["total", "8,490", "467,200"]
    assert len(lines) == 11


def test_summary_nested_shared_and_quiet(capsys):
    shared = nn.Linear(4, 4)
    net = nn.Sequential(nn.Sequential(shared, nn.ReLU()), shared, nn.BatchNorm1d(4))
    net.train()
    net[2].train(False)  # a mixed state, restored afterwards
    rows = d2lmini.summary(net, [4], print_table=False)
    assert [r.name for r in rows] == ["0.0", "0.1", "0.0", "2"]  # the shared layer runs twice, under its first name
    assert [r.params for r in rows] == [20, 0, 20, 8]
    assert capsys.readouterr().out == ""
    assert net.training and net[0].training and not net[2].training
    assert net[2].running_mean.abs().sum() == 0  # eval mode: batch norm statistics untouched


def test_summary_total_counts_a_shared_parameter_once(capsys):
    shared = nn.Linear(3, 3)
    d2lmini.summary(nn.Sequential(shared, shared), (3,))
    assert capsys.readouterr().out.splitlines()[-1].split() == ["total", "12", "18"]


def test_summary_of_one_layer_and_of_a_tuple_output():
    (row,) = d2lmini.summary(nn.Linear(3, 2), (3,), print_table=False)
    assert row == d2lmini.LayerSummary("", "Linear", (2,), 8, 6)
    (lstm,) = d2lmini.summary(nn.LSTM(4, 5, batch_first=True), (7, 4), print_table=False)
    assert lstm.output_shape == (7, 5) and lstm.params == 4 * (4 * 5 + 5 * 5 + 2 * 5)


def test_summary_runs_on_the_networks_dtype_without_gradients():
    net = nn.Sequential(nn.Linear(2, 2)).double()
    grads = []
    net[0].register_forward_hook(lambda m, i, o: grads.append((o.dtype, o.requires_grad)))
    d2lmini.summary(net, (2,), print_table=False)
    assert grads == [(torch.float64, False)]


def test_summary_names_the_failing_layer():
    wrong = small_cnn()
    wrong[7] = nn.Linear(500, 10)  # guessed 20 * 5 * 5
    with pytest.raises(RuntimeError, match=r"in layer '7' \(Linear\), whose input had shape \(320,\): mat1 and mat2"):
        d2lmini.summary(wrong, (1, 28, 28))
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in wrong.modules())  # hooks removed
