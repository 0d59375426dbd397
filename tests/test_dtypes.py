"""dtypes: dtype names, convert_to_tensor with a dtype, cast, Variables and their attributes,
`.numpy()`.

Oracles: NumPy (np.trunc for casts, astype for conversions) and hand-computed values.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_raises

# Halves on both sides of zero tell truncation (toward zero) from rounding and from floor.
FRACTIONS = np.array([-2.7, -1.5, -0.5, 0.5, 1.5, 2.7], np.float32)
TRUNCATED = np.array([-2, -1, 0, 0, 1, 2], np.int32)

small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)


def _assert_tensor(value, *, what: str) -> None:
    """A tf.Tensor, not a Variable, not a NumPy array."""
    if isinstance(value, tf.Variable):
        raise AssertionError(f"{what}: expected a tf.Tensor, got a tf.Variable")
    if not isinstance(value, tf.Tensor):
        raise AssertionError(f"{what}: expected a tf.Tensor, got {type(value).__name__}")


def _assert_variable(value, *, what: str) -> None:
    if not isinstance(value, tf.Variable):
        raise AssertionError(f"{what}: expected a tf.Variable, got {type(value).__name__}")


def _assert_dtype_is(value, expected: tf.DType, *, what: str) -> None:
    """A real tf.DType: a str or NumPy type compares equal to a DType, so check the type."""
    if not isinstance(value, tf.DType):
        raise AssertionError(f"{what}: expected a tf.DType, got {type(value).__name__} {value!r}")
    if value != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {value!r}")


# ---------------------------------------------------------------- dtype names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("float32", tf.float32),
        ("int64", tf.int64),
        ("bool", tf.bool),
        ("uint8", tf.uint8),
        ("double", tf.float64),
        ("half", tf.float16),
    ],
)
def test_dtype_from_name(kata, name, expected):
    """The notes' tf.double is float64; catches returning the name or a NumPy type."""
    _assert_dtype_is(kata.dtype_from_name(name), expected, what=f"dtype_from_name({name!r})")


def test_dtype_from_name_passes_a_dtype_through(kata):
    _assert_dtype_is(kata.dtype_from_name(tf.int16), tf.int16, what="dtype_from_name(tf.int16)")


@pytest.mark.parametrize("name", ["floot", "float23", "int31"])
def test_unknown_dtype_name_raises_type_error(kata, name):
    with pytest.raises(TypeError, match=name):
        kata.dtype_from_name(name)


# ---------------------------------------------------------------- convert_to_tensor


@pytest.mark.parametrize(
    ("value", "dtype", "expected"),
    [
        (np.arange(4), tf.int32, np.arange(4, dtype=np.int32)),  # the notes' np.arange, int64
        ([1, 2, 3], "float32", np.array([1, 2, 3], np.float32)),
        ([[1, 0], [0, 1]], "double", np.eye(2, dtype=np.float64)),
        (np.array([0.1, 1 / 3]), tf.float32, np.array([0.1, 1 / 3], np.float32)),
        (7, "int64", np.int64(7)),
    ],
)
def test_to_tensor_has_the_dtype_asked_for(kata, value, dtype, expected):
    """Catches a dtype argument that is ignored (int64 from np.arange, int32 from a list)."""
    what = f"to_tensor({value!r}, {dtype!r})"
    tensor = kata.to_tensor(value, dtype)
    _assert_tensor(tensor, what=what)
    assert_array(tensor, expected, what=what, dtype=expected.dtype)


@given(value=hnp.arrays(np.int64, small_shapes, elements=st.integers(-1000, 1000)))
def test_to_tensor_converts_integers_to_float_on_any_shape(kata, value):
    tensor = kata.to_tensor(value, "float32")
    _assert_tensor(tensor, what=f"to_tensor(int64 array of shape {value.shape}, 'float32')")
    assert_array(tensor, value.astype(np.float32), dtype=np.float32,
                 what=f"to_tensor(int64 array of shape {value.shape}, 'float32')")


