"""Tests for the `losses` kata: MSE, entropy, cross-entropy, KL, binary and categorical CE.

Oracles: NumPy formulas in float64, the notes' worked examples computed by hand, Keras' own
losses, and float64 central finite differences for the gradients. The learner's losses are
differentiated with `gradient_of`, whose tape runs where the kata runs (also while grading).
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import (
    assert_array,
    assert_dtype,
    assert_raises,
    assert_scalar,
    gradient_of,
    is_instance,
    numerical_gradient,
    op_types,
    to_numpy,
)

# The notes' worked example (交叉熵): one-hot P1 against the outputs Q1 (which sum to 1.3).
P1 = [1.0, 0.0, 0.0, 0.0, 0.0]
Q1 = [0.4, 0.3, 0.05, 0.05, 0.5]
MINUS_LOG2_04 = -math.log2(0.4)  # 1.3219 bits
MINUS_LN_04 = -math.log(0.4)  # 0.9163: the number the notes print

Y_ONE_HOT = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]], np.float32)
LOGITS = np.array([[2.0, -1.0, 0.5, 0.0], [0.3, 0.1, 1.5, -2.0], [-0.5, 0.7, 0.7, 1.2]],
                  np.float32)


def np_softmax(a, axis=-1):
    a = np.asarray(a, np.float64)
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_sigmoid(x):
    return 0.5 * (1 + np.tanh(np.asarray(x, np.float64) / 2))


def np_plogq(p, q):
    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    return np.where(p > 0, p * np.log2(np.where(p > 0, q, 1.0)), 0.0)


def prediction_gradient(loss, y_true, y_pred, **kwargs):
    """d sum(loss(y_true, y_pred, **kwargs)) / d y_pred through tf.GradientTape (in the kata's
    process while grading)."""
    _, grad = gradient_of(loss, y_true, y_pred, **kwargs)
    if grad is None:
        raise AssertionError("no gradient flows from the loss back to the predictions: "
                             "compute with TensorFlow ops, not NumPy")
    return grad


@st.composite
def distributions(draw, min_dims=1):
    """(p, q, axis): two strictly positive distributions along a drawn axis."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, max_side=4))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    raw = [draw(hnp.arrays(np.float64, shape, elements=st.floats(0.05, 1.0))) for _ in "pq"]
    p, q = (r / r.sum(axis=axis, keepdims=True) for r in raw)
    return p, q, axis


# --- MSE -----------------------------------------------------------------------------------


def test_mse_is_the_mean_of_squared_differences(kata):
    """The notes' loss1 = reduce_mean(square(y - out)) = reduce_mean(tf.losses.MSE(y, out))."""
    y = np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 3.0]], np.float32)
    out = np.array([[0.5, 0.5, 2.0], [1.5, -1.0, 1.0]], np.float32)
    expected = np.mean((y.astype(np.float64) - out) ** 2)  # (0.25+0.25+0+1+0+4)/6
    got = kata.mse(y, out)
    assert_dtype(got, np.float32, what="mse of float32 arrays")
    assert_scalar(got, expected, what="mse: the mean over all 6 elements (not the sum)")
    assert_scalar(got, float(tf.reduce_mean(tf.losses.MSE(y, out))),
                  what="mse against the notes' loss2 = reduce_mean(tf.losses.MSE(y, out))")


@pytest.mark.parametrize(("true_shape", "pred_shape"), [((4,), (4, 1)), ((3,), (4,))],
                         ids=["would-broadcast", "different-lengths"])
def test_mse_rejects_shapes_that_differ(kata, true_shape, pred_shape):
    """[4] against [4, 1] would silently broadcast to a 4 x 4 grid."""
    with assert_raises(ValueError, match="shape"):
        kata.mse(np.zeros(true_shape), np.zeros(pred_shape))


def test_mse_gradient_three_ways(kata):
    """d mse / d out = 2 (out - y) / N: closed form, GradientTape, finite differences."""
    y = np.array([1.0, -2.0, 0.5, 3.0])
    out = np.array([0.0, -1.0, 1.5, 2.0])
    closed = 2 * (out - y) / y.size
    assert_array(prediction_gradient(kata.mse, y.astype(np.float32), out.astype(np.float32)),
                 closed, what="GradientTape gradient of mse against 2 (out - y) / N")
    numeric = numerical_gradient(lambda o: to_numpy(kata.mse(y, o)), out)
    assert_array(numeric, closed, rtol=1e-6, atol=1e-8,
                 what="finite differences of mse (float64) against 2 (out - y) / N")


