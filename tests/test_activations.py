"""Tests for the `activations` kata: sigmoid, tanh, ReLU, softmax and their derivatives.

Oracles: NumPy closed forms in float64, TensorFlow's own ops under `tf.GradientTape`, and
float64 central finite differences (`numerical_gradient`). The learner's functions are
differentiated with `gradient_of`, whose tape runs where the kata runs (also while grading).
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import (
    assert_array,
    assert_dtype,
    assert_no_ops,
    assert_raises,
    gradient_of,
    numerical_gradient,
    op_types,
    to_numpy,
    weighted_gradient_of,
)

# Includes 0 (where a tf.abs-based formula loses its gradient) and ±1000 (where exp overflows).
POINTS = np.array([-1000, -30, -5, -1, -0.5, 0, 0.5, 1, 5, 30, 1000], dtype=np.float32)
# Where finite differences are meaningful: smooth, moderate, away from ReLU's kink.
SMOOTH = np.array([-3.0, -1.2, -0.4, 0.3, 0.9, 2.5], dtype=np.float64)


def np_sigmoid(x):
    return 0.5 * (1 + np.tanh(np.asarray(x, np.float64) / 2))


def np_softmax(a, axis=-1):
    a = np.asarray(a, np.float64)
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


ELEMENTWISE = {
    # name: (NumPy value, NumPy derivative, TensorFlow built-in, ops the kata may not use)
    "sigmoid": (np_sigmoid, lambda x: np_sigmoid(x) * (1 - np_sigmoid(x)), tf.sigmoid,
                {"Sigmoid": "exp, a division and tf.where", "SigmoidGrad": "s * (1 - s)"}),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2, tf.tanh,
             {"Tanh": "2 * sigmoid(2x) - 1", "TanhGrad": "1 - tanh(x)**2"}),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (np.asarray(x) > 0).astype(np.float64),
             tf.nn.relu, {"Relu": "tf.maximum(x, 0)", "ReluGrad": "tf.where(x > 0, 1, 0)"}),
}
NAMES = list(ELEMENTWISE)


def tape_gradient(fn, x, **kwargs):
    """d sum(fn(x)) / dx through tf.GradientTape (in the kata's process while grading)."""
    (grad,) = gradient_of(fn, x, **kwargs)
    if grad is None:
        raise AssertionError("no gradient flows from the result back to the input: "
                             "compute with TensorFlow ops, not NumPy")
    return grad


def weighted_tape_gradient(fn, x, weights):
    """d sum(weights * fn(x)) / dx through a tf.GradientTape around `fn` (in the kata's
    process while grading)."""
    (grad,) = weighted_gradient_of(fn, weights, x)
    if grad is None:
        raise AssertionError("no gradient flows from the result back to the input: "
                             "compute with TensorFlow ops, not NumPy")
    return grad


# --- sigmoid, tanh, relu ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_activation_values_match_the_closed_form(kata, name):
    """Values at ordinary points and at ±1000, where a literal formula gives NaN."""
    value = ELEMENTWISE[name][0]
    assert_array(getattr(kata, name)(tf.constant(POINTS)), value(POINTS), dtype=np.float32,
                 what=f"{name}({POINTS.tolist()})")


@pytest.mark.parametrize("name", NAMES)
@given(x=hnp.arrays(np.float32, hnp.array_shapes(max_dims=3, max_side=4),
                    elements=st.floats(-50, 50, width=32)))
def test_activation_is_element_wise_on_any_shape(kata, name, x):
    """The result has the input's shape: no axis reduced, nothing flattened."""
    assert_array(getattr(kata, name)(x), ELEMENTWISE[name][0](x), dtype=np.float32,
                 what=f"{name} of a float32 array of shape {x.shape}")


@pytest.mark.parametrize("name", [*NAMES, *(n + "_derivative" for n in NAMES)])
def test_float64_stays_float64_and_lists_become_float32(kata, name):
    """Casting everything to float32 would ruin float64 finite differences."""
    fn = getattr(kata, name)
    assert_dtype(fn(np.array([0.5, -2.0])), np.float64, what=f"{name}(float64 array)")
    assert_dtype(fn([0.5, -2.0]), np.float32, what=f"{name}(list of Python floats)")
    assert_dtype(fn([1, -2]), np.float32, what=f"{name}(list of Python ints)")


@pytest.mark.parametrize("name", NAMES)
def test_activation_gradient_is_finite_and_right_even_at_0_and_1000(kata, name):
    """The tape's gradient of the learner's function: no NaN at ±1000 (exp overflow), not
    lost at 0 (tf.abs has gradient 0 there; tf.where back-propagates both branches)."""
    _, derivative, _, _ = ELEMENTWISE[name]
    points = POINTS[POINTS != 0] if name == "relu" else POINTS  # ReLU: no derivative at 0
    grad = tape_gradient(getattr(kata, name), points)
    assert_array(grad, derivative(points), dtype=np.float32,
                 what=f"GradientTape gradient of your {name} at {points.tolist()}")


@pytest.mark.parametrize("name", NAMES)
def test_activation_gradient_matches_finite_differences_in_float64(kata, name):
    _, derivative, _, _ = ELEMENTWISE[name]
    fn = getattr(kata, name)
    numeric = numerical_gradient(lambda v: np.sum(to_numpy(fn(v))), SMOOTH)
    assert_array(numeric, derivative(SMOOTH), rtol=1e-6, atol=1e-7,
                 what=f"finite differences of your {name} (float64) at {SMOOTH.tolist()}")


@pytest.mark.parametrize("name", NAMES)
def test_derivative_three_ways(kata, name):
    """Closed form, TensorFlow's built-in under GradientTape, float64 finite differences."""
    value, derivative, builtin, _ = ELEMENTWISE[name]
    derivative_fn = getattr(kata, name + "_derivative")
    got = assert_array(derivative_fn(tf.constant(POINTS)), derivative(POINTS), dtype=np.float32,
                       what=f"{name}_derivative({POINTS.tolist()}) against the closed form")
    assert_array(got, tape_gradient(builtin, POINTS), rtol=1e-5, atol=1e-6,
                 what=f"{name}_derivative against GradientTape of TensorFlow's {name}")
    numeric = numerical_gradient(lambda v: np.sum(value(v)), SMOOTH)
    assert_array(derivative_fn(SMOOTH), numeric, dtype=np.float64,
                 rtol=1e-6, atol=1e-7,
                 what=f"{name}_derivative (float64) against finite differences")


def test_sigmoid_derivative_is_a_quarter_at_zero_and_vanishes_far_out(kata):
    """The notes' 梯度离散: s'(0) = 1/4, and it is ~0 (finite) at ±1000."""
    assert_array(kata.sigmoid_derivative([-1000.0, 0.0, 1000.0]), [0.0, 0.25, 0.0],
                 dtype=np.float32, what="sigmoid_derivative([-1000, 0, 1000])")


def test_tanh_is_two_sigmoid_of_2x_minus_one(kata):
    """The notes' identity tanh(x) = 2 sigmoid(2x) - 1, with values in [-1, 1]."""
    x = np.linspace(-4, 4, 9, dtype=np.float32)
    tanh = assert_array(kata.tanh(x), np.tanh(x.astype(np.float64)), dtype=np.float32,
                        what="tanh on [-4..4]")
    assert_array(tanh, 2 * np_sigmoid(2 * x) - 1, what="tanh(x) against 2 sigmoid(2x) - 1")


def test_relu_derivative_at_zero_is_zero_like_tensorflow(kata):
    """ReLU has no derivative at 0: the spec (and tf.nn.relu's gradient) says 0, and a
    boolean mask is not a number."""
    got = kata.relu_derivative(tf.constant([-2.0, 0.0, 3.0]))
    assert_array(got, [0.0, 0.0, 1.0], dtype=np.float32,
                 what="relu_derivative([-2, 0, 3]) (x >= 0 gives 1 at 0; TensorFlow's "
                 "convention is 0)")
    assert_array(tape_gradient(tf.nn.relu, np.array([0.0], np.float32)), [0.0],
                 what="TensorFlow's own ReLU gradient at 0 (the convention)")


def test_relu_keeps_positives_and_zeroes_negatives(kata):
    """Not clipping at 1 (relu6), not the absolute value, not a leaky slope."""
    assert_array(kata.relu([-3.0, -0.5, 0.0, 0.5, 7.0]), [0.0, 0.0, 0.0, 0.5, 7.0],
                 dtype=np.float32, what="relu([-3, -0.5, 0, 0.5, 7])")


@pytest.mark.parametrize("name", [*NAMES, *(n + "_derivative" for n in NAMES)])
def test_written_by_hand(kata, name):
    """The value first (a function that computes nothing traces no forbidden op either)."""
    base = name.removesuffix("_derivative")
    oracle = ELEMENTWISE[base][1 if name.endswith("_derivative") else 0]
    assert_array(getattr(kata, name)(tf.constant(POINTS)), oracle(POINTS), dtype=np.float32,
                 what=f"{name}({POINTS.tolist()})")
    assert_no_ops(getattr(kata, name), (tf.constant(POINTS),), ELEMENTWISE[base][3],
                  what=name)


# --- softmax -------------------------------------------------------------------------------


@st.composite
def logits_and_axis(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    logits = draw(hnp.arrays(np.float32, shape, elements=st.floats(-20, 20, width=32)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return logits, axis


@given(case=logits_and_axis())
def test_softmax_matches_numpy_on_any_shape_and_axis(kata, case):
    """Normalises along the given axis only (not the whole tensor, not always the last)."""
    logits, axis = case
    assert_array(kata.softmax(logits, axis=axis), np_softmax(logits, axis), dtype=np.float32,
                 what=f"softmax of shape {logits.shape} along axis {axis}")


def test_softmax_normalises_each_row_of_a_batch(kata):
    """The default axis is the last one: every row sums to 1, not the whole batch."""
    logits = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], np.float32)
    got = assert_array(kata.softmax(logits), np_softmax(logits), dtype=np.float32,
                       what="softmax([[1, 2, 3], [1, 1, 1]])")
    assert_array(got.sum(axis=-1), [1.0, 1.0], what="row sums of softmax of a batch")


LOGITS_1000 = np.array([[1000, -1000, 0], [1000, 1000, -1000], [-1000, -1000, -1000]],
                       np.float32)
SOFTMAX_1000 = np.array([[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])
W_1000 = np.array([1.0, 2.0, 3.0])
JW_1000 = [(np.diag(p) - np.outer(p, p)) @ W_1000 for p in SOFTMAX_1000]  # J is symmetric
A_SOFTMAX = np.array([0.3, -1.2, 2.0, 0.7])
W_SOFTMAX = np.array([1.0, -2.0, 0.5, 3.0])


def softmax_jacobian_t_times(a, w):
    """Jᵀw = d sum(w * softmax(a)) / da for a vector of logits `a`, from the closed form."""
    p = np_softmax(a)
    return (np.diag(p) - np.outer(p, p)).T @ w


@pytest.mark.parametrize("name", ["softmax", "softmax_jacobian"])
def test_softmax_keeps_float64_and_makes_integers_float32(kata, name):
    """As the element-wise ones: float64 stays float64; integer logits become float32."""
    logits = [[1, 2, 3], [0, 0, -4]]
    p = np_softmax(logits)
    expected = p if name == "softmax" else np.stack([np.diag(r) - np.outer(r, r) for r in p])
    fn = getattr(kata, name)
    for given_, dtype in ((np.array(logits, np.float64), np.float64), (logits, np.float32),
                          (np.array(logits, np.int64), np.float32)):
        case = f"{name} of {type(given_).__name__} {np.asarray(given_).dtype.name} logits"
        assert_array(fn(given_), expected, dtype=dtype, rtol=1e-5 if dtype == np.float32 else 1e-9,
                     atol=1e-6 if dtype == np.float32 else 1e-12,
                     what=f"{case} (expected {np.dtype(dtype).name}: integers become float32, "
                     "floats keep their dtype)")


def test_softmax_is_stable_at_plus_minus_1000(kata):
    """exp(1000) is inf: subtract the maximum first. Values, the tape's gradient (NaN from
    inf / inf), and float32 finite differences of sum(w * softmax) (clipping the logits to,
    say, ±88 keeps the values but flattens the function: its slope at [-1000] * 3 is 0)."""
    # rtol 1e-4: float32 numbers near 1000 are 6e-5 apart, so exp(a - logsumexp(a)) is off by
    # that much (logsumexp subtracts the maximum too); an overflow gives NaN, far outside.
    assert_array(kata.softmax(LOGITS_1000), SOFTMAX_1000, dtype=np.float32, rtol=1e-4,
                 what="softmax of logits at ±1000 (subtract the maximum first: exp(1000) is inf "
                 "and inf / inf is NaN)")
    assert_array(tape_gradient(kata.softmax, LOGITS_1000), np.zeros(LOGITS_1000.shape),
                 dtype=np.float32, what="GradientTape gradient of sum(softmax) at ±1000 "
                 "(finite; 0, since every row sums to 1 whatever the logits)")
    # eps = 2**-6: ±1000 ± eps is exact in float32, so the differences are those of softmax.
    numeric = numerical_gradient(
        lambda v: np.sum(W_1000 * to_numpy(kata.softmax(v.astype(np.float32)))),
        LOGITS_1000, eps=2**-6)
    # atol 5e-3: a softmax rounded to float32's 6e-5 near 1000 (exp(a - logsumexp(a))) is off
    # by 32 times that in a difference over 2 eps; clipped logits give 0 where J w is ±1/3.
    assert_array(numeric, JW_1000, rtol=1e-3, atol=5e-3,
                 what="float32 finite differences of sum(w * softmax), w = [1, 2, 3], at ±1000 "
                 "against J w")


def test_softmax_gradient_three_ways(kata):
    """d sum(w * softmax(a)) / da: the Jacobian closed form Jᵀw, finite differences; and the
    tape's gradient of sum(softmax), Jᵀ1 = 0 (a gradient that is None, NaN, or stopped in the
    numerator or the denominator is not)."""
    closed = softmax_jacobian_t_times(A_SOFTMAX, W_SOFTMAX)
    numeric = numerical_gradient(lambda v: np.sum(W_SOFTMAX * to_numpy(kata.softmax(v))),
                                 A_SOFTMAX)
    assert_array(numeric, closed, rtol=1e-6, atol=1e-7,
                 what="finite differences of your softmax (float64) against J^T w")
    assert np.allclose(softmax_jacobian_t_times(A_SOFTMAX, np.ones(4)), 0, atol=1e-15)
    assert_array(tape_gradient(kata.softmax, A_SOFTMAX), np.zeros_like(A_SOFTMAX),
                 dtype=np.float64, atol=1e-12,
                 what="GradientTape gradient of sum(softmax(a)) (float64) against J^T 1 = 0")
    assert_array(numerical_gradient(lambda v: np.sum(to_numpy(kata.softmax(v))), A_SOFTMAX),
                 np.zeros_like(A_SOFTMAX), atol=1e-7,
                 what="finite differences of sum(softmax(a)) (float64): 0")


def test_softmax_gradient_on_the_tape_is_jacobian_times_weights(kata):
    """d sum(w * softmax(a)) / da = Jᵀw through a GradientTape around your softmax, at
    ordinary logits and at ±1000 (finite, and not flattened by clipping the logits)."""
    closed = softmax_jacobian_t_times(A_SOFTMAX, W_SOFTMAX)
    assert_array(weighted_tape_gradient(kata.softmax, A_SOFTMAX.astype(np.float32),
                                        W_SOFTMAX.astype(np.float32)),
                 closed, what="GradientTape gradient of your softmax against J^T w")
    assert_array(weighted_tape_gradient(kata.softmax, LOGITS_1000, W_1000.astype(np.float32)),
                 JW_1000, rtol=1e-4,  # float32 near 1000: see the stability test
                 what="GradientTape gradient of sum(w * softmax) at ±1000 (finite, J w)")


def test_softmax_is_written_by_hand(kata):
    logits = np.array([[1.0, 2.0, 3.0]], np.float32)
    assert_array(kata.softmax(tf.constant(logits)), np_softmax(logits), dtype=np.float32,
                 what="softmax([[1, 2, 3]])")
    assert_no_ops(kata.softmax, (tf.constant(logits),),
                  {"Softmax": "exp of the logits minus their max, divided by the sum",
                   "LogSoftmax": "exp and a sum"}, what="softmax")


@pytest.mark.parametrize("axis", [2, -3, 5])
def test_softmax_rejects_an_axis_out_of_range(kata, axis):
    with assert_raises(ValueError, match="axis"):
        kata.softmax(np.zeros((2, 3), np.float32), axis=axis)


def test_softmax_rejects_a_scalar(kata):
    with assert_raises(ValueError):
        kata.softmax(3.0)


# --- the softmax Jacobian ------------------------------------------------------------------

A = np.array([0.5, -1.0, 2.0, 0.0])


def test_softmax_jacobian_is_p_i_times_delta_ij_minus_p_j(kata):
    """The notes' diagonal p_i(1 - p_1) is a typo: it is p_i(1 - p_i)."""
    p = np_softmax(A)
    expected = np.diag(p) - np.outer(p, p)
    assert_array(kata.softmax_jacobian(A.astype(np.float32)), expected, dtype=np.float32,
                 what=f"softmax_jacobian({A.tolist()}): diag(p) - p pᵀ (the notes' diagonal "
                 "p_i(1 - p_1) is a typo for p_i(1 - p_i); the off-diagonal is -p_i p_j)")


def test_softmax_jacobian_three_ways(kata):
    """Against the closed form, GradientTape.jacobian of tf.nn.softmax, finite differences."""
    got = kata.softmax_jacobian(tf.constant(A, tf.float32))
    x = tf.constant(A, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        p = tf.nn.softmax(x)
    assert_array(got, tape.jacobian(p, x), dtype=np.float32,
                 what="softmax_jacobian against GradientTape.jacobian of tf.nn.softmax")
    numeric = np.stack([numerical_gradient(lambda v, i=i: np_softmax(v)[i], A)
                        for i in range(len(A))])  # row i: the gradient of p_i
    assert_array(kata.softmax_jacobian(A), numeric, dtype=np.float64, rtol=1e-6, atol=1e-8,
                 what="softmax_jacobian (float64) against finite differences, row i = ∇p_i")


def test_softmax_jacobian_of_a_batch_is_one_matrix_per_row(kata):
    logits = np.array([[0.5, -1.0, 2.0], [3.0, 3.0, 0.0]], np.float32)
    expected = np.stack([np.diag(p) - np.outer(p, p) for p in np_softmax(logits)])
    assert_array(kata.softmax_jacobian(logits), expected, dtype=np.float32,
                 what="softmax_jacobian of a [2, 3] batch: shape [2, 3, 3]")


def test_softmax_jacobian_of_any_leading_shape(kata):
    """Logits of shape [..., n]: a [2, 2, 3] batch gives [2, 2, 3, 3], not only [batch, n]."""
    logits = np.array([[[0.5, -1.0, 2.0], [3.0, 3.0, 0.0]], [[1.0, 0.0, -1.0], [0.2, 0.1, 0.9]]],
                      np.float32)
    expected = np.stack([np.diag(p) - np.outer(p, p)
                         for p in np_softmax(logits).reshape(-1, 3)]).reshape(2, 2, 3, 3)
    assert_array(kata.softmax_jacobian(logits), expected, dtype=np.float32,
                 what="softmax_jacobian of a [2, 2, 3] batch: shape [2, 2, 3, 3], one 3 x 3 "
                 "matrix per vector of logits along the last axis (written for rank 1 or 2 only?)")


def test_softmax_jacobian_is_finite_at_plus_minus_1000(kata):
    assert_array(kata.softmax_jacobian(np.array([1000, -1000, 0], np.float32)),
                 np.zeros((3, 3)), dtype=np.float32,
                 what="softmax_jacobian([1000, -1000, 0]) (p = [1, 0, 0]: all zero)")


def test_softmax_jacobian_is_written_by_hand(kata):
    p = np_softmax(A)
    assert_array(kata.softmax_jacobian(tf.constant(A, tf.float32)), np.diag(p) - np.outer(p, p),
                 dtype=np.float32, what=f"softmax_jacobian({A.tolist()})")
    assert_no_ops(kata.softmax_jacobian, (tf.constant(A, tf.float32),),
                  {"Softmax": "your softmax, then diag(p) - p pᵀ",
                   "LogSoftmax": "your softmax, then diag(p) - p pᵀ"},
                  what="softmax_jacobian")


def test_softmax_jacobian_rejects_a_scalar(kata):
    with assert_raises(ValueError):
        kata.softmax_jacobian(1.0)


# --- the built-ins the notes misspell ------------------------------------------------------


def test_builtin_activations_are_tensorflows_own(kata):
    """tf.sigmod, tf.softmax, tf.relu do not exist: tf.sigmoid, tf.nn.softmax, tf.nn.relu."""
    builtins = kata.builtin_activations()
    assert set(builtins) == {"sigmoid", "tanh", "relu", "softmax"}, \
        f"builtin_activations() keys: expected sigmoid, tanh, relu, softmax, got {set(builtins)}"
    x = tf.constant([[-2.0, 0.5, 3.0]])
    oracles = {"sigmoid": np_sigmoid, "tanh": np.tanh, "relu": lambda v: np.maximum(v, 0),
               "softmax": np_softmax}
    ops = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "softmax": "Softmax"}
    for name, fn in builtins.items():
        assert_array(fn(x), oracles[name](x.numpy()), dtype=np.float32,
                     what=f"builtin_activations()['{name}'] on [[-2, 0.5, 3]]")
        assert ops[name] in op_types(fn, x), \
            f"builtin_activations()['{name}'] should be TensorFlow's own (a {ops[name]} op)"
