"""Tests for the broadcasting kata (Broadcasting): the rule by hand, broadcast_to, tiling, bias."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_no_ops, assert_raises

# The oracle, kept before any test replaces the library functions with ones that fail.
NP_BROADCAST_SHAPES = np.broadcast_shapes

# What broadcast_shape must not call, and where each lives.
BUILT_INS = {
    "np.broadcast_shapes": (np, "broadcast_shapes"),
    "np.broadcast": (np, "broadcast"),
    "np.broadcast_arrays": (np, "broadcast_arrays"),
    "np.broadcast_to": (np, "broadcast_to"),
    "tf.broadcast_static_shape": (tf, "broadcast_static_shape"),
    "tf.broadcast_dynamic_shape": (tf, "broadcast_dynamic_shape"),
    "tf.broadcast_to": (tf, "broadcast_to"),
}


def _arange(shape: tuple[int, ...], dtype=np.int32) -> np.ndarray:
    """Distinct values 1, 2, 3, ... so that any element out of place shows."""
    return np.arange(1, math.prod(shape) + 1, dtype=dtype).reshape(shape)


def _shape_pattern(sizes) -> str:
    """A regex for the sizes written as a Python list or tuple: [2, 3] or (2, 3), (4,) or [4]."""
    return r"[\[(]" + r",\s*".join(str(int(d)) for d in sizes) + r",?[\])]"


def _assert_shape_tuple(result, expected: tuple[int, ...], *, what: str) -> None:
    assert isinstance(result, tuple), f"{what}: expected a tuple, got {type(result).__name__}"
    assert result == expected, f"{what}: expected {expected}, got {result}"
    assert all(type(d) is int for d in result), (
        f"{what}: expected a tuple of Python ints, got {[type(d).__name__ for d in result]} "
        "(NumPy integers from np.maximum or np.array: convert each with int())")


@st.composite
def incompatible_pairs(draw) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that broadcast everywhere except on one axis, counted from the right."""
    a, b = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=4,
                                                   min_side=1, max_side=4)).input_shapes
    k = draw(st.integers(1, min(len(a), len(b))), label="clashing axis from the right")
    m, n = draw(st.tuples(st.integers(2, 5), st.integers(2, 5)).filter(lambda t: t[0] != t[1]))
    a, b = list(a), list(b)
    a[-k], b[-k] = m, n
    return tuple(a), tuple(b)


@st.composite
def stretchable_to(draw, target: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to `target`: its last axes, each either 1 or target's size."""
    rank = draw(st.integers(0, len(target)))
    tail = target[len(target) - rank:]
    return tuple(draw(st.sampled_from([1, n])) for n in tail)


compatible_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4,
                                                     min_side=0, max_side=4)


# ---------------------------------------------------------------- broadcast_shape

COMPATIBLE = [
    ((4, 16, 16, 32), (32,), (4, 16, 16, 32)),  # the notes' bias on feature maps
    ((32,), (4, 16, 16, 32), (4, 16, 16, 32)),
    ((3, 5), (4, 3, 5), (4, 3, 5)),  # the notes' broadcast_to example
    ((3,), (2, 3), (2, 3)),  # aligned from the left, the 3 would meet the 2
    ((2, 1), (2,), (2, 2)),  # aligned from the left, this would be (2, 1)
    ((1, 3), (4, 1), (4, 3)),  # both stretch
    ((5, 1, 4), (3, 1), (5, 3, 4)),
    ((), (2, 3), (2, 3)),  # a scalar
    ((2, 3), (), (2, 3)),
    ((0,), (1,), (0,)),  # a size-1 axis stretches to 0; max(0, 1) would say 1
    ((1, 0), (3, 1), (3, 0)),
]


@pytest.mark.parametrize(("a", "b", "expected"), COMPATIBLE)
def test_broadcast_shape_aligns_from_the_right(kata, a, b, expected):
    _assert_shape_tuple(kata.broadcast_shape(a, b), expected, what=f"broadcast_shape({a}, {b})")


def test_broadcast_shape_takes_lists(kata):
    _assert_shape_tuple(kata.broadcast_shape([4, 1, 5], [3, 1]), (4, 3, 5),
                        what="broadcast_shape([4, 1, 5], [3, 1])")


