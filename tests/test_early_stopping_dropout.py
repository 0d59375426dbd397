"""Tests for the `early_stopping_dropout` kata: early stopping by hand and with Keras'
callback, inverted dropout by hand and with `layers.Dropout`, and the notes' network.

Oracles: loss curves worked out by hand from the rule in the docstring; Keras 3's own
`EarlyStopping`, driven here epoch by epoch with a stand-in model whose weights record the
epoch that made them; NumPy forward passes; and for dropout's randomness, binomial bounds of
five standard errors for the sample sizes used (a correct dropout misses one of them with a
probability under 1e-6; the plausible wrong scalings miss them by tens of standard errors).
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import assert_array, assert_dtype, is_instance, to_numpy

Z = 5.0  # standard errors allowed by the statistical checks


class EpochRecorder:
    """A model for the callback: its one weight is the epoch that made it."""

    def __init__(self):
        self.epoch, self.stop_training = np.array(-1), False

    def get_weights(self):
        return [self.epoch.copy()]

    def set_weights(self, weights):
        self.epoch = np.array(weights[0])


def keras_replay(losses, patience=0, min_delta=0.0, baseline=None, restore_best_weights=False):
    """(epochs run, epoch of the final weights) under Keras' own EarlyStopping."""
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", mode="min", patience=patience,
                                             min_delta=min_delta, baseline=baseline,
                                             restore_best_weights=restore_best_weights)
    model = EpochRecorder()
    callback.set_model(model)
    callback.on_train_begin()
    run = 0
    for epoch, loss in enumerate(losses):
        model.set_weights([np.array(epoch)])
        callback.on_epoch_end(epoch, {"val_loss": float(loss)})
        run = epoch + 1
        if model.stop_training:
            break
    callback.on_train_end()
    return run, int(model.epoch)


def as_pair(result, what):
    assert isinstance(result, tuple) and len(result) == 2, \
        f"{what}: expected a pair (epochs_run, weights_epoch), got {result!r:.100}"
    run, weights = result
    assert isinstance(run, int) and isinstance(weights, int), \
        f"{what}: expected two ints, got {type(run).__name__} and {type(weights).__name__}"
    return run, weights


STOPPING = ["early_stopping", "replay_early_stopping"]
CURVE = [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.77]

# (settings, expected (epochs_run, weights_epoch), why) on CURVE or the curve given.
WORKED = [
    (dict(patience=2), (4, 3), "best at epoch 1; epochs 2 and 3 fail to improve: stop after 3"),
    (dict(patience=2, restore_best_weights=True), (4, 1), "stop after 3, restore epoch 1"),
    (dict(patience=0), (3, 2), "patience 0: stop at the first epoch that does not improve"),
    (dict(patience=3, restore_best_weights=True), (8, 4),
     "patience 3: best at epoch 4, three bad epochs 5-7: stop at the last one"),
    (dict(patience=4), (8, 7), "patience 4: never stops; no restoring asked"),
    (dict(patience=4, restore_best_weights=True), (8, 4),
     "patience 4 never stops, yet Keras 3 restores the best epoch when training ends"),
    (dict(losses=[1.0, 0.95, 0.9, 0.89, 0.5], patience=1, min_delta=0.1), (2, 1),
     "min_delta 0.1: 0.95 is no improvement on 1.0"),
    (dict(losses=[1.0, 0.95, 0.9, 0.89, 0.5], patience=1, min_delta=-0.1), (2, 1),
     "min_delta's sign is ignored: -0.1 acts as 0.1"),
    (dict(losses=[1.0, 0.95, 0.9, 0.89, 0.5], patience=1), (5, 4),
     "min_delta 0: every epoch improves"),
    (dict(losses=[1.0, 0.75, 0.5], min_delta=0.25, restore_best_weights=True), (2, 0),
     "an improvement of exactly min_delta is none (strict)"),
    (dict(losses=[1.0, 1.0, 0.5], restore_best_weights=True), (2, 0),
     "a tie is no improvement"),
    (dict(losses=[1.0, 0.9, 0.8, 0.7, 0.6, 0.55], patience=2, baseline=0.5,
          restore_best_weights=True), (6, 5),
     "baseline never beaten, but an improving epoch never stops training"),
    (dict(losses=[1.0, 0.9, 0.95, 0.97, 0.4], patience=2, baseline=0.5,
          restore_best_weights=True), (3, 1),
     "baseline never beaten: wait counts from epoch 0, stop at epoch 2, restore epoch 1"),
    (dict(losses=[1.0, 0.9, 0.95, 0.4, 0.45], patience=1, baseline=0.5), (3, 2),
     "baseline: epoch 0 improves (the first always does) but does not reset wait"),
    (dict(losses=[1.0, math.nan, 0.5], patience=0, restore_best_weights=True), (2, 0),
     "a NaN loss is no improvement"),
    (dict(losses=[3.0], patience=0, restore_best_weights=True), (1, 0), "a single epoch"),
]