def test_mse_of_integers_is_a_true_mean(kata):
    """Integer inputs become float32: the mean of [1, 0, 1] is 2/3, not int32's 0."""
    got = kata.mse([1, 2, 3], [2, 2, 2])
    assert_dtype(got, np.float32, what="mse of integer lists (they become float32)")
    assert_scalar(got, 2 / 3, what="mse([1, 2, 3], [2, 2, 2]): (1 + 0 + 1) / 3 as a float "
                  "(an integer mean truncates to 0)")


# --- entropy, cross-entropy, KL (bits) -----------------------------------------------------


def test_entropy_is_in_bits(kata):
    """log base 2, as the notes' formula: four equal outcomes are 2 bits, not ln 4 = 1.386."""
    got = kata.entropy([0.25, 0.25, 0.25, 0.25])
    assert not np.isclose(to_numpy(got), math.log(4), rtol=1e-3), \
        "entropy([0.25] * 4) is ln 4 = 1.386: that is nats; the kata asks for bits (log2)"
    assert_scalar(got, 2.0, what="entropy of four equally likely outcomes, in bits")
    assert_scalar(kata.entropy([0.5, 0.5]), 1.0, what="entropy of a fair coin, in bits")
    assert_scalar(kata.entropy([0.4, 0.6]),
                  -(0.4 * math.log2(0.4) + 0.6 * math.log2(0.6)),
                  what="entropy([0.4, 0.6]) in bits")


def test_entropy_of_a_one_hot_is_zero_not_nan(kata):
    """The notes' h(p:[0,1,0]) = -1 log2 1 = 0: 0 log 0 counts as 0, not NaN."""
    assert_scalar(kata.entropy([0.0, 1.0, 0.0]), 0.0, what="entropy([0, 1, 0])")


@given(case=distributions())
def test_entropy_along_any_axis(kata, case):
    p, _, axis = case
    expected = -np_plogq(p, p).sum(axis=axis)
    assert_array(kata.entropy(p.astype(np.float32), axis=axis), expected, dtype=np.float32,
                 rtol=1e-4, atol=1e-5, what=f"entropy of shape {p.shape} along axis {axis}")


def test_cross_entropy_notes_worked_example(kata):
    """-log2(0.4) = 1.3219 bits. The notes print 0.916, which is -ln(0.4): the wrong base."""
    got = kata.cross_entropy(P1, Q1)
    assert not np.isclose(to_numpy(got), MINUS_LN_04, rtol=1e-3), \
        "cross_entropy(P1, Q1) = 0.916 = -ln(0.4): natural log; the formula's log is log2"
    assert_scalar(got, MINUS_LOG2_04, what="cross_entropy([1,0,0,0,0], "
                  "[0.4,0.3,0.05,0.05,0.5]) = -log2(0.4), Q1 not renormalised")


def test_cross_entropy_of_a_one_hot_takes_the_true_class(kata):
    """The notes' H([0,1,0], q) = -log q_1 has the index wrong: the 1 is at q_2."""
    q = [0.25, 0.5, 0.25]
    assert_scalar(kata.cross_entropy([0.0, 1.0, 0.0], q), 1.0,
                  what="cross_entropy([0, 1, 0], [0.25, 0.5, 0.25]) = -log2(0.5)")
    assert_scalar(kata.kl_divergence([0.0, 1.0, 0.0], q), 1.0,
                  what="kl_divergence([0, 1, 0], q): equals H(p, q) because H(one-hot) = 0")


def test_cross_entropy_ignores_classes_where_p_is_zero(kata):
    """p = 0, q = 0 is 0 * log 0 = 0, not NaN."""
    assert_scalar(kata.cross_entropy([1.0, 0.0], [1.0, 0.0]), 0.0,
                  what="cross_entropy([1, 0], [1, 0])")


def test_cross_entropy_and_kl_are_infinite_where_q_misses_a_class_of_p(kata):
    """p > 0 where q = 0: -log2(0) = inf is the value; clipping q (as Keras does) hides it."""
    p, q = [0.5, 0.5], [1.0, 0.0]
    assert_scalar(kata.cross_entropy(p, q), math.inf,
                  what="cross_entropy([0.5, 0.5], [1, 0]) (q = 0 where p > 0: inf; a finite "
                  "value means q was clipped)")
    assert_scalar(kata.kl_divergence(p, q), math.inf,
                  what="kl_divergence([0.5, 0.5], [1, 0]) (q = 0 where p > 0: inf; a finite "
                  "value means q was clipped)")


