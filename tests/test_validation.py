"""Tests for the `validation` kata: three-way splits, k-fold indices, what
`fit(validation_split=...)` holds out, and the epoch where over-fitting starts.

Oracles: set arithmetic on the indices, scikit-learn's `KFold`, and Keras itself: a model
frozen at zero output is fitted with `validation_split` and `shuffle=True`, so the
validation loss it reports is the mean of `y**2` over exactly the rows Keras held out.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from sklearn.model_selection import KFold

from tf_katas.testing import assert_array, assert_dtype, to_numpy


def index_set(array, what):
    array = assert_dtype(array, "integer", what=what)
    assert array.ndim == 1, f"{what}: expected a 1-D array of indices, got shape {array.shape}"
    assert len(set(array.tolist())) == len(array), f"{what}: an index appears twice"
    return set(array.tolist())


def assert_partition(parts, n, names, what):
    sets = [index_set(part, f"{what}: {name}") for part, name in zip(parts, names, strict=True)]
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            common = sets[i] & sets[j]
            assert not common, (f"{what}: {names[i]} and {names[j]} share rows "
                                f"{sorted(common)[:5]}: the sets must not overlap")
    union = set().union(*sets)
    assert union == set(range(n)), (
        f"{what}: the sets must cover rows 0..{n - 1} exactly; missing "
        f"{sorted(set(range(n)) - union)[:5]}, unexpected {sorted(union - set(range(n)))[:5]}")
    return sets


def is_contiguous(indices: set) -> bool:
    return not indices or max(indices) - min(indices) + 1 == len(indices)


# --- split_indices, split_data --------------------------------------------------------------


def test_split_indices_cuts_70_20_10(kata):
    train, val, test = assert_partition(kata.split_indices(100, 0.2, 0.1, seed=0), 100,
                                        ["train", "val", "test"], "split_indices(100, 0.2, 0.1)")
    sizes = (len(train), len(val), len(test))
    assert sizes == (70, 20, 10), f"split_indices(100, 0.2, 0.1): expected sizes (70, 20, 10) " \
                                  f"for (train, val, test), got {sizes} (val and test swapped?)"


@settings(report_multiple_bugs=False)  # one failure, raised as it is
@given(n=st.integers(1, 200), val_fraction=st.floats(0, 0.45), test_fraction=st.floats(0, 0.45))
def test_split_indices_for_any_size(kata, n, val_fraction, test_fraction):
    what = f"split_indices({n}, {val_fraction}, {test_fraction})"
    n_val, n_test = val_fraction * n, test_fraction * n
    # the nearest integers; at an exact half either neighbour is allowed
    fewest = math.ceil(n_val - 0.5) + math.ceil(n_test - 0.5)
    most = math.floor(n_val + 0.5) + math.floor(n_test + 0.5)
    if fewest >= n:
        with pytest.raises(ValueError, match="train"):
            kata.split_indices(n, val_fraction, test_fraction, seed=1)
        return
    assume(most < n)  # at an exact half, whether any train row is left is the kata's choice
    train, val, test = assert_partition(kata.split_indices(n, val_fraction, test_fraction, 1),
                                        n, ["train", "val", "test"], what)
    assert abs(len(val) - n_val) <= 0.5 and abs(len(test) - n_test) <= 0.5, (
        f"{what}: expected about {n_val:.2f} validation and {n_test:.2f} test rows (the "
        f"nearest integers), got {len(val)} and {len(test)}")


def test_split_indices_is_random_and_follows_the_seed(kata):
    first = [set(to_numpy(p).tolist()) for p in kata.split_indices(100, 0.2, 0.1, seed=0)]
    again = [set(to_numpy(p).tolist()) for p in kata.split_indices(100, 0.2, 0.1, seed=0)]
    other = [set(to_numpy(p).tolist()) for p in kata.split_indices(100, 0.2, 0.1, seed=1)]
    assert first == again, "split_indices with the same seed must give the same split"
    assert first[2] != other[2], "seeds 0 and 1 gave the same test set: the seed is not used"
    for name, part in zip(["val", "test"], first[1:], strict=True):
        assert not is_contiguous(part), (
            f"split_indices(100, 0.2, 0.1, seed=0): the {name} set is the block of rows "
            f"{min(part)}..{max(part)}: shuffle before cutting")


@pytest.mark.parametrize(("n", "val_fraction", "test_fraction", "match"), [
    (0, 0.1, 0.1, None), (10, -0.1, 0.1, "fraction"), (10, 0.1, 1.0, "fraction"),
    (10, 0.6, 0.4, "train"), (2, 0.5, 0.3, "train"),
])
def test_split_indices_rejects_bad_settings(kata, n, val_fraction, test_fraction, match):
    with pytest.raises(ValueError, match=match):
        kata.split_indices(n, val_fraction, test_fraction)


def test_split_data_keeps_each_example_with_its_label(kata):
    n = 50
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64) * 10
    parts = kata.split_data(x, y, 0.2, 0.2, seed=3)
    assert len(parts) == 3, f"split_data returns (train, val, test) pairs, got {len(parts)} items"
    indices = kata.split_indices(n, 0.2, 0.2, seed=3)
    rows = []
    for name, (xs, ys), idx in zip(["train", "val", "test"], parts, indices, strict=True):
        xs = assert_dtype(xs, np.float32, what=f"split_data: x_{name}")
        ys = assert_dtype(ys, np.int64, what=f"split_data: y_{name}")
        assert xs.ndim == 2 and xs.shape[1] == 3, f"x_{name}: expected [rows, 3], got {xs.shape}"
        assert_array(ys, xs[:, 0] / 3 * 10, what=f"split_data: y_{name} against its rows of x "
                     "(x and y shuffled separately?)")
        assert_array(np.sort(xs[:, 0] / 3), np.sort(to_numpy(idx)),
                     what=f"split_data: the rows of x_{name} vs split_indices' {name} indices")
        rows.append(to_numpy(xs[:, 0] / 3).astype(np.int64))
    assert_partition(rows, n, ["train", "val", "test"], "split_data's rows")


def test_split_data_rejects_x_and_y_of_different_lengths(kata):
    with pytest.raises(ValueError, match="length"):
        kata.split_data(np.zeros((10, 2)), np.zeros(9), 0.2, 0.2)


# --- kfold_indices -------------------------------------------------------------------------


@given(n=st.integers(2, 60), data=st.data())
def test_kfold_indices_match_scikit_learn(kata, n, data):
    k = data.draw(st.integers(2, min(n, 10)), label="k")
    folds = kata.kfold_indices(n, k)
    expected = list(KFold(n_splits=k).split(np.arange(n)))
    assert len(folds) == k, f"kfold_indices({n}, {k}): expected {k} folds, got {len(folds)}"
    for i, ((train, val), (sk_train, sk_val)) in enumerate(zip(folds, expected, strict=True)):
        assert_array(val, sk_val, what=f"kfold_indices({n}, {k}): fold {i}'s validation rows "
                     "(first n % k folds one longer)")
        assert_array(train, sk_train, what=f"kfold_indices({n}, {k}): fold {i}'s training rows")


def test_kfold_with_a_seed_validates_every_row_once(kata):
    n, k = 53, 5
    folds = kata.kfold_indices(n, k, seed=0)
    sizes = [len(val) for _, val in KFold(n_splits=k).split(np.arange(n))]
    assert len(folds) == k, f"kfold_indices({n}, {k}, seed=0): expected {k} folds"
    vals = []
    for i, (train, val) in enumerate(folds):
        what = f"kfold_indices({n}, {k}, seed=0), fold {i}"
        assert_partition([train, val], n, ["train", "val"], what)
        for name, part in [("train", train), ("val", val)]:
            part = to_numpy(part)
            assert np.all(np.diff(part) > 0), f"{what}: the {name} indices must be sorted"
        assert len(to_numpy(val)) == sizes[i], \
            f"{what}: expected {sizes[i]} validation rows, got {len(to_numpy(val))}"
        vals.append(val)
    assert_partition(vals, n, [f"fold {i}" for i in range(k)],
                     "the validation parts of the 5 folds (folds overlapping?)")
    plain = kata.kfold_indices(n, k)
    assert not np.array_equal(to_numpy(vals[0]), to_numpy(plain[0][1])), \
        "kfold_indices with seed=0 gave the unshuffled first fold: the seed is not used"


@pytest.mark.parametrize(("n", "k"), [(10, 1), (10, 0), (4, 5)])
def test_kfold_indices_rejects_bad_k(kata, n, k):
    with pytest.raises(ValueError, match="k"):
        kata.kfold_indices(n, k)


# --- validation_split ----------------------------------------------------------------------


@settings(report_multiple_bugs=False)  # one failure, raised as it is
@given(n=st.integers(1, 300), validation_split=st.floats(0.01, 0.99))
@example(n=1, validation_split=0.5)  # no row left to train on
@example(n=10, validation_split=0.95)  # floor(10 * 0.05) = 0: Keras raises ValueError
@example(n=10, validation_split=0.1)
def test_validation_split_rows_are_the_last_rows(kata, n, validation_split):
    split_at = math.floor(n * (1.0 - validation_split))
    what = f"validation_split_rows({n}, {validation_split})"
    if split_at in (0, n):
        with pytest.raises(ValueError):
            kata.validation_split_rows(n, validation_split)
        return
    train, val = kata.validation_split_rows(n, validation_split)
    assert_array(train, np.arange(split_at), what=f"{what}: the training rows")
    assert_array(val, np.arange(split_at, n),
                 what=f"{what}: the validation rows, the LAST ones (a random split?)")


def test_validation_split_rows_floor_in_floating_point(kata):
    """1 - 0.9 is 0.09999999999999998: Keras keeps 9 training rows of 100, not 10."""
    train, val = kata.validation_split_rows(100, 0.9)
    assert_array(train, np.arange(9), what="validation_split_rows(100, 0.9): training rows "
                 "(floor(100 * (1 - 0.9)) = 9, n - round(n * 0.9) gives 10)")
    assert_array(val, np.arange(9, 100), what="validation_split_rows(100, 0.9): validation rows")


@pytest.mark.parametrize("validation_split", [0.0, 1.0, -0.2, 1.5])
def test_validation_split_rows_rejects_a_split_outside_0_1(kata, validation_split):
    with pytest.raises(ValueError):
        kata.validation_split_rows(50, validation_split)


@pytest.mark.parametrize(("n", "validation_split"), [(100, 0.9), (37, 0.3)])
def test_keras_holds_out_the_rows_validation_split_rows_names(kata, n, validation_split):
    """The demonstration: a model frozen at output 0, labels y = row number. With
    shuffle=True, the reported val_loss is still the mean of y**2 over the LAST rows."""
    _, val_rows = kata.validation_split_rows(n, validation_split)
    val_rows = to_numpy(val_rows)
    x = np.ones((n, 1), np.float32)
    y = np.arange(n, dtype=np.float32)[:, None]
    model = keras.Sequential([keras.layers.Dense(1, kernel_initializer="zeros",
                                                 bias_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, validation_split=validation_split, shuffle=True, epochs=1,
                        batch_size=n, verbose=0)
    reported = history.history["val_loss"][0]
    assert val_rows.size, "validation_split_rows returned no validation rows"
    assert math.isclose(reported, float(np.mean(y[val_rows] ** 2)), rel_tol=1e-5), (
        f"fit(validation_split={validation_split}) on {n} rows reports val_loss {reported:.6g}, "
        f"the mean of y**2 over Keras' held-out rows; over the rows validation_split_rows "
        f"names it is {float(np.mean(y[val_rows] ** 2)):.6g}")


# --- overfitting_epoch ---------------------------------------------------------------------

OVERFITTING = [
    ([2.0, 1.5, 1.2, 1.0, 0.8, 0.7], [2.1, 1.7, 1.5, 1.6, 1.8, 2.0], 3,
     "the validation loss is lowest at epoch 2 and rises from epoch 3"),
    ([1.0, 0.8, 0.6, 0.5, 0.4], [1.0, 0.5, 0.7, 0.5, 0.9], 2,
     "a tie: the FIRST lowest validation loss is the best epoch"),
    ([0.9, 0.5, 0.3], [0.4, 0.6, 0.8], 1, "over-fitting from epoch 1"),
]

# (loss, val_loss, why None) and a history one change away that does over-fit: (loss,
# val_loss, expected). The pair keeps a function that always answers None from passing.
NOT_OVERFITTING = [
    (([2.0, 1.5, 1.2, 1.0], [2.1, 1.7, 1.5, 1.4]), "still improving at the last epoch",
     ([2.0, 1.5, 1.2, 1.0, 0.9], [2.1, 1.7, 1.5, 1.4, 1.6], 4)),
    (([1.0, 0.9, 0.95, 1.2], [1.0, 0.8, 0.9, 1.1]), "the training loss rose too: diverging",
     ([1.0, 0.9, 0.85, 0.8], [1.0, 0.8, 0.9, 1.1], 2)),
    (([0.9], [0.4]), "a single epoch", ([0.9, 0.5], [0.4, 0.6], 1)),
]


def overfitting_epoch_of(kata, loss, val_loss):
    got = kata.overfitting_epoch({"loss": loss, "val_loss": val_loss})
    assert got is None or (isinstance(got, int) and not isinstance(got, bool)), \
        f"overfitting_epoch returns an int or None, got {type(got).__name__}"
    return got


@pytest.mark.parametrize(("loss", "val_loss", "expected", "why"), OVERFITTING,
                         ids=[case[3][:30] for case in OVERFITTING])
def test_overfitting_epoch_is_the_epoch_after_the_best(kata, loss, val_loss, expected, why):
    got = overfitting_epoch_of(kata, loss, val_loss)
    assert got == expected, (f"overfitting_epoch(loss={loss}, val_loss={val_loss}): expected "
                             f"{expected} ({why}), got {got}")


@pytest.mark.parametrize(("history", "why", "control"), NOT_OVERFITTING,
                         ids=[case[1][:30] for case in NOT_OVERFITTING])
def test_overfitting_epoch_is_none_without_overfitting(kata, history, why, control):
    *control_history, control_expected = control
    got = overfitting_epoch_of(kata, *control_history)
    assert got == control_expected, (
        f"overfitting_epoch(loss={control_history[0]}, val_loss={control_history[1]}): "
        f"expected {control_expected}, got {got}")
    got = overfitting_epoch_of(kata, *history)
    assert got is None, (f"overfitting_epoch(loss={history[0]}, val_loss={history[1]}): "
                         f"expected None ({why}), got {got}")


@pytest.mark.parametrize(("history", "match"), [
    ({"loss": [1.0, 0.5]}, "val_loss"), ({"val_loss": [1.0, 0.5]}, r"\bloss\b"),
    ({"loss": [1.0, 0.5], "val_loss": [1.0]}, "length"), ({"loss": [], "val_loss": []}, None),
])
def test_overfitting_epoch_rejects_incomplete_histories(kata, history, match):
    with pytest.raises(ValueError, match=match):
        kata.overfitting_epoch(history)
