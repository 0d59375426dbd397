"""Tests for the tensor_creation kata (创建tensor): fills, seeded samples, paired shuffles."""

from __future__ import annotations

import math

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
    assert_shape,
    is_instance,
    to_numpy,
)

SAMPLE_SHAPE = (100, 100)
N = SAMPLE_SHAPE[0] * SAMPLE_SHAPE[1]
SIGMAS = 5  # every statistical check allows 5 standard errors: a false alarm is ~1 in 10^6

# Error messages are free-form: these patterns accept any message that names the problem.
NEGATIVE_SHAPE_MESSAGE = r"(?i)negative|>= ?0|non-?negative|dimension|shape"
MISMATCH_MESSAGE = r"(?i)rows|length|same|match|shape|size"

small_shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)


def _check_moments(sample: np.ndarray, mean: float, std: float, *, what: str) -> None:
    """Sample mean and standard deviation within SIGMAS standard errors of the truth.

    The standard error of the sample mean is std/sqrt(n); that of the sample standard
    deviation is about std/sqrt(2n) for a normal sample (the most tailed of the three
    distributions here, so the bound is generous for the others).
    """
    n = sample.size
    got_mean, got_std = float(sample.mean()), float(sample.std())
    mean_tol = SIGMAS * std / math.sqrt(n)
    std_tol = SIGMAS * std / math.sqrt(2 * n)
    assert abs(got_mean - mean) <= mean_tol, (
        f"{what}: sample mean {got_mean:.4f} is more than {SIGMAS} standard errors "
        f"({mean_tol:.4f}) from the expected {mean}"
    )
    assert abs(got_std - std) <= std_tol, (
        f"{what}: sample standard deviation {got_std:.4f} is more than {SIGMAS} standard "
        f"errors ({std_tol:.4f}) from the expected {std:.4f}"
    )


