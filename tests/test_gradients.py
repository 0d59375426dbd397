"""Tests for the `gradients` kata: every gradient is checked against a closed form written
here in NumPy, against TensorFlow's own GradientTape, and against central finite
differences in float64 (`numerical_gradient`), where each applies."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_raises, assert_scalar, numerical_gradient

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.5], [0.0, -0.5, 1.25]])
W = np.array([[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]])
B = np.array([0.1, -0.2])
T = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _assert_closed_form(fn, *args, expected, what: str) -> None:
    """`fn(*args)` has the `expected` value(s) (first: a function that computes nothing
    records no tape either), and `fn` traced with tf.function records no tape and no
    tf.gradients call."""
    got = fn(*args)
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise AssertionError(f"{what}: expected {len(expected)} results, got {got!r:.100}")
        for i, (one, value) in enumerate(zip(got, expected, strict=True)):
            assert_array(one, value, rtol=1e-5, atol=1e-6, what=f"{what} result {i}")
    else:
        assert_array(got, expected, rtol=1e-5, atol=1e-6, what=what)
    graph = tf.function(fn).get_concrete_function(*args).graph
    taped = sorted({op.name.split("/")[0] for op in graph.get_operations()
                    if op.name.startswith(("gradient_tape/", "gradients/"))})
    if taped:
        raise AssertionError(f"{what} must be derived by hand (a closed form written with "
                             f"TensorFlow ops), but its graph computes gradients ({taped}): "
                             "drop the GradientTape and write the formula")


def _f32(*arrays: np.ndarray) -> list[tf.Tensor]:
    return [tf.constant(a, dtype=tf.float32) for a in arrays]


@pytest.fixture
def tapes(monkeypatch):
    """Spies on tf.GradientTape: one record per tape made (persistent?, watch and gradient
    calls). Only meaningful in the kata's own process: tests using it are in_process."""
    made = []
    real = tf.GradientTape

    class SpyTape(real):
        def __init__(self, persistent=False, watch_accessed_variables=True):
            super().__init__(persistent=persistent,
                             watch_accessed_variables=watch_accessed_variables)
            self.spy = {"persistent": persistent, "watch": 0, "gradient": 0}
            made.append(self.spy)

        def watch(self, tensor):
            self.spy["watch"] += 1
            return super().watch(tensor)

        def gradient(self, *args, **kwargs):
            self.spy["gradient"] += 1
            return super().gradient(*args, **kwargs)

    monkeypatch.setattr(tf, "GradientTape", SpyTape)
    return made


# --- variable_gradients: Variables ------------------------------------------------------

def _linear_mse_closed_form(x, w, b, t):
    residual = x @ w + b - t
    return 2 * x.T @ residual / residual.size, 2 * residual.sum(axis=0) / residual.size


def test_variable_gradients_three_ways(kata):
    """Catches the loss computed outside the tape (zeros), and the two gradients swapped."""
    w, b = tf.Variable(W, dtype=tf.float32), tf.Variable(B, dtype=tf.float32)
    grads = kata.variable_gradients(w, b, *_f32(X, T))
    assert len(grads) == 2, f"variable_gradients: expected [dw, db], got {len(grads)} values"
    dw, db = _linear_mse_closed_form(X, W, B, T)
    assert_array(grads[0], dw, what="variable_gradients: dloss/dw [3, 2] against the closed "
                 "form 2 x^T (x w + b - y) / N", dtype="float", rtol=1e-5, atol=1e-7)
    assert_array(grads[1], db, what="variable_gradients: dloss/db [2]", dtype="float",
                 rtol=1e-5, atol=1e-7)
    numeric = numerical_gradient(lambda v: np.mean((X @ v + B - T) ** 2), W)
    assert_array(grads[0], numeric, what="dloss/dw against finite differences", rtol=1e-4)
    wt, bt = tf.Variable(W), tf.Variable(B)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(X @ wt + bt - T))
    for got, expected, name in zip(grads, tape.gradient(loss, [wt, bt]), "wb", strict=True):
        assert_array(got, expected, what=f"dloss/d{name} against GradientTape", rtol=1e-5,
                     atol=1e-7)


