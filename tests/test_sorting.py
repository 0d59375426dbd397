"""Tests for the sorting kata: sort, argsort, top_k, top-k accuracy.

Oracles: `np.sort`, `np.take_along_axis` (argsort is right when it sorts x, whatever order
it gives to ties), `np.argsort` on distinct values, a rank count for top-k accuracy, and the
notes' worked examples (50 %, 100 %, 100 %).
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_dtype, assert_raises, assert_shape, to_numpy

small_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
directions = st.sampled_from(["ASCENDING", "DESCENDING"])

MATRIX = np.array([[3, 1, 2], [0, 5, 4]], dtype=np.int32)


def _distinct(shape: tuple[int, ...], seed: int) -> np.ndarray:
    size = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(size).reshape(shape).astype(np.float32) - 5


def _with_ties(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 3, size=shape).astype(np.float32)


def _numpy_sort(x: np.ndarray, axis: int, direction: str) -> np.ndarray:
    ascending = np.sort(x, axis=axis)
    return ascending if direction == "ASCENDING" else np.flip(ascending, axis=axis)


# --- sort --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "expected"), [("ASCENDING", [1, 2, 3]), ("DESCENDING", [3, 2, 1])]
)
def test_sort_a_vector_in_both_directions(kata, direction, expected):
    assert_array(kata.sort(np.array([3, 1, 2], np.int32), direction=direction), expected,
                 dtype=np.int32, what=f"sort([3, 1, 2], direction={direction!r})")


def test_sort_defaults_to_ascending_along_the_last_axis(kata):
    """Each row on its own: not down the columns, not the flattened matrix."""
    assert_array(kata.sort(MATRIX), [[1, 2, 3], [0, 4, 5]], dtype=np.int32,
                 what="sort([[3, 1, 2], [0, 5, 4]])")


def test_sort_along_axis_0_sorts_each_column(kata):
    assert_array(kata.sort(MATRIX, axis=0, direction="DESCENDING"), [[3, 5, 4], [0, 1, 2]],
                 dtype=np.int32, what="sort([[3, 1, 2], [0, 5, 4]], axis=0, 'DESCENDING')")


@given(data=st.data(), shape=small_shapes, direction=directions, seed=st.integers(0, 99))
def test_sort_matches_numpy_for_any_shape_axis_and_direction(kata, data, shape, direction, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    x = _with_ties(shape, seed)
    assert_array(kata.sort(x, axis=axis, direction=direction), _numpy_sort(x, axis, direction),
                 dtype=np.float32,
                 what=f"sort(x of shape {shape}, axis={axis}, direction={direction!r})")


@pytest.mark.parametrize("name", ["sort", "argsort"])
@pytest.mark.parametrize("direction", ["descending", "DOWN", ""])
def test_sort_and_argsort_reject_an_unknown_direction(kata, name, direction):
    with assert_raises(ValueError, match="direction"):
        getattr(kata, name)(MATRIX, direction=direction)


@pytest.mark.parametrize("name", ["sort", "argsort"])
@pytest.mark.parametrize("axis", [2, -3])
def test_sort_and_argsort_reject_an_axis_out_of_range(kata, name, axis):
    with assert_raises(ValueError, match="axis"):
        getattr(kata, name)(MATRIX, axis=axis)


@pytest.mark.parametrize("name", ["sort", "argsort"])
def test_sort_and_argsort_reject_a_scalar_which_has_no_axis(kata, name):
    with assert_raises(ValueError, match="axis"):
        getattr(kata, name)(np.float32(3.0))


# --- argsort -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "expected"), [("ASCENDING", [1, 2, 0]), ("DESCENDING", [0, 2, 1])]
)
def test_argsort_returns_positions_not_values(kata, direction, expected):
    """The notes: DESCENDING gives [position of the largest, of the second largest, ...]."""
    assert_array(kata.argsort(np.array([30, 10, 20], np.float32), direction=direction),
                 expected, dtype="integer",
                 what=f"argsort([30, 10, 20], direction={direction!r})")


def test_argsort_orders_another_tensor_through_gather(kata):
    """The notes' 同理可与gather配合: names ranked by their scores, best first."""
    scores = np.array([0.2, 0.9, 0.5, 0.1], np.float32)
    names = np.array([10, 11, 12, 13], np.int32)
    order = to_numpy(kata.argsort(scores, direction="DESCENDING"), what="argsort(scores)")
    assert_array(names[order], [11, 12, 10, 13], what="names gathered at argsort(scores, "
                 "direction='DESCENDING')")