@given(case=distributions())
def test_cross_entropy_is_entropy_plus_kl(kata, case):
    """The notes' H(p, q) = H(p) + D(p||q), each against NumPy, along a drawn axis."""
    p, q, axis = case
    h_pq = -np_plogq(p, q).sum(axis=axis)
    kl = np_plogq(p, p).sum(axis=axis) - np_plogq(p, q).sum(axis=axis)
    got_h = assert_array(kata.cross_entropy(p, q, axis=axis), h_pq, dtype=np.float64,
                         what=f"cross_entropy of shape {p.shape} along axis {axis}")
    got_kl = assert_array(kata.kl_divergence(p, q, axis=axis), kl, dtype=np.float64,
                          what=f"kl_divergence of shape {p.shape} along axis {axis}")
    assert_array(got_h, to_numpy(kata.entropy(p, axis=axis)) + got_kl,
                 what="cross_entropy = entropy + kl_divergence")


@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
def test_information_functions_keep_the_float_dtype(kata, name):
    """entropy keeps p's float dtype; cross_entropy and kl_divergence take q's (p follows)."""
    p, q = np.array([0.7, 0.2, 0.1]), np.array([0.1, 0.3, 0.6])
    h_pq = -np_plogq(p, q).sum()
    expected = {"entropy": -np_plogq(p, p).sum(), "cross_entropy": h_pq,
                "kl_divergence": h_pq + np_plogq(p, p).sum()}[name]
    fn = getattr(kata, name)
    for p_dtype, q_dtype in ((np.float64, np.float64), (np.float32, np.float64),
                             (np.float64, np.float32)):
        if name == "entropy":
            if p_dtype != q_dtype:
                continue
            got, want, case = fn(p.astype(p_dtype)), q_dtype, f"{np.dtype(p_dtype).name} p"
        else:
            got, want = fn(p.astype(p_dtype), q.astype(q_dtype)), q_dtype
            case = f"{np.dtype(p_dtype).name} p and {np.dtype(q_dtype).name} q"
        assert_dtype(got, want, what=f"{name} of {case} (the result has "
                     f"{'p' if name == 'entropy' else 'q'}'s dtype: was something cast "
                     "to the other's, or to float32?)")
        assert_scalar(got, float(expected), what=f"{name} of {case}")


def test_kl_is_zero_for_equal_distributions_and_not_symmetric(kata):
    p, q = [0.7, 0.2, 0.1], [0.1, 0.3, 0.6]
    assert_scalar(kata.kl_divergence(p, p), 0.0, what="kl_divergence(p, p)")
    assert_scalar(kata.kl_divergence(p, q), float(np_plogq(p, p).sum() - np_plogq(p, q).sum()),
                  what="kl_divergence([0.7, 0.2, 0.1], [0.1, 0.3, 0.6]) in bits")
    assert_scalar(kata.kl_divergence(q, p), float(np_plogq(q, q).sum() - np_plogq(q, p).sum()),
                  what="kl_divergence(q, p): D(q||p), not D(p||q)")


@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
def test_information_functions_reject_non_probabilities(kata, name):
    fn = getattr(kata, name)
    args = (lambda bad: (bad,)) if name == "entropy" else (lambda bad: (bad, [0.5, 0.5]))
    for bad in ([1.5, 0.5], [-0.5, 0.5]):  # above 1 alone, below 0 alone
        with assert_raises(ValueError, match=r"\[0, 1\]"):
            fn(*args(bad))
    if name != "entropy":
        for bad in ([2.0, 0.5], [-1.0, 0.5]):
            with assert_raises(ValueError, match=r"\[0, 1\]"):
                fn([0.5, 0.5], bad)
        with assert_raises(ValueError, match="shape"):
            fn([0.5, 0.5], [0.2, 0.3, 0.5])


def test_entropy_rejects_a_scalar(kata):
    with assert_raises(ValueError):
        kata.entropy(0.5)


@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
def test_information_functions_reject_an_axis_out_of_range(kata, name):
    p = np.full((2, 3), 1 / 3)
    args = (p,) if name == "entropy" else (p, p)
    with assert_raises(ValueError, match="axis"):
        getattr(kata, name)(*args, axis=2)
    with assert_raises(ValueError, match="axis"):
        getattr(kata, name)(*args, axis=-3)


# --- binary cross-entropy (nats) -----------------------------------------------------------