def test_a_non_trainable_variable_gets_zeros_not_none(kata):
    """Catches tape.watch() on every Variable, and None returned for an unwatched one."""
    w = tf.Variable(W, dtype=tf.float32)
    frozen = tf.Variable(B, dtype=tf.float32, trainable=False)
    grads = kata.variable_gradients(w, frozen, *_f32(X, T))
    assert_array(grads[0], _linear_mse_closed_form(X, W, B, T)[0], what="dloss/dw",
                 rtol=1e-5, atol=1e-7)
    assert grads[1] is not None, "the gradient of a trainable=False Variable is None: zeros"
    assert_array(grads[1], np.zeros(2), what="the gradient of a trainable=False b (not watched)")


@pytest.mark.parametrize("constant", ["w", "b"])
def test_variable_gradients_rejects_constants(kata, constant):
    w = tf.constant(W) if constant == "w" else tf.Variable(W)
    b = tf.constant(B) if constant == "b" else tf.Variable(B)
    with assert_raises(TypeError, match="Variable"):
        kata.variable_gradients(w, b, X, T)


# --- watched_gradient: constants -------------------------------------------------------

@pytest.mark.parametrize("as_input", [np.asarray, tf.constant, lambda a: a.tolist()],
                         ids=["numpy", "tensor", "list"])
def test_watched_gradient_of_a_constant_is_three_x_squared(kata, as_input):
    """Catches a forgotten tape.watch (the gradient of an unwatched constant is None)."""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = kata.watched_gradient(as_input(x))
    assert_array(grad, 3 * x ** 2, what="watched_gradient(x): d sum(x**3)/dx", dtype="float")
    assert_array(grad, numerical_gradient(lambda v: np.sum(v ** 3), x),
                 what="watched_gradient against finite differences", rtol=1e-5)


def test_watched_gradient_keeps_float64(kata):
    """x's float dtype: a float64 x gives a float64 gradient, not one rounded to float32."""
    x = np.array([1.1, -0.3, 2.7])
    assert_array(kata.watched_gradient(x), 3 * x ** 2, dtype=np.float64, rtol=1e-12, atol=0,
                 what="watched_gradient of a float64 x (cast to float32 on the way?)")


@pytest.mark.in_process  # spies on tf.GradientTape in the kata's process
def test_watched_gradient_watches_x_on_a_tape(kata, tapes):
    """Catches the answer written as the formula 3 x**2: the kata is about the tape."""
    kata.watched_gradient(np.array([1.0, 2.0]))
    assert tapes, "watched_gradient made no tf.GradientTape"
    assert any(t["watch"] for t in tapes), "watched_gradient never called tape.watch"


@pytest.mark.parametrize("x", [tf.constant([1, 2, 3]), np.array([1, 2], np.int64), 2],
                         ids=["int32-tensor", "int64-array", "int"])
def test_watched_gradient_rejects_integers(kata, x):
    with assert_raises(TypeError, match="float"):
        kata.watched_gradient(x)


# --- a persistent tape and the chain rule ----------------------------------------------

ANGLES = np.array([-1.2, -0.3, 0.4, 1.0, 2.5])


def test_chain_rule_gives_each_link_and_their_product(kata):
    """Catches dy/du taken with respect to x, and du/dx with respect to y."""
    dy_du, du_dx, dy_dx = kata.chain_rule(ANGLES.astype(np.float32))
    assert_array(dy_du, 3 * np.sin(ANGLES) ** 2, what="chain_rule: dy/du = 3u**2 = 3 sin(x)**2",
                 dtype="float", rtol=1e-5, atol=1e-6)
    assert_array(du_dx, np.cos(ANGLES), what="chain_rule: du/dx = cos(x)", rtol=1e-5, atol=1e-6)
    assert_array(dy_dx, 3 * np.sin(ANGLES) ** 2 * np.cos(ANGLES), what="chain_rule: dy/dx",
                 rtol=1e-5, atol=1e-6)
    assert_array(dy_dx, np.asarray(dy_du) * np.asarray(du_dx),
                 what="chain_rule: dy/dx = dy/du * du/dx", rtol=1e-5, atol=1e-6)
    assert_array(dy_dx, numerical_gradient(lambda v: np.sum(np.sin(v) ** 3), ANGLES),
                 what="chain_rule: dy/dx against finite differences", rtol=1e-4, atol=1e-5)