@pytest.mark.parametrize("function", STOPPING)
@pytest.mark.parametrize(("settings", "expected", "why"), WORKED,
                         ids=[w[2].split(":")[0][:40] for w in WORKED])
def test_early_stopping_on_worked_curves(kata, function, settings, expected, why):
    settings = dict(settings)
    losses = settings.pop("losses", CURVE)
    assert keras_replay(losses, **settings) == expected, "the worked example disagrees with Keras"
    got = as_pair(getattr(kata, function)(losses, **settings), function)
    assert got == expected, (
        f"{function}({losses}, {settings}): expected (epochs_run, weights_epoch) = {expected} "
        f"({why}), got {got}")


curves = st.lists(st.integers(0, 12).map(lambda k: k / 4), min_size=1, max_size=14)


@pytest.mark.parametrize("function", STOPPING)
@settings(report_multiple_bugs=False)  # one failure, raised as it is
@given(losses=curves, patience=st.integers(0, 4),
       min_delta=st.sampled_from([0.0, 0.25, -0.25, 0.5]),
       baseline=st.sampled_from([None, 0.5, 1.0, 2.0]), restore=st.booleans())
def test_early_stopping_agrees_with_keras_on_any_curve(kata, function, losses, patience,
                                                       min_delta, baseline, restore):
    """Losses on a grid of quarters: ties and exact min_delta steps happen often."""
    settings = dict(patience=patience, min_delta=min_delta, baseline=baseline,
                    restore_best_weights=restore)
    expected = keras_replay(losses, **settings)
    got = as_pair(getattr(kata, function)(losses, **settings), function)
    assert got == expected, (
        f"{function}({losses}, {settings}): Keras' EarlyStopping runs {expected[0]} epochs "
        f"and ends with epoch {expected[1]}'s weights, got {got}")


@pytest.mark.parametrize("function", STOPPING)
def test_early_stopping_rejects_bad_input(kata, function):
    with pytest.raises(ValueError):
        getattr(kata, function)([], patience=1)
    with pytest.raises(ValueError):
        getattr(kata, function)(CURVE, patience=-1)


# --- dropout -------------------------------------------------------------------------------

DROPOUTS = ["inverted_dropout", "keras_dropout"]
X = np.random.default_rng(3).uniform(0.5, 2.0, size=(6, 7)).astype(np.float32)
X[::2] *= -1  # no zeros: every zero in the output was dropped


@pytest.mark.parametrize("function", DROPOUTS)
@pytest.mark.parametrize("rate", [0.0, 0.3, 0.9])
def test_dropout_is_the_identity_at_inference(kata, function, rate):
    assert_array(getattr(kata, function)(X, rate, training=False), X, rtol=0, atol=0,
                 what=f"{function}(x, rate={rate}, training=False): x unchanged (dropping "
                      "at inference, or scaling?)")


