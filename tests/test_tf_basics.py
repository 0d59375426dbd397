"""tf_basics: constants, Variables, the notes' graph-and-session program and its TF2 twin,
the four arithmetic operations, matmul vs multiply, linspace, uniform.

Oracles: NumPy and hand-computed values from the notes' examples.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_dtype, assert_raises, assert_shape, is_instance

ARITHMETIC_OPS = {"AddV2": "x1 + x2", "Sub": "x1 - x2", "Mul": "x1 * x2", "RealDiv": "x1 / x2"}

# The notes' row and column (矩阵运算), with distinct values so that no two results coincide.
ROW = [[1.0, 2.0]]  # shape (1, 2)
COLUMN = [[3.0], [4.0]]  # shape (2, 1)

small_floats = st.floats(-100, 100, width=32)
nonzero_floats = st.one_of(st.floats(-100, -0.5, width=32), st.floats(0.5, 100, width=32))


def _assert_tensor(value, *, what: str) -> None:
    """A tf.Tensor, not a Variable, not a NumPy array."""
    if isinstance(value, tf.Variable):
        raise AssertionError(f"{what}: expected a tf.Tensor, got a tf.Variable")
    if not isinstance(value, tf.Tensor):
        raise AssertionError(f"{what}: expected a tf.Tensor, got {type(value).__name__}")


def _assert_numpy(value, *, what: str) -> None:
    """What Session.run returns: a NumPy array or NumPy scalar, not a tensor."""
    if not isinstance(value, (np.ndarray, np.generic)):
        raise AssertionError(
            f"{what}: expected the NumPy value that sess.run returns, got {type(value).__name__}"
        )


def _four(result, *, what: str) -> tuple:
    if not isinstance(result, tuple):
        raise AssertionError(f"{what}: expected the tuple (sum, difference, product, quotient), "
                             f"got {type(result).__name__}")
    if len(result) != 4:
        raise AssertionError(f"{what}: expected 4 results (sum, difference, product, quotient), "
                             f"got {len(result)}")
    return tuple(result)


def _numpy_arithmetic(x1, x2) -> tuple[np.ndarray, ...]:
    a, b = np.asarray(x1, np.float32), np.asarray(x2, np.float32)
    return a + b, a - b, a * b, a / b


NAMES = ("x1 + x2", "x1 - x2", "x1 * x2", "x1 / x2")


@st.composite
def broadcastable_pairs(draw):
    """Two float32 arrays whose shapes broadcast (scalars included), the divisor non-zero."""
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
    x1 = draw(hnp.arrays(np.float32, shapes.input_shapes[0], elements=small_floats))
    x2 = draw(hnp.arrays(np.float32, shapes.input_shapes[1], elements=nonzero_floats))
    return x1, x2


@pytest.fixture
def session_runs(monkeypatch):
    """Records every Session.run (also those made by Tensor.eval): session, fetches, feed."""
    base = next(c for c in tf.compat.v1.Session.__mro__ if "run" in vars(c))
    original = base.run
    calls = []

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        calls.append(SimpleNamespace(session=self, fetches=fetches, feed=dict(feed_dict or {})))
        return original(self, fetches, feed_dict, options, run_metadata)

    monkeypatch.setattr(base, "run", run)
    return calls


def _fed_placeholders(call) -> list:
    """The ops of the feed_dict's keys (tensors or their names) in that run's graph."""
    graph = call.session.graph
    return [(key if hasattr(key, "op") else graph.as_graph_element(key)).op for key in call.feed]


# ---------------------------------------------------------------- constants and Variables


def test_constant_from_a_float_is_a_float32_scalar_tensor(kata):
    """The notes' data1 = tf.constant(2.5); catches returning a Variable or a NumPy value."""
    data1 = kata.make_constant(2.5)
    _assert_tensor(data1, what="make_constant(2.5)")
    assert_array(data1, np.float32(2.5), what="make_constant(2.5)", dtype=np.float32)


@pytest.mark.parametrize(
    ("value", "dtype", "expected"),
    [
        (2, tf.int32, np.int32(2)),
        (2, "float64", np.float64(2.0)),
        ([[1, 2], [3, 4]], tf.float32, np.array([[1, 2], [3, 4]], np.float32)),
        ([1.5, -2.5], "float16", np.array([1.5, -2.5], np.float16)),
    ],
)
def test_constant_takes_the_dtype_asked_for(kata, value, dtype, expected):
    """Catches a dtype argument that is ignored (an inferred int32 or float32 instead)."""
    constant = kata.make_constant(value, dtype=dtype)
    what = f"make_constant({value!r}, dtype={dtype!r})"
    _assert_tensor(constant, what=what)
    assert_array(constant, expected, what=what, dtype=expected.dtype)


