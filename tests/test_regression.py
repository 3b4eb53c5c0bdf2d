"""Linear regression helpers: synthetic data, minibatches, model, loss and SGD."""

from __future__ import annotations

import pytest
import torch

import d2lmini


@pytest.fixture(autouse=True)
def restore_determinism():
    """``d2lmini.seed`` switches on deterministic algorithms globally; undo it after each test."""
    state = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.use_deterministic_algorithms(state[0], warn_only=state[1])


# ----------------------------------------------------------------- synthetic_data


def test_synthetic_data_shapes_and_noise_free_values():
    w = torch.tensor([2.0, -3.4])
    X, y = d2lmini.synthetic_data(w, 4.2, 50, noise=0.0)
    assert X.shape == (50, 2) and y.shape == (50, 1)
    assert X.dtype == y.dtype == torch.float32
    torch.testing.assert_close(y, (X @ w + 4.2).reshape(-1, 1))


def test_synthetic_data_noise_and_dtype():
    d2lmini.seed(0)
    w = torch.tensor([1.0, 0.5, -2.0], dtype=torch.float64)
    X, y = d2lmini.synthetic_data(w, torch.tensor(1.0), 5000, noise=0.1)
    assert X.dtype == y.dtype == torch.float64
    residual = y.reshape(-1) - (X @ w + 1.0)
    assert abs(float(residual.std()) - 0.1) < 0.01 and abs(float(residual.mean())) < 0.01
    assert abs(float(X.mean())) < 0.05 and abs(float(X.std()) - 1) < 0.05


def test_synthetic_data_reproducible():
    w = torch.tensor([2.0, -3.4])
    d2lmini.seed(1)
    first = d2lmini.synthetic_data(w, 4.2, 10)
    d2lmini.seed(1)
    second = d2lmini.synthetic_data(w, 4.2, 10)
    assert all(torch.equal(a, b) for a, b in zip(first, second))


@pytest.mark.parametrize("w, shape", [(torch.zeros(2, 1), r"\(2, 1\)"), (torch.tensor(1.0), r"\(\)"), ([2.0, -3.4], "list")])
def test_synthetic_data_w_must_be_1d(w, shape):
    with pytest.raises(ValueError, match=rf"w must be a 1-D tensor of shape \(d,\), got {shape}; pass w.reshape\(-1\)"):
        d2lmini.synthetic_data(w, 4.2, 10)


def test_synthetic_data_w_must_be_float():
    with pytest.raises(TypeError, match=r"w must be a floating-point tensor, got torch.int64; convert it with w.float\(\)"):
        d2lmini.synthetic_data(torch.tensor([2, -3]), 4.2, 10)


def test_synthetic_data_b_must_be_a_number():
    with pytest.raises(ValueError, match=r"b must be a single number, got a tensor of shape \(2,\)"):
        d2lmini.synthetic_data(torch.tensor([2.0, -3.4]), torch.tensor([1.0, 2.0]), 10)


@pytest.mark.parametrize("n", [0, -5, 10.0])
def test_synthetic_data_num_examples(n):
    with pytest.raises(ValueError, match=f"num_examples must be a positive int, got {n!r}"):
        d2lmini.synthetic_data(torch.tensor([2.0, -3.4]), 4.2, n)


# ----------------------------------------------------------------- data_iter


