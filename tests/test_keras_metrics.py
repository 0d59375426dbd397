"""Tests for the `keras_metrics` kata: Keras' Mean and Accuracy meters, and a running mean
by hand.

Oracles: NumPy means over the concatenated values (float64), counts of correct argmaxes
worked out here, and Keras' own `keras.metrics.Mean` run by the tests. The batches are
ragged on purpose (a last batch of 5 after batches of 32): there the mean of the batch
means, the classic wrong answer, differs from the mean of every value.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_raises, assert_scalar

RNG = np.random.default_rng(0)
# Per-example losses of three batches, the last one ragged; its values are larger, so the
# mean of batch means (which over-weights it) is far from the mean of every value.
RAGGED = [RNG.uniform(0, 1, 32), RNG.uniform(0, 1, 32), RNG.uniform(4, 5, 5)]


def cumulative_means(batches) -> np.ndarray:
    """Entry k: the mean of every value of batches 0..k, in float64."""
    return np.array([np.mean(np.concatenate([np.ravel(b) for b in batches[: k + 1]]))
                     for k in range(len(batches))])


def mean_of_means(batches) -> float:
    return float(np.mean([np.mean(b) for b in batches]))


def as_floats(values, what: str) -> np.ndarray:
    """A list of Python floats, as the docstrings promise."""
    assert isinstance(values, list), f"{what}: expected a list, got {type(values).__name__}"
    for value in values:
        assert type(value) is float, \
            f"{what}: expected Python floats (float(meter.result())), got {type(value).__name__}"
    return np.array(values)


# --- mean_meter ----------------------------------------------------------------------------


def test_mean_meter_is_the_mean_of_every_value_so_far(kata):
    got = as_floats(kata.mean_meter([np.array([1.0, 2.0, 3.0]), np.array([10.0])]),
                    "mean_meter([[1, 2, 3], [10]])")
    assert_array(got, [2.0, 4.0], what="mean_meter([[1, 2, 3], [10]]): the mean after each "
                 "batch (6.0 last is the mean of the batch means, 2 and 10)")


def test_mean_meter_on_a_ragged_last_batch(kata):
    got = as_floats(kata.mean_meter(RAGGED), "mean_meter(three batches)")
    expected = cumulative_means(RAGGED)
    assert abs(expected[-1] - mean_of_means(RAGGED)) > 0.5, "test data must tell them apart"
    assert_array(got, expected, rtol=1e-5, what="mean_meter on batches of 32, 32 and 5 values "
                 f"(the mean of batch means would end at {mean_of_means(RAGGED):.4f})")


@given(sizes=st.lists(st.integers(1, 6), min_size=1, max_size=5), data=st.data())
def test_mean_meter_on_any_batches(kata, sizes, data):
    batches = [data.draw(hnp.arrays(np.float32, (size,), elements=st.floats(-100, 100,
                                                                            width=32)))
               for size in sizes]
    got = as_floats(kata.mean_meter(batches), f"mean_meter on batches of sizes {sizes}")
    assert_array(got, cumulative_means(batches), rtol=1e-5, atol=1e-4,
                 what=f"mean_meter on batches of sizes {sizes}")


def test_mean_meter_takes_single_numbers(kata):
    got = as_floats(kata.mean_meter([np.arange(6.0), np.float32(20.0), 1]),
                    "mean_meter([[0..5], 20, 1])")
    assert_array(got, [2.5, 35.0 / 7, 36.0 / 8], rtol=1e-6,
                 what="mean_meter([[0, 1, 2, 3, 4, 5], 20, 1])")


@pytest.mark.parametrize("batches", [[], [np.array([1.0]), np.array([])],
                                     [np.ones((2, 3))]],
                         ids=["no batches", "an empty batch", "a 2-D batch"])
def test_mean_meter_rejects_nothing_to_average(kata, batches):
    with assert_raises(ValueError):
        kata.mean_meter(batches)


# --- accuracy_per_epoch --------------------------------------------------------------------


def batch(labels, predicted, classes=4, seed=0):
    """(labels, logits) whose argmax is `predicted`: random scores, the predicted one raised."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1, (len(labels), classes)).astype(np.float32)
    logits[np.arange(len(labels)), predicted] += 10.0
    return np.array(labels), logits


# Epoch 0: 30 of 32, then 1 of 4 right (31/36). Epoch 1: 8 of 32, then 4 of 4 (12/36).
LABELS = np.arange(32) % 4
EPOCHS = [
    [batch(LABELS, np.where(np.arange(32) < 30, LABELS, (LABELS + 1) % 4), seed=1),
     batch([0, 1, 2, 3], [0, 2, 3, 0], seed=2)],
    [batch(LABELS, np.where(np.arange(32) < 8, LABELS, (LABELS + 2) % 4), seed=3),
     batch([3, 2, 1, 0], [3, 2, 1, 0], seed=4)],
]


def test_accuracy_per_epoch_counts_each_epoch_alone(kata):
    """Catches a meter never reset (epoch 1 would be 43/72), one reset after every batch
    (1/4 and 4/4), the mean of batch accuracies (0.59 and 0.625) and argmax on axis 0."""
    got = as_floats(kata.accuracy_per_epoch(EPOCHS), "accuracy_per_epoch")
    assert_array(got, [31 / 36, 12 / 36], rtol=1e-6, what="accuracy_per_epoch over two epochs "
                 "of batches of 32 and 4 (43/72 for epoch 1 means the meter was not reset "
                 "between epochs)")


def test_accuracy_per_epoch_of_one_batch(kata):
    labels, logits = batch([2, 0, 1], [2, 1, 1], classes=3, seed=5)
    got = as_floats(kata.accuracy_per_epoch([[(labels, logits)]]), "accuracy_per_epoch")
    assert_array(got, [2 / 3], rtol=1e-6, what="accuracy of predictions [2, 1, 1] against "
                 "labels [2, 0, 1]")