Y_BIN = np.array([1.0, 0.0, 1.0, 0.0, 1.0], np.float32)
S_BIN = np.array([0.9, 0.2, 0.6, 0.4, 0.05], np.float32)
Z_BIN = np.array([2.0, -1.0, 0.0, 0.5, -3.0], np.float32)


def np_bce(y, s):
    y, s = np.asarray(y, np.float64), np.asarray(s, np.float64)
    return np.mean(-(y * np.log(s) + (1 - y) * np.log(1 - s)))


def test_binary_cross_entropy_from_probabilities(kata):
    got = kata.binary_cross_entropy(Y_BIN, S_BIN)
    assert_dtype(got, np.float32, what="binary_cross_entropy of float32 arrays")
    assert_scalar(got, np_bce(Y_BIN, S_BIN), what="binary_cross_entropy: the mean of "
                  "-(y ln s + (1 - y) ln(1 - s)), natural log")
    assert_scalar(got, float(keras.losses.BinaryCrossentropy()(Y_BIN, S_BIN)), rtol=1e-4,
                  what="binary_cross_entropy against keras.losses.BinaryCrossentropy")


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_cross_entropy_averages_every_element(kata, from_logits):
    """A [2, 3] batch gives one number, the mean of all 6 terms (not one per row)."""
    y, s = Y_BIN[:3].reshape(1, 3).repeat(2, 0), np.array([[0.9, 0.2, 0.6], [0.3, 0.7, 0.5]])
    z = np.log(s / (1 - s))
    got = kata.binary_cross_entropy(y, (z if from_logits else s).astype(np.float32),
                                    from_logits=from_logits)
    assert_scalar(got, np_bce(y, s), rtol=1e-5,
                  what=f"binary_cross_entropy of a [2, 3] batch, from_logits={from_logits}: the "
                  "mean over every element (a mean over the last axis only gives shape [2])")


def test_binary_cross_entropy_from_logits_agrees_with_probabilities(kata):
    assert_scalar(kata.binary_cross_entropy(Y_BIN, Z_BIN, from_logits=True),
                  np_bce(Y_BIN, np_sigmoid(Z_BIN)),
                  what="binary_cross_entropy(y, logits, from_logits=True) = BCE(y, sigmoid(z))")


def test_binary_cross_entropy_from_logits_is_stable_at_plus_minus_1000(kata):
    """ln(1 + exp(1000)) overflows: right answers cost 0, wrong ones 1000, mean 500."""
    y = np.array([1.0, 0.0, 0.0, 1.0], np.float32)
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0], np.float32)
    assert_scalar(kata.binary_cross_entropy(y, z, from_logits=True), 500.0,
                  what="binary_cross_entropy(from_logits=True) at logits ±1000")
    assert_array(prediction_gradient(kata.binary_cross_entropy, y, z, from_logits=True),
                 (np_sigmoid(z) - y) / y.size,
                 what="gradient of binary_cross_entropy(from_logits=True) at ±1000 (finite)")


def test_binary_cross_entropy_from_logits_gradient_three_ways(kata):
    """(sigmoid(z) - y) / N, z = 0 included (where tf.abs has gradient 0)."""
    closed = (np_sigmoid(Z_BIN) - Y_BIN) / Y_BIN.size
    assert_array(prediction_gradient(kata.binary_cross_entropy, Y_BIN, Z_BIN, from_logits=True),
                 closed,
                 what=f"GradientTape gradient of BCE from logits at z = {Z_BIN.tolist()}")
    y64, z64 = Y_BIN.astype(np.float64), Z_BIN.astype(np.float64)
    numeric = numerical_gradient(
        lambda v: to_numpy(kata.binary_cross_entropy(y64, v, from_logits=True)), z64)
    assert_array(numeric, closed, rtol=1e-6, atol=1e-8,
                 what="finite differences of BCE from logits (float64)")


def test_binary_cross_entropy_clips_probabilities_0_and_1(kata):
    """Keras clips to [1e-7, 1 - 1e-7]: a sure wrong answer costs ~16 nats, not inf."""
    got = to_numpy(kata.binary_cross_entropy([1.0, 0.0], [0.0, 1.0]))
    assert got.shape == () and np.isfinite(got) and 15.0 < got < 17.0, \
        f"binary_cross_entropy([1, 0], [0, 1]): expected about -ln(1e-7) = 16.1, got {got}"