@given(data=st.data(), shape=small_shapes, direction=directions, seed=st.integers(0, 99))
def test_argsort_sorts_x_along_any_axis_in_any_direction(kata, data, shape, direction, seed):
    """Ties may come in any order: x taken at the positions must be sorted, and the positions
    along the axis must be a permutation."""
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    x = _with_ties(shape, seed)
    what = f"argsort(x of shape {shape}, axis={axis}, direction={direction!r})"
    order = assert_shape(kata.argsort(x, axis=axis, direction=direction), shape, what=what)
    assert_dtype(order, "integer", what=what)
    positions = np.arange(shape[axis]).reshape([-1] + [1] * (len(shape) - 1 - axis % len(shape)))
    assert_array(np.sort(order, axis=axis), np.broadcast_to(positions, shape),
                 what=f"{what}, sorted along the axis (each position exactly once)")
    assert_array(np.take_along_axis(x, order, axis=axis), _numpy_sort(x, axis, direction),
                 what=f"x taken at {what}")


# --- top_k -------------------------------------------------------------------------------


def test_top_k_the_two_largest_largest_first_with_their_indices(kata):
    """Catches the k smallest, an unsorted result, and values and indices swapped."""
    values, indices = kata.top_k(np.array([[1, 3, 2, 5, 4]], np.float32), 2)
    assert_array(values, [[5.0, 4.0]], dtype=np.float32,
                 what="top_k([[1, 3, 2, 5, 4]], 2) values (the k smallest, or (indices, values) "
                 "returned in the wrong order?)")
    assert_array(indices, [[3, 4]], dtype="integer", what="top_k([[1, 3, 2, 5, 4]], 2) indices")


def test_top_k_works_along_the_last_axis_of_each_row(kata):
    values, indices = kata.top_k(MATRIX, 1)
    assert_array(values, [[3], [5]], dtype=np.int32, what="top_k([[3, 1, 2], [0, 5, 4]], 1)")
    assert_array(indices, [[0], [1]], dtype="integer",
                 what="top_k([[3, 1, 2], [0, 5, 4]], 1) indices")


@given(data=st.data(), shape=small_shapes, seed=st.integers(0, 99))
def test_top_k_matches_numpy_for_any_shape_and_k(kata, data, shape, seed):
    k = data.draw(st.integers(0, shape[-1]), label="k")
    x = _distinct(shape, seed)
    order = np.argsort(-x, axis=-1)[..., :k]
    values, indices = kata.top_k(x, k)
    what = f"top_k(x of shape {shape}, {k})"
    assert_array(values, np.take_along_axis(x, order, axis=-1), dtype=np.float32,
                 what=f"{what} values")
    assert_array(indices, order, dtype="integer", what=f"{what} indices")


@pytest.mark.parametrize("k", [4, -1], ids=["larger-than-the-axis", "negative"])
def test_top_k_rejects_k_outside_the_last_axis(kata, k):
    with assert_raises(ValueError, match=r"\bk\b"):
        kata.top_k(MATRIX, k)


def test_top_k_rejects_a_scalar(kata):
    with assert_raises(ValueError, match="rank"):
        kata.top_k(np.float32(1.0), 1)


# --- top_k_accuracy ----------------------------------------------------------------------

PROB = np.array([[0.1, 0.2, 0.7], [0.2, 0.7, 0.1]], dtype=np.float32)
TARGET = np.array([2, 0], dtype=np.int32)


def test_top_k_accuracy_the_notes_example_is_50_100_100(kata):
    """Sample 2's label 0 is its second-best class: right for k = 2 and 3, wrong for k = 1."""
    assert_array(kata.top_k_accuracy(PROB, TARGET, ks=(1, 2, 3)), [0.5, 1.0, 1.0],
                 dtype="float",
                 what="top_k_accuracy(the notes' prob, target [2, 0], ks=(1, 2, 3)): 50 %, 100 %, "
                 "100 % (hits averaged over n*k instead of per sample, or only the k-th guess "
                 "counted?)")


