"""Tests for the `datasets` kata: from_tensor_slices, shuffle, map, batch, repeat, digits.

Oracles: the small arrays each test builds, compared element by element; the embedded
digits from `tf_katas.data.load_digits`.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tf_katas.data import load_digits
from tf_katas.testing import assert_array, assert_raises, assert_shape, is_instance

N = 10
# Image i is filled with 20 * i (+ 0..3 across its pixels), label i: the pair is recognisable.
X = (20 * np.arange(N)[:, None, None] + np.arange(4).reshape(1, 2, 2)).astype(np.uint8)
Y = np.arange(N, dtype=np.uint8)


def elements(dataset, what):
    if not is_instance(dataset, tf.data.Dataset):
        raise AssertionError(f"{what}: expected a tf.data.Dataset, got {type(dataset).__name__}")
    return [tuple(np.asarray(t) for t in element) for element in dataset]


def label_of(image):
    """The label X's construction pairs with this image (raw uint8 or scaled to [0, 1])."""
    image = np.asarray(image, np.float64)
    if image.max() <= 1.0:
        image = image * 255
    return int(round(image.flat[0] / 20))


def test_make_dataset_yields_x_y_pairs_in_order(kata):
    """A tuple (x[i], y[i]) per row: not from_tensors (one element), not x alone."""
    dataset = kata.make_dataset(X, Y.astype(np.int64))
    got = elements(dataset, "make_dataset(x, y)")
    assert len(got) == N, f"make_dataset: expected {N} elements (one per row), got {len(got)}"
    for i, element in enumerate(got):
        assert len(element) == 2, f"element {i}: expected a pair (x, y), got {len(element)} parts"
        assert_array(element[0], X[i], dtype=np.uint8, what=f"make_dataset element {i}: x")
        assert_array(element[1], i, dtype=np.int64, what=f"make_dataset element {i}: y")


@pytest.mark.parametrize(("n_x", "n_y"), [(3, 4), (4, 3)])
def test_make_dataset_rejects_arrays_of_different_lengths(kata, n_x, n_y):
    """Images against labels of another count: an error that names both counts."""
    with assert_raises(ValueError, match=rf"\b{n_x}\b.*\b{n_y}\b|\b{n_y}\b.*\b{n_x}\b"):
        kata.make_dataset(X[:n_x], Y[:n_y])


@pytest.mark.parametrize("scalar", ["x", "y"])
def test_make_dataset_rejects_a_scalar(kata, scalar):
    x, y = (np.uint8(7), Y) if scalar == "x" else (X, np.uint8(7))
    with assert_raises(ValueError):
        kata.make_dataset(x, y)


def test_shuffle_keeps_each_image_with_its_label(kata):
    """Shuffling x and y separately breaks the pairs; a buffer of 1 shuffles nothing."""
    got = elements(kata.shuffle_pairs(tf.data.Dataset.from_tensor_slices((X, Y)), N, seed=7),
                   "shuffle_pairs")
    labels = [int(y) for _, y in got]
    assert sorted(labels) == list(range(N)), \
        f"shuffle_pairs: expected each of the {N} examples once, got labels {labels}"
    for x, y in got:
        assert label_of(x) == int(y), f"shuffle_pairs separated a pair: image of {label_of(x)} " \
                                      f"came with label {int(y)}"
    assert labels != list(range(N)), "shuffle_pairs with a full buffer left the order unchanged"


def test_shuffle_is_repeatable_with_a_seed_and_reshuffles_each_pass(kata):
    base = tf.data.Dataset.from_tensor_slices((X, Y))
    first = kata.shuffle_pairs(base, N, seed=3)
    order = [int(y) for _, y in first]
    again = [int(y) for _, y in kata.shuffle_pairs(base, N, seed=3)]
    assert order == again, f"shuffle_pairs with seed 3 twice: orders {order} and {again}"
    second_pass = [int(y) for _, y in first]
    assert second_pass != order, \
        "a second pass over the shuffled dataset repeated the first order: each epoch reshuffles"


@pytest.mark.parametrize("buffer_size", [0, -5])
def test_shuffle_rejects_a_buffer_smaller_than_one(kata, buffer_size):
    with assert_raises(ValueError, match="buffer_size"):
        kata.shuffle_pairs(tf.data.Dataset.from_tensor_slices((X, Y)), buffer_size)


def test_preprocess_scales_by_255_and_one_hots_the_label(kata):
    """Divide by 255 (not by the image's own maximum, 200 here); one-hot with depth 10."""
    image = np.array([[0, 51], [102, 200]], np.uint8)
    x, y = kata.preprocess(tf.constant(image), tf.constant(3, tf.uint8))
    assert_array(x, image / 255.0, dtype=np.float32, what="preprocess: the image / 255")
    assert_array(y, np.eye(10)[3], dtype=np.float32, what="preprocess: label 3 one-hot")
    _, labels = kata.preprocess(tf.constant(image), tf.constant([2, 9], tf.int64))
    assert_array(labels, np.eye(10)[[2, 9]], dtype=np.float32,
                 what="preprocess: labels [2, 9] one-hot, shape [2, 10]")


def test_preprocess_runs_inside_dataset_map(kata):
    """Dataset.map traces the function: symbolic tensors, no .numpy(), a tuple back.

    The dataset comes from make_dataset, so that it is mapped where the kata runs (while
    grading, a function of the kata cannot be traced into a dataset of the tests).
    """
    dataset = kata.make_dataset(X, Y)
    try:
        dataset = dataset.map(kata.preprocess)
    except NotImplementedError:
        raise
    except Exception as err:  # raised while TensorFlow traced preprocess, not in the test
        raise AssertionError(
            "dataset.map(preprocess) failed while TensorFlow traced preprocess: inside map the "
            "tensors are symbolic (no .numpy(), no NumPy: TensorFlow ops only); "
            f"{type(err).__name__}: {str(err)[:300]}"
        ) from err
    for i, (x, y) in enumerate(elements(dataset, "dataset.map(preprocess)")):
        assert_array(x, X[i] / 255.0, dtype=np.float32, what=f"mapped element {i}: x")
        assert_array(y, np.eye(10)[i], dtype=np.float32, what=f"mapped element {i}: y")