def test_variable_has_the_given_name_value_and_can_be_assigned(kata):
    """The notes' data2 = tf.Variable(b, name="name"); catches a constant returned instead."""
    weight = kata.make_variable(2.5, "weight")
    what = 'make_variable(2.5, "weight")'
    assert isinstance(weight, tf.Variable), f"{what}: expected a tf.Variable, got {type(weight)}"
    assert weight.name == "weight:0", f"{what}.name: expected 'weight:0', got {weight.name!r}"
    assert weight.trainable is True, f"{what}.trainable: expected True by default"
    assert_array(weight, np.float32(2.5), what=what, dtype=np.float32)
    weight.assign(7.0)
    assert_array(weight, np.float32(7.0), what=f"{what} after .assign(7.0)")


def test_variable_can_be_made_untrainable(kata):
    """Catches a trainable argument that is ignored."""
    counts = kata.make_variable([1, 2, 3], "counts", trainable=False)
    what = 'make_variable([1, 2, 3], "counts", trainable=False)'
    assert isinstance(counts, tf.Variable), f"{what}: expected a tf.Variable, got {type(counts)}"
    assert counts.trainable is False, f"{what}.trainable: expected False, got {counts.trainable}"
    assert counts.name == "counts:0", f"{what}.name: expected 'counts:0', got {counts.name!r}"
    assert_array(counts, np.array([1, 2, 3], np.int32), what=what, dtype=np.int32)


# ---------------------------------------------------------------- the four operations, eagerly


def test_arithmetic_on_the_notes_numbers(kata):
    """x1=2, x2=4 (the notes' feed): catches swapped operands in subtract or divide."""
    results = _four(kata.arithmetic(2.0, 4.0), what="arithmetic(2.0, 4.0)")
    for name, result, expected in zip(NAMES, results, (6.0, -2.0, 8.0, 0.5), strict=True):
        _assert_tensor(result, what=f"arithmetic(2.0, 4.0): {name}")
        assert_array(result, np.float32(expected), what=f"arithmetic(2.0, 4.0): {name}",
                     dtype=np.float32)


def test_arithmetic_divides_integers_exactly_in_float32(kata):
    """7 / 2 is 3.5: catches floor division (//) and integer or float64 results."""
    results = _four(kata.arithmetic(7, 2), what="arithmetic(7, 2)")
    for name, result, expected in zip(NAMES, results, (9.0, 5.0, 14.0, 3.5), strict=True):
        assert_array(result, np.float32(expected), what=f"arithmetic(7, 2): {name}",
                     dtype=np.float32)


def test_arithmetic_product_is_element_wise_not_matmul(kata):
    """A (1, 2) row times a (2, 1) column broadcasts to (2, 2); tf.matmul would give (1, 1)."""
    expected = _numpy_arithmetic(ROW, COLUMN)
    results = _four(kata.arithmetic(ROW, COLUMN), what="arithmetic(row, column)")
    for name, result, oracle in zip(NAMES, results, expected, strict=True):
        assert_array(result, oracle, what=f"arithmetic({ROW}, {COLUMN}): {name}",
                     dtype=np.float32)


@given(pair=broadcastable_pairs())
def test_arithmetic_matches_numpy_on_any_broadcastable_shapes(kata, pair):
    x1, x2 = pair
    results = _four(kata.arithmetic(x1, x2), what="arithmetic(x1, x2)")
    for name, result, oracle in zip(NAMES, results, _numpy_arithmetic(x1, x2), strict=True):
        assert_array(result, oracle, what=f"arithmetic: {name} for shapes {x1.shape}, {x2.shape}",
                     dtype=np.float32)


# ---------------------------------------------------------------- graph and session (TF1 style)


def test_session_arithmetic_on_the_notes_feed(kata):
    """sess.run(..., feed_dict={x1: 2, x2: 4}); catches eager tensors returned instead."""
    results = _four(kata.session_arithmetic(2, 4), what="session_arithmetic(2, 4)")
    for name, result, expected in zip(NAMES, results, (6.0, -2.0, 8.0, 0.5), strict=True):
        what = f"session_arithmetic(2, 4): {name}"
        _assert_numpy(result, what=what)
        assert_array(result, np.float32(expected), what=what, dtype=np.float32)