def test_top_k_accuracy_the_notes_single_prediction_is_0_100_100(kata):
    """prob [0.1, 0.2, 0.3, 0.4], true class 2: class 2 is second-best."""
    prob = np.array([[0.1, 0.2, 0.3, 0.4]], dtype=np.float32)
    assert_array(kata.top_k_accuracy(prob, np.array([2], np.int64), ks=[1, 2, 3]),
                 [0.0, 1.0, 1.0], dtype="float",
                 what="top_k_accuracy([[0.1, 0.2, 0.3, 0.4]], [2], ks=[1, 2, 3])")


def test_top_k_accuracy_defaults_to_top_1(kata):
    assert_array(kata.top_k_accuracy(PROB, TARGET), [0.5], dtype="float",
                 what="top_k_accuracy(the notes' prob, target [2, 0])")


@given(n=st.integers(1, 6), classes=st.integers(1, 5), seed=st.integers(0, 99), data=st.data())
def test_top_k_accuracy_matches_a_rank_count(kata, n, classes, seed, data):
    """A label is in the top k when fewer than k classes score higher than it."""
    ks = data.draw(st.lists(st.integers(1, classes), min_size=1, max_size=3), label="ks")
    scores = _distinct((n, classes), seed)
    labels = np.random.default_rng(seed).integers(0, classes, size=n).astype(np.int32)
    higher = (scores > scores[np.arange(n), labels][:, None]).sum(axis=1)
    expected = [float(np.mean(higher < k)) for k in ks]
    assert_array(kata.top_k_accuracy(scores, labels, ks=ks), expected, dtype="float",
                 what=f"top_k_accuracy(scores {scores.shape}, labels {labels.tolist()}, ks={ks})")


@pytest.mark.parametrize("ks", [(0,), (1, 4), ()], ids=["zero", "more-than-classes", "none"])
def test_top_k_accuracy_rejects_k_outside_1_to_classes(kata, ks):
    with assert_raises(ValueError, match=r"\bk\b"):
        kata.top_k_accuracy(PROB, TARGET, ks=ks)


@pytest.mark.parametrize("labels", [[2, 3], [-1, 0]], ids=["too-big", "negative"])
def test_top_k_accuracy_rejects_a_label_that_is_no_class(kata, labels):
    with assert_raises(ValueError, match="label"):
        kata.top_k_accuracy(PROB, np.array(labels, np.int32), ks=(1,))


@pytest.mark.parametrize(
    ("scores_shape", "labels_shape"),
    [((2, 3), (3,)), ((2, 3), (2, 1)), ((3,), (1,)), ((0, 3), (0,)), ((1, 2, 3), (1,))],
    ids=["labels-too-long", "labels-as-a-column", "scores-1d", "no-rows", "scores-3d"],
)
def test_top_k_accuracy_rejects_shapes_that_do_not_fit(kata, scores_shape, labels_shape):
    with assert_raises(ValueError, match="shape"):
        kata.top_k_accuracy(np.ones(scores_shape, np.float32), np.zeros(labels_shape, np.int32))


# --- all ---------------------------------------------------------------------------------


def test_results_are_tensorflow_tensors_and_top_k_a_tuple(kata):
    """The docstrings promise tf.Tensors (np.sort gives an array) and top_k the tuple."""
    x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], np.float32)
    pair = kata.top_k(x, 2)
    assert isinstance(pair, tuple) and len(pair) == 2, (
        f"top_k(x, 2): expected a tuple (values, indices), got {type(pair).__name__}")
    results = {
        "sort": (kata.sort(x, direction="DESCENDING"), -np.sort(-x, axis=-1)),
        "argsort": (kata.argsort(x), np.argsort(x, axis=-1)),
        "top_k values": (pair[0], [[3.0, 2.0], [5.0, 4.0]]),
        "top_k indices": (pair[1], [[0, 2], [1, 2]]),
        "top_k_accuracy": (kata.top_k_accuracy(x, np.array([2, 1]), ks=(1, 2)), [0.5, 1.0]),
    }
    for name, (result, expected) in results.items():
        assert isinstance(result, tf.Tensor), (
            f"{name}: expected a tf.Tensor, got {type(result).__name__} (np.sort, np.argsort "
            "or .numpy() give NumPy arrays)")
        assert_array(result, expected, what=name)