@pytest.mark.parametrize("function", DROPOUTS)
def test_dropout_zeroes_some_units_and_scales_the_rest_by_1_over_keep(kata, function):
    rate = 0.3
    out = assert_dtype(getattr(kata, function)(X, rate, training=True), "float",
                       what=f"{function}(x, 0.3, training=True)")
    assert out.shape == X.shape, f"{function}: expected shape {X.shape}, got {out.shape}"
    ratio = out.astype(np.float64) / X
    kept = ~np.isclose(ratio, 0.0, atol=1e-7)
    assert kept.any() and not kept.all(), (
        f"{function}(x, 0.3, training=True) kept {kept.sum()} of {kept.size} units: "
        "some must be dropped and some kept (training ignored?)")
    assert_array(ratio[kept], np.full(kept.sum(), 1 / (1 - rate)), rtol=1e-5,
                 what=f"{function}: kept units divided by x, expected 1 / (1 - 0.3) = 1.4286 "
                      "(scaled by 1 - rate = 0.7 instead?)")


@pytest.mark.parametrize("function", DROPOUTS)
@pytest.mark.parametrize("rate", [0.3, 0.75])
def test_dropout_drops_a_fraction_rate_and_keeps_the_expectation(kata, function, rate):
    """rate is the probability of DROPPING. The mean over n copies of one row estimates
    E[out] = x, within Z standard errors |x| sqrt(rate / ((1 - rate) n))."""
    n = 20000
    row = X[0]
    out = to_numpy(getattr(kata, function)(np.tile(row, (n, 1)), rate, training=True))
    dropped = float(np.mean(out == 0))
    bound = Z * math.sqrt(rate * (1 - rate) / out.size)
    assert abs(dropped - rate) <= bound, (
        f"{function}(rate={rate}) dropped {dropped:.4f} of the units, expected {rate} +- "
        f"{bound:.4f} (rate used as the probability of keeping?)")
    mean = out.astype(np.float64).mean(axis=0)
    tolerance = Z * np.abs(row) * math.sqrt(rate / ((1 - rate) * n))
    off = np.abs(mean - row) > tolerance
    assert not off.any(), (
        f"{function}(rate={rate}): the mean of {n} dropped copies of x must be x, within "
        f"{Z:g} standard errors; got {mean[off][:3]} for {row[off][:3]} (kept units scaled by "
        "1 - rate, or not at all?)")


def test_inverted_dropout_mask_follows_the_seed(kata):
    x = np.ones((50, 40), np.float32)
    first = to_numpy(kata.inverted_dropout(x, 0.5, training=True, seed=1))
    again = to_numpy(kata.inverted_dropout(x, 0.5, training=True, seed=1))
    other = to_numpy(kata.inverted_dropout(x, 0.5, training=True, seed=2))
    assert_array(again, first, what="inverted_dropout twice with seed 1 (same mask)")
    assert (first == 0).any(), "inverted_dropout(ones, 0.5, training=True) dropped nothing"
    assert not np.array_equal(first == 0, other == 0), \
        "inverted_dropout with seeds 1 and 2 dropped the same 2000 units: the seed is not used"


@given(x=hnp.arrays(np.float32, hnp.array_shapes(min_dims=0, max_dims=4, max_side=5),
                    elements=st.floats(0.5, 4, width=32)),
       rate=st.sampled_from([0.0, 0.2, 0.5]), seed=st.integers(0, 100))
def test_inverted_dropout_on_any_shape(kata, x, rate, seed):
    out = to_numpy(kata.inverted_dropout(x, rate, training=True, seed=seed))
    assert out.shape == x.shape, f"inverted_dropout: expected shape {x.shape}, got {out.shape}"
    scaled = x.astype(np.float64) / (1 - rate)
    ok = np.isclose(out, 0.0) | np.isclose(out, scaled, rtol=1e-5)
    assert ok.all(), (f"inverted_dropout(x of shape {x.shape}, rate={rate}): every value must "
                      f"be 0 or x / (1 - rate); got {out[~ok][:3]} for x = {x[~ok][:3]}")
    if rate == 0:
        assert_array(out, x, what="inverted_dropout with rate 0 (nothing dropped)")