@pytest.mark.in_process  # spies on tf.GradientTape in the kata's process
def test_chain_rule_asks_one_persistent_tape(kata, tapes):
    """Catches three tapes recording the same thing (the notes: one persistent tape)."""
    kata.chain_rule(np.array([0.5, 1.0]))
    assert len(tapes) == 1, f"chain_rule made {len(tapes)} GradientTapes, expected one"
    assert tapes[0]["persistent"], "chain_rule's tape must be tf.GradientTape(persistent=True)"
    assert tapes[0]["gradient"] >= 2, (
        f"chain_rule asked its tape {tapes[0]['gradient']} time(s): ask it for each gradient")


def test_chain_rule_rejects_integers(kata):
    with assert_raises(TypeError, match="float"):
        kata.chain_rule([1, 2])


# --- gradient descent with assign_sub ---------------------------------------------------

def test_one_descent_step_updates_the_callers_variable(kata):
    """Catches the wrong sign (x + lr*grad), and x = x - lr*grad (a new tensor: the caller's
    Variable unchanged)."""
    x = tf.Variable([1.0, -2.0, 3.0])
    result = kata.gradient_descent(x, [0.0, 0.0, 0.0], 0.1, 1)
    expected = np.array([1.0, -2.0, 3.0]) * (1 - 2 * 0.1)
    assert_array(x, expected, what="the caller's Variable x after one step of lr=0.1 on "
                 "sum(x**2): x - 0.1 * 2x (update it in place with assign_sub)", rtol=1e-6)
    assert_array(result, expected, what="gradient_descent's returned x", rtol=1e-6)


def test_descent_reaches_the_minimum(kata):
    x = tf.Variable([0.0, 5.0])
    kata.gradient_descent(x, np.array([3.0, -1.0]), 0.1, 100)
    assert_array(x, [3.0, -1.0], what="x after 100 steps on sum((x - [3, -1])**2)", atol=1e-4)


def test_zero_descent_steps_leave_x_as_it_is(kata):
    """steps = 0 is allowed (only a negative count is an error): x comes back unchanged."""
    x = tf.Variable([1.0, -2.0])
    result = kata.gradient_descent(x, [0.0, 0.0], 0.1, 0)
    assert_array(result, [1.0, -2.0], what="gradient_descent(x, target, 0.1, steps=0): x "
                 "unchanged (steps = 0 is no error: only steps < 0 raises)", exact=True)


@pytest.mark.in_process  # spies on tf.GradientTape in the kata's process
def test_gradient_descent_takes_each_gradient_from_a_tape(kata, tapes):
    kata.gradient_descent(tf.Variable([1.0, 2.0]), [0.0, 0.0], 0.1, 3)
    asked = sum(t["gradient"] for t in tapes)
    assert asked >= 3, f"3 steps asked a GradientTape for {asked} gradient(s), expected 3"


@pytest.mark.parametrize("x", [tf.constant([1.0]), np.array([1.0])], ids=["tensor", "array"])
def test_gradient_descent_needs_a_variable(kata, x):
    with assert_raises(TypeError, match="Variable"):
        kata.gradient_descent(x, [0.0], 0.1, 1)


@pytest.mark.parametrize(
    "lr, steps, match",
    [(0.0, 1, "learning rate"), (-0.1, 1, "learning rate"), (0.1, -1, "steps")],
)
def test_gradient_descent_rejects_bad_settings(kata, lr, steps, match):
    with assert_raises(ValueError, match=match):
        kata.gradient_descent(tf.Variable([1.0]), [0.0], lr, steps)


