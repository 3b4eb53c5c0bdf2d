"""Bad input to every public function of the non-data modules: a clear error, never a result.

Each row calls one function with a wrong type, shape, dtype, range, device or
an empty input, and names the exception and a fragment of its message that
says how to fix the call. Row ids start with the function's name, and a test
checks that every public function has rows.
"""

from __future__ import annotations

import importlib
import re

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.optim import lr_scheduler  # noqa: E402

import d2lmini  # noqa: E402

META = torch.device("meta")


@pytest.fixture(autouse=True)
def clean_state():
    """Close figures and restore torch's determinism flags (``seed`` sets them)."""
    state = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.use_deterministic_algorithms(state[0], warn_only=state[1])
    plt.close("all")


def probs(n: int = 2, q: int = 3) -> torch.Tensor:
    return torch.full((n, q), 1 / q)


def labels(n: int = 2) -> torch.Tensor:
    return torch.arange(n) % 3


def batches(n: int = 8) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(torch.randn(n, 2), torch.arange(n) % 2)]


def with_grad(*shape: int) -> torch.Tensor:
    w = torch.ones(*shape, requires_grad=True)
    w.sum().backward()
    return w


def fit(net=None, updater=None, num_epochs=1, train_iter=None, test_iter=None, loss=None, **kwargs):
    """Call ``d2lmini.train`` on a tiny problem, with any one argument replaced."""
    net = nn.Linear(2, 2) if net is None else net
    updater = torch.optim.SGD(net.parameters(), lr=0.1) if updater is None else updater
    return d2lmini.train(net, batches() if train_iter is None else train_iter, batches() if test_iter is None else test_iter,
                         nn.CrossEntropyLoss() if loss is None else loss, num_epochs, updater,
                         **{"animate": False, **kwargs})  # fmt: skip


def scheduled(make, step: str):
    """Train with the scheduler ``make(optimizer)`` stepped per ``step``."""
    net = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    return fit(net, optimizer, scheduler=make(optimizer), scheduler_step=step)


def small_cnn() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(1, 2, 5), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 24 * 24, 10))


def one_use_generator():
    return (b for b in batches())


def diverge():
    """Squared error with a learning rate so large that the second batch's loss overflows."""
    net = nn.Linear(2, 2)
    return fit(net, torch.optim.SGD(net.parameters(), lr=1e20), train_iter=batches() * 3,
               loss=lambda y_hat, y: ((y_hat - nn.functional.one_hot(y, 2)) ** 2).mean())  # fmt: skip


def option(text: str, correct: bool = False) -> d2lmini.Option:
    return d2lmini.Option(text, correct, feedback=f"why {text}")


def animator_add(y, legend=("a", "b"), x=1):
    d2lmini.Animator(legend=list(legend)).add(x, y)