def test_to_tensor_refuses_a_float_list_as_int(kata):
    """TensorFlow itself raises TypeError here."""
    with pytest.raises(TypeError, match="int32"):
        kata.to_tensor([1.5, 2.0], tf.int32)


@pytest.mark.parametrize(("dtype", "name"), [(tf.int32, "int32"), ("int64", "int64"),
                                             ("uint8", "uint8"), ("bool", "bool")])
def test_to_tensor_refuses_a_float_numpy_array_as_int_or_bool(kata, dtype, name):
    """tf.convert_to_tensor would silently truncate np.array([1.5, -2.7]) to [1, -2]."""
    with pytest.raises(TypeError, match=name):
        kata.to_tensor(np.array([1.5, -2.7]), dtype)


@pytest.mark.parametrize(("dtype", "name"), [("int32", "int32"), (tf.bool, "bool")])
def test_to_tensor_refuses_whole_valued_floats_as_int_or_bool(kata, dtype, name):
    """The check is on the value's dtype, not on its numbers: catches refusing only values
    with a fractional part (np.array([1.0, 2.0]) holds floating-point numbers too)."""
    with assert_raises(TypeError, match=name):
        kata.to_tensor(np.array([1.0, 2.0]), dtype)


def test_to_tensor_unknown_dtype_name_raises_type_error(kata):
    with pytest.raises(TypeError, match="floot"):
        kata.to_tensor([1, 2], "floot")


# ---------------------------------------------------------------- cast


def test_cast_float_to_int_truncates_toward_zero(kata):
    """-2.7 -> -2, -0.5 -> 0, 1.5 -> 1: catches rounding and floor."""
    result = kata.cast(tf.constant(FRACTIONS), tf.int32)
    _assert_tensor(result, what="cast(float tensor, tf.int32)")
    assert_array(result, TRUNCATED, dtype=np.int32, what=f"cast({FRACTIONS.tolist()}, tf.int32)")


@given(value=hnp.arrays(np.float32, small_shapes, elements=st.floats(-1000, 1000, width=32)))
def test_cast_truncates_like_numpy_trunc_on_any_shape(kata, value):
    result = kata.cast(value, "int32")
    assert_array(result, np.trunc(value).astype(np.int32), dtype=np.int32,
                 what=f"cast(float32 array of shape {value.shape}, 'int32')")


def test_cast_to_bool_is_true_for_every_non_zero(kata):
    """Catches x > 0 (negative numbers are True too)."""
    values = [0.0, -0.5, 2.0, 0.0, -3.0]
    result = kata.cast(values, "bool")
    _assert_tensor(result, what=f"cast({values}, 'bool')")
    assert_array(result, np.array([False, True, True, False, True]), dtype=np.bool_,
                 what=f"cast({values}, 'bool')")


def test_cast_int_to_double_as_in_the_notes(kata):
    """tf.cast(aa, dtype=tf.double): the notes' conversion of int32 to float64."""
    result = kata.cast(tf.constant([0, 1, 2], tf.int32), tf.double)
    _assert_tensor(result, what="cast(int32 tensor, tf.double)")
    assert_array(result, np.array([0.0, 1.0, 2.0]), dtype=np.float64,
                 what="cast([0, 1, 2] int32, tf.double)")


def test_cast_of_a_variable_to_its_own_dtype_is_still_a_tensor(kata):
    """tf.cast hands a Variable back unchanged when its dtype already matches."""
    variable = tf.Variable([1.5, -2.5], name="v")
    result = kata.cast(variable, "float32")
    _assert_tensor(result, what="cast(a float32 Variable, 'float32')")
    assert_array(result, np.array([1.5, -2.5], np.float32), dtype=np.float32,
                 what="cast(a float32 Variable, 'float32')")


def test_cast_unknown_dtype_name_raises_type_error(kata):
    with pytest.raises(TypeError, match="float23"):
        kata.cast([1.0], "float23")