# --- closed forms: MSE, softmax cross-entropy, the perceptron --------------------------

PRED = np.array([[0.5, 1.0, -0.5, 2.0], [0.0, 0.25, 1.5, -1.0], [3.0, -2.0, 0.75, 0.5]])
TARGET = np.array([[1.0, 0.0, 0.0, 2.0], [0.5, 0.5, 1.0, 0.0], [2.0, -1.0, 1.0, 1.0]])


def test_mse_gradient_three_ways(kata):
    """Catches N = rows instead of all elements, a missing 2, and the sign (target - pred)."""
    grad = kata.mse_gradient(*_f32(PRED, TARGET))
    assert_array(grad, 2 * (PRED - TARGET) / PRED.size, what="mse_gradient: 2(pred-target)/N, "
                 "N = all 12 elements", dtype="float")
    p = tf.constant(PRED)
    with tf.GradientTape() as tape:
        tape.watch(p)
        loss = tf.reduce_mean(tf.square(p - TARGET))
    assert_array(grad, tape.gradient(loss, p), what="mse_gradient against GradientTape")
    numeric = numerical_gradient(lambda v: np.mean((v - TARGET) ** 2), PRED)
    assert_array(grad, numeric, what="mse_gradient against finite differences", rtol=1e-5)


def test_mse_gradient_keeps_float64(kata):
    """pred's float dtype: float64 in, float64 out, to float64 precision."""
    assert_array(kata.mse_gradient(PRED, TARGET), 2 * (PRED - TARGET) / PRED.size,
                 dtype=np.float64, rtol=1e-12, atol=1e-15,
                 what="mse_gradient of float64 pred and target (cast to float32 on the way?)")


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                  elements=st.floats(-10, 10)))
def test_mse_gradient_on_any_shape(kata, target):
    pred = np.linspace(-3, 3, target.size).reshape(target.shape)
    assert_array(kata.mse_gradient(pred, target), 2 * (pred - target) / target.size,
                 what=f"mse_gradient for shape {target.shape}", rtol=1e-5, atol=1e-6)


@pytest.mark.in_process  # traces your function in the kata's process
def test_mse_gradient_is_a_closed_form(kata):
    _assert_closed_form(kata.mse_gradient, *_f32(PRED, TARGET),
                        expected=2 * (PRED - TARGET) / PRED.size, what="mse_gradient")


def test_mse_gradient_rejects_mismatched_or_empty_inputs(kata):
    with assert_raises(ValueError, match="shape"):
        kata.mse_gradient(np.zeros((3, 4)), np.zeros((4, 3)))
    with assert_raises(ValueError, match="shape"):  # would broadcast to 4 x 4
        kata.mse_gradient(np.zeros(4), np.zeros((4, 1)))
    with assert_raises(ValueError, match="empty"):
        kata.mse_gradient(np.zeros((0, 2)), np.zeros((0, 2)))


LOGITS = np.array([[2.0, 1.0, 0.1, -1.0, 0.5], [0.0, 0.0, 3.0, 1.0, -2.0],
                   [-1.0, 2.5, 0.5, 0.0, 1.0]])
ONE_HOT = np.eye(5)[[0, 2, 4]]


def _mean_cross_entropy(logits: np.ndarray) -> float:
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.mean(np.sum(ONE_HOT * log_p, axis=1)))


def test_softmax_cross_entropy_gradient_three_ways(kata):
    """Catches a missing /n, the sum over the batch, and a softmax over the wrong axis."""
    grad = kata.softmax_cross_entropy_gradient(*_f32(LOGITS, ONE_HOT))
    expected = (_softmax(LOGITS) - ONE_HOT) / 3
    assert_array(grad, expected, what="softmax_cross_entropy_gradient: (softmax(logits) - y) / n "
                 "for 3 rows of 5 classes", dtype="float")
    logits = tf.constant(LOGITS)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(ONE_HOT, logits))
    assert_array(grad, tape.gradient(loss, logits), what="against GradientTape")
    assert_array(grad, numerical_gradient(_mean_cross_entropy, LOGITS),
                 what="against finite differences", rtol=1e-5, atol=1e-7)


