"""Tests for the statistics kata: norms, mean/min/max, argmax/argmin, accuracy, unique.

Oracles: `np.linalg.norm` on vectors, NumPy's mean/min/max/argmax/argmin, a first-occurrence
unique computed with `np.unique(..., return_index=True)`, and hand-computed examples.
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
    assert_raises,
    assert_scalar,
    assert_shape,
)

small_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3)
ORDERS = {"1": 1, "2": 2, "inf": np.inf}

MATRIX = np.array([[1, -2], [3, -4]], dtype=np.float32)


def _values(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-3, 3, size=shape).astype(np.float32)


def _distinct(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Values without ties, so that argmax/argmin have one right answer."""
    size = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(size).reshape(shape).astype(np.float32) - 5


def _axis_or_none(rank: int):
    return st.none() | st.integers(-rank, rank - 1)


# --- norm --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order", "expected"), [(1, 7.0), (2, 5.0), (np.inf, 4.0)], ids=["L1", "L2", "inf"]
)
def test_norm_of_the_vector_3_minus_4(kata, order, expected):
    """L1 without abs gives -1, L2 without the root 25, inf without abs 3."""
    assert_scalar(kata.norm(np.array([3, -4], np.float32), ord=order), expected,
                  what=f"norm([3, -4], ord={order})")


@pytest.mark.parametrize(
    ("order", "expected"), [(1, 10.0), (2, np.sqrt(30.0)), (np.inf, 4.0)],
    ids=["L1", "L2", "inf"],
)
def test_norm_without_axis_takes_a_matrix_as_one_long_vector(kata, order, expected):
    """Matrix norms would give 6 (max column sum), 5.46 (spectral) and 7 (max row sum)."""
    assert_scalar(kata.norm(MATRIX, ord=order), expected, what=f"norm([[1, -2], [3, -4]], "
                  f"ord={order}) as the vector [1, -2, 3, -4]")


def test_norm_the_notes_l1_along_axis_1(kata):
    """The notes' tf.norm(a, ord=1, axis=1): one norm per row."""
    a = np.array([[1, -2, 3], [-4, 5, -6]], dtype=np.float32)
    assert_array(kata.norm(a, ord=1, axis=1), [6.0, 15.0], dtype=np.float32,
                 what="norm([[1, -2, 3], [-4, 5, -6]], ord=1, axis=1)")
    assert_array(kata.norm(a, ord=1, axis=0), [5.0, 7.0, 9.0], dtype=np.float32,
                 what="norm([[1, -2, 3], [-4, 5, -6]], ord=1, axis=0)")


def test_norm_of_integers_is_a_float(kata):
    result = kata.norm(np.array([3, 4], np.int32))
    assert_dtype(result, "float", what="norm(int32 [3, 4])")
    assert_scalar(result, 5.0, what="norm(int32 [3, 4])")


@given(data=st.data(), shape=small_shapes, order=st.sampled_from(sorted(ORDERS)),
       seed=st.integers(0, 99))
def test_norm_matches_numpy_for_any_shape_order_and_axis(kata, data, shape, order, seed):
    axis = data.draw(_axis_or_none(len(shape)), label="axis")
    x = _values(shape, seed)
    ord_ = ORDERS[order]
    flat = x.astype(np.float64)
    expected = (np.linalg.norm(flat.ravel(), ord_) if axis is None
                else np.linalg.norm(flat, ord_, axis=axis))
    assert_array(kata.norm(x, ord=ord_, axis=axis), expected, dtype=np.float32, rtol=1e-5,
                 atol=1e-5, what=f"norm(x of shape {shape}, ord={order}, axis={axis})")


def test_norm_takes_float_inf_as_well_as_np_inf(kata):
    """The docstring allows `float("inf")`: an `ord is np.inf` check refuses it."""
    assert_scalar(kata.norm(MATRIX, ord=float("inf")), 4.0,
                  what='norm([[1, -2], [3, -4]], ord=float("inf")) (compare ord with ==, '
                  "not with `is np.inf`)")


@pytest.mark.parametrize("order", [0, 3, "inf", "fro"])
def test_norm_rejects_an_unknown_ord(kata, order):
    with assert_raises(ValueError, match="ord"):
        kata.norm(MATRIX, ord=order)


@pytest.mark.parametrize("axis", [2, -3, (0, 1)], ids=["too-big", "too-negative", "pair"])
def test_norm_rejects_an_axis_out_of_range_or_a_pair(kata, axis):
    """A pair of axes would be a matrix norm: this kata is about vector norms (非矩阵)."""
    with assert_raises(ValueError, match="axis"):
        kata.norm(MATRIX, ord=1, axis=axis)