INCOMPATIBLE = [
    ((2, 3), (4,)),
    ((4, 3), (4,)),  # aligned from the left, the 4s would match
    ((2, 3), (3, 2)),
    ((0,), (3,)),  # 0 is not 1: it does not stretch
    ((4, 16, 16, 32), (16,)),
    ((5, 2, 1), (3, 1, 1)),
]


@pytest.mark.parametrize(("a", "b"), INCOMPATIBLE)
def test_broadcast_shape_rejects_clashing_sizes_naming_both_shapes(kata, a, b):
    with assert_raises(ValueError, match=_shape_pattern(a)) as info:
        kata.broadcast_shape(a, b)
    assert re.search(_shape_pattern(b), str(info.value)), (
        f"broadcast_shape({a}, {b}): the ValueError message should show {b} too, "
        f"got: {info.value}"
    )


@pytest.mark.parametrize(("a", "b"), [((-1, 3), (3,)), ((3,), (-1, 3))],
                         ids=["in-a", "in-b"])
def test_broadcast_shape_rejects_negative_sizes(kata, a, b):
    """Either shape: checking only the first lets (3,) with (-1, 3) give (-1, 3)."""
    with assert_raises(ValueError):
        kata.broadcast_shape(a, b)


@given(pair=compatible_pairs)
def test_broadcast_shape_matches_numpy_on_drawn_compatible_pairs(kata, pair):
    a, b = pair.input_shapes
    expected = NP_BROADCAST_SHAPES(a, b)
    _assert_shape_tuple(kata.broadcast_shape(a, b), expected, what=f"broadcast_shape({a}, {b})")
    _assert_shape_tuple(kata.broadcast_shape(b, a), expected, what=f"broadcast_shape({b}, {a})")


@given(pair=incompatible_pairs())
def test_broadcast_shape_rejects_drawn_incompatible_pairs(kata, pair):
    a, b = pair
    with pytest.raises(ValueError):
        NP_BROADCAST_SHAPES(a, b)  # the oracle agrees they clash
    with assert_raises(ValueError, match=_shape_pattern(a)):
        kata.broadcast_shape(a, b)


@pytest.mark.in_process  # patches NumPy and TensorFlow in the kata's own process
def test_broadcast_shape_is_written_by_hand(kata, monkeypatch):
    """Catches delegating the rule to np.broadcast_shapes or tf.broadcast_static_shape."""
    originals = {id(getattr(owner, name)): label for label, (owner, name) in BUILT_INS.items()}

    def forbidden(label: str):
        def fail(*args, **kwargs):
            raise AssertionError(
                f"broadcast_shape must apply the rule by hand, but it called {label}: align "
                "the shapes from the right, pad with 1s, compare sizes axis by axis"
            )
        return fail

    for label, (owner, name) in BUILT_INS.items():
        monkeypatch.setattr(owner, name, forbidden(label))
    for attr, value in list(vars(kata).items()):  # `from numpy import broadcast_shapes`
        if id(value) in originals:
            monkeypatch.setattr(kata, attr, forbidden(originals[id(value)]))
    _assert_shape_tuple(kata.broadcast_shape((5, 1, 4), (3, 1)), (5, 3, 4),
                        what="broadcast_shape((5, 1, 4), (3, 1))")
    with pytest.raises(ValueError):
        kata.broadcast_shape((4, 3), (4,))


# ---------------------------------------------------------------- broadcast_to


def test_broadcast_to_stacks_copies_along_a_new_axis(kata):
    """The notes' [3, 5] -> [4, 3, 5]."""
    a = _arange((3, 5))
    assert_array(kata.broadcast_to(a, [4, 3, 5]), np.broadcast_to(a, (4, 3, 5)),
                 what="broadcast_to(a of shape (3, 5), [4, 3, 5])", dtype=np.int32)


def test_broadcast_to_stretches_a_column_along_the_rows(kata):
    col = tf.constant([[1.0], [2.0], [3.0]])
    assert_array(kata.broadcast_to(col, (3, 4)), [[1.0] * 4, [2.0] * 4, [3.0] * 4],
                 what="broadcast_to([[1.], [2.], [3.]], (3, 4))", dtype=np.float32)


@given(data=st.data(), target=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1,
                                                max_side=4))
def test_broadcast_to_matches_numpy_on_drawn_shapes(kata, data, target):
    shape = data.draw(stretchable_to(target), label="x shape")
    x = _arange(shape, dtype=np.int64)
    assert_array(kata.broadcast_to(x, list(target)), np.broadcast_to(x, target),
                 what=f"broadcast_to(x of shape {shape}, {list(target)})", dtype=np.int64)