@pytest.mark.parametrize("function", DROPOUTS)
@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rejects_a_rate_outside_0_1(kata, function, rate):
    with pytest.raises(ValueError, match="rate"):
        getattr(kata, function)(X, rate, training=True)


# --- dropout_mlp ---------------------------------------------------------------------------


def numpy_forward(weights, x):
    """Dense layers only, relu after all but the last: what training=False computes."""
    h = np.asarray(x, np.float64)
    pairs = list(zip(weights[0::2], weights[1::2], strict=True))
    for k, (kernel, bias) in enumerate(pairs):
        h = h @ kernel + bias
        if k < len(pairs) - 1:
            h = np.maximum(h, 0)
    return h


def test_dropout_mlp_puts_dropout_after_each_hidden_layer(kata):
    model = kata.dropout_mlp(6, [16, 8, 3], rate=0.4)
    kinds = ["Dropout" if is_instance(layer, keras.layers.Dropout) else
             "Dense" if is_instance(layer, keras.layers.Dense) else type(layer).__name__
             for layer in model.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"], (
        f"dropout_mlp(6, [16, 8, 3], 0.4): expected Dense, Dropout, Dense, Dropout, Dense, "
        f"got {kinds} (dropout after the output layer?)")
    rates = [float(layer.rate) for layer in model.layers[1::2]]
    assert rates == [0.4, 0.4], f"the Dropout layers' rates: expected 0.4, got {rates}"
    shapes = [tuple(w.shape) for w in model.get_weights()]
    assert shapes == [(6, 16), (16,), (16, 8), (8,), (8, 3), (3,)], \
        f"dropout_mlp(6, [16, 8, 3]) weights: got shapes {shapes}"


def test_dropout_mlp_is_deterministic_at_inference_and_random_in_training(kata):
    model = kata.dropout_mlp(6, [32, 16, 3], rate=0.5)
    x = np.random.default_rng(4).normal(size=(8, 6)).astype(np.float32)
    expected = numpy_forward(model.get_weights(), x)
    for call in (1, 2):
        assert_array(model(x, training=False), expected, rtol=1e-4, atol=1e-5,
                     what=f"model(x, training=False), call {call}: the network without dropout")
    first = to_numpy(model(x, training=True))
    second = to_numpy(model(x, training=True))
    assert not np.allclose(first, expected, atol=1e-4), \
        "model(x, training=True) equals the inference output: no dropout in training"
    assert not np.allclose(first, second, atol=1e-4), \
        "two calls of model(x, training=True) gave the same output: the mask must change"


def test_dropout_mlp_keeps_the_expected_output(kata):
    """One hidden layer: dropout feeds the linear output layer, so E[training output] is
    the inference output; checked within Z empirical standard errors of the mean."""
    model = kata.dropout_mlp(6, [64, 3], rate=0.3, seed=5)
    row = np.random.default_rng(5).normal(size=(1, 6)).astype(np.float32)
    n = 4000
    samples = to_numpy(model(np.repeat(row, n, axis=0), training=True)).astype(np.float64)
    expected = to_numpy(model(row, training=False)).astype(np.float64)[0]
    standard_error = samples.std(axis=0) / math.sqrt(n)
    mean = samples.mean(axis=0)
    assert (np.abs(mean - expected) <= Z * standard_error + 1e-6).all(), (
        f"mean of {n} training outputs {mean} vs the inference output {expected}: more than "
        f"{Z:g} standard errors ({standard_error}) apart (dropout not inverted?)")


def test_dropout_mlp_rejects_bad_settings(kata):
    with pytest.raises(ValueError, match="rate"):
        kata.dropout_mlp(6, [8, 3], rate=1.0)
    for input_dim, units in [(0, [3]), (6, []), (6, [8, 0])]:
        with pytest.raises(ValueError):
            kata.dropout_mlp(input_dim, units, rate=0.5)
