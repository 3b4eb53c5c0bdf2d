"""Training loops (with ``torch.optim`` and from scratch) and prediction."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

import d2lmini  # noqa: E402


@pytest.fixture(autouse=True)
def clean_state(monkeypatch):
    """Close figures, keep tqdm bars off (as in CI) and restore torch's determinism flags."""
    monkeypatch.setenv("CI", "1")
    state = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.use_deterministic_algorithms(state[0], warn_only=state[1])
    plt.close("all")


def blobs(n: int = 64, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A linearly separable 2-class problem: two Gaussian blobs around (-2, -2) and (2, 2)."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    X = torch.randn(n, 2, generator=g) * 0.5 + (y.float() * 4 - 2).unsqueeze(1)
    return X, y


def loaders(batch_size: int = 16):
    X, y = blobs(64, seed=0)
    X_test, y_test = blobs(30, seed=1)  # 30 = 16 + 14: a smaller last batch
    return d2lmini.load_array((X, y), batch_size), d2lmini.load_array((X_test, y_test), batch_size, is_train=False)


def test_train_epoch_with_optimizer_decreases_loss():
    d2lmini.seed(0)
    train_iter, _ = loaders()
    net = nn.Linear(2, 2)
    updater = torch.optim.SGD(net.parameters(), lr=0.1)
    losses, accs = zip(*[d2lmini.train_epoch(net, train_iter, nn.CrossEntropyLoss(reduction="none"), updater)
                         for _ in range(5)])  # fmt: skip
    assert all(a > b for a, b in zip(losses, losses[1:])), losses
    assert accs[-1] == 1.0 and all(0 <= a <= 1 for a in accs)
    assert net.training


def test_train_epoch_from_scratch_decreases_loss():
    d2lmini.seed(0)
    train_iter, _ = loaders()
    W = torch.normal(0, 0.01, size=(2, 2), requires_grad=True)
    b = torch.zeros(2, requires_grad=True)

    def net(X):
        return d2lmini.softmax(X @ W + b)

    def updater(batch_size):
        d2lmini.sgd([W, b], 0.1, batch_size)

    losses = [d2lmini.train_epoch(net, train_iter, d2lmini.cross_entropy, updater)[0] for _ in range(5)]
    assert all(a > b for a, b in zip(losses, losses[1:])), losses
    assert d2lmini.evaluate_accuracy(net, loaders()[1]) == 1.0


def test_train_epoch_mean_and_per_example_losses_agree():
    results = []
    for reduction in ("none", "mean"):
        d2lmini.seed(0)
        train_iter, _ = loaders()
        net = nn.Linear(2, 2)
        updater = torch.optim.SGD(net.parameters(), lr=0.1)
        results.append((d2lmini.train_epoch(net, train_iter, nn.CrossEntropyLoss(reduction=reduction), updater),
                        net.weight.detach().clone()))  # fmt: skip
    assert results[0][0] == pytest.approx(results[1][0])
    torch.testing.assert_close(results[0][1], results[1][1])


def test_train_epoch_reports_mean_loss_and_accuracy():
    # a fixed net and an updater that does nothing: the numbers can be checked by hand
    net = nn.Linear(2, 2)
    X, y = blobs(10)
    batches = [(X[:6], y[:6]), (X[6:], y[6:])]
    loss = nn.CrossEntropyLoss(reduction="none")
    with torch.no_grad():
        expected_loss = float(loss(net(X), y).mean())
        expected_acc = float((net(X).argmax(1) == y).float().mean())
    got_loss, got_acc = d2lmini.train_epoch(net, batches, loss, lambda n: None)
    assert got_loss == pytest.approx(expected_loss, rel=1e-6)
    assert got_acc == pytest.approx(expected_acc)


@pytest.mark.parametrize("updater", [3, "sgd", None])
def test_train_epoch_updater_type(updater):
    train_iter, _ = loaders()
    with pytest.raises(TypeError, match="updater must be a torch.optim optimizer or a function taking the batch size"):
        d2lmini.train_epoch(nn.Linear(2, 2), train_iter, nn.CrossEntropyLoss(), updater)


def test_train_epoch_empty():
    net = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="train_iter yielded no examples"):
        d2lmini.train_epoch(net, [], nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.1))


def test_train_returns_epoch_stats_per_epoch():
    d2lmini.seed(0)
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    history = d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 3,
                            torch.optim.SGD(net.parameters(), lr=0.1), animate=False)  # fmt: skip
    assert [s.epoch for s in history] == [1, 2, 3]
    assert all(isinstance(s, d2lmini.EpochStats) for s in history)
    assert history[0].train_loss > history[-1].train_loss
    assert history[-1].test_acc == 1.0
    for s in history:
        assert 0 <= s.train_acc <= 1 and 0 <= s.test_acc <= 1
        assert s.seconds > 0 and s.examples_per_sec == pytest.approx(64 / s.seconds)
    with pytest.raises(AttributeError):
        history[0].epoch = 5  # frozen: a record, not a state


def test_train_with_in_memory_loader_and_animation(capsys):
    d2lmini.seed(0)
    X, y = blobs(40)
    train_iter = d2lmini.InMemoryLoader(X.reshape(40, 1, 1, 2), y, 8, shuffle=True)
    test_iter = d2lmini.InMemoryLoader(X.reshape(40, 1, 1, 2), y, 16)
    net = nn.Sequential(nn.Flatten(), nn.Linear(2, 2))
    history = d2lmini.train_ch3(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2,
                                torch.optim.SGD(net.parameters(), lr=0.1))  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert len(history) == 2 and len(lines) == 2  # in a script the Animator prints one line per epoch
    assert lines[1].startswith("2: train loss ") and "train acc" in lines[1]
    assert f"test acc {history[1].test_acc:.4f}" in lines[1]


def test_train_progress_bar(monkeypatch, capsys):
    monkeypatch.delenv("CI")
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 1, torch.optim.SGD(net.parameters(), lr=0.1),
                  animate=False, progress=True)  # fmt: skip
    assert "epoch 1" in capsys.readouterr().err  # tqdm writes to stderr


@pytest.mark.parametrize("num_epochs", [0, -1, 2.0])
def test_train_num_epochs(num_epochs):
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    updater = torch.optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=f"num_epochs must be a positive int, got {num_epochs!r}"):
        d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), num_epochs, updater)


def test_train_updater_type():
    train_iter, test_iter = loaders()
    with pytest.raises(TypeError, match="updater must be a torch.optim optimizer"):
        d2lmini.train(nn.Linear(2, 2), train_iter, test_iter, nn.CrossEntropyLoss(), 1, 0.1, animate=False)


def test_predict_returns_label_names():
    X = torch.zeros(8, 1, 28, 28)
    y = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])

    def always_dress(X):
        return torch.nn.functional.one_hot(torch.full((len(X),), 3), 10).float()

    trues, guesses = d2lmini.predict(always_dress, [(X, y)], n=5)
    assert trues == ["t-shirt", "trouser", "pullover", "dress", "coat"]
    assert guesses == ["dress"] * 5
    axes = plt.gcf().axes
    assert len(axes) == 5 and axes[0].get_title() == "t-shirt\ndress"
    assert d2lmini.predict_ch3 is d2lmini.predict


def test_predict_with_a_module():
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    net.train()
    X, y = torch.rand(6, 1, 28, 28), torch.arange(6)
    trues, guesses = d2lmini.predict(net, [(X, y)])
    with torch.no_grad():
        expected = d2lmini.get_fashion_mnist_labels(net(X).argmax(1))
    assert trues == d2lmini.get_fashion_mnist_labels(y) and guesses == expected
    assert not net.training
