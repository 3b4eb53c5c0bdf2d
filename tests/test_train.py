"""Training loops (with ``torch.optim`` and from scratch) and prediction."""

from __future__ import annotations

import dataclasses
import sys

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

import d2lmini  # noqa: E402

train_module = sys.modules["d2lmini.train"]  # d2lmini.train is also the function train


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
    images = ((X + 4) / 8).clamp(0, 1).reshape(40, 1, 1, 2)  # pixel values in [0, 1]
    train_iter = d2lmini.InMemoryLoader(images, y, 8, shuffle=True)
    test_iter = d2lmini.InMemoryLoader(images, y, 16)
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


# ----------------------------------------------------------------- non-finite losses, foreign optimizers


def failing_loss(epoch: int, batch: int, value: float = float("nan")):
    """Cross-entropy that returns ``value`` at one training batch of one epoch (4 batches per epoch here)."""
    calls = []

    def loss(y_hat, y):
        if torch.is_grad_enabled():  # count training batches, not the evaluation without gradients
            calls.append(None)
        l = nn.functional.cross_entropy(y_hat, y)
        return l * value if len(calls) == (epoch - 1) * 4 + batch else l

    return loss


def test_train_stops_at_the_first_non_finite_loss():
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    with pytest.raises(FloatingPointError) as info:
        d2lmini.train(net, train_iter, test_iter, failing_loss(2, 3), 3, torch.optim.SGD(net.parameters(), lr=0.1),
                      animate=False)  # fmt: skip
    message = str(info.value)
    assert message.startswith("the training loss became nan in epoch 2, batch 3; training stopped.")
    assert "a learning rate too large" in message and "nn.CrossEntropyLoss" in message
    assert torch.isfinite(net.weight).all()  # on the CPU it stops before the update


def test_train_epoch_stops_at_an_infinite_loss():
    train_iter, _ = loaders()
    net = nn.Linear(2, 2)
    with pytest.raises(FloatingPointError, match="the training loss became inf in epoch 1, batch 2"):
        d2lmini.train_epoch(net, train_iter, failing_loss(1, 2, float("inf")), torch.optim.SGD(net.parameters(), lr=0.1))


def test_train_on_an_accelerator_finds_the_batch_after_the_epoch(monkeypatch):
    # on a GPU the batch losses are only searched when the epoch's sum is not finite: no sync per batch
    monkeypatch.setattr(train_module, "_check_now", lambda l_sum: False)
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    with pytest.raises(FloatingPointError, match="the training loss became nan in epoch 1, batch 3; training stopped"):
        d2lmini.train(net, train_iter, test_iter, failing_loss(1, 3), 2, torch.optim.SGD(net.parameters(), lr=0.1),
                      animate=False)  # fmt: skip


def test_from_scratch_underflow_names_the_batch():
    # probabilities that underflow to 0 give cross_entropy's inf (kept on purpose); train stops there
    W = torch.tensor([[300.0, -300.0], [300.0, -300.0]], requires_grad=True)  # class 1 gets probability 0

    def net(X):
        return d2lmini.softmax(X.abs() @ W)

    X, y = torch.ones(4, 2), torch.tensor([0, 0, 1, 1])
    with pytest.raises(FloatingPointError, match=r"became inf in epoch 1, batch 1;.*underflow to 0"):
        d2lmini.train(net, [(X, y)], [(X, y)], d2lmini.cross_entropy, 1, lambda n: d2lmini.sgd([W], 0.1, n),
                      animate=False)  # fmt: skip


def test_train_rejects_an_optimizer_over_another_network_before_training():
    train_iter, test_iter = loaders()
    net, other = nn.Linear(2, 2), nn.Linear(2, 2)
    before = net.weight.detach().clone()
    with pytest.raises(ValueError, match="the optimizer holds none of net's parameters"):
        d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2, torch.optim.SGD(other.parameters(), lr=0.1),
                      animate=False)  # fmt: skip
    assert torch.equal(net.weight, before) and net.training  # nothing ran


def test_train_accepts_an_optimizer_over_part_of_the_network():
    train_iter, test_iter = loaders()
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    frozen = net[0].weight.detach().clone()
    d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 1, torch.optim.SGD(net[1].parameters(), lr=0.1),
                  animate=False)  # fmt: skip
    assert torch.equal(net[0].weight, frozen)  # fine-tuning the last layer only is allowed


# ----------------------------------------------------------------- test loss, schedulers, on_batch, ylim