# (id "function: what is wrong", call, exception, fragment of the message that says the fix)
CASES = [
    # ---------------------------------------------------------------- classification
    ("softmax: integer tensor", lambda: d2lmini.softmax(torch.tensor([[1, 2]])), TypeError, "convert it with X.float()"),
    ("softmax: a list", lambda: d2lmini.softmax([[1.0, 2.0]]),
     TypeError, "convert it with torch.tensor(X, dtype=torch.float32)"),
    ("softmax: dim out of range", lambda: d2lmini.softmax(probs(), dim=2),
     ValueError, "dim must be an int in [-2, 1], got 2"),
    ("softmax: float dim", lambda: d2lmini.softmax(probs(), dim=1.0), ValueError, "got 1.0; pass 1"),
    ("cross_entropy: logits", lambda: d2lmini.cross_entropy(torch.tensor([[2.0, -1.0, 0.5]]), torch.tensor([0])),
     ValueError, "use nn.CrossEntropyLoss, which takes logits"),
    ("cross_entropy: above 1", lambda: d2lmini.cross_entropy(torch.tensor([[1.5, 0.0, 0.0]]), torch.tensor([0])),
     ValueError, "pass d2lmini.softmax(logits)"),
    ("cross_entropy: rows not summing to 1", lambda: d2lmini.cross_entropy(torch.full((2, 3), 0.9), labels()),
     ValueError, "each row summing to 1"),
    ("cross_entropy: NaN", lambda: d2lmini.cross_entropy(torch.full((2, 3), float("nan")), labels()),
     ValueError, "train again with a smaller learning rate"),
    ("cross_entropy: float labels", lambda: d2lmini.cross_entropy(probs(), torch.tensor([0.0, 1.0])),
     TypeError, "convert them with y.long()"),
    ("cross_entropy: labels out of range", lambda: d2lmini.cross_entropy(probs(), torch.tensor([0, 3])),
     ValueError, "labels must lie in [0, 3) for 3 classes, got values from 0 to 3"),
    ("cross_entropy: integer y_hat", lambda: d2lmini.cross_entropy(torch.ones(2, 3, dtype=torch.long), labels()),
     TypeError, "convert it with y_hat.float()"),
    ("cross_entropy: labels as a list", lambda: d2lmini.cross_entropy(probs(), [0, 1]), TypeError, "torch.as_tensor(y)"),
    ("cross_entropy: y_hat (n,)", lambda: d2lmini.cross_entropy(torch.full((3,), 1 / 3), labels(3)),
     ValueError, "expected y_hat of shape (n, q) and y of shape (n,)"),
    ("cross_entropy: empty classes", lambda: d2lmini.cross_entropy(torch.zeros(2, 0), labels()),
     ValueError, "labels must lie in [0, 0)"),
    ("cross_entropy: meta and cpu", lambda: d2lmini.cross_entropy(probs().to(META), labels()),
     ValueError, "move them to one device, e.g. y = y.to(y_hat.device)"),
    ("accuracy: float class indices", lambda: d2lmini.accuracy(torch.tensor([0.2, 1.7]), labels()),
     TypeError, "pass the scores (n, q) or y_hat.argmax(dim=1)"),
    ("accuracy: bool predictions", lambda: d2lmini.accuracy(torch.tensor([True, False]), labels()),
     TypeError, "must hold predicted class indices"),
    ("accuracy: 3-D scores", lambda: d2lmini.accuracy(torch.zeros(2, 3, 1), labels()),
     ValueError, "pass scores of shape (n, q) or class indices of shape (n,)"),
    ("accuracy: float labels", lambda: d2lmini.accuracy(torch.tensor([0, 1]), torch.tensor([0.0, 1.0])),
     TypeError, "convert them with y.long()"),
    ("accuracy: meta and cpu", lambda: d2lmini.accuracy(probs(), labels().to(META)), ValueError, "move them to one device"),
    ("accuracy: a list", lambda: d2lmini.accuracy([[0.1, 0.9]], labels(1)), TypeError, "torch.as_tensor(y_hat)"),
    ("evaluate_accuracy: tensor as data", lambda: d2lmini.evaluate_accuracy(nn.Linear(2, 2), torch.zeros(4, 2)),
     TypeError, "wrap tensors with d2lmini.load_array((X, y), batch_size)"),
    ("evaluate_accuracy: net not callable", lambda: d2lmini.evaluate_accuracy("net", batches()),
     TypeError, "net must be callable, such as an nn.Module"),
    ("evaluate_accuracy: used-up iterator", lambda: d2lmini.evaluate_accuracy(nn.Linear(2, 2), iter([])),
     ValueError, "an iterator or generator is used up after one pass"),
    ("confusion_matrix: empty iterator", lambda: d2lmini.confusion_matrix(nn.Linear(2, 2), iter([]), 2),
     ValueError, "data_iter yielded no examples; pass a loader holding data"),
    ("confusion_matrix: num_classes 0", lambda: d2lmini.confusion_matrix(nn.Linear(2, 2), batches(), 0),
     ValueError, "num_classes must be a positive int, got 0"),
    ("confusion_matrix: float num_classes", lambda: d2lmini.confusion_matrix(nn.Linear(2, 2), batches(), 2.0),
     ValueError, "pass 2"),
    ("confusion_matrix: tensor as data", lambda: d2lmini.confusion_matrix(nn.Linear(2, 2), torch.zeros(3, 2), 2),
     TypeError, "d2lmini.load_array"),
    ("model_device: not a network", lambda: d2lmini.model_device(3), TypeError, "net must be callable"),
    # ---------------------------------------------------------------- regression
    ("synthetic_data: w as a list", lambda: d2lmini.synthetic_data([2.0, -3.4], 4.2, 10),
     ValueError, "torch.tensor([2, -3.4])"),
    ("synthetic_data: empty w", lambda: d2lmini.synthetic_data(torch.zeros(0), 4.2, 10), ValueError, "pass w.reshape(-1)"),
    ("synthetic_data: integer w", lambda: d2lmini.synthetic_data(torch.tensor([2, 3]), 4.2, 10), TypeError, "w.float()"),
    ("synthetic_data: b NaN", lambda: d2lmini.synthetic_data(torch.ones(2), float("nan"), 10),
     ValueError, "b must be a finite number"),
    ("synthetic_data: b a string", lambda: d2lmini.synthetic_data(torch.ones(2), "4.2", 10), TypeError, "pass e.g. b=4.2"),
    ("synthetic_data: negative noise", lambda: d2lmini.synthetic_data(torch.ones(2), 4.2, 10, noise=-1), ValueError,
     "noise must be >= 0, got -1; pass e.g. noise=0.01"),
    ("synthetic_data: num_examples True", lambda: d2lmini.synthetic_data(torch.ones(2), 4.2, True), ValueError,
     "num_examples must be a positive int, got True"),
    ("data_iter: batch_size 0, at the call", lambda: d2lmini.data_iter(0, torch.zeros(4, 2), torch.zeros(4)),
     ValueError, "batch_size must be a positive int, got 0"),
    ("data_iter: features as a list", lambda: d2lmini.data_iter(2, [[1.0], [2.0]], torch.zeros(2)), TypeError,
     "torch.as_tensor(features)"),
    ("data_iter: 0-d labels", lambda: d2lmini.data_iter(2, torch.zeros(4, 2), torch.tensor(1.0)), ValueError,
     "labels must have shape (n, ...), got (); give labels one row per example"),
    ("data_iter: rows differ", lambda: d2lmini.data_iter(2, torch.zeros(4, 2), torch.zeros(3)), ValueError,
     "features and labels must have the same number of rows, got 4 and 3"),
    ("data_iter: no examples", lambda: d2lmini.data_iter(2, torch.zeros(0, 2), torch.zeros(0)), ValueError,
     "features and labels hold no examples (0 rows); pass at least one row"),
    ("data_iter: unknown last_batch", lambda: d2lmini.data_iter(2, torch.zeros(4, 2), torch.zeros(4), "pad"), ValueError,
     "last_batch must be 'keep', 'drop' or 'wrap', got 'pad'"),
    ("data_iter: meta and cpu", lambda: d2lmini.data_iter(2, torch.zeros(4, 2, device=META), torch.zeros(4)), ValueError,
     "labels = labels.to(features.device)"),
    ("load_array: bare tensor", lambda: d2lmini.load_array(torch.zeros(10, 2), 4), TypeError, "for one tensor X pass (X,)"),
    ("load_array: nothing", lambda: d2lmini.load_array((), 4), ValueError, "pass a tuple such as (features, labels)"),
    ("load_array: a list inside", lambda: d2lmini.load_array((torch.zeros(2, 1), [0, 1]), 4), TypeError,
     "torch.as_tensor(data_arrays[1])"),
    ("load_array: is_train a string", lambda: d2lmini.load_array((torch.zeros(2, 1),), 4, "yes"), TypeError,
     "is_train must be True or False"),
    ("load_array: batch_size 1.5", lambda: d2lmini.load_array((torch.zeros(2, 1),), 1.5), ValueError,
     "batch_size must be a positive int, got 1.5"),
    ("load_array: no rows", lambda: d2lmini.load_array((torch.zeros(0, 1),), 4), ValueError, "hold no examples"),
    ("load_array: rows differ", lambda: d2lmini.load_array((torch.zeros(3, 1), torch.zeros(2)), 4), ValueError,
     "all tensors must have the same first dimension (one row per example), got [3, 2]"),
    ("load_array: meta and cpu", lambda: d2lmini.load_array((torch.zeros(2, 1), torch.zeros(2, device=META)), 4),
     ValueError, "move them to one device"),
    ("linreg: bias (n,)", lambda: d2lmini.linreg(torch.zeros(5, 2), torch.zeros(2, 1), torch.zeros(5)), ValueError,
     "b must hold one bias per output: shape (1,)"),
    ("linreg: w rows differ", lambda: d2lmini.linreg(torch.zeros(4, 3), torch.zeros(2, 1), torch.zeros(1)), ValueError,
     "w must have shape (d, 1) for X of shape (n, d)"),
    ("linreg: one example (d,)", lambda: d2lmini.linreg(torch.zeros(2), torch.zeros(2, 1), torch.zeros(1)), ValueError,
     "for one example x pass x.reshape(1, -1)"),
    ("linreg: float64 and float32", lambda: d2lmini.linreg(torch.zeros(4, 2, dtype=torch.float64), torch.zeros(2, 1),
                                                           torch.zeros(1)), TypeError, "w = w.to(X.dtype)"),  # fmt: skip
    ("linreg: integer X", lambda: d2lmini.linreg(torch.zeros(4, 2, dtype=torch.long), torch.zeros(2, 1), torch.zeros(1)),
     TypeError, "X.float()"),
    ("linreg: bias a string", lambda: d2lmini.linreg(torch.zeros(4, 2), torch.zeros(2, 1), "0"),
     TypeError, "pass e.g. b=0.0"),
    ("linreg: meta and cpu", lambda: d2lmini.linreg(torch.zeros(4, 2, device=META), torch.zeros(2, 1), torch.zeros(1)),
     ValueError, "w = w.to(X.device)"),
    ("squared_loss: (n, 2) against (2, n)", lambda: d2lmini.squared_loss(torch.zeros(3, 2), torch.zeros(2, 3)), ValueError,
     "paired wrongly; pass y of shape (3, 2)"),
    ("squared_loss: counts differ", lambda: d2lmini.squared_loss(torch.zeros(3, 1), torch.zeros(2)), ValueError,
     "pass one target per prediction"),
    ("squared_loss: integer y_hat", lambda: d2lmini.squared_loss(torch.zeros(3, dtype=torch.long), torch.zeros(3)),
     TypeError, "y_hat.float()"),
    ("squared_loss: meta and cpu", lambda: d2lmini.squared_loss(torch.zeros(3, 1), torch.zeros(3, device=META)),
     ValueError, "move them to one device"),
    ("sgd: lr NaN", lambda: d2lmini.sgd([with_grad(2)], float("nan"), 1), ValueError,
     "lr must be a finite number, got nan; pass e.g. lr=0.03"),
    ("sgd: negative lr", lambda: d2lmini.sgd([with_grad(2)], -0.1, 1), ValueError, "lr must be > 0, got -0.1"),
    ("sgd: lr a string", lambda: d2lmini.sgd([with_grad(2)], "0.1", 1), TypeError, "lr must be a number"),
    ("sgd: bare tensor", lambda: d2lmini.sgd(with_grad(2), 0.1, 1),
     TypeError, "wrap it in a list: sgd([w], lr, batch_size)"),
    ("sgd: no parameters", lambda: d2lmini.sgd([], 0.1, 1), ValueError, "params is empty; pass the tensors to update"),
    ("sgd: a number as parameter", lambda: d2lmini.sgd([1.0], 0.1, 1), TypeError, "params[0] must be a torch.Tensor"),
    ("sgd: no gradient", lambda: d2lmini.sgd([torch.ones(2)], 0.1, 1), RuntimeError,
     "create it with requires_grad=True and call loss.backward() before sgd(); params[0]"),
    ("sgd: batch_size 0", lambda: d2lmini.sgd([with_grad(2)], 0.1, 0), ValueError, "batch_size must be a positive int"),
    # ---------------------------------------------------------------- utils
    ("seed: 2**32", lambda: d2lmini.seed(2**32), ValueError, "seed must be an int in [0, 4294967295]"),
    ("seed: a string", lambda: d2lmini.seed("3"), ValueError, "pass e.g. seed(0)"),
    ("try_gpu: -1", lambda: d2lmini.try_gpu(-1), ValueError, "i is the index of a CUDA GPU, 0 for the first"),
    ("try_gpu: a string", lambda: d2lmini.try_gpu("0"), ValueError, "i must be a non-negative int"),
    ("Accumulator: no slots", lambda: d2lmini.Accumulator(0), ValueError, "Accumulator needs a positive number of slots"),
    ("Accumulator: strings", lambda: d2lmini.Accumulator(2).add("3", "4"), TypeError, "value 1 of add() must be a number"),
    ("Accumulator: a vector", lambda: d2lmini.Accumulator(1).add(torch.ones(2)),
     TypeError, "must be a number, got a tensor"),
    ("Accumulator: too many values", lambda: d2lmini.Accumulator(1).add(1, 2), ValueError, "pass one value per slot"),
    # ---------------------------------------------------------------- plot
    ("set_figsize: zero width", lambda: d2lmini.set_figsize((0, 2)), ValueError, "figsize must be > 0"),
    ("set_figsize: one number", lambda: d2lmini.set_figsize(3),
     TypeError, "figsize must be a pair of numbers such as (3.5, 2.5)"),
    ("plot: nothing", lambda: d2lmini.plot([]),
     ValueError, "plot got no data to draw; pass y values such as plot([1, 4, 9])"),
    ("plot: x and y lengths differ", lambda: d2lmini.plot([0, 1, 2], [1, 2]), ValueError, "give as many of each"),
    ("plot: legend a string", lambda: d2lmini.plot([1, 2], legend="loss"), TypeError, "wrap it in a list: ['loss']"),
    ("plot: 3-D array", lambda: d2lmini.plot(np.zeros((2, 3, 4))), ValueError, "pass each curve as a list, a 1-D array"),
    ("plot: a number", lambda: d2lmini.plot(5), TypeError, "X must be a list, array or tensor of numbers"),
    ("plot: meta tensor", lambda: d2lmini.plot(torch.zeros(3, device=META)), ValueError, "plot a tensor that has data"),
    ("plot: legend count", lambda: d2lmini.plot([0, 1], [[0, 1], [1, 2]], legend=["one"]), ValueError,
     "got 1 legend entries for 2 curves"),
    ("show_images: 5 channels", lambda: d2lmini.show_images(torch.rand(2, 5, 4, 4), 1, 2), ValueError,
     "RGB (3, H, W) or (H, W, 3) images"),
    ("show_images: one image, not a batch", lambda: d2lmini.show_images(torch.rand(28, 28), 1, 1), ValueError,
     "for one image pass a list: [img]"),
    ("show_images: no images", lambda: d2lmini.show_images(torch.rand(0, 4, 4), 1, 1), ValueError, "imgs holds no images"),
    ("show_images: zero rows", lambda: d2lmini.show_images(torch.rand(1, 4, 4), 0, 1), ValueError,
     "num_rows must be a positive int, got 0"),
    ("show_images: titles a string", lambda: d2lmini.show_images(torch.rand(1, 4, 4), 1, 1, titles="a"), TypeError,
     "wrap it in a list"),
    ("show_images: negative scale", lambda: d2lmini.show_images(torch.rand(1, 4, 4), 1, 1, scale=-1), ValueError,
     "scale must be > 0"),
    ("show_images: a number", lambda: d2lmini.show_images(3, 1, 1), TypeError, "imgs must be a tensor, an array or a list"),
    ("show_images: meta tensor", lambda: d2lmini.show_images(torch.zeros(1, 4, 4, device=META), 1, 1), ValueError,
     "plot a tensor that has data"),
    ("Animator: legend a string", lambda: d2lmini.Animator(legend="loss"), TypeError, "wrap it in a list: ['loss']"),
    ("Animator: ylim one number", lambda: d2lmini.Animator(ylim=(0,)), TypeError, "ylim must be a pair of numbers"),
    ("Animator: zero figsize", lambda: d2lmini.Animator(figsize=(0, 2)), ValueError, "figsize must be > 0"),
    ("Animator: 2-D tensor", lambda: animator_add(torch.ones(1, 2)), ValueError, "pass y.flatten()"),
    ("Animator: x a string", lambda: animator_add((1, 2), x="1"), TypeError, "x must be a number"),
    ("Animator: y a string", lambda: animator_add(("0.5", 1)), TypeError, "y[0] must be a number"),
    ("Animator: fewer values than legend", lambda: animator_add(0.5), ValueError,
     "this Animator draws 2 curves, add() got 1 values"),
    # ---------------------------------------------------------------- train
    ("train: num_epochs True", lambda: fit(num_epochs=True), ValueError, "num_epochs must be a positive int, got True"),
    ("train: optimizer of another network", lambda: fit(updater=torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)),
     ValueError, "build it from this network: torch.optim.SGD(net.parameters(), lr=0.1)"),
    ("train: learning rate as updater", lambda: fit(updater=0.1), TypeError, "lambda n: d2lmini.sgd([W, b], lr, n)"),
    ("train: tensor as data", lambda: fit(train_iter=torch.zeros(8, 2)), TypeError, "wrap tensors with d2lmini.load_array"),
    ("train: generator for 2 epochs", lambda: fit(train_iter=one_use_generator(), num_epochs=2), TypeError,
     "used up after one pass"),
    ("train: no test data", lambda: fit(test_iter=5), TypeError, "test_iter must yield (X, y) batches"),
    ("train: loss not callable", lambda: fit(loss="cross_entropy"),
     TypeError, "loss must be callable, such as nn.CrossEntropyLoss()"),
    ("train: animate a string", lambda: fit(animate="yes"), TypeError, "animate must be True or False"),
    ("train: ylim one number", lambda: fit(ylim=(0,)), TypeError, "ylim must be a pair of numbers such as (0, 1)"),
    ("train: scheduler not a scheduler", lambda: fit(scheduler=0.1), TypeError, "StepLR(optimizer, step_size=5)"),
    ("train: scheduler of another optimizer",
     lambda: fit(scheduler=lr_scheduler.StepLR(torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1), 1)),
     ValueError, "build it from the optimizer you pass"),
    ("train: OneCycleLR per epoch", lambda: scheduled(lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10), "epoch"),
     ValueError, "pass scheduler_step='batch'"),
    ("train: ReduceLROnPlateau per batch", lambda: scheduled(lr_scheduler.ReduceLROnPlateau, "batch"),
     ValueError, "pass scheduler_step='epoch'"),
    ("train: unknown scheduler_step", lambda: scheduled(lambda o: lr_scheduler.StepLR(o, 1), "step"),
     ValueError, "scheduler_step must be 'batch' or 'epoch', got 'step'"),
    ("train: test_label empty", lambda: fit(test_label=""), TypeError,
     "test_label must be a non-empty string such as 'valid', got str ''"),
    ("train: on_batch not callable", lambda: fit(on_batch=[]), TypeError, "a function of (epoch, batch, loss)"),
    ("train: learning rate far too large", diverge, FloatingPointError,
     "in epoch 1, batch 2; training stopped. Usual causes: a learning rate too large (try one 10 times smaller)"),
    ("train_epoch: optimizer of another network",
     lambda: d2lmini.train_epoch(nn.Linear(2, 2), batches(), nn.CrossEntropyLoss(),
                                 torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)),  # fmt: skip
     ValueError, "the optimizer holds none of net's parameters"),
    ("train_epoch: tensor as data",
     lambda: d2lmini.train_epoch(nn.Linear(2, 2), torch.zeros(4, 2), nn.CrossEntropyLoss(), lambda n: None),
     TypeError, "d2lmini.load_array"),
    ("train_epoch: no loss", lambda: d2lmini.train_epoch(nn.Linear(2, 2), batches(), None, lambda n: None), TypeError,
     "loss must be callable"),
    ("predict: n -1", lambda: d2lmini.predict(nn.Flatten(), batches(), n=-1),
     ValueError, "n must be a positive int, got -1"),
    ("predict: n 2.0", lambda: d2lmini.predict(nn.Flatten(), batches(), n=2.0), ValueError, "pass 2"),
    ("predict: tensor as data", lambda: d2lmini.predict(nn.Flatten(), torch.zeros(2, 28, 28)),
     TypeError, "d2lmini.load_array"),
    ("predict: no network", lambda: d2lmini.predict(None, batches()), TypeError, "net must be callable"),
    # ---------------------------------------------------------------- summary
    ("summary: a function", lambda: d2lmini.summary(lambda X: X, (2,)), TypeError, "net must be an nn.Module"),
    ("summary: shape a number", lambda: d2lmini.summary(small_cnn(), 784), TypeError,
     "input_shape must be a non-empty tuple of positive ints such as (1, 28, 28)"),
    ("summary: a zero size", lambda: d2lmini.summary(small_cnn(), (1, 0, 28)), ValueError, "pass a tuple of positive ints"),
    ("summary: batch dimension included", lambda: d2lmini.summary(small_cnn(), (1, 1, 28, 28)), RuntimeError,
     "input_shape is the shape of one example without the batch dimension"),
    ("summary: print_table a string", lambda: d2lmini.summary(small_cnn(), (1, 28, 28), "no"), TypeError,
     "print_table must be True or False"),
    # ---------------------------------------------------------------- selfcheck
    ("selfcheck: no correct option", lambda: d2lmini.selfcheck("Pick one", [option("a"), option("b")]),
     ValueError, "self-check question 'Pick one': no option is marked correct=True"),
    ("selfcheck: numeric without tol", lambda: d2lmini.selfcheck("How many?", answer=3, explanation="3"),
     ValueError, "self-check question 'How many?': a numeric question needs a tolerance; pass e.g. tol=0.5"),
    ("selfcheck: tol 0", lambda: d2lmini.selfcheck("How many?", answer=3, tol=0, explanation="3"),
     ValueError, "tol must be a positive number, got 0"),
    ("selfcheck: numeric without explanation", lambda: d2lmini.selfcheck("How many?", answer=3, tol=0.5),
     ValueError, "a numeric question needs an explanation of how to compute the answer"),
    ("selfcheck: option without feedback",
     lambda: d2lmini.selfcheck("Pick one", [option("a", True), d2lmini.Option("b")]),
     ValueError, "self-check question 'Pick one': option 'b' has no feedback; say why it is right or wrong"),
    ("selfcheck: duplicate options", lambda: d2lmini.selfcheck("Pick one", [option("a", True), option("a")]),
     ValueError, "duplicate options a; every option must read differently"),
    ("selfcheck: one option", lambda: d2lmini.selfcheck("Pick one", [option("a", True)]),
     ValueError, "needs at least two options, got 1"),
    ("selfcheck: two correct, not multiple",
     lambda: d2lmini.selfcheck("Pick", [option("a", True), option("b", True)]),
     ValueError, "2 options are marked correct; pass multiple=True"),
    ("selfcheck: strings as options", lambda: d2lmini.selfcheck("Pick one", ["a", "b"]),
     TypeError, "wrap it as d2lmini.Option(text, correct=..., feedback='why')"),
    ("selfcheck: no question", lambda: d2lmini.selfcheck(None, [option("a", True), option("b")]),
     TypeError, "question must be a non-empty string, got NoneType None"),
]  # fmt: skip


@pytest.mark.parametrize("call, error, fix", [pytest.param(c, e, f, id=i) for i, c, e, f in CASES])
def test_bad_input_raises_a_clear_error(call, error, fix):
    with pytest.raises(error, match=re.escape(fix)):
        call()


def test_every_public_function_has_bad_input_rows():
    covered = {case_id.split(":")[0] for case_id, *_ in CASES}
    without_arguments = {"cpu", "num_gpus", "in_notebook", "use_png_display", "Timer"}
    records = {"EpochStats", "LayerSummary", "Option", "SelfCheck"}  # data, not functions
    modules = [importlib.import_module(f"d2lmini.{m}") for m in ("classification", "regression", "train", "utils",
                                                                    "plot", "summary", "selfcheck")]  # fmt: skip
    aliases = {"train_ch3", "predict_ch3"}
    public = {name for module in modules for name in module.__all__} - without_arguments - records - aliases
    assert public - covered == set(), f"add bad-input rows for {public - covered}"