def test_softmax_cross_entropy_gradient_survives_huge_logits(kata):
    """Catches exp() without subtracting each row's maximum: inf / inf is NaN."""
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])
    labels = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    probabilities = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    grad = kata.softmax_cross_entropy_gradient(*_f32(logits, labels))
    assert_array(grad, (probabilities - labels) / 2, what="the gradient for logits of +-1000")


@pytest.mark.in_process  # traces your function in the kata's process
def test_softmax_cross_entropy_gradient_is_a_closed_form(kata):
    _assert_closed_form(kata.softmax_cross_entropy_gradient, *_f32(LOGITS, ONE_HOT),
                        expected=(_softmax(LOGITS) - ONE_HOT) / len(LOGITS),
                        what="softmax_cross_entropy_gradient")


def test_softmax_cross_entropy_gradient_rejects_bad_shapes(kata):
    with assert_raises(ValueError, match="2-D"):
        kata.softmax_cross_entropy_gradient(np.zeros(5), np.eye(5)[0])
    with assert_raises(ValueError, match="2-D"):
        kata.softmax_cross_entropy_gradient(np.zeros((1, 3, 5)), np.zeros((1, 3, 5)))
    with assert_raises(ValueError, match="shape"):
        kata.softmax_cross_entropy_gradient(np.zeros((3, 5)), np.zeros((3, 4)))


def _perceptron_loss(x, w, b, t) -> float:
    return float(np.mean((_sigmoid(x @ w + b) - t) ** 2))


def test_perceptron_gradients_three_ways(kata):
    """Catches a forgotten sigmoid derivative o(1-o), x @ delta instead of x^T @ delta,
    and db not summed over the batch."""
    dw, db = kata.perceptron_gradients(*_f32(X, W, B, T))
    assert_array(dw, numerical_gradient(lambda v: _perceptron_loss(X, v, B, T), W),
                 what="perceptron dloss/dw [3, 2] against finite differences", dtype="float",
                 rtol=1e-4, atol=1e-7)
    assert_array(db, numerical_gradient(lambda v: _perceptron_loss(X, W, v, T), B),
                 what="perceptron dloss/db [2] against finite differences", dtype="float",
                 rtol=1e-4, atol=1e-7)
    w, b = tf.Variable(W), tf.Variable(B)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.sigmoid(X @ w + b) - T))
    tape_dw, tape_db = tape.gradient(loss, [w, b])
    assert_array(dw, tape_dw, what="perceptron dloss/dw against GradientTape", rtol=1e-4)
    assert_array(db, tape_db, what="perceptron dloss/db against GradientTape", rtol=1e-4)


@pytest.mark.in_process  # traces your function in the kata's process
def test_perceptron_gradients_is_a_closed_form(kata):
    o = _sigmoid(X @ W + B)
    delta = 2 * (o - T) / T.size * o * (1 - o)
    _assert_closed_form(kata.perceptron_gradients, *_f32(X, W, B, T),
                        expected=(X.T @ delta, delta.sum(axis=0)), what="perceptron_gradients")


@pytest.mark.parametrize(("x", "w", "b", "t"), [
    (X, W.T, B, T),  # w given as [m, d]
    (X, W, np.zeros(3), T),  # one bias per input
    (X, W, B, T[:3]),  # a target row missing
    (X, W, B, T.T),  # the targets transposed
    (X[0], W, B, T[0]),  # one example without its batch axis
    (X, W[:, :1].ravel(), B[:1], T[:, :1]),  # w 1-D
], ids=["w-transposed", "bias-per-input", "short-target", "target-transposed", "x-1-d", "w-1-d"])
def test_perceptron_gradients_rejects_shapes_that_do_not_fit(kata, x, w, b, t):
    with assert_raises(ValueError):
        kata.perceptron_gradients(x, w, b, t)


