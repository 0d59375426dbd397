"""Tests for the `save_load` kata: weights only, the whole model, an export for serving, and
a custom Standardize layer through each round trip.

Oracles: a NumPy forward pass of the model's weights, the data's own mean and variance, and,
for the export, TensorFlow's `tf.saved_model.load` run by the tests themselves (no Keras,
no kata code): the serving signature must give the model's predictions. Every file goes to
pytest's `tmp_path`.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf_katas.data import load_digits
from tf_katas.testing import assert_array, assert_dtype, call_kata, is_instance, to_numpy

(_X_TRAIN, _), (_X_TEST, _) = load_digits(8)
X = (_X_TRAIN.reshape(-1, 64) / 16.0).astype(np.float32)
X_TEST = (_X_TEST.reshape(-1, 64) / 16.0).astype(np.float32)[:50]
SHAPES = [(64,), (64,), (64, 32), (32,), (32, 10), (10,)]


def np_model(weights, x, epsilon) -> np.ndarray:
    mean, variance, kernel1, bias1, kernel2, bias2 = (np.asarray(w, np.float64) for w in weights)
    standard = (np.asarray(x, np.float64) - mean) / np.sqrt(variance + epsilon)
    return np.maximum(standard @ kernel1 + bias1, 0.0) @ kernel2 + bias2


def weights_of(model, what: str) -> list[np.ndarray]:
    weights = [to_numpy(w, what=what) for w in model.get_weights()]
    assert [w.shape for w in weights] == SHAPES, \
        f"{what}: expected weights {SHAPES} (Standardize's mean and variance, then two " \
        f"Dense layers), got {[w.shape for w in weights]}"
    return weights


def predictions(model, what: str) -> np.ndarray:
    return to_numpy(model.predict(X_TEST, verbose=0), what=what)


# --- Standardize and build_model -----------------------------------------------------------


def test_standardize_keeps_mean_and_variance_as_non_trainable_weights(kata):
    data = np.random.default_rng(0).normal(3.0, 2.0, (40, 5)).astype(np.float32)
    layer = kata.Standardize(epsilon=0.5)
    layer.adapt(data)
    assert len(layer.trainable_weights) == 0 and len(layer.non_trainable_weights) == 2, \
        "Standardize: expected no trainable weights and two non-trainable ones (mean, " \
        f"variance) made with add_weight, got {len(layer.trainable_weights)} and " \
        f"{len(layer.non_trainable_weights)}"
    mean, variance = (to_numpy(w, what="Standardize's weights") for w in
                      layer.non_trainable_weights)
    assert_array(mean, data.mean(axis=0, dtype=np.float64), rtol=1e-5,
                 what="Standardize.mean after adapt")
    assert_array(variance, data.var(axis=0, dtype=np.float64), rtol=1e-5,
                 what="Standardize.variance after adapt (the population variance, NumPy's var)")
    expected = (data - data.mean(axis=0)) / np.sqrt(data.var(axis=0) + 0.5)
    assert_array(layer(data), expected, rtol=1e-4, atol=1e-5,
                 what="Standardize(epsilon=0.5)(x): (x - mean) / sqrt(variance + epsilon)")
    assert layer.get_config().get("epsilon") == 0.5, \
        f"Standardize.get_config() should hold epsilon 0.5, got {layer.get_config()}"


@pytest.mark.parametrize("data", [np.ones(5), np.ones((0, 5))], ids=["1-D", "no rows"])
def test_standardize_adapt_rejects_bad_data(kata, data):
    layer = kata.Standardize()
    with pytest.raises(ValueError):
        layer.adapt(data)


def test_build_model_standardizes_then_two_dense_layers(kata):
    model = kata.build_model(X, hidden_units=32, seed=0)
    assert is_instance(model, keras.Sequential), \
        f"build_model: expected a keras.Sequential, got {type(model).__name__}"
    weights = weights_of(model, "build_model(x)")
    assert_array(weights[0], X.mean(axis=0, dtype=np.float64), rtol=1e-5, atol=1e-6,
                 what="the Standardize layer's mean (adapted to x_train)")
    assert_array(predictions(model, "build_model(x).predict"),
                 np_model(weights, X_TEST, 1e-6), rtol=1e-4, atol=1e-4,
                 what="build_model(x).predict: standardize, relu Dense, Dense (logits)")


def test_build_model_rejects_bad_settings(kata):
    with pytest.raises(ValueError):
        kata.build_model(X, hidden_units=0)
    with pytest.raises(ValueError):
        kata.build_model(X[0])


# --- weights only --------------------------------------------------------------------------


def test_weights_round_trip_into_a_fresh_model(kata, tmp_path):
    """A fresh model with other weights and a Standardize adapted to other data: after
    load_weights it predicts what the saved one did (the mean and variance came back too)."""
    saved = kata.build_model(X, seed=0)
    expected = predictions(saved, "the saved model's predictions")
    path = tmp_path / "digits.weights.h5"
    kata.save_weights(saved, str(path))
    assert path.is_file(), f"save_weights should write {path.name}"
    fresh = kata.build_model(X[:20] * 3.0, seed=1)
    assert not np.allclose(predictions(fresh, "the fresh model"), expected), \
        "test setup: the fresh model must start out different"
    assert kata.load_weights(fresh, str(path)) is None, "load_weights returns None"
    assert_array(weights_of(fresh, "the fresh model after load_weights")[0],
                 X.mean(axis=0, dtype=np.float64), rtol=1e-5, atol=1e-6,
                 what="Standardize's mean after load_weights (a non-trainable weight)")
    assert_array(predictions(fresh, "the fresh model after load_weights"), expected,
                 rtol=1e-5, atol=1e-5, what="predictions after load_weights")


@pytest.mark.parametrize("name", ["PATH", "digits.h5"])
def test_save_weights_wants_a_weights_h5_name(kata, tmp_path, name):
    with pytest.raises(ValueError):
        kata.save_weights(kata.build_model(X), str(tmp_path / name))


def plain_model(hidden_units: int, with_output: bool = True):
    """Built by the tests: no Standardize (and, without the output layer, fewer layers)."""
    layers = [keras.Input((64,)), keras.layers.Dense(hidden_units, activation="relu")]
    return keras.Sequential(layers + ([keras.layers.Dense(10)] if with_output else []))


def test_load_weights_refuses_another_architecture(kata, tmp_path):
    path = tmp_path / "digits.weights.h5"
    kata.save_weights(kata.build_model(X), str(path))
    with pytest.raises(ValueError):
        kata.load_weights(kata.build_model(X, hidden_units=16), str(path))


@pytest.mark.parametrize("with_output", [True, False], ids=["no Standardize", "one Dense"])
def test_load_weights_refuses_a_model_with_fewer_layers(kata, tmp_path, with_output):
    """Keras itself loads a file into a model with fewer layers without a word."""
    path = tmp_path / "digits.weights.h5"
    kata.save_weights(kata.build_model(X), str(path))
    with pytest.raises(ValueError):
        kata.load_weights(plain_model(32, with_output), str(path))


def test_load_weights_of_a_missing_file(kata, tmp_path):
    with pytest.raises(FileNotFoundError):
        kata.load_weights(kata.build_model(X), str(tmp_path / "missing.weights.h5"))


# --- the whole model -----------------------------------------------------------------------


def test_whole_model_round_trip_keeps_the_custom_layer(kata, tmp_path):
    """Catches Standardize not registered or without epsilon in its config."""
    saved = kata.build_model(X, seed=2, epsilon=0.25)  # a value the default would not give
    expected = predictions(saved, "the saved model's predictions")
    path = tmp_path / "digits.keras"
    kata.save_model(saved, str(path))
    assert path.is_file(), f"save_model should write {path.name}"
    loaded = call_kata("load_model(path of a saved build_model)", kata.load_model, str(path))
    assert is_instance(loaded, keras.Model), \
        f"load_model: expected a Keras model, got {type(loaded).__name__}"
    first = loaded.layers[0]
    assert first.get_config().get("epsilon") == 0.25, \
        f"the reloaded Standardize should have epsilon 0.25, got {first.get_config()}"
    assert_array(weights_of(loaded, "the reloaded model")[0], X.mean(axis=0, dtype=np.float64),
                 rtol=1e-5, atol=1e-6, what="the reloaded Standardize's mean")
    assert_array(predictions(loaded, "the reloaded model"), expected, rtol=1e-5, atol=1e-5,
                 what="predictions of the reloaded model")


@pytest.mark.parametrize("name", ["PATH", "digits.h5"])
def test_save_model_wants_a_keras_name(kata, tmp_path, name):
    with pytest.raises(ValueError):
        kata.save_model(kata.build_model(X), str(tmp_path / name))


def test_load_model_of_a_missing_file(kata, tmp_path):
    with pytest.raises(FileNotFoundError):
        kata.load_model(str(tmp_path / "missing.keras"))


# --- export for serving --------------------------------------------------------------------


def test_export_serves_the_same_predictions_without_keras(kata, tmp_path):
    """The tests load the SavedModel with TensorFlow alone and call its serving signature."""
    model = kata.build_model(X, seed=3)
    expected = predictions(model, "the model's predictions")
    directory = tmp_path / "served"
    kata.export_for_serving(model, str(directory))
    try:
        imported = tf.saved_model.load(str(directory))
    except Exception as err:  # noqa: BLE001 - whatever TensorFlow says, the export is wrong
        pytest.fail(f"export_for_serving: tf.saved_model.load({directory.name}) failed, no "
                    f"SavedModel there? {type(err).__name__}: {str(err)[:300]}")
    assert "serving_default" in imported.signatures, \
        f"the export has no 'serving_default' signature, only {list(imported.signatures)}"
    outputs = imported.signatures["serving_default"](tf.constant(X_TEST))
    assert len(outputs) == 1, f"the serving signature should return the logits alone, got " \
                              f"{list(outputs)}"
    assert_array(next(iter(outputs.values())), expected, rtol=1e-5, atol=1e-5,
                 what="the serving signature's logits vs model.predict")


def test_serve_runs_the_serving_signature(kata, tmp_path):
    model = kata.build_model(X, seed=4)
    directory = tmp_path / "served"
    model.export(str(directory), verbose=False)
    got = kata.serve(str(directory), X_TEST)
    assert isinstance(got, np.ndarray), f"serve: expected a NumPy array, got {type(got).__name__}"
    assert_dtype(got, np.float32, what="serve")
    assert_array(got, predictions(model, "the model's predictions"), rtol=1e-5, atol=1e-5,
                 what="serve(directory, x): the logits of the exported model")


def test_serve_without_a_saved_model(kata, tmp_path):
    with pytest.raises(FileNotFoundError):
        kata.serve(str(tmp_path), X_TEST)
