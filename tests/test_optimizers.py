"""Tests for the `optimizers` kata: SGD with momentum, RMSprop and Adam by hand, Keras'
optimizers driven through `apply_gradients`, and a linearly decaying learning rate.

Two independent oracles: the formulas of Keras 3's `update_step`s written here in NumPy
(float64), and the real `keras.optimizers.SGD` / `RMSprop` / `Adam` run in the tests' own
process on the same gradients. Where the text-book form and Keras' differ only by epsilon's
place, the tests use an epsilon of 0.1 against gradients of about 0.05, so that the place
shows (with Keras' default 1e-7 the forms agree to float32 precision).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_dtype, assert_scalar, is_instance, to_numpy

RNG = np.random.default_rng(7)
START = RNG.normal(size=(3, 2)).astype(np.float32)
GRADIENTS = [RNG.normal(size=(3, 2)).astype(np.float32) for _ in range(8)]
SMALL_GRADIENTS = [0.05 * g for g in GRADIENTS]  # next to epsilon=0.1, its place matters
TOLERANCE = dict(rtol=2e-5, atol=2e-6)  # float32 paths, other valid orders of operations


# --- the oracles ---------------------------------------------------------------------------


def np_sgd(p, g, velocity, lr, momentum, nesterov=False):
    velocity = momentum * velocity - lr * g
    if nesterov:
        return p + momentum * velocity - lr * g, velocity
    return p + velocity, velocity


def np_rmsprop(p, g, mean_square, velocity, lr, rho, momentum, epsilon):
    mean_square = rho * mean_square + (1 - rho) * g**2
    increment = lr * g / np.sqrt(mean_square + epsilon)
    if momentum > 0:
        velocity = momentum * velocity + increment
        return p - velocity, mean_square, velocity
    return p - increment, mean_square, velocity


def np_adam(p, g, m, v, step, lr, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    alpha = lr * np.sqrt(1 - beta_2**step) / (1 - beta_1**step)
    return p - alpha * m / (np.sqrt(v) + epsilon), m, v


def keras_path(optimizer, start, gradients) -> np.ndarray:
    """The real optimizer, run here: the start and the value after each update."""
    variable = tf.Variable(start)
    path = [variable.numpy()]
    for g in gradients:
        optimizer.apply_gradients([(tf.constant(g), variable)])
        path.append(variable.numpy())
    return np.stack(path)


def f64(a):
    return np.asarray(a, dtype=np.float64)


# --- sgd_momentum_step ---------------------------------------------------------------------


@pytest.mark.parametrize("nesterov", [False, True], ids=["momentum", "nesterov"])
def test_sgd_momentum_steps_match_keras_sgd(kata, nesterov):
    expected = keras_path(keras.optimizers.SGD(learning_rate=0.1, momentum=0.9,
                                               nesterov=nesterov), START, GRADIENTS)
    param, velocity = START, np.zeros_like(START)
    for step, g in enumerate(GRADIENTS, start=1):
        param, velocity = kata.sgd_momentum_step(param, g, velocity, learning_rate=0.1,
                                                 momentum=0.9, nesterov=nesterov)
        assert_array(param, expected[step], **TOLERANCE,
                     what=f"param after step {step} of SGD(0.1, momentum=0.9, "
                          f"nesterov={nesterov}) vs Keras")


def test_sgd_velocity_follows_keras_sign_convention(kata):
    """Keras: v = 0.9 v - lr g. The v = 0.9 v + g, p -= lr v convention walks the same path
    at a constant rate, but its velocity has the other sign and scale."""
    g1, g2 = GRADIENTS[:2]
    _, v1 = kata.sgd_momentum_step(START, g1, np.zeros_like(START), learning_rate=0.1,
                                   momentum=0.9)
    assert_array(v1, -0.1 * f64(g1), **TOLERANCE,
                 what="velocity after one step from zero: -lr * grad (v = mu v + g instead?)")
    _, v2 = kata.sgd_momentum_step(START, g2, to_numpy(v1), learning_rate=0.1, momentum=0.9)
    assert_array(v2, 0.9 * -0.1 * f64(g1) - 0.1 * f64(g2), **TOLERANCE,
                 what="velocity after two steps: 0.9 * v1 - lr * g2")


def test_sgd_without_momentum_is_gradient_descent(kata):
    param, velocity = kata.sgd_momentum_step(START, GRADIENTS[0], np.ones_like(START),
                                             learning_rate=0.5)
    assert_array(param, f64(START) - 0.5 * f64(GRADIENTS[0]), **TOLERANCE,
                 what="sgd_momentum_step with momentum=0: param - lr * grad")
    assert_array(velocity, -0.5 * f64(GRADIENTS[0]), **TOLERANCE,
                 what="sgd_momentum_step with momentum=0: velocity = -lr * grad")


def test_sgd_keeps_float64(kata):
    start, g = f64(START), f64(GRADIENTS[0])
    param, velocity = kata.sgd_momentum_step(start, g, np.zeros_like(start), 0.1, 0.9)
    expected_param, expected_velocity = np_sgd(start, g, 0.0, 0.1, 0.9)
    assert_array(param, expected_param, dtype=np.float64, rtol=1e-12,
                 what="param of a float64 step")
    assert_array(velocity, expected_velocity, dtype=np.float64, rtol=1e-12,
                 what="velocity of a float64 step")


@st.composite
def states(draw, count):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), label="shape")
    values = st.floats(-2, 2, width=32)
    return [draw(hnp.arrays(np.float32, shape, elements=values)) for _ in range(count)]


@given(arrays=states(3), lr=st.floats(0.001, 1), momentum=st.floats(0, 1),
       nesterov=st.booleans())
def test_sgd_momentum_step_on_any_shape(kata, arrays, lr, momentum, nesterov):
    param, grad, velocity = arrays
    got_param, got_velocity = kata.sgd_momentum_step(param, grad, velocity, lr, momentum,
                                                     nesterov)
    expected_param, expected_velocity = np_sgd(f64(param), f64(grad), f64(velocity), lr,
                                               momentum, nesterov)
    what = f"sgd_momentum_step on shape {param.shape}, lr={lr}, momentum={momentum}"
    assert_array(got_param, expected_param, **TOLERANCE, what=f"param of {what}")
    assert_array(got_velocity, expected_velocity, **TOLERANCE, what=f"velocity of {what}")


def test_sgd_momentum_step_rejects_bad_input(kata):
    zeros = np.zeros_like(START)
    with pytest.raises(ValueError, match="shape"):
        kata.sgd_momentum_step(START, GRADIENTS[0].T, zeros, 0.1, 0.9)
    with pytest.raises(ValueError, match="shape"):
        kata.sgd_momentum_step(START, GRADIENTS[0], np.zeros(2, np.float32), 0.1, 0.9)
    for momentum in (-0.1, 1.5):
        with pytest.raises(ValueError, match="momentum"):
            kata.sgd_momentum_step(START, GRADIENTS[0], zeros, 0.1, momentum)


# --- rmsprop_step --------------------------------------------------------------------------


@pytest.mark.parametrize(("momentum", "epsilon", "gradients"), [
    (0.0, 1e-7, GRADIENTS), (0.5, 1e-7, GRADIENTS), (0.0, 0.1, SMALL_GRADIENTS),
], ids=["plain", "momentum 0.5", "epsilon 0.1"])
def test_rmsprop_steps_match_keras_rmsprop(kata, momentum, epsilon, gradients):
    """epsilon 0.1 against gradients of ~0.05: sqrt(s + eps) and sqrt(s) + eps differ."""
    expected = keras_path(keras.optimizers.RMSprop(learning_rate=0.01, rho=0.8,
                                                   momentum=momentum, epsilon=epsilon),
                          START, gradients)
    param, mean_square, velocity = START, np.zeros_like(START), np.zeros_like(START)
    for step, g in enumerate(gradients, start=1):
        param, mean_square, velocity = kata.rmsprop_step(
            param, g, mean_square, velocity, learning_rate=0.01, rho=0.8, momentum=momentum,
            epsilon=epsilon)
        assert_array(param, expected[step], **TOLERANCE,
                     what=f"param after step {step} of RMSprop(0.01, rho=0.8, "
                          f"momentum={momentum}, epsilon={epsilon}) vs Keras")


def test_rmsprop_first_step_states(kata):
    """rho weighs the OLD mean square: s = 0.8 * 0 + 0.2 * g**2 after one step."""
    g = GRADIENTS[0]
    _, mean_square, velocity = kata.rmsprop_step(START, g, np.zeros_like(START),
                                                 np.zeros_like(START), learning_rate=0.01,
                                                 rho=0.8, momentum=0.5)
    assert_array(mean_square, 0.2 * f64(g) ** 2, **TOLERANCE,
                 what="mean square after one step, rho=0.8: (1 - rho) * g**2 (rho swapped?)")
    expected = 0.01 * f64(g) / np.sqrt(0.2 * f64(g) ** 2 + 1e-7)
    assert_array(velocity, expected, **TOLERANCE,
                 what="velocity after one step with momentum 0.5: lr * g / sqrt(s + eps)")


@given(arrays=states(4), lr=st.floats(0.001, 0.1), rho=st.floats(0, 0.999),
       momentum=st.sampled_from([0.0, 0.3, 0.9]), epsilon=st.sampled_from([1e-7, 1e-3, 0.1]))
def test_rmsprop_step_on_any_shape(kata, arrays, lr, rho, momentum, epsilon):
    param, grad, mean_square, velocity = arrays
    mean_square = np.abs(mean_square)
    got = kata.rmsprop_step(param, grad, mean_square, velocity, lr, rho, momentum, epsilon)
    expected = np_rmsprop(f64(param), f64(grad), f64(mean_square), f64(velocity), lr, rho,
                          momentum, epsilon)
    assert len(got) == 3, f"rmsprop_step returns (param, mean_square, velocity), got {len(got)}"
    for name, value, oracle in zip(["param", "mean_square", "velocity"], got, expected,
                                   strict=True):
        assert_array(value, oracle, rtol=1e-3, atol=1e-5,
                     what=f"{name} of rmsprop_step on shape {param.shape}, rho={rho}, "
                          f"momentum={momentum}, epsilon={epsilon}")


def test_rmsprop_keeps_float64(kata):
    start, g = f64(START), f64(GRADIENTS[0])
    velocity = np.full_like(start, 0.1)
    got = kata.rmsprop_step(start, g, start**2, velocity, 0.01, 0.8, 0.5, 1e-7)
    expected = np_rmsprop(start, g, start**2, velocity, 0.01, 0.8, 0.5, 1e-7)
    assert len(got) == 3, f"rmsprop_step returns (param, mean_square, velocity), got {len(got)}"
    for name, value, oracle in zip(["param", "mean_square", "velocity"], got, expected,
                                   strict=True):
        assert_array(value, oracle, dtype=np.float64, rtol=1e-12,
                     what=f"{name} of a float64 RMSprop step (cast to float32 on the way?)")


def test_rmsprop_step_rejects_bad_input(kata):
    zeros = np.zeros_like(START)
    with pytest.raises(ValueError, match="shape"):
        kata.rmsprop_step(START, GRADIENTS[0], np.zeros(6, np.float32), zeros)
    for name, value in [("rho", 1.5), ("rho", -0.1), ("momentum", -0.5), ("epsilon", -1e-7)]:
        with pytest.raises(ValueError, match=name):
            kata.rmsprop_step(START, GRADIENTS[0], zeros, zeros, **{name: value})


# --- adam_step -----------------------------------------------------------------------------


@pytest.mark.parametrize(("settings", "gradients"), [
    (dict(learning_rate=0.01), GRADIENTS),
    (dict(learning_rate=0.02, beta_1=0.8, beta_2=0.99), GRADIENTS),
    (dict(learning_rate=0.01, epsilon=0.1), SMALL_GRADIENTS),
], ids=["defaults", "betas 0.8 0.99", "epsilon 0.1"])
def test_adam_steps_match_keras_adam(kata, settings, gradients):
    """epsilon 0.1: Keras adds it to sqrt(v), uncorrected; on sqrt(v_hat) it would differ."""
    expected = keras_path(keras.optimizers.Adam(**settings), START, gradients)
    param, m, v = START, np.zeros_like(START), np.zeros_like(START)
    for step, g in enumerate(gradients, start=1):
        param, m, v = kata.adam_step(param, g, m, v, step, **settings)
        assert_array(param, expected[step], **TOLERANCE,
                     what=f"param after step {step} of Adam({settings}) vs Keras")


def test_adam_first_step_moves_each_weight_by_about_the_learning_rate(kata):
    """With bias correction, step 1 moves by lr * g / (|g| + eps'): lr per weight. Without
    it, by sqrt(1 - 0.999) / (1 - 0.9) = 0.316 times that."""
    g = GRADIENTS[0]
    param, m, v = kata.adam_step(START, g, np.zeros_like(START), np.zeros_like(START), 1,
                                 learning_rate=0.01)
    moved = to_numpy(param).astype(np.float64) - START
    assert_array(np.abs(moved), np.full(START.shape, 0.01), rtol=1e-3,
                 what="|change| of every weight after Adam's first step, lr=0.01 (no bias "
                      "correction?)")
    assert_array(m, 0.1 * f64(g), **TOLERANCE, what="m after step 1: (1 - beta_1) * g")
    assert_array(v, 0.001 * f64(g) ** 2, **TOLERANCE, what="v after step 1: (1 - beta_2) * g**2")


@given(arrays=states(4), step=st.integers(1, 50), lr=st.floats(0.0001, 0.1),
       beta_1=st.floats(0, 0.99), beta_2=st.floats(0.5, 0.999),
       epsilon=st.sampled_from([1e-7, 1e-3, 0.1]))
def test_adam_step_on_any_shape(kata, arrays, step, lr, beta_1, beta_2, epsilon):
    param, grad, m, v = arrays
    v = np.abs(v)
    got = kata.adam_step(param, grad, m, v, step, lr, beta_1, beta_2, epsilon)
    expected = np_adam(f64(param), f64(grad), f64(m), f64(v), step, lr, beta_1, beta_2, epsilon)
    assert len(got) == 3, f"adam_step returns (param, m, v), got {len(got)} values"
    for name, value, oracle in zip(["param", "m", "v"], got, expected, strict=True):
        assert_array(value, oracle, rtol=1e-3, atol=1e-5,
                     what=f"{name} of adam_step {step} on shape {param.shape}, "
                          f"betas ({beta_1}, {beta_2}), epsilon={epsilon}")


def test_adam_keeps_float64(kata):
    start, g = f64(START), f64(GRADIENTS[0])
    got = kata.adam_step(start, g, np.zeros_like(start), np.zeros_like(start), 3, 0.01)
    expected = np_adam(start, g, 0.0, 0.0, 3, 0.01, 0.9, 0.999, 1e-7)
    for name, value, oracle in zip(["param", "m", "v"], got, expected, strict=True):
        assert_array(value, oracle, dtype=np.float64, rtol=1e-12,
                     what=f"{name} of a float64 Adam step")


def test_adam_step_rejects_bad_input(kata):
    zeros = np.zeros_like(START)
    with pytest.raises(ValueError, match="shape"):
        kata.adam_step(START, GRADIENTS[0], zeros, np.zeros((2, 3), np.float32), 1)
    with pytest.raises(ValueError, match="step"):
        kata.adam_step(START, GRADIENTS[0], zeros, zeros, 0)
    for name, value in [("beta_1", 1.0), ("beta_2", -0.1), ("epsilon", -1.0)]:
        with pytest.raises(ValueError, match=name):
            kata.adam_step(START, GRADIENTS[0], zeros, zeros, 1, **{name: value})


def test_steps_accept_the_bounds_of_their_ranges(kata):
    """The docstrings' ranges include their closed ends: momentum and rho 1 ([0, 1]), beta_1
    0 ([0, 1)) and epsilon 0 (only a negative one is refused). A check with < for <= (or the
    reverse) refuses them."""
    start, g, state = f64(START), f64(GRADIENTS[0]), f64(START) ** 2 + 0.1
    assert np.all(g != 0), "test data: no zero gradient, so epsilon 0 divides by no zero"
    cases = [
        ("sgd_momentum_step(momentum=1.0)",
         lambda: kata.sgd_momentum_step(start, g, state, 0.1, 1.0),
         np_sgd(start, g, state, 0.1, 1.0)),
        ("rmsprop_step(rho=1.0)",
         lambda: kata.rmsprop_step(start, g, state, state, 0.01, 1.0, 0.5, 1e-7),
         np_rmsprop(start, g, state, state, 0.01, 1.0, 0.5, 1e-7)),
        ("rmsprop_step(epsilon=0.0)",
         lambda: kata.rmsprop_step(start, g, state, state, 0.01, 0.8, 0.0, 0.0),
         np_rmsprop(start, g, state, state, 0.01, 0.8, 0.0, 0.0)),
        ("adam_step(beta_1=0.0)",
         lambda: kata.adam_step(start, g, state, state, 2, 0.01, 0.0, 0.999, 1e-7),
         np_adam(start, g, state, state, 2, 0.01, 0.0, 0.999, 1e-7)),
        ("adam_step(epsilon=0.0)",
         lambda: kata.adam_step(start, g, state, state, 2, 0.01, 0.9, 0.999, 0.0),
         np_adam(start, g, state, state, 2, 0.01, 0.9, 0.999, 0.0)),
    ]
    for what, call, expected in cases:
        try:
            got = call()
        except ValueError as err:
            pytest.fail(f"{what} raised ValueError ({err}): the value is inside the "
                        "documented range (a bound checked with < for <=, or the reverse?)")
        assert len(got) == len(expected), f"{what}: expected {len(expected)} values, got " \
                                          f"{len(got)}"
        for value, oracle in zip(got, expected, strict=True):
            assert_array(value, oracle, rtol=1e-10, atol=1e-12, what=f"{what} on float64 input")


# --- keras_updates -------------------------------------------------------------------------


def numpy_path(step, start, gradients):
    p, state, path = f64(start), None, [f64(start)]
    for t, g in enumerate(gradients, start=1):
        p, state = step(p, f64(g), state, t)
        path.append(p)
    return np.stack(path)


KERAS_CASES = {
    "sgd": (dict(learning_rate=0.05, momentum=0.9),
            lambda p, g, s, t: np_sgd(p, g, 0.0 if s is None else s, 0.05, 0.9)),
    "rmsprop": (dict(learning_rate=0.01, rho=0.8, momentum=0.5),
                lambda p, g, s, t: (lambda r: (r[0], r[1:]))(
                    np_rmsprop(p, g, *(s or (0.0, 0.0)), 0.01, 0.8, 0.5, 1e-7))),
    "adam": (dict(learning_rate=0.01, beta_1=0.8),
             lambda p, g, s, t: (lambda r: (r[0], r[1:]))(
                 np_adam(p, g, *(s or (0.0, 0.0)), t, 0.01, 0.8, 0.999, 1e-7))),
}


@pytest.mark.parametrize("name", sorted(KERAS_CASES))
def test_keras_updates_follow_the_formulas(kata, name):
    settings, step = KERAS_CASES[name]
    path = kata.keras_updates(name, START, GRADIENTS, **settings)
    assert_array(path, numpy_path(step, START, GRADIENTS), dtype=np.float32, **TOLERANCE,
                 what=f"keras_updates({name!r}, {settings}): start and 8 updates "
                      "(the hyperparameters passed on? one optimizer for all the steps?)")


def test_keras_updates_refuse_an_unknown_name_and_the_notes_lr(kata):
    with pytest.raises(ValueError, match="name"):
        kata.keras_updates("adagrad_v9", START, GRADIENTS)
    with pytest.raises(ValueError):
        kata.keras_updates("adam", START, GRADIENTS, lr=0.01)
    with pytest.raises(ValueError, match="shape"):
        kata.keras_updates("sgd", START, [GRADIENTS[0].T])


# --- learning-rate decay -------------------------------------------------------------------


def test_notes_learning_rate_decays_linearly(kata):
    rates = [kata.notes_learning_rate(epoch) for epoch in range(100)]
    assert all(isinstance(r, float) for r in rates), \
        f"notes_learning_rate returns Python floats, got {type(rates[0]).__name__}"
    assert_array(rates, 0.2 * (100 - np.arange(100)) / 100, rtol=1e-12,
                 what="notes_learning_rate(epoch) for epochs 0..99: 0.2 * (100 - epoch) / 100")
    assert_scalar(kata.notes_learning_rate(3, epochs=4, initial=1.0), 0.25,
                  what="notes_learning_rate(3, epochs=4, initial=1.0)")


def test_notes_learning_rate_rejects_epochs_outside_the_run(kata):
    for epoch in (-1, 100):
        with pytest.raises(ValueError, match="epoch"):
            kata.notes_learning_rate(epoch)
    with pytest.raises(ValueError, match="epoch"):
        kata.notes_learning_rate(0, epochs=0)


@pytest.mark.parametrize("steps_per_epoch", [1, 4])
def test_linear_decay_schedule_gives_the_notes_rates(kata, steps_per_epoch):
    schedule = kata.linear_decay_schedule(0.2, 10, steps_per_epoch=steps_per_epoch)
    assert is_instance(schedule, keras.optimizers.schedules.LearningRateSchedule), \
        f"expected a keras LearningRateSchedule, got {type(schedule).__name__}"
    steps = np.arange(12 * steps_per_epoch)
    rates = np.array([to_numpy(schedule(int(s))) for s in steps], dtype=np.float64)
    expected = 0.2 * np.maximum(0.0, 1 - steps / (10 * steps_per_epoch))
    assert_array(rates, expected, rtol=1e-5, atol=1e-7,
                 what=f"schedule(step) for steps 0..{steps[-1]}, {steps_per_epoch} steps per "
                      "epoch (counting epochs instead of optimizer steps?)")


def test_linear_decay_schedule_rejects_bad_settings(kata):
    for args in [(0.0, 10), (0.2, 0), (0.2, 10, 0)]:
        with pytest.raises(ValueError):
            kata.linear_decay_schedule(*args)


def test_sgd_with_linear_decay_changes_the_rate_every_epoch(kata):
    """`optimizer.learing_rate = ...` changes nothing: every epoch would use 0.2."""
    gradients = GRADIENTS[:5]
    path = kata.sgd_with_linear_decay(START, gradients, initial_rate=0.2)
    expected = [f64(START)]
    for epoch, g in enumerate(gradients):
        expected.append(expected[-1] - 0.2 * (5 - epoch) / 5 * f64(g))
    assert_array(path, np.stack(expected), dtype=np.float32, **TOLERANCE,
                 what="sgd_with_linear_decay over 5 epochs: p - 0.2 * (5 - epoch) / 5 * g")


def test_sgd_with_linear_decay_rejects_bad_input(kata):
    with pytest.raises(ValueError):
        kata.sgd_with_linear_decay(START, [])
    with pytest.raises(ValueError, match="shape"):
        kata.sgd_with_linear_decay(START, [GRADIENTS[0].T])
    with pytest.raises(ValueError):
        kata.sgd_with_linear_decay(START, GRADIENTS, initial_rate=0.0)


def test_step_results_are_tensors_or_arrays_of_the_float_dtype(kata):
    """A float32 step stays float32 (no silent float64 from a NumPy scalar)."""
    for name, result in [
        ("sgd_momentum_step", kata.sgd_momentum_step(START, GRADIENTS[0], START, 0.1, 0.9)),
        ("rmsprop_step", kata.rmsprop_step(START, GRADIENTS[0], START**2, START)),
        ("adam_step", kata.adam_step(START, GRADIENTS[0], START, START**2, 2)),
    ]:
        for value in result:
            assert_dtype(value, np.float32, what=f"{name} on float32 inputs")