@pytest.mark.in_process  # spies on Session.run in the kata's process
def test_session_arithmetic_feeds_two_placeholders_and_runs_all_four_at_once(kata, session_runs):
    """Catches NumPy or eager code (no Session), four separate runs, constants not fed."""
    results = _four(kata.session_arithmetic(ROW, COLUMN), what="session_arithmetic(row, column)")
    for name, result, oracle in zip(NAMES, results, _numpy_arithmetic(ROW, COLUMN), strict=True):
        assert_array(result, oracle, what=f"session_arithmetic(row, column): {name}",
                     dtype=np.float32)
    assert session_runs, "session_arithmetic ran no Session: build a graph and run it"
    fed_runs = [call for call in session_runs if call.feed]
    assert len(fed_runs) == 1, (
        f"session_arithmetic: expected ONE Session.run fetching all four results, got "
        f"{len(fed_runs)} fed runs (fetch a list: sess.run([add, sub, mul, div], feed_dict=...))"
    )
    fetched = tf.nest.flatten(fed_runs[0].fetches)
    assert len(fetched) == 4, f"session_arithmetic: the run fetched {len(fetched)} values, not 4"
    fed = _fed_placeholders(fed_runs[0])
    assert len(fed) == 2 and all(op.type == "Placeholder" for op in fed), (
        "session_arithmetic: feed_dict should feed the two placeholders x1 and x2, "
        f"got ops of types {[op.type for op in fed]}"
    )


@given(pair=broadcastable_pairs())
def test_session_arithmetic_matches_numpy_on_any_shapes(kata, pair):
    """Catches placeholders given a fixed shape: they must take whatever shape is fed."""
    x1, x2 = pair
    results = _four(kata.session_arithmetic(x1, x2), what="session_arithmetic(x1, x2)")
    for name, result, oracle in zip(NAMES, results, _numpy_arithmetic(x1, x2), strict=True):
        assert_array(result, oracle, dtype=np.float32,
                     what=f"session_arithmetic: {name} for shapes {x1.shape}, {x2.shape}")


def test_graph_code_leaves_eager_execution_on(kata):
    """Catches tf.compat.v1.disable_eager_execution(): build the graph in a `with` block.

    The values first: a function that computes nothing cannot disable anything either."""
    results = _four(kata.session_arithmetic(1.0, 2.0), what="session_arithmetic(1.0, 2.0)")
    for name, result, expected in zip(NAMES, results, (3.0, -1.0, 2.0, 0.5), strict=True):
        assert_array(result, np.float32(expected), what=f"session_arithmetic(1.0, 2.0): {name}",
                     dtype=np.float32)
    assert_array(kata.session_counter(0.0, [1.0]), np.array([1.0], np.float32),
                 what="session_counter(0.0, [1.0])", dtype=np.float32)
    assert tf.executing_eagerly(), (
        "after session_arithmetic/session_counter TensorFlow no longer executes eagerly: do not "
        "disable eager execution, build the graph inside `with tf.compat.v1.Graph().as_default()`"
    )


# ---------------------------------------------------------------- the TF2 twin


def test_arithmetic_function_is_a_tf_function_giving_the_session_values(kata):
    """The TF2 twin and the TF1 graph agree with each other and with NumPy."""
    x1 = np.array([[1.5, -2.0, 3.0], [0.25, 8.0, -6.0]], np.float32)
    x2 = np.array([[0.5, 4.0, -3.0], [2.0, -0.5, 1.5]], np.float32)
    twin = kata.arithmetic_function()
    assert is_instance(twin, tf.types.experimental.PolymorphicFunction), (
        f"arithmetic_function() should return a tf.function, got {type(twin).__name__}: "
        "return tf.function(arithmetic)"
    )
    eager = _four(twin(tf.constant(x1), tf.constant(x2)), what="arithmetic_function()(x1, x2)")
    graph = _four(kata.session_arithmetic(x1, x2), what="session_arithmetic(x1, x2)")
    for name, from_function, from_session, oracle in zip(
        NAMES, eager, graph, _numpy_arithmetic(x1, x2), strict=True
    ):
        expected = assert_array(from_session, oracle, dtype=np.float32,
                                what=f"session_arithmetic(x1, x2): {name}")
        assert_array(from_function, expected, dtype=np.float32,
                     what=f"arithmetic_function()(x1, x2): {name}, against the session's value")