# --- mean_min_max ------------------------------------------------------------------------

INTS = np.array([[1, 5, 3], [4, 2, 6]], dtype=np.int32)


@pytest.mark.parametrize(
    ("axis", "mean", "low", "high"),
    [
        (None, 3.5, 1, 6),
        (0, [2.5, 3.5, 4.5], [1, 2, 3], [4, 5, 6]),
        (1, [3.0, 4.0], [1, 2], [5, 6]),
        (-1, [3.0, 4.0], [1, 2], [5, 6]),
    ],
)
def test_mean_min_max_of_an_int_matrix(kata, axis, mean, low, high):
    """The mean is not truncated (3.5, not 3); min and max stay int32; axis 0 and 1 differ."""
    result = kata.mean_min_max(INTS, axis=axis)
    assert isinstance(result, tuple) and len(result) == 3, (
        f"mean_min_max(...): expected a tuple (mean, min, max), got {type(result).__name__} "
        f"(a list is not the tuple the docstring promises)"
    )
    what = f"mean_min_max([[1, 5, 3], [4, 2, 6]], axis={axis})"
    assert_array(result[0], mean, dtype="float", what=f"{what}[0], the mean")
    assert_array(result[1], np.array(low, np.int32), dtype=np.int32, what=f"{what}[1], the min")
    assert_array(result[2], np.array(high, np.int32), dtype=np.int32,
                 what=f"{what}[2], the max")


@pytest.mark.parametrize(("axis", "shape"), [(0, (10,)), (1, (4,)), (None, ())])
def test_mean_min_max_reduces_the_axis_away(kata, axis, shape):
    """The notes' [4, 10]: axis 0 leaves 10 numbers, axis 1 leaves 4, no axis leaves one."""
    result = kata.mean_min_max(_values((4, 10), 0), axis=axis)
    for name, part in zip(("mean", "min", "max"), result, strict=True):
        assert_shape(part, shape, what=f"mean_min_max(x [4, 10], axis={axis}), the {name}")


@given(data=st.data(), shape=small_shapes, seed=st.integers(0, 99))
def test_mean_min_max_matches_numpy_for_any_shape_and_axis(kata, data, shape, seed):
    axis = data.draw(_axis_or_none(len(shape)), label="axis")
    x = _values(shape, seed)
    mean, low, high = kata.mean_min_max(x, axis=axis)
    what = f"mean_min_max(x of shape {shape}, axis={axis})"
    assert_array(mean, np.mean(x.astype(np.float64), axis=axis), dtype=np.float32, rtol=1e-5,
                 atol=1e-5, what=f"{what}, the mean")
    assert_array(low, np.min(x, axis=axis), dtype=np.float32, what=f"{what}, the min")
    assert_array(high, np.max(x, axis=axis), dtype=np.float32, what=f"{what}, the max")


@pytest.mark.parametrize("axis", [2, -3])
def test_mean_min_max_rejects_an_axis_out_of_range(kata, axis):
    with assert_raises(ValueError, match="axis"):
        kata.mean_min_max(INTS, axis=axis)


# --- argmax / argmin ---------------------------------------------------------------------


def test_argmax_compares_down_axis_0_by_default(kata):
    """The notes' [4, 10]: 10 results, each a row number 0..3 (axis -1 would give 4)."""
    x = _distinct((4, 10), 1)
    assert_array(kata.argmax(x), np.argmax(x, axis=0), dtype="integer",
                 what="argmax(x [4, 10]) with the default axis")


def test_argmin_along_axis_1_gives_one_column_per_row(kata):
    x = _distinct((4, 10), 2)
    assert_array(kata.argmin(x, axis=1), np.argmin(x, axis=1), dtype="integer",
                 what="argmin(x [4, 10], axis=1)")


def test_argmax_and_argmin_return_positions_not_values(kata):
    x = np.array([[10.0, 30.0, 20.0]], dtype=np.float32)
    assert_array(kata.argmax(x, axis=1), [1], dtype="integer", what="argmax([[10, 30, 20]], 1)")
    assert_array(kata.argmin(x, axis=1), [0], dtype="integer", what="argmin([[10, 30, 20]], 1)")