def test_binary_cross_entropy_rejects_bad_input(kata):
    with assert_raises(ValueError, match="shape"):
        kata.binary_cross_entropy(np.zeros(4), np.full((4, 1), 0.5))
    with assert_raises(ValueError, match=r"\[0, 1\]"):
        kata.binary_cross_entropy([1.0, 0.0], [1.5, 0.5])
    with assert_raises(ValueError, match=r"\[0, 1\]"):
        kata.binary_cross_entropy([1.0, 0.0], [0.5, -0.5])


# --- categorical cross-entropy (nats) ------------------------------------------------------


def np_cce(y, p, axis=-1):
    return -(np.asarray(y, np.float64) * np.log(np.asarray(p, np.float64))).sum(axis=axis)


def test_categorical_cross_entropy_notes_example(kata):
    """The notes: categorical_crossentropy([1,0,0,0], [0.25]*4) = ln 4 = 1.386 nats."""
    assert_scalar(kata.categorical_cross_entropy([1.0, 0.0, 0.0, 0.0], [0.25] * 4), math.log(4),
                  what="categorical_cross_entropy([1,0,0,0], [0.25]*4) (natural log)")


def test_categorical_cross_entropy_is_one_value_per_example(kata):
    """Shape [batch]: not summed or averaged over the batch."""
    probs = np_softmax(LOGITS).astype(np.float32)
    assert_array(kata.categorical_cross_entropy(Y_ONE_HOT, probs), np_cce(Y_ONE_HOT, probs),
                 dtype=np.float32, rtol=1e-4, what="categorical_cross_entropy of a [3, 4] batch")


@given(case=distributions(min_dims=1))
def test_categorical_from_logits_agrees_with_probabilities(kata, case):
    """Logits z and their softmax give the same loss, along any axis."""
    y, _, axis = case
    rng = np.random.default_rng(0)
    z = rng.normal(size=y.shape).astype(np.float32)
    expected = np_cce(y, np_softmax(z, axis), axis)
    y32 = y.astype(np.float32)
    assert_array(kata.categorical_cross_entropy(y32, z, from_logits=True, axis=axis), expected,
                 dtype=np.float32, rtol=1e-4, atol=1e-5,
                 what=f"categorical CE from logits of shape {z.shape}, axis {axis}")
    assert_array(kata.categorical_cross_entropy(y32, np_softmax(z, axis).astype(np.float32),
                                                axis=axis), expected, rtol=1e-4, atol=1e-5,
                 what=f"categorical CE from probabilities of shape {z.shape}, axis {axis}")


def test_categorical_from_logits_is_stable_at_plus_minus_1000(kata):
    """Through softmax the probability rounds to 0; from logits the loss is exact: 2000."""
    y = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
    z = np.array([[1000.0, -1000.0], [1000.0, -1000.0]], np.float32)
    assert_array(kata.categorical_cross_entropy(y, z, from_logits=True), [2000.0, 0.0],
                 dtype=np.float32, what="categorical CE from logits [1000, -1000]")
    assert_array(prediction_gradient(kata.categorical_cross_entropy, y, z, from_logits=True),
                 np_softmax(z) - y,
                 what="gradient of categorical CE from logits at ±1000: softmax(z) - y")


def test_categorical_from_logits_shifts_each_example_by_its_own_max(kata):
    """One max for the whole batch underflows the second row: exp(-2000) = 0 and ln 0 = -inf.
    (atol: float32 logits near 1000 are 6e-5 apart, so logsumexp(z) - z may round that much.)"""
    y = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
    z = np.array([[1000.0, -1000.0], [-1000.0, -1002.0]], np.float32)
    assert_array(kata.categorical_cross_entropy(y, z, from_logits=True),
                 [2000.0, math.log1p(math.exp(-2.0))], dtype=np.float32, rtol=1e-5, atol=2e-4,
                 what="categorical CE from logits [[1000, -1000], [-1000, -1002]] (the max "
                 "subtracted must be each example's own, along axis)")


def test_categorical_from_probabilities_clips_instead_of_inf(kata):
    """p = 0 for the true class: the clipped log gives -ln(1e-7) = 16.1, not inf."""
    got = to_numpy(kata.categorical_cross_entropy([[0.0, 1.0]], [[1.0, 0.0]]))
    assert got.shape == (1,) and np.isfinite(got).all() and 15.0 < got[0] < 17.0, \
        f"categorical CE of [0, 1] against [1, 0]: expected about 16.1, got {got}"