@pytest.mark.in_process  # spies on Session.run in the kata's process
def test_function_traces_the_same_four_ops_as_the_session_graph(kata, session_runs):
    """Both graphs hold AddV2, Sub, Mul, RealDiv (and no MatMul)."""
    kata.session_arithmetic(np.ones((2, 3), np.float32), np.ones((2, 3), np.float32))
    assert session_runs, "session_arithmetic ran no Session: build a graph and run it"
    session_ops = {op.type for op in session_runs[-1].session.graph.get_operations()}
    spec = tf.TensorSpec(None, tf.float32)
    traced = kata.arithmetic_function().get_concrete_function(spec, spec)
    function_ops = {op.type for op in traced.graph.get_operations()}
    for where, ops in (("session_arithmetic's graph", session_ops),
                       ("arithmetic_function's traced graph", function_ops)):
        missing = sorted(set(ARITHMETIC_OPS) - ops)
        assert not missing, (
            f"{where} lacks {missing} "
            f"({', '.join(ARITHMETIC_OPS[m] for m in missing)}); it has {sorted(ops)}"
        )
        assert "MatMul" not in ops, f"{where} uses MatMul: the product is element-wise"


# ---------------------------------------------------------------- a Variable, assigned


def test_session_counter_keeps_the_variable_between_runs(kata):
    """2.5 then +1, +2, +3: catches a variable re-created per step, or values read before."""
    values = kata.session_counter(2.5, [1.0, 2.0, 3.0])
    _assert_numpy(values, what="session_counter(2.5, [1, 2, 3])")
    assert_array(values, np.array([3.5, 5.5, 8.5], np.float32), dtype=np.float32,
                 what="session_counter(2.5, [1, 2, 3]): the Variable after each update")


@pytest.mark.in_process  # spies on Session.run in the kata's process
def test_session_counter_initializes_then_feeds_each_update(kata, session_runs):
    """Catches eager code without a Session, a missing initializer, values not fed."""
    values = kata.session_counter(0.0, [4.0, -1.5])
    assert_array(values, np.array([4.0, 2.5], np.float32), dtype=np.float32,
                 what="session_counter(0.0, [4, -1.5])")
    assert session_runs, "session_counter ran no Session: build a graph and run it"
    sessions = {id(call.session) for call in session_runs}
    assert len(sessions) == 1, (
        f"session_counter used {len(sessions)} Sessions: a Variable's value lives in one Session"
    )
    first_fed = next((i for i, call in enumerate(session_runs) if call.feed), None)
    assert first_fed is not None, "session_counter fed nothing: feed each delta with feed_dict"
    initialised = any(isinstance(f, tf.Operation) for call in session_runs[:first_fed]
                      for f in tf.nest.flatten(call.fetches))
    assert initialised, (
        "session_counter: run tf.compat.v1.global_variables_initializer() before the updates"
    )
    fed_runs = [call for call in session_runs if call.feed]
    assert len(fed_runs) >= 2, (
        f"session_counter: expected a run feeding each of the 2 deltas, got {len(fed_runs)}"
    )
    for call in fed_runs:
        ops = _fed_placeholders(call)
        assert [op.type for op in ops] == ["Placeholder"], (
            f"session_counter: each update should feed the one placeholder delta, "
            f"got {[op.type for op in ops]}"
        )


def test_session_counter_with_no_deltas_is_an_empty_float32_array(kata):
    values = kata.session_counter(1.0, [])
    assert_array(values, np.zeros(0, np.float32), dtype=np.float32,
                 what="session_counter(1.0, []): no updates")


def test_function_counter_keeps_the_variable_between_calls(kata):
    values = kata.function_counter(2.5, [1.0, 2.0, 3.0])
    _assert_numpy(values, what="function_counter(2.5, [1, 2, 3])")
    assert_array(values, np.array([3.5, 5.5, 8.5], np.float32), dtype=np.float32,
                 what="function_counter(2.5, [1, 2, 3]): the Variable after each step")