@given(data=st.data(), shape=small_shapes, seed=st.integers(0, 99))
def test_argmax_and_argmin_match_numpy_for_any_shape_and_axis(kata, data, shape, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    x = _distinct(shape, seed)
    assert_array(kata.argmax(x, axis=axis), np.argmax(x, axis=axis), dtype="integer",
                 what=f"argmax(x of shape {shape}, axis={axis})")
    assert_array(kata.argmin(x, axis=axis), np.argmin(x, axis=axis), dtype="integer",
                 what=f"argmin(x of shape {shape}, axis={axis})")


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [2, -3])
def test_argmax_and_argmin_reject_an_axis_out_of_range(kata, name, axis):
    with assert_raises(ValueError, match="axis"):
        getattr(kata, name)(MATRIX, axis=axis)


# --- accuracy ----------------------------------------------------------------------------

SCORES = np.array(
    [[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]], dtype=np.float32
)


@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
def test_accuracy_three_right_of_four_is_0_75(kata, label_dtype):
    """Catches integer division (0), the count (3) and tf.equal of int64 with int32."""
    labels = np.array([1, 0, 2, 1], dtype=label_dtype)
    result = kata.accuracy(SCORES, labels)
    assert_dtype(result, "float", what="accuracy(scores [4, 3], labels)")
    assert_scalar(result, 0.75, what=f"accuracy(scores [4, 3], {label_dtype.__name__} labels "
                  "[1, 0, 2, 1])")


def test_accuracy_takes_labels_as_a_python_list(kata):
    assert_scalar(kata.accuracy(SCORES, [1, 1, 2, 2]), 0.5,
                  what="accuracy(scores [4, 3], [1, 1, 2, 2])")


@given(n=st.integers(1, 6), classes=st.integers(2, 4), seed=st.integers(0, 99))
def test_accuracy_matches_numpy_for_any_batch(kata, n, classes, seed):
    rng = np.random.default_rng(seed)
    scores = _distinct((n, classes), seed)
    labels = rng.integers(0, classes, size=n).astype(np.int32)
    expected = float(np.mean(np.argmax(scores, axis=1) == labels))
    assert_scalar(kata.accuracy(scores, labels), expected,
                  what=f"accuracy(scores {scores.shape}, labels {labels.tolist()})")


@pytest.mark.parametrize(
    ("scores_shape", "labels_shape"),
    [((4, 3), (3,)), ((4, 3), (4, 1)), ((4,), (4,)), ((0, 3), (0,))],
    ids=["labels-too-short", "labels-as-a-column", "scores-1d", "no-samples"],
)
def test_accuracy_rejects_shapes_that_do_not_fit(kata, scores_shape, labels_shape):
    """Labels [n, 1] would broadcast against [n] into an n x n comparison."""
    with assert_raises(ValueError, match="shape"):
        kata.accuracy(np.ones(scores_shape, np.float32), np.zeros(labels_shape, np.int32))


# --- unique / rebuild --------------------------------------------------------------------


