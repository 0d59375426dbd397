"""Tests for the `linear_regression` kata: the MSE of a line, its gradients (against a
closed form in NumPy, GradientTape and float64 finite differences), one descent step, and
a loop that must find the line again.

The convergence threshold comes from evidence: on 10 data seeds (200 points of
y = 1.5x - 0.8 + N(0, 0.2²), x uniform in [-1, 1)), 300 steps at lr=0.1 recover w within
0.0008..0.050 (median 0.018) and b within 0.0005..0.017 (median 0.007); the test allows 0.15.
Broken loops miss it by far: a wrong sign or lr x100 diverge, lr/100 leaves w off by 1.2,
b never updated leaves b off by 0.8. (Forgetting the 2 only halves the step: the loop
still converges, and test_mse_gradients_three_ways catches it.)
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st

from tf_katas.testing import (
    assert_array,
    assert_dtype,
    assert_raises,
    assert_scalar,
    assert_shape,
    numerical_gradient,
)

X = np.array([0.5, -1.0, 2.0, 1.5, 0.0], dtype=np.float32)
Y = np.array([1.0, -2.5, 3.0, 4.0, 0.5], dtype=np.float32)
TRUE_W, TRUE_B, NOISE, N = 1.5, -0.8, 0.2, 200
TOLERANCE = 0.15


def _np_loss(w, b, x=X, y=Y) -> float:
    return float(np.mean((w * x.astype(np.float64) + b - y) ** 2))


def _line_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, N)
    return x.astype(np.float32), (TRUE_W * x + TRUE_B + rng.normal(0, NOISE, N)).astype(np.float32)


# --- make_linear_data --------------------------------------------------------------------

def test_make_linear_data_lies_on_the_line_plus_noise(kata):
    """Catches y drawn independently of x (pairs broken) and a noise of the wrong size."""
    x, y = kata.make_linear_data(2000, 2.0, -1.0, noise_std=0.3, seed=7)
    for name, array in (("x", x), ("y", y)):
        assert_shape(array, (2000,), what=f"make_linear_data(2000, ...): {name}")
        assert_dtype(array, np.float32, what=f"make_linear_data: {name}")
    x, y = np.asarray(x), np.asarray(y)
    assert x.min() >= -1.0 and x.max() < 1.0, f"x must lie in [-1, 1), got [{x.min()}, {x.max()}]"
    assert x.std() == pytest.approx(2 / np.sqrt(12), rel=0.1), "x must be uniform on [-1, 1)"
    residual = y - (2.0 * x - 1.0)
    assert_scalar(residual.mean(), 0.0, what="mean of y - (w x + b)", atol=0.03)
    assert_scalar(residual.std(), 0.3, what="std of y - (w x + b), the noise", rtol=0.1)


def test_make_linear_data_is_reproducible_by_seed(kata):
    first = kata.make_linear_data(50, 1.0, 0.0, seed=3)
    again = kata.make_linear_data(50, 1.0, 0.0, seed=3)
    other = kata.make_linear_data(50, 1.0, 0.0, seed=4)
    for a, b in zip(first, again, strict=True):
        assert_array(a, b, what="make_linear_data with the same seed, twice")
    assert not np.allclose(first[0], other[0]), "another seed must give other x"
    noiseless_x, noiseless_y = kata.make_linear_data(5, 3.0, 2.0, noise_std=0.0, seed=1)
    assert_array(noiseless_y, 3.0 * np.asarray(noiseless_x) + 2.0,
                 what="make_linear_data with noise_std=0: y = 3x + 2 exactly")


@pytest.mark.parametrize("n", [0, -3])
def test_make_linear_data_rejects_fewer_than_one_point(kata, n):
    with assert_raises(ValueError, match=r"\bn\b"):
        kata.make_linear_data(n, 1.0, 0.0)


def test_make_linear_data_rejects_a_negative_noise(kata):
    with assert_raises(ValueError, match="noise_std"):
        kata.make_linear_data(10, 1.0, 0.0, noise_std=-0.1)


# --- mse_loss and its gradients ---------------------------------------------------------

def test_mse_loss_is_the_mean_not_the_sum(kata):
    assert_scalar(kata.mse_loss(1.2, -0.3, X, Y), _np_loss(1.2, -0.3),
                  what="mse_loss(1.2, -0.3) on 5 points: mean((w x + b - y)**2)", rtol=1e-5)
    assert_scalar(kata.mse_loss(2.0, 0.5, X, 2.0 * X + 0.5), 0.0,
                  what="mse_loss of the line through every point")


def test_mse_gradients_three_ways(kata):
    """Catches a missing factor 2, the sum instead of the mean, (y - wx - b) instead of
    (wx + b - y), and dloss/dw without its extra x."""
    w, b = 1.2, -0.3
    dw, db = kata.mse_gradients(w, b, X, Y)
    residual = w * X.astype(np.float64) + b - Y
    assert_scalar(dw, 2 * np.mean(residual * X), what="dloss/dw = 2/n sum((w x + b - y) x)",
                  rtol=1e-5)
    assert_scalar(db, 2 * np.mean(residual), what="dloss/db = 2/n sum(w x + b - y)", rtol=1e-5)
    numeric = numerical_gradient(lambda p: _np_loss(p[0], p[1]), [w, b])
    assert_array([float(dw), float(db)], numeric, what="(dw, db) against finite differences",
                 rtol=1e-5)
    wv, bv = tf.Variable(w), tf.Variable(b)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(wv * X + bv - Y))
    assert_array([float(dw), float(db)], [float(g) for g in tape.gradient(loss, [wv, bv])],
                 what="(dw, db) against GradientTape", rtol=1e-5)


@given(st.floats(-3, 3), st.floats(-3, 3), st.integers(1, 12))
def test_mse_gradients_for_any_line_and_size(kata, w, b, n):
    x = np.linspace(-2, 3, n, dtype=np.float32)
    y = np.cos(x).astype(np.float32)
    residual = w * x.astype(np.float64) + b - y
    dw, db = kata.mse_gradients(w, b, x, y)
    assert_array([float(dw), float(db)], [2 * np.mean(residual * x), 2 * np.mean(residual)],
                 what=f"(dw, db) at w={w}, b={b} on {n} points", rtol=1e-4, atol=1e-4)


@pytest.mark.in_process  # traces your function in the kata's process
def test_mse_gradients_are_a_closed_form(kata):
    """The value first: a function that computes nothing records no tape either."""
    residual = 1.0 * X.astype(np.float64) - Y
    assert_array([float(g) for g in kata.mse_gradients(tf.constant(1.0), tf.constant(0.0), X, Y)],
                 [2 * np.mean(residual * X), 2 * np.mean(residual)], rtol=1e-5,
                 what="mse_gradients(1, 0) on 5 points")
    fn = tf.function(lambda w, b, x, y: kata.mse_gradients(w, b, x, y))
    graph = fn.get_concrete_function(tf.constant(1.0), tf.constant(0.0), tf.constant(X),
                                     tf.constant(Y)).graph
    taped = [op.name for op in graph.get_operations()
             if op.name.startswith(("gradient_tape/", "gradients/"))]
    assert not taped, ("mse_gradients must be the notes' formulas written by hand, but its "
                       f"graph computes gradients with a tape ({taped[:3]}...)")


@pytest.mark.parametrize("x, y, match", [
    (X, Y[:4], "same length"),
    (X.reshape(5, 1), Y, "1-D"),
    (X, Y.reshape(1, 5), "1-D"),
    (X[0], Y[0], "1-D"),
    (np.zeros(0), np.zeros(0), "empty"),
], ids=["lengths differ", "x is 2-D", "y is 2-D", "scalars", "empty"])
def test_loss_gradients_and_step_reject_bad_data(kata, x, y, match):
    with assert_raises(ValueError, match=match):
        kata.mse_loss(1.0, 0.0, x, y)
    with assert_raises(ValueError, match=match):
        kata.mse_gradients(1.0, 0.0, x, y)
    with assert_raises(ValueError, match=match):
        kata.gradient_descent_step(1.0, 0.0, x, y, 0.1)


# --- one step, and the loop ---------------------------------------------------------------

def test_one_step_moves_against_both_gradients_at_the_old_point(kata):
    """Catches the wrong sign, and b updated with the gradient at the new w."""
    w, b, lr = 1.2, -0.3, 0.05
    residual = w * X.astype(np.float64) + b - Y
    new_w, new_b = kata.gradient_descent_step(w, b, X, Y, lr)
    assert_scalar(new_w, w - lr * 2 * np.mean(residual * X), rtol=1e-5,
                  what="w after one step, w - lr * dloss/dw (+ instead of - climbs the loss)")
    assert_scalar(new_b, b - lr * 2 * np.mean(residual), rtol=1e-5,
                  what="b after one step, b - lr * dloss/db taken at the OLD w")
    assert _np_loss(float(new_w), float(new_b)) < _np_loss(w, b), (
        "one small step must lower the loss")


@pytest.mark.parametrize("lr", [0.0, -0.1])
def test_step_and_fit_reject_a_non_positive_learning_rate(kata, lr):
    with assert_raises(ValueError, match="learning rate"):
        kata.gradient_descent_step(1.0, 0.0, X, Y, lr)
    with assert_raises(ValueError, match="learning rate"):
        kata.fit(X, Y, lr=lr, steps=5)


def test_fit_rejects_bad_steps_and_data(kata):
    with assert_raises(ValueError, match="steps"):
        kata.fit(X, Y, lr=0.1, steps=0)
    with assert_raises(ValueError, match="same length"):
        kata.fit(X, Y[:3], lr=0.1, steps=5)
    with assert_raises(ValueError, match="1-D"):
        kata.fit(X.reshape(5, 1), Y, lr=0.1, steps=5)
    with assert_raises(ValueError, match="empty"):
        kata.fit(np.zeros(0), np.zeros(0), lr=0.1, steps=5)


def test_fit_records_the_loss_before_each_step(kata):
    """Catches losses recorded after the step, or only at the end."""
    w, b, losses = kata.fit(X, Y, lr=0.05, steps=4)
    assert_shape(losses, (4,), what="fit(steps=4): losses")
    losses = assert_dtype(losses, "float", what="fit(steps=4): losses")
    assert_scalar(losses[0], float(np.mean(Y.astype(np.float64) ** 2)),
                  what="losses[0], the loss of w = b = 0: mean(y**2)", rtol=1e-5)
    new_w, new_b = 0.0, 0.0
    for step in range(4):
        assert_scalar(losses[step], _np_loss(new_w, new_b), rtol=1e-4,
                      what=f"losses[{step}], the loss before step {step} at lr 0.05 (a wrong sign, "
                      f"a learning rate off, or a b that never moves shows here first)")
        residual = new_w * X.astype(np.float64) + new_b - Y
        new_w, new_b = (new_w - 0.05 * 2 * np.mean(residual * X),
                        new_b - 0.05 * 2 * np.mean(residual))
    assert_scalar(w, new_w, what="w after 4 steps", rtol=1e-4)
    assert_scalar(b, new_b, what="b after 4 steps", rtol=1e-4)


@pytest.mark.training
@pytest.mark.parametrize("seed", [0, 1])
def test_fit_recovers_the_true_line(kata, seed):
    """Catches a wrong sign, a learning rate 100x off, and a b that is never updated."""
    x, y = _line_data(seed)
    w, b, losses = kata.fit(x, y, lr=0.1, steps=300)
    assert abs(w - TRUE_W) < TOLERANCE and abs(b - TRUE_B) < TOLERANCE, (
        f"fit on 200 points of y = {TRUE_W}x + {TRUE_B} + noise: expected w and b within "
        f"{TOLERANCE} of the true line, got w={w:.4f}, b={b:.4f} (a wrong sign or a learning "
        f"rate 100x too big diverges, one 100x too small stops short, a b never updated stays "
        f"at 0)")
    ols_w, ols_b = np.polyfit(x.astype(np.float64), y.astype(np.float64), 1)
    assert_array([w, b], [ols_w, ols_b], what="fit's (w, b) against least squares (np.polyfit)",
                 atol=2e-3)
    losses = np.asarray(losses)
    assert losses.shape == (300,), f"fit(steps=300): expected 300 losses, got {losses.shape}"
    assert np.all(np.diff(losses) <= 1e-6), "the loss must never rise at lr=0.1 on this data"
    assert losses[-1] < 0.1 * losses[0], (
        f"the loss must fall by 10x at least, got {losses[0]:.4f} -> {losses[-1]:.4f}")