@given(start=small_floats, deltas=st.lists(small_floats, max_size=5))
def test_function_counter_and_session_counter_agree(kata, start, deltas):
    """The TF2 twin gives the TF1 program's values: start + cumsum(deltas)."""
    oracle = np.float32(start) + np.cumsum(np.asarray(deltas, np.float32), dtype=np.float32)
    from_session = kata.session_counter(start, deltas)
    from_function = kata.function_counter(start, deltas)
    what = f"({start}, {deltas})"
    expected = assert_array(from_session, oracle, dtype=np.float32, rtol=1e-5, atol=1e-4,
                            what=f"session_counter{what}")
    assert_array(from_function, expected, dtype=np.float32, rtol=1e-5, atol=1e-4,
                 what=f"function_counter{what}, against session_counter's values")


# ---------------------------------------------------------------- matmul vs multiply


def test_matrix_product_of_the_notes_row_and_column_is_1x1(kata):
    """[[1, 2]] @ [[3], [4]] = [[11]]; catches tf.multiply, which broadcasts to 2x2."""
    product = kata.matrix_product(ROW, COLUMN)
    _assert_tensor(product, what="matrix_product(row, column)")
    assert_array(product, np.array([[11.0]], np.float32), dtype=np.float32,
                 what=f"matrix_product({ROW}, {COLUMN})")


def test_matrix_product_of_non_square_matrices(kata):
    """(2, 3) @ (3, 4) is (2, 4): catches transposed operands and element-wise products."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
    assert_array(kata.matrix_product(a, b), a @ b, dtype=np.float32,
                 what="matrix_product of a (2, 3) and a (3, 4) matrix")


def test_matrix_product_of_square_matrices_is_not_element_wise(kata):
    """Two 2x2 matrices: a * b has the right shape here and the wrong values."""
    a = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    b = np.array([[5.0, 6.0], [7.0, 8.0]], np.float32)
    assert_array(kata.matrix_product(a, b), np.array([[19.0, 22.0], [43.0, 50.0]], np.float32),
                 dtype=np.float32, what="matrix_product([[1, 2], [3, 4]], [[5, 6], [7, 8]]) "
                 "(tf.multiply or a * b would give the element-wise [[5, 12], [21, 32]])")


@given(data=st.data(), n=st.integers(1, 4), m=st.integers(1, 4), k=st.integers(1, 4))
def test_matrix_product_matches_numpy(kata, data, n, m, k):
    a = data.draw(hnp.arrays(np.float32, (n, m), elements=st.floats(-10, 10, width=32)))
    b = data.draw(hnp.arrays(np.float32, (m, k), elements=st.floats(-10, 10, width=32)))
    expected = a.astype(np.float64) @ b.astype(np.float64)
    assert_array(kata.matrix_product(a, b), expected, dtype=np.float32, rtol=1e-5, atol=1e-4,
                 what=f"matrix_product of shapes {a.shape} and {b.shape}")


def test_matrix_product_rejects_mismatched_inner_dimensions(kata):
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        kata.matrix_product(np.ones((2, 3)), np.ones((4, 5)))


@pytest.mark.parametrize(("a", "b", "dtype"), [
    ([[1, 2]], [[3], [4]], "int"),
    (np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]]), "float64"),
])
def test_matrix_product_is_float32_for_other_dtypes(kata, a, b, dtype):
    """Catches a missing cast: int lists give an int32 product, float64 arrays a float64 one."""
    assert_array(kata.matrix_product(a, b), np.array([[11.0]], np.float32), dtype=np.float32,
                 what=f"matrix_product of {dtype} matrices [[1, 2]] and [[3], [4]]")


def test_matrix_product_rejects_a_1d_second_operand(kata):
    """Catches checking only `a`: tf.matmul raises InvalidArgumentError for a 1-D `b`."""
    with assert_raises(ValueError, match="2-D"):
        kata.matrix_product([[2.0, 2.0]], [2.0, 2.0])


def test_matrix_product_rejects_the_notes_1d_vector(kata):
    """The notes' x1 = tf.constant([2,2]) is 1-D: tf.matmul needs 2-D matrices."""
    with pytest.raises(ValueError, match="2-D"):
        kata.matrix_product([2.0, 2.0], [[2.0], [2.0]])


# ---------------------------------------------------------------- linspace, uniform


def test_linspace_of_the_notes_has_eleven_points_with_both_ends(kata):
    """tf.linspace(0.0, 2.0, 11); catches tf.range (no 2.0) and num taken as intervals."""
    points = kata.linspace(0.0, 2.0, 11)
    _assert_tensor(points, what="linspace(0.0, 2.0, 11)")
    assert_array(points, np.linspace(0.0, 2.0, 11), dtype=np.float32,
                 what="linspace(0.0, 2.0, 11)")