# ---------------------------------------------------------------- Variables


def test_to_variable_is_a_named_variable(kata):
    """The notes' b = tf.Variable(b, name="name"); catches returning a tensor."""
    weights = kata.to_variable([[1.0, 2.0], [3.0, 4.0]], "weights")
    what = 'to_variable([[1.0, 2.0], [3.0, 4.0]], "weights")'
    _assert_variable(weights, what=what)
    assert weights.name == "weights:0", f"{what}.name: expected 'weights:0', got {weights.name!r}"
    assert_array(weights, np.array([[1, 2], [3, 4]], np.float32), dtype=np.float32, what=what)


def test_to_variable_takes_the_dtype_asked_for(kata):
    counts = kata.to_variable([1, 2, 3], "counts", dtype="float64")
    what = 'to_variable([1, 2, 3], "counts", dtype="float64")'
    _assert_variable(counts, what=what)
    assert_array(counts, np.array([1.0, 2.0, 3.0]), dtype=np.float64, what=what)


@pytest.mark.parametrize(("value", "expected"), [
    ([1, 2, 3], np.array([1, 2, 3], np.int32)),
    (np.array([0.5, 1.5]), np.array([0.5, 1.5], np.float64)),
])
def test_to_variable_without_dtype_infers_it_from_the_value(kata, value, expected):
    """Catches a default dtype of float32: ints give int32, a float64 array stays float64."""
    what = f'to_variable({value!r}, "v") (no dtype given)'
    variable = kata.to_variable(value, "v")
    _assert_variable(variable, what=what)
    assert_array(variable, expected, dtype=expected.dtype, what=what)


def test_a_trainable_variable_is_differentiated_without_watch(kata):
    """Variable包装过的变量会具有一些特殊的属性,如可导: the tape watches it by itself."""
    w = kata.to_variable([1.0, -2.0, 3.0], "w")
    _assert_variable(w, what='to_variable([1.0, -2.0, 3.0], "w")')
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * w)
    gradient = tape.gradient(loss, w)
    assert gradient is not None, "the gradient of sum(w*w) is None: w is not a trainable Variable"
    assert_array(gradient, np.array([2.0, -4.0, 6.0], np.float32),
                 what="the gradient of sum(w*w) with respect to w: 2w")


def test_an_untrainable_variable_gets_no_gradient(kata):
    """Catches a trainable argument that is ignored."""
    w = kata.to_variable([1.0, -2.0], "frozen", trainable=False)
    what = 'to_variable([1.0, -2.0], "frozen", trainable=False)'
    _assert_variable(w, what=what)
    assert w.trainable is False, f"{what}.trainable: expected False, got {w.trainable!r}"
    assert_array(w, np.array([1.0, -2.0], np.float32), what=what)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * w)
    assert tape.gradient(loss, w) is None, f"{what}: a GradientTape should not watch it"


def test_to_variable_refuses_float_values_as_int(kata):
    with pytest.raises(TypeError, match="int32"):
        kata.to_variable(np.array([0.5, 1.5]), "w", dtype="int32")


def _check_attributes(info, expected: tuple, *, what: str) -> None:
    if len(info) != 4:
        raise AssertionError(f"{what}: expected 4 values (name, trainable, dtype, shape), "
                             f"got {len(info)}")
    name, trainable, dtype, shape = info
    for label, value, kind in (("name", name, str), ("trainable", trainable, bool),
                               ("dtype", dtype, str), ("shape", shape, tuple)):
        if type(value) is not kind:
            raise AssertionError(f"{what}: {label} should be a plain {kind.__name__}, "
                                 f"got {type(value).__name__} {value!r}")
    if not all(type(d) is int for d in shape):
        raise AssertionError(f"{what}: shape should hold Python ints, got {shape!r}")
    if (name, trainable, dtype, shape) != expected:
        raise AssertionError(f"{what}: expected {expected}, got {(name, trainable, dtype, shape)}")