def data(n: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    """Features ``(n, 2)`` whose row i is (i, -i), labels ``(n,)`` equal to i."""
    idx = torch.arange(n)
    return torch.stack([idx, -idx], dim=1).float(), idx


def test_data_iter_keep():
    features, labels = data(10)
    batches = list(d2lmini.data_iter(4, features, labels))
    assert [len(y) for _, y in batches] == [4, 4, 2]
    assert sorted(torch.cat([y for _, y in batches]).tolist()) == list(range(10))  # each example once
    for X, y in batches:  # rows stay paired with their labels
        assert X.shape == (len(y), 2) and torch.equal(X[:, 0], y.float())


def test_data_iter_drop():
    features, labels = data(10)
    batches = list(d2lmini.data_iter(4, features, labels, last_batch="drop"))
    assert [len(y) for _, y in batches] == [4, 4]
    assert len(set(torch.cat([y for _, y in batches]).tolist())) == 8
    assert [len(y) for _, y in d2lmini.data_iter(5, features, labels, last_batch="drop")] == [5, 5]


def test_data_iter_wrap():
    features, labels = data(10)
    batches = [y for _, y in d2lmini.data_iter(4, features, labels, last_batch="wrap")]
    assert [len(y) for y in batches] == [4, 4, 4]
    assert set(torch.cat(batches).tolist()) == set(range(10))
    assert batches[2][2:].tolist() == batches[0][:2].tolist()  # filled up from the start of the order


def test_data_iter_wrap_with_fewer_examples_than_a_batch():
    features, labels = data(3)
    batches = [y for _, y in d2lmini.data_iter(8, features, labels, last_batch="wrap")]
    assert len(batches) == 1 and len(batches[0]) == 8
    order = batches[0][:3].tolist()
    assert sorted(order) == [0, 1, 2] and batches[0].tolist() == (order * 3)[:8]


def test_data_iter_shuffles():
    features, labels = data(100)
    d2lmini.seed(0)
    first = torch.cat([y for _, y in d2lmini.data_iter(10, features, labels)]).tolist()
    second = torch.cat([y for _, y in d2lmini.data_iter(10, features, labels)]).tolist()
    assert first != list(range(100)) and first != second


@pytest.mark.parametrize("batch_size", [0, -2, 2.0, True])
def test_data_iter_batch_size(batch_size):
    features, labels = data()
    with pytest.raises(ValueError, match=f"batch_size must be a positive int, got {batch_size!r}"):
        next(d2lmini.data_iter(batch_size, features, labels))


def test_data_iter_checks_at_the_call_and_shuffles_when_iterated():
    features, labels = data(10)
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        d2lmini.data_iter(0, features, labels)  # no next(): the call itself fails
    batches = d2lmini.data_iter(4, features, labels)
    d2lmini.seed(0)
    first = torch.cat([y for _, y in batches]).tolist()
    d2lmini.seed(0)
    assert torch.cat([y for _, y in d2lmini.data_iter(4, features, labels)]).tolist() == first


def test_data_iter_row_mismatch():
    features, labels = data()
    with pytest.raises(ValueError, match="features and labels must have the same number of rows, got 10 and 9"):
        next(d2lmini.data_iter(4, features, labels[:9]))


def test_data_iter_unknown_last_batch():
    features, labels = data()
    with pytest.raises(ValueError, match="last_batch must be 'keep', 'drop' or 'wrap', got 'pad'"):
        next(d2lmini.data_iter(4, features, labels, last_batch="pad"))


# ----------------------------------------------------------------- load_array


def test_load_array_train_shuffles_test_keeps_order():
    features, labels = data(20)
    d2lmini.seed(0)
    train = torch.cat([y for _, y in d2lmini.load_array((features, labels), 6)]).tolist()
    test_loader = d2lmini.load_array([features, labels], 6, is_train=False)
    test = [y for _, y in test_loader]
    assert sorted(train) == list(range(20)) and train != list(range(20))
    assert [len(y) for y in test] == [6, 6, 6, 2] and torch.cat(test).tolist() == list(range(20))
    X, y = next(iter(test_loader))
    assert X.shape == (6, 2) and torch.equal(X[:, 0], y.float())


@pytest.mark.parametrize("batch_size", [0, -1, 1.5])
def test_load_array_batch_size(batch_size):
    with pytest.raises(ValueError, match=f"batch_size must be a positive int, got {batch_size!r}"):
        d2lmini.load_array(data(), batch_size)


def test_load_array_needs_a_tuple_not_a_bare_tensor():
    features, _ = data(10)
    with pytest.raises(TypeError, match=r"data_arrays must be a tuple of tensors .*for one tensor X pass \(X,\)"):
        d2lmini.load_array(features, 4)  # used to give a dataset of 2 "examples": the columns
    (X,) = next(iter(d2lmini.load_array((features,), 4, is_train=False)))
    assert X.shape == (4, 2)


def test_load_array_first_dimensions_must_match():
    features, labels = data(10)
    with pytest.raises(ValueError, match=r"all tensors must have the same first dimension .*got \[10, 8\]"):
        d2lmini.load_array((features, labels[:8]), 4)


# ----------------------------------------------------------------- linreg, squared_loss


def test_linreg_shape_and_value():
    X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
    w, b = torch.tensor([[2.0], [-1.0]]), torch.tensor([0.5])
    y_hat = d2lmini.linreg(X, w, b)
    assert y_hat.shape == (3, 1)
    assert y_hat.flatten().tolist() == [0.5, 2.5, 0.5]


def test_linreg_feature_mismatch():
    with pytest.raises(ValueError, match=r"X has 3 features but w has 2 rows; w must have shape \(d, 1\)"):
        d2lmini.linreg(torch.zeros(4, 3), torch.zeros(2, 1), torch.zeros(1))


def test_squared_loss_values_and_shape():
    y_hat = torch.tensor([[1.0], [2.0], [4.0]])
    loss = d2lmini.squared_loss(y_hat, torch.tensor([1.0, 0.0, 1.0]))  # (n,) targets are reshaped, not broadcast
    assert loss.shape == (3, 1)
    assert loss.flatten().tolist() == [0.0, 2.0, 4.5]


def test_linreg_other_weight_shapes():
    X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert d2lmini.linreg(X, torch.tensor([1.0, 1.0]), 0.5).tolist() == [3.5, 7.5]  # w (d,), b a number
    out = d2lmini.linreg(X, torch.eye(2), torch.tensor([10.0, 20.0]))  # two outputs, one bias each
    assert out.tolist() == [[11.0, 22.0], [13.0, 24.0]]


def test_linreg_rejects_a_bias_per_example():
    # b of shape (n,) used to broadcast (n, 1) to (n, n)
    with pytest.raises(ValueError, match=r"b of shape \(3,\) does not fit X @ w of shape \(3, 1\) \(it would broadcast "
                                         r"to \(3, 3\)\); b must hold one bias per output: shape \(1,\)"):  # fmt: skip
        d2lmini.linreg(torch.zeros(3, 2), torch.zeros(2, 1), torch.zeros(3))


def test_squared_loss_pairs_size_one_dimensions():
    y_hat = torch.tensor([[1.0], [2.0], [4.0]])
    assert d2lmini.squared_loss(y_hat, torch.tensor([[1.0, 0.0, 1.0]])).flatten().tolist() == [0.0, 2.0, 4.5]  # (1, n)
    with pytest.raises(ValueError, match=r"y_hat \(3, 2\) and y \(2, 3\) hold as many values but in different layouts"):
        d2lmini.squared_loss(torch.zeros(3, 2), torch.zeros(2, 3))


def test_squared_loss_count_mismatch():
    with pytest.raises(ValueError, match=r"y_hat \(3, 1\) and y \(2,\) hold different numbers of values"):
        d2lmini.squared_loss(torch.zeros(3, 1), torch.zeros(2))


# ----------------------------------------------------------------- sgd


def test_sgd_update_value_and_zeroes_grad():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    (3 * w.sum() + 4 * b).backward()  # grads 3, 3 and 4
    d2lmini.sgd((p for p in (w, b)), lr=0.1, batch_size=2)  # any iterable of parameters
    torch.testing.assert_close(w.detach(), torch.tensor([1.0 - 0.15, 2.0 - 0.15]))
    torch.testing.assert_close(b.detach(), torch.tensor(0.5 - 0.2))
    assert w.grad.tolist() == [0.0, 0.0] and b.grad.item() == 0.0
    assert w.requires_grad and w.is_leaf


def test_sgd_trains_linear_regression():
    d2lmini.seed(0)
    true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
    features, labels = d2lmini.synthetic_data(true_w, true_b, 1000)
    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(3):
        for X, y in d2lmini.data_iter(10, features, labels):
            d2lmini.squared_loss(d2lmini.linreg(X, w, b), y).sum().backward()
            d2lmini.sgd([w, b], 0.03, 10)
    torch.testing.assert_close(w.detach().reshape(-1), true_w, atol=0.01, rtol=0)
    assert abs(b.item() - true_b) < 0.01


def test_sgd_without_gradients_changes_nothing():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    w.sum().backward()  # b never took part in the loss
    with pytest.raises(RuntimeError, match=r"a parameter has no gradient: create it with requires_grad=True "
                                           r"and call loss.backward\(\) before sgd\(\)"):  # fmt: skip
        d2lmini.sgd([w, b], 0.1, 1)
    assert w.tolist() == [1.0, 2.0] and w.grad.tolist() == [1.0, 1.0]  # no half-done step


def test_sgd_learning_rate_may_be_a_tensor():
    w = torch.ones(2, requires_grad=True)
    w.sum().backward()
    d2lmini.sgd([w], torch.tensor(0.5), 1)
    assert w.tolist() == [0.5, 0.5]


@pytest.mark.parametrize("lr", [float("nan"), float("inf"), 0.0, -0.1])
def test_sgd_bad_learning_rate_changes_nothing(lr):
    w = torch.ones(2, requires_grad=True)
    w.sum().backward()
    with pytest.raises(ValueError, match=r"lr must be (a finite number|> 0)"):
        d2lmini.sgd([w], lr, 1)
    assert w.tolist() == [1.0, 1.0]


def test_sgd_on_a_bare_tensor_says_wrap_it():
    w = torch.ones(2, 2, requires_grad=True)
    w.sum().backward()
    with pytest.raises(TypeError, match=r"got a single tensor of shape \(2, 2\); wrap it in a list: sgd\(\[w\], lr"):
        d2lmini.sgd(w, 0.1, 1)


@pytest.mark.parametrize("batch_size", [0, -1, 2.0])
def test_sgd_batch_size(batch_size):
    w = torch.ones(2, requires_grad=True)
    w.sum().backward()
    with pytest.raises(ValueError, match=f"batch_size must be a positive int, got {batch_size!r}"):
        d2lmini.sgd([w], 0.1, batch_size)