def test_linspace_of_integers_is_float32(kata):
    """tf.linspace(0, 2, 5) alone gives float64."""
    assert_array(kata.linspace(0, 2, 5), np.array([0.0, 0.5, 1.0, 1.5, 2.0]), dtype=np.float32,
                 what="linspace(0, 2, 5)")


@given(start=small_floats, stop=small_floats, num=st.integers(2, 20))
def test_linspace_matches_numpy(kata, start, stop, num):
    points = assert_shape(kata.linspace(start, stop, num), (num,),
                          what=f"linspace({start}, {stop}, {num})")
    scale = max(1.0, abs(start), abs(stop))
    assert_array(points, np.linspace(start, stop, num), dtype=np.float32, rtol=1e-5,
                 atol=1e-5 * scale, what=f"linspace({start}, {stop}, {num})")


@pytest.mark.parametrize("num", [1, 0, -3])
def test_linspace_needs_at_least_two_points(kata, num):
    with pytest.raises(ValueError, match="num"):
        kata.linspace(0.0, 1.0, num)


def test_uniform_has_the_notes_shape_and_dtype(kata):
    """tf.random_uniform([2,3],-1,2) in the notes: a 2x3 float32 tensor within [-1, 2)."""
    sample = kata.uniform([2, 3], -1, 2)
    _assert_tensor(sample, what="uniform([2, 3], -1, 2)")
    values = assert_shape(sample, (2, 3), what="uniform([2, 3], -1, 2)")
    assert_dtype(values, np.float32, what="uniform([2, 3], -1, 2)")
    assert ((values >= -1) & (values < 2)).all(), f"uniform([2, 3], -1, 2): out of range: {values}"


UNIFORM_N = 100_000


@pytest.mark.parametrize(("lo", "hi"), [(-1.0, 2.0), (10.0, 12.0), (-5.0, -4.5)])
def test_uniform_fills_the_range_with_the_right_statistics(kata, lo, hi):
    """Catches lo + u * hi, a normal distribution, or an unscaled [0, 1)."""
    what = f"uniform([{UNIFORM_N}], {lo}, {hi})"
    values = assert_dtype(kata.uniform([UNIFORM_N], lo, hi), np.float32, what=what)
    assert values.shape == (UNIFORM_N,), (
        f"{what}: expected shape ({UNIFORM_N},), got {values.shape}"
    )
    assert np.isfinite(values).all(), f"{what}: NaN or inf values"
    # float32 rounding of lo + u * (hi - lo) may land on hi itself: that is still correct.
    outside = values[(values < lo) | (values > hi)]
    assert outside.size == 0, (
        f"{what}: {outside.size} values outside [{lo}, {hi}], e.g. {outside[:5]}"
    )
    width = hi - lo
    # Five standard errors of the sample mean and sample variance of U(lo, hi).
    mean_tolerance = 5 * width / np.sqrt(12 * UNIFORM_N)
    variance_tolerance = 5 * width**2 * np.sqrt(1 / 80 - 1 / 144) / np.sqrt(UNIFORM_N)
    mean, variance = values.astype(np.float64).mean(), values.astype(np.float64).var()
    assert abs(mean - (lo + hi) / 2) < mean_tolerance, (
        f"{what}: sample mean {mean:.4f}, expected {(lo + hi) / 2} +- {mean_tolerance:.4f}"
    )
    assert abs(variance - width**2 / 12) < variance_tolerance, (
        f"{what}: sample variance {variance:.4f}, expected {width**2 / 12:.4f} "
        f"+- {variance_tolerance:.4f}"
    )
    edge = 0.001 * width
    assert values.min() < lo + edge and values.max() > hi - edge, (
        f"{what}: values span [{values.min():.4f}, {values.max():.4f}], "
        f"expected them to reach both ends of [{lo}, {hi})"
    )


@pytest.mark.parametrize(("lo", "hi"), [(2, -1), (1, 1)])
def test_uniform_rejects_an_empty_or_reversed_range(kata, lo, hi):
    """TensorFlow itself returns numbers outside such a range without complaint."""
    with pytest.raises(ValueError, match=str(lo)) as raised:
        kata.uniform([3], lo, hi)
    assert str(hi) in str(raised.value), f"the ValueError should show hi={hi}: {raised.value}"
