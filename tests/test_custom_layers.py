"""Tests for the `custom_layers` kata: MyDense through add_weight, an MLP Model subclass whose
call(training=) drops units only in training, training with fit, and serialisation.

Oracles: NumPy forward passes of the layers' own weights, the glorot-uniform bound
sqrt(6 / (fan_in + fan_out)) and its standard deviation bound / sqrt(3), and for dropout
the exact mean and variance of inverted dropout worked out from the weights.

The kata's classes are built by the kata (in grading mode they live in its process): the
tests call `kata.MyDense(...)`, `kata.MLP(...)` and the methods of what they return.

Training threshold: MLP(64, 64, 10, dropout 0.2) trained by `train` for 5 epochs (Adam
0.01, batches of 32) on the 1347 training digits (8x8), scored on the 450 test digits. The
reference over seeds 0-9 scored min/median/max 0.958 / 0.968 / 0.973; the test asks for
0.93. Broken models miss it (seeds 0-2 each): the learning rate x100 0.098-0.102, /100
0.087-0.400, labels shuffled against the images 0.051-0.151; the loss without from_logits
stays at ln 10 = 2.30 (the loss test catches it).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tf_katas.data import load_digits
from tf_katas.testing import (
    assert_array,
    assert_raises,
    assert_scalar,
    call_kata,
    is_instance,
    to_numpy,
)

(_X_TRAIN, Y_TRAIN), (_X_TEST, Y_TEST) = load_digits(8)
X_TRAIN = (_X_TRAIN.reshape(-1, 64) / 255.0).astype(np.float32)
X_TEST = (_X_TEST.reshape(-1, 64) / 255.0).astype(np.float32)
ACCURACY_THRESHOLD = 0.93
RNG = np.random.default_rng(0)
X6 = RNG.normal(size=(5, 6)).astype(np.float32)


def np_mlp(weights, x) -> np.ndarray:
    kernel1, bias1, kernel2, bias2 = (np.asarray(w, np.float64) for w in weights)
    return np.maximum(np.asarray(x, np.float64) @ kernel1 + bias1, 0.0) @ kernel2 + bias2


def mlp_weights(model, shapes, what: str) -> list[np.ndarray]:
    weights = [to_numpy(w, what=what) for w in model.get_weights()]
    assert [w.shape for w in weights] == shapes, \
        f"{what}: expected weights of shapes {shapes} (hidden kernel, bias, output kernel, " \
        f"bias), got {[w.shape for w in weights]}"
    return weights


# --- MyDense -------------------------------------------------------------------------------


def test_my_dense_makes_its_weights_with_add_weight(kata):
    layer = kata.MyDense(64, 32)
    assert is_instance(layer, keras.layers.Layer), \
        f"MyDense must subclass keras.layers.Layer, got {type(layer).__name__}"
    weights = layer.trainable_weights
    assert len(weights) == 2, \
        f"MyDense(64, 32).trainable_weights: expected [kernel, bias] (made with " \
        f"self.add_weight, trainable), got {len(weights)} weights"
    kernel = to_numpy(weights[0], what="MyDense's first trainable weight (the kernel)")
    bias = to_numpy(weights[1], what="MyDense's second trainable weight (the bias)")
    assert kernel.shape == (64, 32) and bias.shape == (32,), \
        f"MyDense(64, 32): expected a kernel (64, 32) and a bias (32,), got {kernel.shape} " \
        f"and {bias.shape}"
    assert [w.name for w in weights] == ["kernel", "bias"], \
        f"weight names: expected ['kernel', 'bias'], got {[w.name for w in weights]}"
    assert_array(bias, np.zeros(32), what="MyDense's initial bias (zeros: add_weight's default "
                 "for floats is glorot_uniform)")
    limit = np.sqrt(6 / (64 + 32))
    assert np.abs(kernel).max() <= limit + 1e-6, \
        f"a glorot-uniform kernel (64, 32) lies within +-{limit:.3f}, got values up to " \
        f"{np.abs(kernel).max():.3f}"
    assert_scalar(kernel.std(), limit / np.sqrt(3), rtol=0.1,
                  what="the standard deviation of the glorot-uniform kernel")
    assert_array(to_numpy(layer.kernel, what="layer.kernel"), kernel,
                 what="layer.kernel is the first trainable weight")


@pytest.mark.parametrize(("activation", "np_activation"),
                         [(None, lambda a: a), ("relu", lambda a: np.maximum(a, 0))])
def test_my_dense_computes_inputs_at_kernel_plus_bias(kata, activation, np_activation):
    layer = kata.MyDense(6, 4, activation=activation)
    layer.bias.assign(np.array([0.5, -1.0, 2.0, -3.0], np.float32))
    kernel = to_numpy(layer.kernel, what="layer.kernel")
    expected = np_activation(X6.astype(np.float64) @ kernel + [0.5, -1.0, 2.0, -3.0])
    assert_array(layer(X6), expected, rtol=1e-5, atol=1e-5,
                 what=f"MyDense(6, 4, activation={activation!r})(x)")


def test_my_dense_config_rebuilds_an_equal_layer(kata):
    layer = kata.MyDense(6, 4, activation="relu", name="dense_a")
    config = layer.get_config()
    assert isinstance(config, dict), f"get_config: expected a dict, got {config!r:.100}"
    expected = {"inp_dim": 6, "outp_dim": 4, "activation": "relu", "name": "dense_a"}
    got = {key: config.get(key) for key in expected}
    assert got == expected, f"MyDense.get_config(): expected {expected} among its entries " \
                            f"(the base config plus the constructor's arguments), got {config}"
    clone = call_kata("MyDense.from_config(layer.get_config())", kata.MyDense.from_config,
                      config)
    assert [tuple(w.shape) for w in clone.trainable_weights] == [(6, 4), (4,)], \
        "MyDense.from_config(config) should make a layer with a (6, 4) kernel and (4,) bias"
    assert clone.get_config() == config, "from_config(get_config()) should give the same config"


@pytest.mark.parametrize(("inp_dim", "outp_dim"), [(1, 3), (5, 1), (1, 1)])
def test_my_dense_of_width_1(kata, inp_dim, outp_dim):
    """1 is a valid size ("below 1" is refused): a check `<= 1` refuses it."""
    layer = call_kata(f"MyDense({inp_dim}, {outp_dim})", kata.MyDense, inp_dim, outp_dim)
    kernel = to_numpy(layer.kernel, what="layer.kernel")
    assert kernel.shape == (inp_dim, outp_dim), \
        f"MyDense({inp_dim}, {outp_dim}).kernel: expected shape {(inp_dim, outp_dim)}, got " \
        f"{kernel.shape}"
    x = X6[:, :inp_dim]
    assert_array(layer(x), x.astype(np.float64) @ kernel, rtol=1e-5, atol=1e-5,
                 what=f"MyDense({inp_dim}, {outp_dim})(x)")


@pytest.mark.parametrize(("inp_dim", "outp_dim"), [(0, 3), (3, 0)])
def test_my_dense_rejects_bad_sizes(kata, inp_dim, outp_dim):
    with assert_raises(ValueError):
        kata.MyDense(inp_dim, outp_dim)


def test_my_dense_rejects_inputs_of_the_wrong_width(kata):
    layer = kata.MyDense(6, 4)
    with assert_raises(ValueError):
        layer(np.ones((2, 5), np.float32))


# --- MLP -----------------------------------------------------------------------------------


SHAPES = [(6, 8), (8,), (8, 3), (3,)]


def test_mlp_tracks_the_weights_of_its_layers(kata):
    model = kata.MLP(6, 8, 3, dropout_rate=0.5)
    assert is_instance(model, keras.Model), \
        f"MLP must subclass keras.Model, got {type(model).__name__}"
    shapes = [tuple(v.shape) for v in model.trainable_variables]
    assert shapes == SHAPES, f"MLP(6, 8, 3).trainable_variables: expected shapes {SHAPES} " \
                             f"(two MyDense layers, tracked as attributes), got {shapes}"


@pytest.mark.parametrize("training", [False, None])
def test_mlp_at_inference_is_deterministic_and_drops_nothing(kata, training):
    model = kata.MLP(6, 8, 3, dropout_rate=0.5)
    weights = mlp_weights(model, SHAPES, "MLP(6, 8, 3)")
    expected = np_mlp(weights, X6)
    assert_array(model(X6, training=training), expected, rtol=1e-5, atol=1e-5,
                 what=f"MLP(x, training={training}): relu(x @ W1 + b1) @ W2 + b2, no dropout")
    assert_array(model(X6, training=training), expected, rtol=1e-5, atol=1e-5,
                 what=f"MLP(x, training={training}) called again")


def test_mlp_in_training_drops_hidden_units_keeping_the_expectation(kata):
    """One row repeated 4000 times: each copy gets its own dropout mask. The mean of the
    logits must be the inference logits (inverted dropout scales by 1/(1-rate)), within
    5 standard errors computed from the weights; the rows must differ."""
    rate, copies = 0.5, 4000
    model = kata.MLP(6, 8, 3, dropout_rate=rate)
    kernel1, bias1, kernel2, bias2 = mlp_weights(model, SHAPES, "MLP(6, 8, 3)")
    hidden = np.maximum(X6[:1].astype(np.float64) @ kernel1 + bias1, 0.0)[0]
    assert (hidden > 0).sum() >= 2, "test data: at least two active hidden units"
    inference = hidden @ kernel2 + bias2
    out = to_numpy(model(np.repeat(X6[:1], copies, axis=0), training=True),
                   what="MLP(x, training=True)")
    assert out.shape == (copies, 3), f"MLP(x, training=True): expected shape {(copies, 3)}, " \
                                     f"got {out.shape}"
    assert np.ptp(out, axis=0).max() > 1e-3, \
        "MLP(x, training=True) gave the same logits for every copy of the row: no dropout " \
        "in training (training not passed to the Dropout layer, or fixed to False?)"
    variance = (hidden[:, None] * kernel2) ** 2 * rate / (1 - rate)
    standard_error = np.sqrt(variance.sum(axis=0) / copies)
    assert_array(out.mean(axis=0), inference, rtol=0, atol=5 * standard_error.max() + 1e-6,
                 what="the mean of MLP(x, training=True) over 4000 copies of a row vs the "
                 "inference logits (dropout without the 1/(1-rate) scaling shrinks them)")


def test_mlp_with_dropout_rate_0_drops_nothing_in_training(kata):
    """0 lies in [0, 1): a rate of 0 is allowed, and then training changes nothing."""
    model = call_kata("MLP(6, 8, 3, dropout_rate=0.0)", kata.MLP, 6, 8, 3, dropout_rate=0.0)
    weights = mlp_weights(model, SHAPES, "MLP(6, 8, 3, dropout_rate=0.0)")
    assert_array(model(X6, training=True), np_mlp(weights, X6), rtol=1e-5, atol=1e-5,
                 what="MLP(x, training=True) with dropout_rate 0: no unit dropped")


@pytest.mark.parametrize("rate", [1.0, -0.1])
def test_mlp_rejects_a_dropout_rate_outside_0_1(kata, rate):
    with assert_raises(ValueError):
        kata.MLP(6, 8, 3, dropout_rate=rate)


def test_mlp_config_rebuilds_the_same_network(kata):
    model = kata.MLP(6, 8, 3, dropout_rate=0.25)
    config = model.get_config()
    expected = {"input_dim": 6, "hidden_dim": 8, "num_classes": 3, "dropout_rate": 0.25}
    got = {key: config.get(key) for key in expected}
    assert got == expected, f"MLP.get_config(): expected {expected} among its entries, got " \
                            f"{config}"
    clone = call_kata("MLP.from_config(model.get_config())", kata.MLP.from_config, config)
    clone.set_weights(model.get_weights())
    assert_array(clone(X6), to_numpy(model(X6)), rtol=1e-6,
                 what="MLP.from_config(config) with the same weights, at inference")


# --- my_dense_stack ------------------------------------------------------------------------


def test_my_dense_stack_is_a_sequential_of_my_dense_layers(kata):
    model = kata.my_dense_stack(6, [8, 3])
    assert is_instance(model, keras.Sequential), \
        f"my_dense_stack: expected a keras.Sequential, got {type(model).__name__}"
    assert [layer.get_config().get("outp_dim") for layer in model.layers] == [8, 3], \
        "my_dense_stack(6, [8, 3]): expected two MyDense layers of widths 8 and 3"
    weights = mlp_weights(model, SHAPES, "my_dense_stack(6, [8, 3])")
    assert_array(model(X6), np_mlp(weights, X6), rtol=1e-5, atol=1e-5,
                 what="my_dense_stack(6, [8, 3])(x): relu between the layers, the last linear")


def np_stack(weights, x) -> np.ndarray:
    out = np.asarray(x, np.float64)
    for k in range(0, len(weights), 2):
        out = out @ np.asarray(weights[k], np.float64) + np.asarray(weights[k + 1], np.float64)
        if k < len(weights) - 2:
            out = np.maximum(out, 0.0)
    return out


@pytest.mark.parametrize("units", [[3], [7, 5, 2], [4, 4]])
def test_my_dense_stack_of_one_or_three_layers(kata, units):
    """relu after every layer but the last, whatever their number (not only after the first)."""
    model = kata.my_dense_stack(6, units)
    widths = [6, *units]
    shapes = [shape for n_in, n_out in zip(widths[:-1], widths[1:], strict=True)
              for shape in [(n_in, n_out), (n_out,)]]
    weights = [to_numpy(w, what=f"my_dense_stack(6, {units}).get_weights()")
               for w in model.get_weights()]
    assert [w.shape for w in weights] == shapes, \
        f"my_dense_stack(6, {units}): expected weights of shapes {shapes}, got " \
        f"{[w.shape for w in weights]}"
    # Biases away from zero, so that a relu where none belongs (or none where one does) shows.
    biases = [np.linspace(-1.0, 1.0, w.shape[0]).astype(np.float32) for w in weights[1::2]]
    model.set_weights([w for pair in zip(weights[::2], biases, strict=True) for w in pair])
    weights[1::2] = biases
    assert_array(model(X6), np_stack(weights, X6), rtol=1e-5, atol=1e-5,
                 what=f"my_dense_stack(6, {units})(x): relu after every layer but the last")


def test_my_dense_stack_rejects_no_layers(kata):
    with assert_raises(ValueError):
        kata.my_dense_stack(6, [])


def test_a_sequential_of_my_dense_layers_survives_save_and_reload(kata, tmp_path):
    """Keras rebuilds each MyDense from its config: only a registered class is found."""
    model = kata.my_dense_stack(6, [8, 3])
    expected = to_numpy(model(X6), what="my_dense_stack(6, [8, 3])(x)")
    reloaded = call_kata("save_and_reload(my_dense_stack(6, [8, 3]), 'stack.keras')",
                         kata.save_and_reload, model, str(tmp_path / "stack.keras"))
    assert [layer.get_config().get("inp_dim") for layer in reloaded.layers] == [6, 8], \
        "the reloaded Sequential should hold two MyDense layers (inp_dim 6 and 8)"
    assert_array(reloaded(X6), expected, rtol=1e-6, what="the reloaded stack's outputs")


# --- train, save_and_reload ----------------------------------------------------------------


@pytest.mark.training
@pytest.mark.slow
def test_train_fits_the_mlp_and_its_my_dense_layers_to_the_digits(kata):
    model = kata.MLP(64, 64, 10, dropout_rate=0.2)
    start = mlp_weights(model, [(64, 64), (64,), (64, 10), (10,)], "MLP(64, 64, 10)")
    history = kata.train(model, X_TRAIN, Y_TRAIN, epochs=5, batch_size=32, learning_rate=0.01)
    assert isinstance(history, dict) and {"loss", "accuracy"} <= set(history), \
        f"train: expected History.history, a dict with 'loss' and 'accuracy', got {history!r:.200}"
    losses = np.array(history["loss"], dtype=np.float64)
    assert losses.shape == (5,) and np.isfinite(losses).all(), \
        f"train(epochs=5): expected 5 finite losses, got {history['loss']}"
    assert losses[-1] < 0.5 * losses[0], f"the loss should fall: {losses}"
    weights = mlp_weights(model, [(64, 64), (64,), (64, 10), (10,)], "the trained MLP")
    for name, before, after in zip(["hidden kernel", "hidden bias", "output kernel",
                                    "output bias"], start, weights, strict=True):
        assert not np.allclose(before, after), f"{name} did not change: fit must train every " \
                                               "weight made with add_weight(trainable=True)"
    predicted = np_mlp(weights, X_TEST).argmax(axis=1)
    accuracy = float(np.mean(predicted == Y_TEST))
    assert accuracy >= ACCURACY_THRESHOLD, \
        f"after 5 epochs the MLP classifies {accuracy:.1%} of the 450 test digits, expected " \
        f"at least {ACCURACY_THRESHOLD:.0%} (chance is 10%)"


@pytest.mark.parametrize("settings", [dict(epochs=0), dict(batch_size=0),
                                      dict(learning_rate=0.0)])
def test_train_rejects_bad_settings(kata, settings):
    with assert_raises(ValueError):
        kata.train(kata.MLP(64, 8, 10), X_TRAIN[:32], Y_TRAIN[:32], **settings)


def test_train_uses_the_given_batch_size_epochs_and_learning_rate(kata):
    """100 rows in batches of 16 for 2 epochs: 7 steps an epoch, 14 optimizer steps in all
    (fit's default batch of 32 would take 8)."""
    model = kata.MLP(64, 8, 10)
    history = kata.train(model, X_TRAIN[:100], Y_TRAIN[:100], epochs=2, batch_size=16,
                         learning_rate=0.05)
    assert isinstance(history, dict) and len(history.get("loss", [])) == 2, \
        f"train(epochs=2): expected 2 losses in the history, got {history!r:.200}"
    assert_scalar(model.optimizer.iterations, 14, what="the optimizer's steps after train(100 "
                  "rows, epochs=2, batch_size=16): 2 epochs of 7 batches (batch_size not "
                  "passed to fit?)")
    assert_scalar(model.optimizer.learning_rate, 0.05, what="the compiled Adam's learning rate "
                  "after train(learning_rate=0.05)")


@pytest.mark.parametrize("labels", [Y_TRAIN[:31], np.eye(10)[Y_TRAIN[:32]],
                                    Y_TRAIN[:32].astype(np.float32)],
                         ids=["31 labels for 32 rows", "one-hot labels", "float labels"])
def test_train_rejects_labels_that_do_not_fit(kata, labels):
    with assert_raises(ValueError):
        kata.train(kata.MLP(64, 8, 10), X_TRAIN[:32], labels)


def test_save_and_reload_keeps_the_classes_config_and_weights(kata, tmp_path):
    """Catches a class not registered and a get_config without the constructor's arguments
    (keras.saving.load_model then cannot rebuild it)."""
    model = kata.MLP(6, 8, 3, dropout_rate=0.25)
    expected = to_numpy(model(X6), what="MLP(x)")
    reloaded = call_kata("save_and_reload(model, 'mlp.keras')", kata.save_and_reload, model,
                         str(tmp_path / "mlp.keras"))
    assert (tmp_path / "mlp.keras").is_file(), "save_and_reload should write the .keras file"
    assert is_instance(reloaded, keras.Model), \
        f"save_and_reload: expected a keras.Model back, got {type(reloaded).__name__}"
    assert reloaded is not model, \
        "save_and_reload must return the model loaded from the file, not the one it was given"
    assert reloaded.get_config().get("dropout_rate") == 0.25, \
        "the reloaded MLP should have the same config (dropout_rate 0.25)"
    assert_array(reloaded(X6), expected, rtol=1e-6, what="the reloaded MLP's logits")
    assert reloaded.hidden.get_config().get("inp_dim") == 6, \
        "the reloaded MLP's hidden layer should be a MyDense with inp_dim 6"


@pytest.mark.parametrize("name", ["PATH", "mlp.h5"])
def test_save_and_reload_wants_a_keras_file(kata, tmp_path, name):
    with assert_raises(ValueError):
        kata.save_and_reload(kata.MLP(6, 8, 3), str(tmp_path / name))