def test_categorical_from_logits_gradient_three_ways(kata):
    """softmax(z) - y: closed form, GradientTape, float64 finite differences."""
    closed = np_softmax(LOGITS) - Y_ONE_HOT
    fn = kata.categorical_cross_entropy
    assert_array(prediction_gradient(fn, Y_ONE_HOT, LOGITS, from_logits=True), closed,
                 what="GradientTape gradient of categorical CE from logits: softmax(z) - y")
    y64 = Y_ONE_HOT.astype(np.float64)
    numeric = numerical_gradient(
        lambda v: np.sum(to_numpy(fn(y64, v, from_logits=True))), LOGITS.astype(np.float64))
    assert_array(numeric, closed, rtol=1e-6, atol=1e-8,
                 what="finite differences of categorical CE from logits (float64)")


def test_categorical_from_logits_is_written_by_hand(kata):
    """The value first: a function that computes nothing traces no forbidden op either."""
    expected = -np.sum(Y_ONE_HOT * np.log(np_softmax(LOGITS)), axis=-1)
    assert_array(kata.categorical_cross_entropy(tf.constant(Y_ONE_HOT), tf.constant(LOGITS),
                                                from_logits=True), expected, rtol=1e-5,
                 what="categorical_cross_entropy(one-hot, logits, from_logits=True)")
    forbidden = {"Softmax": "z - logsumexp(z), by hand", "LogSoftmax": "z - logsumexp(z)",
                 "SoftmaxCrossEntropyWithLogits": "-sum(y * (z - logsumexp(z)))"}
    used = op_types(kata.categorical_cross_entropy, tf.constant(Y_ONE_HOT), tf.constant(LOGITS),
                    from_logits=True) & set(forbidden)
    assert not used, (
        f"categorical_cross_entropy(from_logits=True) must be written by hand, but it uses "
        f"{sorted(used)} ({'; '.join(f'{op}: {forbidden[op]}' for op in sorted(used))})")


def test_categorical_cross_entropy_rejects_bad_input(kata):
    with assert_raises(ValueError, match="shape"):
        kata.categorical_cross_entropy(Y_ONE_HOT, LOGITS[:, :3], from_logits=True)
    above, below = np.full((3, 4), 0.25, np.float32), np.full((3, 4), 0.25, np.float32)
    above[0, 0], below[0, 0] = 1.5, -0.5
    for bad in (above, below):
        with assert_raises(ValueError, match=r"\[0, 1\]"):
            kata.categorical_cross_entropy(Y_ONE_HOT, bad)  # e.g. logits passed as probabilities
    for axis in (2, -3):
        with assert_raises(ValueError, match="axis"):
            kata.categorical_cross_entropy(Y_ONE_HOT, LOGITS, from_logits=True, axis=axis)


@pytest.mark.parametrize("name", ["mse", "binary_cross_entropy", "categorical_cross_entropy"])
def test_losses_take_the_predictions_dtype_and_cast_the_labels(kata, name):
    """Labels of another dtype (float64, integers) are cast to y_pred's float dtype."""
    y, probs = Y_ONE_HOT[:2], np_softmax(LOGITS[:2])
    expected = {"mse": np.mean((y - probs) ** 2), "binary_cross_entropy": np_bce(y, probs),
                "categorical_cross_entropy": np_cce(y, probs)}[name]
    fn = getattr(kata, name)
    for labels in (y.astype(np.float64), y.astype(np.int64)):
        case = f"{name}({labels.dtype.name} labels, float32 predictions)"
        got = assert_dtype(fn(labels, probs.astype(np.float32)), np.float32,
                           what=f"{case} (y_pred's dtype: the predictions were cast to the "
                           "labels' dtype?)")
        assert_array(got, expected, rtol=1e-5, what=case)


# --- Keras' class form ---------------------------------------------------------------------


@pytest.mark.parametrize("from_logits", [True, False])
def test_keras_categorical_loss_is_the_batch_mean(kata, from_logits):
    """keras.losses.CategoricalCrossentropy, with from_logits passed on (tf.loss.* is gone)."""
    loss = kata.keras_categorical_loss(from_logits)
    assert is_instance(loss, keras.losses.Loss), \
        f"keras_categorical_loss: expected a keras.losses.Loss, got {loss!r}"
    probs = np_softmax(LOGITS)
    inputs = LOGITS if from_logits else probs.astype(np.float32)
    assert_scalar(loss(Y_ONE_HOT, inputs), float(np_cce(Y_ONE_HOT, probs).mean()), rtol=1e-4,
                  what=f"keras_categorical_loss(from_logits={from_logits}) on a batch of 3")