def test_pipeline_batches_each_epoch_then_repeats(kata):
    """Batch, then repeat: sizes 4, 4, 2, 4, 4, 2 (repeat-then-batch gives five 4s)."""
    got = elements(kata.pipeline(X, Y, batch_size=4, epochs=2), "pipeline")
    sizes = [len(x) for x, _ in got]
    assert sizes == [4, 4, 2, 4, 4, 2], f"pipeline(n=10, batch 4, 2 epochs): batch sizes {sizes}"
    images = np.concatenate([x for x, _ in got])
    labels = np.concatenate([y for _, y in got])
    assert_array(images, np.concatenate([X, X]) / 255.0, dtype=np.float32,
                 what="pipeline images, 2 epochs in order, scaled to [0, 1]")
    assert_array(labels, np.eye(10)[np.concatenate([Y, Y])], dtype=np.float32,
                 what="pipeline labels, one-hot")


def test_pipeline_shuffles_before_repeating(kata):
    """Each epoch holds every example once, pairs intact, in a new order."""
    got = elements(kata.pipeline(X, Y, batch_size=4, shuffle_buffer=N, epochs=2, seed=5),
                   "pipeline with shuffling")
    assert [len(x) for x, _ in got] == [4, 4, 2, 4, 4, 2], \
        f"pipeline with shuffling: batch sizes {[len(x) for x, _ in got]}, expected 4,4,2,4,4,2"
    epochs = []
    for batches in (got[:3], got[3:]):
        images = np.concatenate([x for x, _ in batches])
        labels = np.concatenate([y for _, y in batches]).argmax(axis=1)
        assert sorted(labels.tolist()) == list(range(N)), \
            f"an epoch should hold each example exactly once, got labels {labels.tolist()}"
        for image, label in zip(images, labels, strict=True):
            assert label_of(image) == label, \
                f"pipeline separated a pair: image of {label_of(image)} with label {label}"
        epochs.append(labels.tolist())
    assert epochs[0] != list(range(N)), "pipeline with a shuffle buffer did not shuffle"
    assert epochs[0] != epochs[1], "both epochs came in the same order: reshuffle every epoch"


def test_pipeline_without_epochs_repeats_forever(kata):
    dataset = kata.pipeline(X[:4], Y[:4], batch_size=2, epochs=None)
    got = elements(dataset.take(7), "pipeline(epochs=None).take(7)")
    assert len(got) == 7, f"pipeline(epochs=None) should never run out; got {len(got)} batches"
    labels = np.concatenate([y for _, y in got]).argmax(axis=1)
    assert_array(labels, [0, 1, 2, 3] * 3 + [0, 1], what="labels of 7 endless batches")


@pytest.mark.parametrize(("arguments", "name"), [
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": -4}, "batch_size"),
    ({"batch_size": 2, "epochs": 0}, "epochs"),
    ({"batch_size": 2, "shuffle_buffer": 0}, "buffer_size"),
], ids=["batch-0", "batch-negative", "epochs-0", "shuffle-buffer-0"])
def test_pipeline_rejects_bad_sizes(kata, arguments, name):
    with assert_raises(ValueError, match=name):
        kata.pipeline(X, Y, **arguments)


def test_pipeline_rejects_images_and_labels_of_different_lengths(kata):
    with assert_raises(ValueError):
        kata.pipeline(X[:3], Y, batch_size=2)


def test_digits_datasets_rejects_a_bad_batch_size(kata):
    with assert_raises(ValueError, match="batch_size"):
        kata.digits_datasets(batch_size=0)


def test_digits_datasets_train_and_test(kata):
    """1347 shuffled training digits, 450 test digits in order, scaled and one-hot."""
    (x_train, y_train), (x_test, y_test) = load_digits(28)
    train, test = kata.digits_datasets(batch_size=128, seed=0)
    test_batches = elements(test, "digits_datasets test set")
    for x, y in test_batches[:1]:
        assert_shape(x, (128, 28, 28), what="first test batch of images")
        assert_shape(y, (128, 10), what="first test batch of labels")
    assert_array(np.concatenate([x for x, _ in test_batches]), x_test / 255.0,
                 dtype=np.float32, what="test images: load_digits(28) order, / 255")
    assert_array(np.concatenate([y for _, y in test_batches]), np.eye(10)[y_test],
                 dtype=np.float32, what="test labels, one-hot")

    train_batches = elements(train, "digits_datasets training set")
    sizes = [len(x) for x, _ in train_batches]
    assert sizes == [128] * 10 + [67], f"training batch sizes: expected 10 x 128 + 67, got {sizes}"
    images = np.rint(np.concatenate([x for x, _ in train_batches]) * 255).astype(np.uint8)
    labels = np.concatenate([y for _, y in train_batches]).argmax(axis=1)
    assert not np.array_equal(labels, y_train), "the training set should be shuffled"
    known = {}
    for image, label in zip(x_train, y_train, strict=True):
        known.setdefault(image.tobytes(), set()).add(int(label))
    broken = sum(int(label) not in known.get(image.tobytes(), ()) for image, label
                 in zip(images, labels, strict=True))
    assert broken == 0, f"{broken} training images came with a label that is not theirs"
    assert sorted(labels.tolist()) == sorted(y_train.tolist()), \
        "the training set should hold every training digit once"