def test_variable_attributes_are_plain_python_values(kata):
    """Catches a TensorShape and a tf.DType: both compare equal to the plain values."""
    variable = tf.Variable(tf.zeros([2, 3]), name="weights", trainable=False)
    _check_attributes(kata.variable_attributes(variable), ("weights:0", False, "float32", (2, 3)),
                      what="variable_attributes(a 2x3 float32 Variable 'weights')")


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        (lambda: tf.Variable([1, 2, 3], name="counts"), ("counts:0", True, "int32", (3,))),
        (lambda: tf.Variable(2.5, name="scale", dtype=tf.float64),
         ("scale:0", True, "float64", ())),
        (lambda: tf.Variable(tf.ones([1, 2, 1], tf.bool), name="mask", trainable=False),
         ("mask:0", False, "bool", (1, 2, 1))),
    ],
    ids=["int-vector", "float64-scalar", "bool-3d"],
)
def test_variable_attributes_of_other_variables(kata, variable, expected):
    _check_attributes(kata.variable_attributes(variable()), expected,
                      what=f"variable_attributes(tf.Variable named {expected[0]!r})")


# ---------------------------------------------------------------- back to NumPy


def _assert_numpy_value(value, *, what: str) -> None:
    if not isinstance(value, (np.ndarray, np.generic)):
        raise AssertionError(f"{what}: expected a NumPy array, got {type(value).__name__}")


def test_to_numpy_of_a_tensor_is_an_ndarray_of_the_same_dtype(kata):
    """Catches returning the tensor itself, or converting the dtype."""
    tensor = tf.constant([[1, 2], [3, 4]], tf.int64)
    array = kata.to_numpy(tensor)
    _assert_numpy_value(array, what="to_numpy(an int64 tensor)")
    assert_array(array, np.array([[1, 2], [3, 4]], np.int64), dtype=np.int64,
                 what="to_numpy(an int64 tensor)")


def test_to_numpy_keeps_float16(kata):
    array = kata.to_numpy(tf.constant([0.5, -1.25], tf.float16))
    _assert_numpy_value(array, what="to_numpy(a float16 tensor)")
    assert_array(array, np.array([0.5, -1.25], np.float16), dtype=np.float16,
                 what="to_numpy(a float16 tensor)")


def test_to_numpy_of_a_scalar(kata):
    value = kata.to_numpy(tf.constant(2.5))
    _assert_numpy_value(value, what="to_numpy(tf.constant(2.5))")
    assert_array(value, np.float32(2.5), dtype=np.float32, what="to_numpy(tf.constant(2.5))")


def test_to_numpy_of_a_variable_is_a_snapshot(kata):
    """Catches returning the Variable itself: it would follow a later assign."""
    variable = tf.Variable([1.0, 2.0], name="v")
    array = kata.to_numpy(variable)
    variable.assign([5.0, 6.0])
    _assert_numpy_value(array, what="to_numpy(a Variable)")
    assert_array(array, np.array([1.0, 2.0], np.float32), dtype=np.float32,
                 what="to_numpy(a Variable [1, 2]) after the Variable was assigned [5, 6]")


@st.composite
def finite_arrays(draw):
    """Small arrays of the common dtypes, without NaN or inf."""
    dtype = np.dtype(draw(st.sampled_from(ROUND_TRIP_DTYPES)))
    finite = {"allow_nan": False, "allow_infinity": False} if dtype.kind == "f" else None
    return draw(hnp.arrays(dtype, draw(small_shapes), elements=finite))


ROUND_TRIP_DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int32, np.int64, np.uint8,
                     np.bool_]


@given(value=finite_arrays())
def test_to_numpy_round_trips_any_array(kata, value):
    array = kata.to_numpy(tf.constant(value))
    what = f"to_numpy(tf.constant(a {value.dtype} array of shape {value.shape}))"
    _assert_numpy_value(array, what=what)
    assert_array(array, value, dtype=value.dtype, what=what, exact=True)