@pytest.mark.parametrize(
    ("shape", "target"),
    [
        ((3, 1), (1, 5)),  # the broadcast of both would be (3, 5): only x may stretch
        ((3,), (3, 4)),  # aligned from the right, 3 meets 4
        ((2, 3), (3,)),  # x has more axes than the target
        ((1, 3, 4), (2, 3, 12)),  # 4 -> 12 is tiling, not broadcasting
    ],
)
def test_broadcast_to_rejects_what_cannot_stretch(kata, shape, target):
    """Catches passing the shapes on to tf.broadcast_to, which raises InvalidArgumentError."""
    with assert_raises(ValueError, match=_shape_pattern(target)):
        kata.broadcast_to(np.zeros(shape, np.float32), target)


# ---------------------------------------------------------------- tile_multiples


def test_tile_multiples_of_the_notes_example(kata):
    """ERRATA: [1, 3, 4] -> [2, 3, 12] takes multiples [2, 1, 3], not 'third dimension 4 times'."""
    multiples = kata.tile_multiples([1, 3, 4], [2, 3, 12])
    _assert_shape_tuple(multiples, (2, 1, 3), what="tile_multiples([1, 3, 4], [2, 3, 12])")
    assert np.tile(np.zeros((1, 3, 4)), multiples).shape == (2, 3, 12)


def test_tile_multiples_grow_sizes_that_broadcasting_cannot(kata):
    """Tiling grows any size by a whole multiple; broadcast_to only stretches sizes of 1."""
    _assert_shape_tuple(kata.tile_multiples((2, 3), (4, 9)), (2, 3),
                        what="tile_multiples((2, 3), (4, 9))")
    with pytest.raises(ValueError):
        kata.broadcast_to(np.zeros((2, 3)), (4, 9))


@given(x_shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3), data=st.data())
def test_tile_multiples_agree_with_np_tile_on_drawn_shapes(kata, x_shape, data):
    drawn = data.draw(st.lists(st.integers(0, 3), min_size=len(x_shape),
                               max_size=len(x_shape)), label="multiples")
    target = np.tile(np.zeros(x_shape), drawn).shape
    multiples = kata.tile_multiples(x_shape, target)
    _assert_shape_tuple(multiples, tuple(drawn), what=f"tile_multiples({x_shape}, {target})")


@pytest.mark.parametrize(
    ("x_shape", "shape"),
    [((2, 3), (3, 3)), ((3,), (2, 3)), ((1, 3, 4), (2, 12)), ((0, 3), (0, 3)),
     ((2, 3), (-2, 3))],
)
def test_tile_multiples_rejects_shapes_tiling_cannot_reach(kata, x_shape, shape):
    with assert_raises(ValueError, match=_shape_pattern(shape)):
        kata.tile_multiples(x_shape, shape)


# ---------------------------------------------------------------- broadcast_by_tiling


def test_broadcast_by_tiling_equals_broadcast_to(kata):
    x = _arange((3, 1))
    assert_array(kata.broadcast_by_tiling(x, [2, 3, 4]), np.broadcast_to(x, (2, 3, 4)),
                 what="broadcast_by_tiling(x of shape (3, 1), [2, 3, 4])", dtype=np.int32)


@given(data=st.data(), target=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1,
                                                max_side=4))
def test_broadcast_by_tiling_matches_numpy_on_drawn_shapes(kata, data, target):
    shape = data.draw(stretchable_to(target), label="x shape")
    x = _arange(shape, dtype=np.float32)
    assert_array(kata.broadcast_by_tiling(x, list(target)), np.broadcast_to(x, target),
                 what=f"broadcast_by_tiling(x of shape {shape}, {list(target)})",
                 dtype=np.float32)


def test_broadcast_by_tiling_uses_no_broadcast_to(kata):
    """Catches tf.broadcast_to (or a helper built on it) where tf.tile was asked for."""
    x = tf.constant(_arange((3, 1), dtype=np.float32))
    assert_no_ops(kata.broadcast_by_tiling, (x, [2, 3, 4]),
                  {"BroadcastTo": "tf.reshape to the target's rank, then tf.tile"},
                  what="broadcast_by_tiling")
    assert_array(kata.broadcast_by_tiling(x, [2, 3, 4]),
                 np.broadcast_to(np.asarray(x), (2, 3, 4)),
                 what="broadcast_by_tiling(x of shape (3, 1), [2, 3, 4])", dtype=np.float32)