# --- finite_difference_gradient: the learner's own checker ----------------------------

def test_checker_matches_a_closed_form_on_a_matrix(kata):
    x = np.array([[0.3, -1.2, 2.0], [1.0, 0.0, -0.7]])
    grad = kata.finite_difference_gradient(lambda v: np.sum(np.sin(v) * v), x)
    assert_array(grad, np.cos(x) * x + np.sin(x), what="d(sum sin(x)*x)/dx on a 2x3 input",
                 dtype=np.float64, rtol=1e-6, atol=1e-8)


def test_checker_is_central_not_one_sided(kata):
    """With eps=1e-3, (f(x+eps)-f(x))/eps for sum(x**2) is off by eps; central is exact."""
    x = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 2.5]])
    grad = kata.finite_difference_gradient(lambda v: np.sum(v ** 2), x, eps=1e-3)
    assert_array(grad, 2 * x, what="d(sum x**2)/dx with eps=1e-3 (central differences are "
                 "exact for a quadratic; one-sided ones are off by eps)", rtol=1e-8, atol=1e-9)


def test_checker_works_on_an_integer_input_and_a_number(kata):
    """Catches perturbing an int array in place (1 + 1e-6 stored as an int is 1)."""
    grad = kata.finite_difference_gradient(lambda v: np.sum(v ** 2), [1, 2, 3])
    assert_array(grad, [2.0, 4.0, 6.0], what="d(sum x**2)/dx at the integers [1, 2, 3]",
                 dtype=np.float64, rtol=1e-6)
    assert_scalar(kata.finite_difference_gradient(lambda v: v ** 3, 2.0), 12.0,
                  what="d(x**3)/dx at the number 2.0", rtol=1e-6)


def test_checker_hands_f_float64_and_leaves_x_alone(kata):
    x = np.array([0.1, 0.7, 1.3], dtype=np.float32)
    original = x.copy()
    seen = []

    def f(v):
        seen.append(np.asarray(v).dtype)
        return np.sum(np.exp(v))

    grad = kata.finite_difference_gradient(f, x)
    np.testing.assert_array_equal(x, original, err_msg="finite_difference_gradient changed the "
                                  "caller's x: work on a float64 copy")
    assert seen and all(d == np.float64 for d in seen), (
        f"f must receive float64 arrays (float32 cannot resolve a 1e-6 step), got {set(seen)}")
    assert_array(grad, np.exp(x.astype(np.float64)), what="d(sum exp(x))/dx", rtol=1e-6)


def test_checker_agrees_with_gradient_tape_on_a_tensorflow_function(kata):
    x = np.array([[0.2, -0.9], [1.4, 0.6], [-0.3, 2.1]])

    def f(v):
        return tf.reduce_sum(tf.tanh(tf.constant(v)) ** 2)

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = f(xt)
    assert_array(kata.finite_difference_gradient(f, x), tape.gradient(y, xt),
                 what="checker vs GradientTape on sum(tanh(x)**2) returning a tensor", rtol=1e-6,
                 atol=1e-8)


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
                  elements=st.floats(-2, 2)))
def test_checker_on_any_shape(kata, x):
    scale = np.arange(1, x.size + 1).reshape(x.shape)
    grad = kata.finite_difference_gradient(lambda v: np.sum(scale * v ** 3), x)
    assert_array(grad, 3 * scale * x ** 2, what=f"d(sum c*x**3)/dx for shape {x.shape}",
                 dtype=np.float64, rtol=1e-5, atol=1e-6)


def test_checker_rejects_bad_eps_and_non_scalar_f(kata):
    with assert_raises(ValueError, match="eps"):
        kata.finite_difference_gradient(lambda v: np.sum(v), [1.0], eps=0.0)
    with assert_raises(ValueError, match="eps"):
        kata.finite_difference_gradient(lambda v: np.sum(v), [1.0], eps=-1e-6)
    with assert_raises(ValueError, match="single number"):
        kata.finite_difference_gradient(lambda v: v * 2, [1.0, 2.0])