def test_accuracy_per_epoch_takes_lists_and_tensors(kata):
    """The batches may be Python lists or tensors, not only NumPy arrays (convert them first:
    a list has no `.ndim` or `.shape`)."""
    labels, logits = batch([2, 0, 1, 1], [2, 1, 1, 0], classes=3, seed=6)
    epochs = [[(labels.tolist(), logits.tolist())],
              [(tf.constant(labels), tf.constant(logits)), (labels[:2].tolist(), logits[:2])]]
    got = as_floats(kata.accuracy_per_epoch(epochs), "accuracy_per_epoch")
    assert_array(got, [2 / 4, 3 / 6], rtol=1e-6, what="accuracy_per_epoch on labels and logits "
                 "given as Python lists (epoch 0) and as tensors and lists (epoch 1)")


@pytest.mark.parametrize("epochs", [
    [[]],
    [[(np.array([0, 1]), np.array([0.3, 0.7]))]],
    [[(np.array([0, 1, 1]), np.zeros((2, 3)))]],
], ids=["an epoch without batches", "1-D logits", "3 labels for 2 rows"])
def test_accuracy_per_epoch_rejects_bad_batches(kata, epochs):
    with assert_raises(ValueError):
        kata.accuracy_per_epoch(epochs)


# --- RunningMean ---------------------------------------------------------------------------


def keras_mean_after_each(batches) -> list[float]:
    """Keras' own answer, the oracle the hand-written meter must equal."""
    meter = keras.metrics.Mean()
    results = []
    for values in batches:
        meter.update_state(values)
        results.append(float(meter.result()))
    return results


def running_mean_after_each(meter, batches) -> np.ndarray:
    results = []
    for values in batches:
        assert meter.update_state(values) is None, "update_state returns None"
        results.append(meter.result())
    return as_floats(results, "RunningMean.result()")


def test_running_mean_equals_keras_mean_on_a_ragged_last_batch(kata):
    got = running_mean_after_each(kata.RunningMean(), RAGGED)
    assert_array(got, keras_mean_after_each(RAGGED), rtol=1e-5,
                 what="RunningMean after batches of 32, 32 and 5 values, against "
                 "keras.metrics.Mean")
    assert_array(got, cumulative_means(RAGGED), rtol=1e-6,
                 what="RunningMean after each batch: the mean of every value so far (the mean "
                 f"of batch means would end at {mean_of_means(RAGGED):.4f})")


@given(sizes=st.lists(st.integers(0, 6), min_size=1, max_size=5), data=st.data())
def test_running_mean_equals_keras_mean_on_any_batches(kata, sizes, data):
    """Empty batches included: they change nothing (a meter fed nothing answers 0.0)."""
    batches = [data.draw(hnp.arrays(np.float64, (size,), elements=st.floats(-100, 100)))
               for size in sizes]
    got = running_mean_after_each(kata.RunningMean(), batches)
    assert_array(got, keras_mean_after_each(batches), rtol=1e-5, atol=1e-4,
                 what=f"RunningMean against keras.metrics.Mean on batches of sizes {sizes}")


def test_running_mean_reset_forgets_everything(kata):
    meter = kata.RunningMean()
    assert_scalar(meter.result(), 0.0, what="RunningMean().result() before any update "
                  "(Keras' Mean answers 0.0)")
    meter.update_state(np.array([5.0, 7.0]))
    meter.update_state(np.array([9.0]))
    assert_scalar(meter.result(), 7.0, what="RunningMean after [5, 7] and [9]")
    assert meter.reset_state() is None, "reset_state returns None"
    assert_scalar(meter.result(), 0.0, what="RunningMean.result() right after reset_state()")
    meter.update_state(np.array([1.0, 2.0]))
    assert_scalar(meter.result(), 1.5, what="RunningMean after reset_state() then [1, 2] "
                  "(the values before the reset must not count, nor how many there were)")


def test_running_mean_takes_single_numbers_and_integers(kata):
    meter = kata.RunningMean()
    meter.update_state(3)
    meter.update_state(np.array([4, 8], dtype=np.int32))
    assert_scalar(meter.result(), 5.0, what="RunningMean after 3 then int32 [4, 8]")


def test_running_mean_takes_lists_and_tensors(kata):
    meter = kata.RunningMean()
    meter.update_state([1.0, 2.0])
    meter.update_state(tf.constant([3.0, 4.0, 5.0]))
    meter.update_state(tf.constant(15.0))
    assert_scalar(meter.result(), 5.0, what="RunningMean after the list [1, 2], the tensor "
                  "[3, 4, 5] and the 0-d tensor 15 (values may come as lists or tensors)")


def test_running_means_are_independent(kata):
    first, second = kata.RunningMean(), kata.RunningMean()
    first.update_state(np.array([1.0, 3.0]))
    second.update_state(np.array([10.0]))
    assert_scalar(first.result(), 2.0, what="a meter's mean must not include another "
                  "meter's values (state kept on the class instead of the instance?)")
    assert_scalar(second.result(), 10.0, what="the second meter's mean")


@pytest.mark.parametrize("values", [["a", "b"], None], ids=["strings", "None"])
def test_running_mean_rejects_values_that_are_not_numbers(kata, values):
    meter = kata.RunningMean()
    with assert_raises(TypeError):
        meter.update_state(values)


def test_running_mean_rejects_a_2d_batch(kata):
    """Keras 3's Mean would count a [2, 3] batch as 2 values (row means), not 6."""
    meter = kata.RunningMean()
    with assert_raises(ValueError):
        meter.update_state(np.ones((2, 3)))