@pytest.mark.parametrize(
    ("shape", "target"), [((1, 3, 4), (2, 3, 12)), ((3, 1), (1, 5)), ((3,), (3, 4))],
)
def test_broadcast_by_tiling_refuses_what_broadcasting_refuses(kata, shape, target):
    """Catches tiling [1, 3, 4] into [2, 3, 12]: possible, but not a broadcast of x."""
    with assert_raises(ValueError, match=_shape_pattern(target)):
        kata.broadcast_by_tiling(np.zeros(shape, np.float32), target)


# ---------------------------------------------------------------- add_bias


def test_add_bias_on_the_notes_feature_maps(kata):
    """The notes' [4, 16, 16, 32] + [32]: one bias per channel, the last axis."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 16, 16, 32)).astype(np.float32)
    b = rng.standard_normal(32).astype(np.float32)
    assert_array(kata.add_bias(a, b), a + b, what="add_bias(a of shape (4, 16, 16, 32), b (32,))",
                 dtype=np.float32)


def test_add_bias_adds_along_the_last_axis_of_a_square_batch(kata):
    """Catches the bias added per row (b[:, None]), which a square x does not reveal by shape."""
    x = np.zeros((3, 3), np.float32)
    b = np.array([1.0, 2.0, 3.0], np.float32)
    assert_array(kata.add_bias(x, b), [[1, 2, 3]] * 3, what="add_bias(zeros (3, 3), [1, 2, 3])",
                 dtype=np.float32)


def test_add_bias_completes_x_at_w_plus_b(kata):
    """The notes' x@w+b: a [2, 4] batch times a [4, 3] weight, plus a [3] bias."""
    x = _arange((2, 4), dtype=np.float32) / 8
    w = _arange((4, 3), dtype=np.float32) / 12
    b = np.array([0.5, -1.0, 2.0], np.float32)
    xw = tf.matmul(x, w)
    assert_array(kata.add_bias(xw, b), x @ w + b, what="add_bias(x @ w, b) for x (2, 4), w (4, 3)",
                 dtype=np.float32)


@pytest.mark.parametrize("dtype", [np.int32, np.float64])
def test_add_bias_keeps_the_dtype_of_x(kata, dtype):
    """An int32 or float64 x gives an int32 or float64 result: no cast to float32."""
    x = (_arange((2, 3), dtype=np.float64) / 3).astype(dtype)
    b = (np.array([1.0, 2.0, -3.0]) / 7).astype(dtype)
    assert_array(kata.add_bias(x, b), x + b, dtype=dtype, rtol=1e-12, atol=0,
                 what=f"add_bias({np.dtype(dtype).name} x (2, 3), b (3,)) (was it cast to "
                 "float32?)")


@pytest.mark.parametrize(
    ("x_shape", "b_shape"),
    [((2, 3), (3, 1)),  # x + b would silently be (3, 3)
     ((2, 3), (1,)),  # one number for every feature
     ((2, 3), (2,)),
     ((4, 16, 16, 32), (16,)),
     ((), (1,))],
)
def test_add_bias_rejects_a_bias_that_is_not_one_per_feature(kata, x_shape, b_shape):
    with assert_raises(ValueError, match=_shape_pattern(b_shape)):
        kata.add_bias(np.zeros(x_shape, np.float32), np.ones(b_shape, np.float32))



def test_tensor_results_are_tensorflow_tensors(kata):
    """The annotations promise tf.Tensor: np.broadcast_to or x.numpy() + b give NumPy arrays."""
    x = np.array([[1.0], [2.0]], np.float32)
    results = {
        "broadcast_to": (kata.broadcast_to(x, (2, 3)), np.broadcast_to(x, (2, 3))),
        "broadcast_by_tiling": (kata.broadcast_by_tiling(x, (2, 3)), np.broadcast_to(x, (2, 3))),
        "add_bias": (kata.add_bias(x, np.array([0.5], np.float32)), x + 0.5),
    }
    for name, (result, expected) in results.items():
        assert isinstance(result, tf.Tensor), (
            f"{name}: expected a tf.Tensor, got {type(result).__name__} (a NumPy function or "
            ".numpy() gives an array)")
        assert_array(result, expected, dtype=np.float32, what=name)