def test_train_reports_the_test_loss():
    d2lmini.seed(0)
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    loss = nn.CrossEntropyLoss()
    history = d2lmini.train(net, train_iter, test_iter, loss, 2, torch.optim.SGD(net.parameters(), lr=0.1), animate=False)
    X, y = blobs(30, seed=1)
    with torch.no_grad():
        expected = float(nn.functional.cross_entropy(net(X), y))
        expected_acc = float((net(X).argmax(1) == y).float().mean())
    assert history[-1].test_loss == pytest.approx(expected, rel=1e-5)
    assert history[-1].test_acc == pytest.approx(expected_acc) == d2lmini.evaluate_accuracy(net, test_iter)
    assert history[0].test_loss > history[-1].test_loss
    fields = [f.name for f in dataclasses.fields(d2lmini.EpochStats)]
    assert fields[:6] == ["epoch", "train_loss", "train_acc", "test_acc", "seconds", "examples_per_sec"]
    assert d2lmini.EpochStats(1, 0.5, 0.8, 0.7, 1.0, 64.0).test_loss is None  # records built by hand still work


def test_train_test_loss_from_scratch_loss():
    train_iter, test_iter = loaders()
    W = torch.zeros(2, 2, requires_grad=True)
    history = d2lmini.train(lambda X: d2lmini.softmax(X @ W), train_iter, test_iter, d2lmini.cross_entropy, 1,
                            lambda n: d2lmini.sgd([W], 0.1, n), animate=False)  # fmt: skip
    X, y = blobs(30, seed=1)
    expected = float(d2lmini.cross_entropy(d2lmini.softmax(X @ W.detach()), y).mean())
    assert history[0].test_loss == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("step, steps", [("batch", 8), ("epoch", 2)])
def test_train_steps_the_scheduler(step, steps):
    train_iter, test_iter = loaders()  # 4 batches per epoch
    net = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2, optimizer, animate=False,
                  scheduler=scheduler, scheduler_step=step)  # fmt: skip
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5**steps)


def test_train_steps_one_cycle_per_batch():
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=2 * len(train_iter))
    d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2, optimizer, animate=False,
                  scheduler=scheduler, scheduler_step="batch")  # fmt: skip
    assert scheduler.last_epoch == 8  # every step of the cycle taken, none more (torch would raise)


def test_train_gives_reduce_on_plateau_the_test_loss():
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    seen = []
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer)
    original = scheduler.step
    scheduler.step = lambda metrics: (seen.append(metrics), original(metrics))
    history = d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2, optimizer, animate=False,
                            scheduler=scheduler)  # fmt: skip
    assert seen == [s.test_loss for s in history]


def test_train_calls_on_batch_with_epoch_batch_and_loss():
    d2lmini.seed(0)
    train_iter, test_iter = loaders()  # 64 examples in batches of 16
    net = nn.Linear(2, 2)
    calls = []
    history = d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2, torch.optim.SGD(net.parameters(), lr=0.1),
                            animate=False, on_batch=lambda *args: calls.append(args))  # fmt: skip
    assert [(e, b) for e, b, _ in calls] == [(e, b) for e in (1, 2) for b in (1, 2, 3, 4)]
    assert all(isinstance(loss, float) for _, _, loss in calls)
    for s in history:  # equal batches: the epoch's loss is the mean of the batch losses
        assert s.train_loss == pytest.approx(sum(l for e, _, l in calls if e == s.epoch) / 4, rel=1e-6)


def test_train_keeps_old_positional_arguments(monkeypatch):
    made = []
    monkeypatch.setattr(train_module, "Animator", lambda **kwargs: made.append(kwargs) or d2lmini.Animator(**kwargs))
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 1, torch.optim.SGD(net.parameters(), lr=0.1),
                  True, False, (0.0, 2.0))  # fmt: skip
    assert made[0]["ylim"] == (0.0, 2.0)


def test_train_names_the_split_it_evaluates(monkeypatch):
    made = []
    monkeypatch.setattr(train_module, "Animator", lambda **kwargs: made.append(kwargs) or d2lmini.Animator(**kwargs))
    train_iter, valid_iter = loaders()
    net = nn.Linear(2, 2)
    for label in (None, "valid"):
        d2lmini.train(net, train_iter, valid_iter, nn.CrossEntropyLoss(), 1, torch.optim.SGD(net.parameters(), lr=0.1),
                      **({"test_label": label} if label else {}))  # fmt: skip
    assert [kwargs["legend"][-1] for kwargs in made] == ["test acc", "valid acc"]


def test_epoch_stats_name_a_validation_split():
    stats = d2lmini.EpochStats(1, 0.5, 0.8, 0.75, 1.0, 100.0, 0.6)
    assert (stats.valid_acc, stats.valid_loss) == (stats.test_acc, stats.test_loss) == (0.75, 0.6)


def test_train_y_axis_fits_losses_below_0_2(monkeypatch):
    made = []
    monkeypatch.setattr(train_module, "Animator", lambda **kwargs: made.append(d2lmini.Animator(**kwargs)) or made[-1])
    d2lmini.seed(0)
    train_iter, test_iter = loaders()
    net = nn.Linear(2, 2)
    history = d2lmini.train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 5, torch.optim.SGD(net.parameters(), lr=1.0))
    assert history[-1].train_loss < 0.2
    low, high = made[0].axes.get_ylim()
    assert low <= history[-1].train_loss and high >= 1.0  # the old default (0.2, 1.0) cut it off