def _truncated_std(stddev: float, bound: float = 2.0) -> float:
    """Standard deviation of N(0, stddev**2) truncated to +-bound*stddev (closed form)."""
    pdf = math.exp(-bound**2 / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(bound / math.sqrt(2))  # P(|Z| < bound)
    return stddev * math.sqrt(1 - 2 * bound * pdf / mass)


# ---------------------------------------------------------------- zeros, ones, fill


def _assert_tensor(result, *, what: str) -> None:
    assert is_instance(result, tf.Tensor), (
        f"{what}: expected a tf.Tensor (the docstring promises a tensor), got "
        f"{type(result).__name__} (built with NumPy instead of tf.zeros/tf.ones/tf.fill?)")


@pytest.mark.parametrize("name, make", [
    ("zeros([2, 3])", lambda k: k.zeros([2, 3])),
    ("ones([2, 3], dtype=tf.int32)", lambda k: k.ones([2, 3], dtype=tf.int32)),
    ("fill([2, 3], 4)", lambda k: k.fill([2, 3], 4)),
])
def test_fills_are_tensors(kata, name, make):
    """Catches np.zeros/np.ones/np.full: the right numbers, but a NumPy array, not a tensor."""
    result = make(kata)
    _assert_tensor(result, what=name)
    assert_shape(result, (2, 3), what=name)



def test_zeros_are_float32_zeros_of_the_shape(kata):
    assert_array(kata.zeros([2, 3]), np.zeros((2, 3)), what="zeros([2, 3])", dtype=np.float32)


def test_ones_are_float32_ones_of_the_shape(kata):
    assert_array(kata.ones([3, 1, 2]), np.ones((3, 1, 2)), what="ones([3, 1, 2])",
                 dtype=np.float32)


def test_zeros_and_ones_honour_the_dtype(kata):
    """Catches a dtype argument that is accepted but ignored."""
    assert_array(kata.zeros([2], dtype=tf.int64), [0, 0], what="zeros([2], dtype=tf.int64)",
                 dtype=np.int64)
    assert_array(kata.ones([2, 2], dtype=tf.bool), np.ones((2, 2), bool),
                 what="ones([2, 2], dtype=tf.bool)", dtype=np.bool_)


def test_empty_shape_gives_a_scalar(kata):
    """Catches `[]` treated as 'one element' (shape (1,)) instead of a scalar."""
    assert_array(kata.zeros([]), np.float32(0), what="zeros([])", dtype=np.float32)
    assert_array(kata.fill([], 2.5), np.float32(2.5), what="fill([], 2.5)", dtype=np.float32)


def test_fill_repeats_the_value(kata):
    assert_array(kata.fill([2, 3], 0.5), np.full((2, 3), 0.5), what="fill([2, 3], 0.5)",
                 dtype=np.float32)


def test_fill_with_an_int_gives_int32(kata):
    """Catches ones(shape) * value, which makes every fill float32."""
    assert_array(kata.fill([4], 7), [7, 7, 7, 7], what="fill([4], 7)", dtype=np.int32)


@given(shape=small_shapes)
def test_fills_have_any_drawn_shape(kata, shape):
    assert_array(kata.zeros(list(shape)), np.zeros(shape), what=f"zeros({list(shape)})",
                 dtype=np.float32)
    assert_array(kata.ones(list(shape)), np.ones(shape), what=f"ones({list(shape)})",
                 dtype=np.float32)
    assert_array(kata.fill(list(shape), -3.0), np.full(shape, -3.0),
                 what=f"fill({list(shape)}, -3.0)", dtype=np.float32)


# ---------------------------------------------------------------- *_like

LIKE_INPUTS = {
    "an int32 tensor": tf.constant([[1, 2, 3], [4, 5, 6]], dtype=tf.int32),
    "a uint8 image array": np.full((2, 2, 3), 200, dtype=np.uint8),
    "a float64 array": np.linspace(-1, 1, 5),
    "a bool array": np.array([[True, False]]),
}


@pytest.mark.parametrize("name", list(LIKE_INPUTS))
def test_zeros_like_keeps_shape_and_dtype(kata, name):
    """Catches tf.zeros(x.shape), which keeps the shape but makes everything float32."""
    x = np.asarray(LIKE_INPUTS[name])
    assert_array(kata.zeros_like(LIKE_INPUTS[name]), np.zeros_like(x),
                 what=f"zeros_like({name} of shape {x.shape})", dtype=x.dtype)


@pytest.mark.parametrize("name", list(LIKE_INPUTS))
def test_ones_like_keeps_shape_and_dtype(kata, name):
    """Catches tf.ones(x.shape), which keeps the shape but makes everything float32."""
    x = np.asarray(LIKE_INPUTS[name])
    assert_array(kata.ones_like(LIKE_INPUTS[name]), np.ones_like(x),
                 what=f"ones_like({name} of shape {x.shape})", dtype=x.dtype)


# ---------------------------------------------------------------- bad shapes

MAKERS = {
    "zeros": lambda k, shape: k.zeros(shape),
    "ones": lambda k, shape: k.ones(shape),
    "fill": lambda k, shape: k.fill(shape, 1.0),
    "normal": lambda k, shape: k.normal(shape, seed=1),
    "truncated_normal": lambda k, shape: k.truncated_normal(shape, seed=1),
    "uniform": lambda k, shape: k.uniform(shape, seed=1),
}


@pytest.mark.parametrize("name", list(MAKERS))
def test_negative_dimension_raises_value_error(kata, name):
    with pytest.raises(ValueError, match=NEGATIVE_SHAPE_MESSAGE):
        MAKERS[name](kata, [2, -1])


# ---------------------------------------------------------------- random samples

SAMPLERS = {
    "normal": lambda k, seed: k.normal(SAMPLE_SHAPE, 1.0, 2.0, seed=seed),
    "truncated_normal": lambda k, seed: k.truncated_normal(SAMPLE_SHAPE, 1.0, 2.0, seed=seed),
    "uniform": lambda k, seed: k.uniform(SAMPLE_SHAPE, -1.0, 3.0, seed=seed),
}


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_samples_are_float32_of_the_shape(kata, name):
    sample = SAMPLERS[name](kata, 3)
    assert_shape(sample, SAMPLE_SHAPE, what=f"{name}({list(SAMPLE_SHAPE)}, seed=3)")
    assert_dtype(sample, np.float32, what=f"{name}({list(SAMPLE_SHAPE)}, seed=3)")


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_same_seed_gives_same_values_on_every_call(kata, name):
    """Catches tf.random.<dist>(shape, seed=s) in eager mode: it differs on each call."""
    first = to_numpy(SAMPLERS[name](kata, 42), what=f"{name}(..., seed=42), first call")
    tf.random.uniform([5])  # other random work in between
    tf.random.set_seed(7)  # and another global seed
    assert_array(SAMPLERS[name](kata, 42), first, exact=True,
                 what=f"{name}(..., seed=42) called again must repeat the first call's values")


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_different_seeds_give_different_values(kata, name):
    """Catches a seed that is accepted but ignored (a fixed seed inside the function)."""
    a = to_numpy(SAMPLERS[name](kata, 1), what=f"{name}(..., seed=1)")
    b = to_numpy(SAMPLERS[name](kata, 2), what=f"{name}(..., seed=2)")
    assert a.shape == b.shape == SAMPLE_SHAPE, f"{name}: expected shape {SAMPLE_SHAPE}"
    assert not np.array_equal(a, b), f"{name}: seeds 1 and 2 gave identical samples"


@pytest.mark.in_process  # reads TensorFlow's global random state of the kata's own process
@pytest.mark.parametrize("name", list(SAMPLERS))
def test_sampling_leaves_the_global_random_state_alone(kata, name):
    """Catches tf.random.set_seed(seed) inside the function: it reseeds everyone's randomness."""
    tf.random.set_seed(123)
    expected = tf.random.uniform([4]).numpy()
    tf.random.set_seed(123)
    to_numpy(SAMPLERS[name](kata, 5), what=f"{name}(..., seed=5)")
    assert_array(tf.random.uniform([4]), expected,
                 what=f"the global random stream after calling {name}(..., seed=5) "
                      "(the first draw after tf.random.set_seed(123))")


def test_normal_has_the_requested_mean_and_stddev(kata):
    """Catches mean and stddev swapped, or stddev used as the variance."""
    sample = to_numpy(kata.normal(SAMPLE_SHAPE, mean=3.0, stddev=0.5, seed=11))
    assert_shape(sample, SAMPLE_SHAPE, what="normal(shape, mean=3.0, stddev=0.5)")
    _check_moments(sample, 3.0, 0.5, what="normal(shape, mean=3.0, stddev=0.5)")
    sample = to_numpy(kata.normal(SAMPLE_SHAPE, mean=-1.0, stddev=2.0, seed=12))
    _check_moments(sample, -1.0, 2.0, what="normal(shape, mean=-1.0, stddev=2.0)")


def test_normal_defaults_to_the_standard_normal(kata):
    sample = to_numpy(kata.normal(SAMPLE_SHAPE, seed=13))
    assert_shape(sample, SAMPLE_SHAPE, what="normal(shape, seed=13)")
    _check_moments(sample, 0.0, 1.0, what="normal(shape, seed=13)")


def test_normal_tails_reach_beyond_two_stddev(kata):
    """Catches a truncated normal passed off as a normal one (about 4.6% lie beyond 2 sd)."""
    sample = to_numpy(kata.normal(SAMPLE_SHAPE, mean=0.0, stddev=1.0, seed=14))
    beyond = float(np.mean(np.abs(sample) > 2))
    assert 0.03 < beyond < 0.065, (
        f"normal: {beyond:.2%} of the samples lie beyond 2 stddev, expected about 4.55%")


def test_truncated_normal_stays_within_two_stddev_of_the_mean(kata):
    """Catches a plain normal, or truncation around 0 instead of around the mean."""
    sample = to_numpy(kata.truncated_normal(SAMPLE_SHAPE, mean=5.0, stddev=0.5, seed=21))
    assert_shape(sample, SAMPLE_SHAPE, what="truncated_normal(shape, mean=5.0, stddev=0.5)")
    low, high = sample.min(), sample.max()
    assert 4.0 - 1e-5 <= low and high <= 6.0 + 1e-5, (
        f"truncated_normal(mean=5, stddev=0.5): values must lie in [4, 6], got [{low}, {high}]")


def test_truncated_normal_has_the_truncated_spread(kata):
    """Catches clipping a normal to +-2 stddev (values pile up at the bounds, spread ~0.96 sd)
    instead of redrawing (spread ~0.88 sd)."""
    sample = to_numpy(kata.truncated_normal(SAMPLE_SHAPE, mean=-2.0, stddev=3.0, seed=22))
    assert_shape(sample, SAMPLE_SHAPE, what="truncated_normal(shape, mean=-2.0, stddev=3.0)")
    _check_moments(sample, -2.0, _truncated_std(3.0),
                   what="truncated_normal(shape, mean=-2.0, stddev=3.0)")
    at_bounds = int(np.sum(np.isclose(np.abs(sample + 2.0), 6.0, atol=1e-4)))
    assert at_bounds < 5, (
        f"truncated_normal: {at_bounds} values sit exactly on mean +- 2 stddev; out-of-range "
        "samples must be redrawn, not clipped")


def test_uniform_stays_in_its_interval_and_fills_it(kata):
    """Catches maxval taken as the width (minval + maxval * U), or a [0, 1) sample."""
    sample = to_numpy(kata.uniform(SAMPLE_SHAPE, minval=2.0, maxval=5.0, seed=31))
    assert_shape(sample, SAMPLE_SHAPE, what="uniform(shape, minval=2.0, maxval=5.0)")
    low, high = float(sample.min()), float(sample.max())
    # float32 rounding of 2 + 3u may land on 5 itself, rarely: still a correct sampler.
    assert 2.0 <= low and high <= 5.0, (
        f"uniform(minval=2, maxval=5): values must lie in [2, 5), got [{low}, {high}]")
    assert low < 2.01 and high > 4.99, (
        f"uniform(minval=2, maxval=5): {N} samples should reach both ends, got [{low}, {high}]")
    _check_moments(sample, 3.5, 3 / math.sqrt(12), what="uniform(shape, minval=2, maxval=5)")


def test_uniform_defaults_to_zero_one(kata):
    sample = to_numpy(kata.uniform(SAMPLE_SHAPE, seed=32))
    assert_shape(sample, SAMPLE_SHAPE, what="uniform(shape, seed=32)")
    _check_moments(sample, 0.5, 1 / math.sqrt(12), what="uniform(shape, seed=32)")
    assert sample.min() >= 0 and sample.max() < 1, "uniform(shape): values must lie in [0, 1)"


@pytest.mark.parametrize("name", ["normal", "truncated_normal"])
def test_negative_stddev_raises_value_error(kata, name):
    with pytest.raises(ValueError, match=r"(?i)stddev|standard deviation"):
        getattr(kata, name)([3], 0.0, -1.0, seed=1)


@pytest.mark.parametrize("name", ["normal", "truncated_normal"])
def test_zero_stddev_gives_the_mean_everywhere(kata, name):
    """Only a negative stddev is refused: catches `stddev <= 0` refusing a valid 0."""
    assert_array(getattr(kata, name)([2, 3], 1.5, 0.0, seed=1), np.full((2, 3), 1.5),
                 what=f"{name}([2, 3], mean=1.5, stddev=0.0) (every sample is the mean; "
                      "0 is a valid stddev, only a negative one raises)", dtype=np.float32)


@pytest.mark.parametrize("minval, maxval", [(1.0, 1.0), (5.0, 2.0)])
def test_uniform_with_an_empty_interval_raises_value_error(kata, minval, maxval):
    """TensorFlow's float sampler does not check this: it returns numbers anyway."""
    with pytest.raises(ValueError, match=r"(?i)minval|maxval|interval"):
        kata.uniform([3], minval, maxval, seed=1)


@given(shape=small_shapes, seed=st.integers(0, 2**31 - 1))
def test_samples_have_any_drawn_shape(kata, shape, seed):
    for name in ("normal", "truncated_normal", "uniform"):
        what = f"{name}({list(shape)}, seed={seed})"
        sample = assert_dtype(getattr(kata, name)(list(shape), seed=seed), np.float32, what=what)
        assert_shape(sample, shape, what=what)
        assert np.all(np.isfinite(sample)), f"{what}: values must be finite"


# ---------------------------------------------------------------- shuffling pairs


def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Row i of x is a 2x3 'image' filled with i (plus 0.5), and its label y[i] is i."""
    x = (np.arange(n, dtype=np.float32)[:, None, None] + np.zeros((1, 2, 3), np.float32)) + 0.5
    y = np.arange(n, dtype=np.int64)
    return x, y


def _check_shuffled_pairs(result, x: np.ndarray, y: np.ndarray, *, what: str):
    assert isinstance(result, tuple) and len(result) == 2, (
        f"{what}: expected a tuple (x_shuffled, y_shuffled), got {type(result).__name__}"
        + (f" of length {len(result)}" if isinstance(result, list | tuple) else ""))
    xs = assert_dtype(result[0], x.dtype, what=f"{what}: x_shuffled")
    ys = assert_dtype(result[1], y.dtype, what=f"{what}: y_shuffled")
    assert_shape(xs, x.shape, what=f"{what}: x_shuffled")
    assert_shape(ys, y.shape, what=f"{what}: y_shuffled")
    assert_array(np.sort(ys), np.sort(y), what=f"{what}: sorted y_shuffled (a permutation of y)")
    # Each shuffled row of x must be the original row of its own label (y[i] == i here).
    assert_array(xs, x[ys], what=f"{what}: x_shuffled, row by row, against the rows its labels "
                                 "name (pairs broken: x and y shuffled in different orders?)")
    return xs, ys


def test_shuffle_keeps_every_pair_together(kata):
    """Catches shuffling x and y separately: the pairs no longer match."""
    x, y = _pairs(50)
    _check_shuffled_pairs(kata.shuffle_together(x, y, seed=3), x, y,
                          what="shuffle_together(x, y, seed=3)")


def test_shuffle_actually_shuffles(kata):
    """Catches returning the inputs unchanged (pairs intact, but nothing shuffled)."""
    x, y = _pairs(100)
    _, ys = _check_shuffled_pairs(kata.shuffle_together(x, y, seed=4), x, y,
                                  what="shuffle_together(x, y, seed=4) for 100 rows")
    moved = int(np.sum(ys != y))
    assert moved > 50, f"shuffle_together: only {moved} of 100 rows moved; expected most to move"


def test_shuffle_is_repeatable_with_the_same_seed(kata):
    """Catches tf.random.shuffle(idx, seed=s) in eager mode: a new order on every call."""
    x, y = _pairs(30)
    _, first = _check_shuffled_pairs(kata.shuffle_together(x, y, seed=9), x, y,
                                     what="shuffle_together(x, y, seed=9)")
    tf.random.uniform([3])
    again = kata.shuffle_together(x, y, seed=9)
    assert_array(again[1], first,
                 what="shuffle_together(x, y, seed=9) called again must give the same order")
    other = to_numpy(kata.shuffle_together(x, y, seed=10)[1])
    assert not np.array_equal(other, first), "seeds 9 and 10 gave the same order"


def test_shuffle_accepts_tensors_and_keeps_dtypes(kata):
    x = tf.constant([[1, 1], [2, 2], [3, 3], [4, 4]], dtype=tf.int32)
    y = tf.constant([10.0, 20.0, 30.0, 40.0], dtype=tf.float64)
    result = kata.shuffle_together(x, y, seed=0)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"expected a tuple (x_shuffled, y_shuffled), got {type(result).__name__}")
    xs = assert_dtype(result[0], np.int32, what="x_shuffled of an int32 tensor")
    ys = assert_dtype(result[1], np.float64, what="y_shuffled of a float64 tensor")
    assert_array(ys, xs[:, 0] * 10.0, what="y_shuffled against x_shuffled's rows (pairs)")
    assert_array(np.sort(ys), [10.0, 20.0, 30.0, 40.0], what="sorted y_shuffled")


@given(n=st.integers(1, 20), extra=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
       seed=st.integers(0, 1000))
def test_shuffle_keeps_pairs_for_drawn_shapes(kata, n, extra, seed):
    x = np.arange(n, dtype=np.float32).reshape((n,) + (1,) * len(extra)) + np.zeros(extra)
    x = x.astype(np.float32)
    y = np.arange(n, dtype=np.int32)
    _check_shuffled_pairs(kata.shuffle_together(x, y, seed=seed), x, y,
                          what=f"shuffle_together(x of shape {x.shape}, y of shape {y.shape})")


@pytest.mark.parametrize("n_x, n_y", [(5, 4), (4, 5)])
def test_shuffle_with_mismatched_lengths_raises_value_error(kata, n_x, n_y):
    """Catches no check at all: gathering the shorter array with the longer one's indices
    fails with InvalidArgumentError, or silently drops rows."""
    x, _ = _pairs(n_x)
    with pytest.raises(ValueError, match=MISMATCH_MESSAGE):
        kata.shuffle_together(x, np.arange(n_y), seed=0)


def test_shuffle_of_scalars_raises_value_error(kata):
    with pytest.raises(ValueError, match=r"(?i)row|axis|scalar|shape|dimension|rank"):
        kata.shuffle_together(np.float32(1.0), np.float32(2.0), seed=0)


@pytest.mark.parametrize("x_scalar", [False, True])
def test_shuffle_with_one_scalar_raises_value_error(kata, x_scalar):
    """Catches a rank check on x alone: a scalar y has no rows either."""
    rows, scalar = np.arange(3, dtype=np.float32), np.float32(1.0)
    x, y = (scalar, rows) if x_scalar else (rows, scalar)
    with assert_raises(ValueError, match=r"(?i)row|axis|scalar|shape|dimension|rank"):
        kata.shuffle_together(x, y, seed=0)


@pytest.mark.in_process  # grading passes copies: only a local run sees the caller's arrays
def test_shuffle_leaves_its_inputs_alone(kata):
    """Catches shuffling the caller's arrays in place (np.random.shuffle(x))."""
    x, y = _pairs(20)
    x_before, y_before = x.copy(), y.copy()
    _check_shuffled_pairs(kata.shuffle_together(x, y, seed=5), x_before, y_before,
                          what="shuffle_together(x, y, seed=5)")
    assert_array(x, x_before, what="x after shuffle_together(x, y) (it must not be modified)")
    assert_array(y, y_before, what="y after shuffle_together(x, y) (it must not be modified)")