def _first_occurrence_unique(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The oracle: np.unique sorts, so re-order its values by where they first appear."""
    _, first = np.unique(x, return_index=True)
    values = x[np.sort(first)]
    position = {v: i for i, v in enumerate(values.tolist())}
    return values, np.array([position[v] for v in x.tolist()])


def test_unique_keeps_the_order_of_first_appearance(kata):
    """np.unique would give the sorted [1, 2, 4] and indices [2, 1, 2, 0, 1]."""
    x = np.array([4, 2, 4, 1, 2], dtype=np.int32)
    values, indices = kata.unique(x)
    assert_array(values, [4, 2, 1], dtype=np.int32, what="unique([4, 2, 4, 1, 2]) values")
    assert_array(indices, [0, 1, 0, 2, 1], dtype="integer",
                 what="unique([4, 2, 4, 1, 2]) indices")


@given(x=hnp.arrays(np.int32, st.integers(1, 10), elements=st.integers(0, 4)))
def test_unique_matches_a_first_occurrence_oracle(kata, x):
    values, indices = kata.unique(x)
    expected_values, expected_indices = _first_occurrence_unique(x)
    assert_array(values, expected_values, dtype=np.int32, what=f"unique({x.tolist()}) values")
    assert_array(indices, expected_indices, dtype="integer",
                 what=f"unique({x.tolist()}) indices")


def test_unique_of_floats(kata):
    values, indices = kata.unique(np.array([0.5, -1.0, 0.5], np.float32))
    assert_array(values, [0.5, -1.0], dtype=np.float32, what="unique([0.5, -1, 0.5]) values")
    assert_array(indices, [0, 1, 0], dtype="integer", what="unique([0.5, -1, 0.5]) indices")


def test_unique_returns_a_tuple_of_values_and_indices(kata):
    result = kata.unique(np.array([3, 3, 1], np.int32))
    assert isinstance(result, tuple) and len(result) == 2, (
        f"unique(...): expected a tuple (values, indices), got {type(result).__name__}")
    assert_array(result[0], [3, 1], dtype=np.int32, what="unique([3, 3, 1]) values")
    assert_array(result[1], [0, 0, 1], dtype="integer", what="unique([3, 3, 1]) indices")


def test_unique_rejects_a_scalar(kata):
    """A scalar is not 1-D either: checking only `rank > 1` lets it through to tf.unique."""
    with assert_raises(ValueError, match="1-D"):
        kata.unique(np.int32(3))


def test_unique_rejects_a_matrix(kata):
    with assert_raises(ValueError, match="1-D"):
        kata.unique(np.array([[1, 2], [2, 1]], np.int32))


def test_rebuild_gathers_the_original_back(kata):
    assert_array(kata.rebuild(np.array([4, 2, 1], np.int32), np.array([0, 1, 0, 2, 1])),
                 [4, 2, 4, 1, 2], dtype=np.int32,
                 what="rebuild([4, 2, 1], [0, 1, 0, 2, 1])")


def test_rebuild_keeps_the_shape_of_2d_indices(kata):
    """The result has indices' shape: flattening the indices first loses it."""
    values = np.array([4, 2, 1], np.int32)
    indices = np.array([[0, 1], [2, 2], [1, 0]])
    assert_array(kata.rebuild(values, indices), values[indices], dtype=np.int32,
                 what="rebuild([4, 2, 1], [[0, 1], [2, 2], [1, 0]]) (shape [3, 2], as indices)")


@given(
    values=hnp.arrays(np.float32, st.integers(1, 5), elements=st.floats(-9, 9, width=32)),
    data=st.data(),
)
def test_rebuild_matches_numpy_indexing(kata, values, data):
    indices = data.draw(
        hnp.arrays(np.int32, st.integers(0, 8), elements=st.integers(0, len(values) - 1)),
        label="indices",
    )
    assert_array(kata.rebuild(values, indices), values[indices], dtype=np.float32,
                 what=f"rebuild({values.tolist()}, {indices.tolist()})")


@given(x=hnp.arrays(np.int32, st.integers(1, 10), elements=st.integers(-3, 3)))
def test_rebuild_of_unique_gives_back_the_original(kata, x):
    assert_array(kata.rebuild(*kata.unique(x)), x, dtype=np.int32,
                 what=f"rebuild(*unique({x.tolist()}))")


@pytest.mark.parametrize("bad", [3, -1])
def test_rebuild_rejects_an_index_out_of_range(kata, bad):
    with assert_raises(ValueError, match="index"):
        kata.rebuild(np.array([4, 2, 1], np.int32), np.array([0, bad, 1]))


# --- all ---------------------------------------------------------------------------------


def test_results_are_tensorflow_tensors(kata):
    """Every docstring promises tf.Tensors: NumPy's np.argmax, float(...) or x[i] are not."""
    x = _distinct((3, 4), 0)
    mean, low, high = kata.mean_min_max(x, axis=0)
    values, indices = kata.unique(np.array([2, 7, 2], np.int32))
    results = {
        "norm": (kata.norm(x, ord=np.inf, axis=1), np.abs(x).max(axis=1)),
        "mean_min_max mean": (mean, x.mean(axis=0)),
        "mean_min_max min": (low, x.min(axis=0)),
        "mean_min_max max": (high, x.max(axis=0)),
        "argmax": (kata.argmax(x, axis=1), x.argmax(axis=1)),
        "argmin": (kata.argmin(x, axis=1), x.argmin(axis=1)),
        "accuracy": (kata.accuracy(x, np.array([0, 1, 2])),
                     np.mean(x.argmax(axis=1) == [0, 1, 2])),
        "unique values": (values, [2, 7]),
        "unique indices": (indices, [0, 1, 0]),
        "rebuild": (kata.rebuild(np.array([5.0, 6.0], np.float32), np.array([1, 0])), [6, 5]),
    }
    for name, (result, expected) in results.items():
        assert isinstance(result, tf.Tensor), (
            f"{name}: expected a tf.Tensor, got {type(result).__name__} (NumPy's functions, "
            "float(...) or .numpy() give something else)")
        assert_array(result, expected, what=name)
