"""Tests for the `lstm_gru` kata: LSTM and GRU cells by hand, and a task that needs memory.

Oracles: `keras.layers.LSTM` / `LSTMCell` / `GRU` / `GRUCell` built here with weights the
tests draw and copy in (values, and gradients under a tape), and float64 NumPy cells written
out here from the equations of Keras' source (gate order i, f, c, o; GRU z, r, h with
`reset_after=True`).

The memory task (`recall_data`): 4 classes; the first step holds the class one-hot and a
start flag, the next 20 steps normal noise of standard deviation 1.5 on the same 4 channels;
the class is to be read from the last state. A cell of 32 units and a dense layer are trained
by the kata's `train_classifier` (Adam, lr 0.01, 800 steps of batches of 128, gradients
clipped to global norm 1) on 2000 sequences and scored here, by a NumPy forward pass of the
returned weights, on 1000 others (chance: 0.25). Over seeds 0-9 of the reference:

- LSTM: 0.999 / 1.0 / 1.0 (min / median / max); the slowest seed crossed 0.9 between steps
  600 and 700. The test asks for 0.9 (seed 0).
- SimpleRNN of the same size, trained the same way: 0.229 / 0.259 / 1.0 — at chance on 9
  seeds, but seed 3 learns it; so the test averages seeds 0 and 1 (0.261, 0.282) and asks
  for a mean under 0.9. The same SimpleRNN recalls after 2 steps of noise: 1.0 on all 10
  seeds within 50 steps (the test gives it 100), so it is trained, not broken.
- Broken LSTMs: every bias at zero (no unit_forget_bias) 0.54 / 0.50 / 0.37 / 0.27 / 0.53
  (seeds 0-4), h and c swapped 0.24 / 0.26 (seeds 0-1): both miss. Two mistakes train well
  from scratch, so the comparisons with Keras catch them, not the threshold: the notes' gate
  order (forget first; the blocks are symmetric but for the forget bias) 0.999 / 0.51 /
  0.999 / 1.0 / 0.75, and no tanh on the cell output 1.0 / 1.0 / 1.0 (seeds 0-2).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from tf_katas.testing import (
    assert_array,
    assert_dtype,
    assert_no_ops,
    assert_shape,
    call_kata,
    gradient_of,
    result_in_float64,
    to_numpy,
)

HAND_WRITTEN = {op: "write the step with matmuls, sigmoid and tanh" for op in (
    "CudnnRNN", "CudnnRNNV2", "CudnnRNNV3", "BlockLSTM", "BlockLSTMV2", "LSTMBlockCell",
    "GRUBlockCell")} | {"ReadVariableOp": "no Keras layer or cell (or Variable) inside: "
                                          "the weights are the arguments"}
CLASSES, DELAY, NOISE, UNITS, STEPS, LR, BATCH = 4, 20, 1.5, 32, 800, 0.01, 128
RECALL_THRESHOLD = 0.9

sizes = st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(1, 4), st.integers(1, 5))


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def np_lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    z = x_t @ kernel + h @ recurrent_kernel + bias
    i, f, g, o = np.split(z, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def np_gru_step(x_t, h, kernel, recurrent_kernel, bias):
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h @ recurrent_kernel + bias[1], 3, axis=-1)
    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    return z * h + (1 - z) * np.tanh(x_h + r * h_h)


def np_unroll(cell: str, x, weights, state=None) -> np.ndarray:
    """Every step's h [B, T, H] of `cell` ("lstm", "gru" or "simple_rnn"), in float64."""
    x = np.asarray(x, np.float64)
    kernel, recurrent_kernel, bias = (np.asarray(w, np.float64) for w in weights)
    zeros = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    h, c = (zeros, zeros) if state is None else (np.asarray(s, np.float64) for s in state)
    states = []
    for t in range(x.shape[1]):
        if cell == "lstm":
            h, c = np_lstm_step(x[:, t], h, c, kernel, recurrent_kernel, bias)
        elif cell == "gru":
            h = np_gru_step(x[:, t], h, kernel, recurrent_kernel, bias)
        else:
            h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        states.append(h)
    return np.stack(states, axis=1)


def keras_layer(cell: str, units: int, features: int, seed: int = 0,
                return_sequences: bool = False):
    """A Keras LSTM or GRU layer with drawn weights (biases too: every block differs)."""
    layer = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell](
        units, return_sequences=return_sequences)
    layer.build((None, None, features))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.6, w.shape).astype(np.float32)
                       for w in layer.get_weights()])
    return layer


def draw_inputs(*shape: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 1, shape).astype(np.float32)


# --- lstm_step -------------------------------------------------------------------------------

def test_lstm_step_follows_the_gate_equations_in_keras_order(kata):
    """Gates side by side as i, f, c, o; every block of the bias different, so a swap shows."""
    weights = keras_layer("lstm", 3, 2).get_weights()
    x_t, h, c = draw_inputs(2, 2), draw_inputs(2, 3, seed=2), 2 * draw_inputs(2, 3, seed=3)
    expected_h, expected_c = np_lstm_step(np.float64(x_t), h, c, *weights)
    result = kata.lstm_step(x_t, h, c, *weights)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"lstm_step must return the pair (h_new, c_new), got {type(result).__name__}")
    new_h, new_c = result
    assert_array(new_c, expected_c, dtype=np.float32, rtol=1e-5, atol=1e-6,
                 what="lstm_step(...)[1]: c_new = sigmoid(f) * c + sigmoid(i) * tanh(g), the "
                      "blocks of x_t @ kernel + h @ recurrent_kernel + bias in the order i, f, "
                      "g (cell), o (h and c swapped, or another gate order?)")
    assert_array(new_h, expected_h, dtype=np.float32, rtol=1e-5, atol=1e-6,
                 what="lstm_step(...)[0]: h_new = sigmoid(o) * tanh(c_new) (tanh forgotten?)")


@settings(max_examples=8)
@given(sizes=sizes, seed=st.integers(0, 100))
def test_lstm_step_matches_keras_cell(kata, sizes, seed):
    batch, _, features, units = sizes
    cell = keras.layers.LSTMCell(units)
    cell.build((None, features))
    rng = np.random.default_rng(seed)
    cell.set_weights([rng.normal(0, 0.6, w.shape).astype(np.float32)
                      for w in cell.get_weights()])
    x_t, h, c = (draw_inputs(batch, n, seed=seed + k)
                 for k, n in enumerate((features, units, units)))
    _, (want_h, want_c) = cell(x_t, [h, c])
    got_h, got_c = kata.lstm_step(x_t, h, c, *cell.get_weights())
    what = f"lstm_step vs keras.layers.LSTMCell({units}) on x_t [{batch}, {features}]"
    assert_array(got_h, to_numpy(want_h), dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what=f"{what}: h")
    assert_array(got_c, to_numpy(want_c), dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what=f"{what}: c")


# --- lstm --------------------------------------------------------------------------------------

@settings(max_examples=8)
@given(sizes=sizes, return_sequences=st.booleans(), seed=st.integers(0, 100))
def test_lstm_matches_keras_layer(kata, sizes, return_sequences, seed):
    batch, time, features, units = sizes
    layer = keras_layer("lstm", units, features, seed, return_sequences)
    x = draw_inputs(batch, time, features, seed=seed)
    shape = "[B, T, H]" if return_sequences else "[B, H] (the last h)"
    assert_array(kata.lstm(x, *layer.get_weights(), return_sequences=return_sequences),
                 to_numpy(layer(x)), dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what=f"lstm(x [{batch}, {time}, {features}], return_sequences="
                      f"{return_sequences}) vs keras.layers.LSTM({units}): {shape}")


def test_lstm_returns_the_last_h_or_every_h(kata):
    weights = keras_layer("lstm", 3, 2).get_weights()
    x = draw_inputs(2, 5, 2)
    expected = np_unroll("lstm", x, weights)
    assert_array(kata.lstm(x, *weights), expected[:, -1], rtol=1e-5, atol=1e-6,
                 what="lstm(x [2, 5, 2]): the LAST h, [2, 3] (not c, not the first step)")
    assert_array(kata.lstm(x, *weights, return_sequences=True), expected, rtol=1e-5,
                 atol=1e-6, what="lstm(x [2, 5, 2], return_sequences=True): every h, [2, 5, 3]")


def test_lstm_starts_from_initial_state_h0_c0(kata):
    layer = keras_layer("lstm", 3, 2, return_sequences=True)
    x, h0, c0 = draw_inputs(2, 4, 2), draw_inputs(2, 3, seed=5), draw_inputs(2, 3, seed=6)
    assert_array(kata.lstm(x, *layer.get_weights(), initial_state=(h0, c0),
                           return_sequences=True),
                 to_numpy(layer(x, initial_state=[h0, c0])), rtol=1e-5, atol=1e-5,
                 what="lstm(x, ..., initial_state=(h0, c0)) vs LSTM(x, initial_state=[h0, c0])")


def test_lstm_gradients_match_the_keras_layer(kata):
    assert_gradients_match_keras(kata.lstm, "lstm")


# --- gru_step and gru --------------------------------------------------------------------------

def test_gru_step_follows_keras_reset_after_equations(kata):
    """z keeps the OLD state; the reset gate multiplies h @ U_h + b_h (after the matmul);
    bias[0] is the input row, bias[1] the recurrent row."""
    weights = keras_layer("gru", 3, 2).get_weights()
    x_t, h = draw_inputs(2, 2), draw_inputs(2, 3, seed=2)
    assert_array(kata.gru_step(x_t, h, *weights), np_gru_step(np.float64(x_t), h, *weights),
                 dtype=np.float32, rtol=1e-5, atol=1e-6,
                 what="gru_step: z * h + (1 - z) * tanh(x_h + r * (h @ U_h + b_h)), gates in "
                      "the order z, r, h (z and 1 - z swapped, reset before the matmul, or "
                      "bias rows swapped?)")


def test_float64_states_are_cast_to_the_dtype_of_x(kata):
    """The other arguments are cast to x_t's dtype: float64 states with float32 x_t."""
    lstm_weights = keras_layer("lstm", 3, 2).get_weights()
    gru_weights = keras_layer("gru", 3, 2).get_weights()
    x_t = draw_inputs(2, 2)
    h, c = np.float64(draw_inputs(2, 3, seed=2)), np.float64(draw_inputs(2, 3, seed=3))
    for what, call, expected in (
            ("lstm_step(float32 x_t, float64 h and c)[0]",
             lambda: kata.lstm_step(x_t, h, c, *lstm_weights)[0],
             np_lstm_step(np.float64(x_t), h, c, *lstm_weights)[0]),
            ("lstm(float32 x, initial_state of float64 (h0, c0))",
             lambda: kata.lstm(x_t[:, None], *lstm_weights, initial_state=(h, c)),
             np_lstm_step(np.float64(x_t), h, c, *lstm_weights)[0]),
            ("gru_step(float32 x_t, float64 h)",
             lambda: kata.gru_step(x_t, h, *gru_weights),
             np_gru_step(np.float64(x_t), h, *gru_weights))):
        got = call_kata(what, call)
        assert_array(got, expected, dtype=np.float32, rtol=1e-5, atol=1e-5,
                     what=f"{what}: the states are cast to x's dtype")


@settings(max_examples=8)
@given(sizes=sizes, seed=st.integers(0, 100))
def test_gru_step_matches_keras_cell(kata, sizes, seed):
    batch, _, features, units = sizes
    cell = keras.layers.GRUCell(units)
    cell.build((None, features))
    rng = np.random.default_rng(seed)
    cell.set_weights([rng.normal(0, 0.6, w.shape).astype(np.float32)
                      for w in cell.get_weights()])
    x_t, h = draw_inputs(batch, features, seed=seed), draw_inputs(batch, units, seed=seed + 1)
    want, _ = cell(x_t, h)
    assert_array(kata.gru_step(x_t, h, *cell.get_weights()), to_numpy(want), dtype=np.float32,
                 rtol=1e-5, atol=1e-5,
                 what=f"gru_step vs keras.layers.GRUCell({units}) on x_t [{batch}, {features}]")


@settings(max_examples=8)
@given(sizes=sizes, return_sequences=st.booleans(), seed=st.integers(0, 100))
def test_gru_matches_keras_layer(kata, sizes, return_sequences, seed):
    batch, time, features, units = sizes
    layer = keras_layer("gru", units, features, seed, return_sequences)
    x = draw_inputs(batch, time, features, seed=seed)
    shape = "[B, T, H]" if return_sequences else "[B, H] (the last state)"
    assert_array(kata.gru(x, *layer.get_weights(), return_sequences=return_sequences),
                 to_numpy(layer(x)), dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what=f"gru(x [{batch}, {time}, {features}], return_sequences="
                      f"{return_sequences}) vs keras.layers.GRU({units}): {shape}")


def test_gru_returns_the_last_state_or_every_state_from_h0(kata):
    weights = keras_layer("gru", 3, 2).get_weights()
    x, h0 = draw_inputs(2, 5, 2), draw_inputs(2, 3, seed=4)
    expected = np_unroll("gru", x, weights, state=(h0, h0))
    assert_array(kata.gru(x, *weights, h0=h0), expected[:, -1], rtol=1e-5, atol=1e-6,
                 what="gru(x [2, 5, 2], h0=h0): the LAST state, [2, 3]")
    assert_array(kata.gru(x, *weights, h0=h0, return_sequences=True), expected, rtol=1e-5,
                 atol=1e-6, what="gru(x [2, 5, 2], h0=h0, return_sequences=True): [2, 5, 3]")


def test_gru_gradients_match_the_keras_layer(kata):
    assert_gradients_match_keras(kata.gru, "gru")


def assert_gradients_match_keras(function, cell: str) -> None:
    layer = keras_layer(cell, 3, 2, return_sequences=True)
    x = draw_inputs(2, 6, 2)
    x_tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tensor)
        total = tf.reduce_sum(layer(x_tensor))
    expected = tape.gradient(total, [x_tensor, *layer.weights])
    grads = gradient_of(function, x, *layer.get_weights(), return_sequences=True)
    for name, got, want in zip(["x", "kernel", "recurrent_kernel", "bias"], grads, expected,
                               strict=True):
        assert got is not None, f"{cell}: no gradient reaches {name}"
        assert_array(got, to_numpy(want), rtol=1e-4, atol=1e-5,
                     what=f"d sum({cell}(..., return_sequences=True)) / d {name} vs "
                          f"keras.layers.{cell.upper()} under a tape")


# --- both: dtypes, tracing, errors ------------------------------------------------------------

@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize(("dtype", "tolerance"), [
    (np.float64, 1e-12), (np.float16, 1e-2),
    # bfloat16 arrays cannot cross to a grading sandbox (NumPy knows no bfloat16): local only
    pytest.param(tf.bfloat16, 6e-2, marks=pytest.mark.in_process)],
    ids=["float64", "float16", "bfloat16"])
def test_cells_keep_the_dtype_of_x(kata, cell, dtype, tolerance):
    """The float32 weights are cast to x's dtype; float64 is computed in float64."""
    weights = keras_layer(cell, 3, 2).get_weights()
    weights = [w / 2 for w in weights]  # moderate pre-activations for float16
    x = tf.cast(draw_inputs(2, 4, 2), dtype)
    got = getattr(kata, cell)(x, *weights, return_sequences=True)
    values = result_in_float64(got, dtype, what=cell)
    assert_array(values, np_unroll(cell, tf.cast(x, tf.float64), weights), rtol=tolerance,
                 atol=tolerance, what=f"{cell} on {tf.as_dtype(dtype).name} x [2, 4, 2]")


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_cells_are_hand_written_and_trace_in_tf_function(kata, cell):
    weights = keras_layer(cell, 3, 2).get_weights()
    x = draw_inputs(2, 5, 2)
    assert_array(getattr(kata, cell)(x, *weights), np_unroll(cell, x, weights)[:, -1],
                 rtol=1e-5, atol=1e-6, what=f"{cell}(x [2, 5, 2])")
    assert_no_ops(getattr(kata, cell), (tf.constant(x), *weights), HAND_WRITTEN, what=cell)


# x has 2 features, the cells 3 units, the batch is 2.
LSTM_SHAPES = dict(kernel=(2, 12), recurrent_kernel=(3, 12), bias=(12,), h=(2, 3), c=(2, 3))
GRU_SHAPES = dict(kernel=(2, 9), recurrent_kernel=(3, 9), bias=(2, 9), h=(2, 3))
BAD_LSTM = {
    "kernel of a GRU": dict(kernel=(2, 9)), "kernel transposed": dict(kernel=(12, 2)),
    "recurrent kernel [H, 3H]": dict(recurrent_kernel=(3, 9)), "bias [3H]": dict(bias=(9,)),
    "bias 2-D": dict(bias=(1, 12)), "h too wide": dict(h=(2, 4)), "c of another batch":
    dict(c=(3, 3)),
}
BAD_GRU = {
    "kernel of an LSTM": dict(kernel=(2, 12)), "bias of reset_after=False [3H]": dict(bias=(9,)),
    "bias [3, 3H]": dict(bias=(3, 9)), "recurrent kernel [H, H]": dict(recurrent_kernel=(3, 3)),
    "h of another batch": dict(h=(3, 3)),
}


def _ones(shapes, *names):
    return [np.ones(shapes[name], np.float32) / 4 for name in names]


@pytest.mark.parametrize("bad", BAD_LSTM.values(), ids=BAD_LSTM.keys())
def test_lstm_step_and_lstm_reject_mismatched_shapes(kata, bad):
    shapes = LSTM_SHAPES | bad
    weights = _ones(shapes, "kernel", "recurrent_kernel", "bias")
    h, c = _ones(shapes, "h", "c")
    with pytest.raises(ValueError, match="shape"):
        kata.lstm_step(np.ones((2, 2), np.float32), h, c, *weights)
    with pytest.raises(ValueError, match="shape"):
        kata.lstm(np.ones((2, 4, 2), np.float32), *weights, initial_state=(h, c))


@pytest.mark.parametrize("bad", BAD_GRU.values(), ids=BAD_GRU.keys())
def test_gru_step_and_gru_reject_mismatched_shapes(kata, bad):
    shapes = GRU_SHAPES | bad
    weights = _ones(shapes, "kernel", "recurrent_kernel", "bias")
    (h,) = _ones(shapes, "h")
    with pytest.raises(ValueError, match="shape"):
        kata.gru_step(np.ones((2, 2), np.float32), h, *weights)
    with pytest.raises(ValueError, match="shape"):
        kata.gru(np.ones((2, 4, 2), np.float32), *weights, h0=h)


@pytest.mark.parametrize("x_shape", [(2, 2), (2, 0, 2), (1, 2, 4, 2)],
                         ids=["2-D", "no time step", "4-D"])
def test_lstm_and_gru_reject_x_that_is_not_batch_time_features(kata, x_shape):
    x = np.ones(x_shape, np.float32)
    with pytest.raises(ValueError, match="shape"):
        kata.lstm(x, *_ones(LSTM_SHAPES, "kernel", "recurrent_kernel", "bias"))
    with pytest.raises(ValueError, match="shape"):
        kata.gru(x, *_ones(GRU_SHAPES, "kernel", "recurrent_kernel", "bias"))


def test_lstm_rejects_an_initial_state_that_is_not_a_pair(kata):
    """initial_state=h0 alone would leave c0 undefined."""
    weights = _ones(LSTM_SHAPES, "kernel", "recurrent_kernel", "bias")
    with pytest.raises(ValueError):
        kata.lstm(np.ones((2, 4, 2), np.float32), *weights,
                  initial_state=np.zeros((2, 3), np.float32))


def test_cells_reject_integer_inputs(kata):
    lstm_weights = _ones(LSTM_SHAPES, "kernel", "recurrent_kernel", "bias")
    gru_weights = _ones(GRU_SHAPES, "kernel", "recurrent_kernel", "bias")
    x_t, x, h = np.ones((2, 2), np.int32), np.ones((2, 4, 2), np.int32), np.zeros((2, 3))
    with pytest.raises(TypeError):
        kata.lstm_step(x_t, h, h, *lstm_weights)
    with pytest.raises(TypeError):
        kata.lstm(x, *lstm_weights)
    with pytest.raises(TypeError):
        kata.gru_step(x_t, h, *gru_weights)
    with pytest.raises(TypeError):
        kata.gru(x, *gru_weights)


# --- train_classifier and the memory task -----------------------------------------------------

def recall_data(n: int, delay: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Class one-hot plus a start flag at t = 0, then `delay` steps of N(0, 1.5²) noise on
    the class channels; the label is the first step's class."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, n)
    x = np.zeros((n, delay + 1, CLASSES + 1), np.float32)
    x[:, 1:, :CLASSES] = rng.normal(0, NOISE, (n, delay, CLASSES))
    x[np.arange(n), 0, labels] = 1.0
    x[:, 0, CLASSES] = 1.0
    return x, labels


def recall_accuracy(cell: str, weights, delay: int) -> float:
    """The trained weights scored on 1000 fresh sequences by a NumPy forward pass."""
    x, labels = recall_data(1000, delay, seed=2)
    assert len(weights) == 5, (
        f"train_classifier must return [kernel, recurrent_kernel, bias, dense_kernel, "
        f"dense_bias], got {len(weights)} arrays")
    states = np_unroll(cell, x, weights[:3])[:, -1]
    logits = states @ np.asarray(weights[3], np.float64) + np.asarray(weights[4], np.float64)
    return float(np.mean(logits.argmax(axis=1) == labels))


def check_losses(losses, steps: int, cell: str) -> np.ndarray:
    losses = assert_shape(losses, (steps,), what=f"train_classifier({cell!r}): the losses")
    assert_dtype(losses, "float", what=f"train_classifier({cell!r}): the losses")
    assert np.isfinite(losses).all(), f"train_classifier({cell!r}): a loss is NaN or inf"
    return losses


@pytest.mark.parametrize(("cell", "shapes"), [
    ("lstm", [(5, 12), (3, 12), (12,), (3, 4), (4,)]),
    ("gru", [(5, 9), (3, 9), (2, 9), (3, 4), (4,)]),
    ("simple_rnn", [(5, 3), (3, 3), (3,), (3, 4), (4,)])])
def test_train_classifier_returns_weights_in_keras_layouts(kata, cell, shapes):
    """Two steps: the shapes, the losses, and the LSTM's forget-gate bias starting at 1."""
    x, labels = recall_data(64, 3, seed=1)
    weights, losses = kata.train_classifier(x, labels, cell=cell, units=3, steps=2, lr=0.01,
                                            batch_size=8, seed=0)
    check_losses(losses, 2, cell)
    assert len(weights) == 5, f"train_classifier({cell!r}): expected 5 weights, got {len(weights)}"
    for name, weight, shape in zip(["kernel", "recurrent_kernel", "bias", "dense_kernel",
                                    "dense_bias"], weights, shapes, strict=True):
        what = f"train_classifier({cell!r}): {name} for 5 features, 3 units, 4 classes"
        assert_shape(weight, shape, what=what)
        assert_dtype(weight, np.float32, what=what)
    if cell == "lstm":
        bias = np.asarray(weights[2]).reshape(4, 3)
        assert_array(bias, np.array([[0.0], [1.0], [0.0], [0.0]]).repeat(3, axis=1), atol=0.1,
                     what="the LSTM's bias after 2 small steps, by gate (i, f, c, o): the "
                          "forget gate's block starts at 1 (unit_forget_bias), the rest at 0")


@pytest.mark.parametrize(("settings_", "match"), [
    (dict(cell="rnn"), "cell"), (dict(units=0), ""), (dict(steps=0), ""),
    (dict(batch_size=0), ""), (dict(lr=0.0), ""), (dict(labels=np.zeros(3, int)), "label"),
    (dict(labels=-np.ones(8, int)), ""), (dict(x=np.zeros((8, 5), np.float32)), "")],
    ids=["cell rnn", "0 units", "0 steps", "batch 0", "lr 0", "3 labels for 8", "label -1",
         "x 2-D"])
def test_train_classifier_rejects_bad_settings(kata, settings_, match):
    x, labels = recall_data(8, 3, seed=1)
    arguments = dict(x=x, labels=labels, cell="lstm", units=3, steps=2, lr=0.01, batch_size=4)
    with pytest.raises(ValueError, match=match or None):
        kata.train_classifier(**(arguments | settings_))


@pytest.mark.training
@pytest.mark.slow
def test_an_lstm_recalls_the_first_symbol_after_20_noisy_steps(kata):
    x, labels = recall_data(2000, DELAY, seed=1)
    weights, losses = kata.train_classifier(x, labels, cell="lstm", units=UNITS, steps=STEPS,
                                            lr=LR, batch_size=BATCH, seed=0)
    losses = check_losses(losses, STEPS, "lstm")
    score = recall_accuracy("lstm", weights, DELAY)
    assert score >= RECALL_THRESHOLD, (
        f"the trained LSTM recalls the first of {DELAY + 1} steps in {score:.1%} of 1000 "
        f"sequences, expected at least {RECALL_THRESHOLD:.0%} (chance: 25%; the reference: "
        f"99.9-100% on 10 seeds). Forget-gate bias block at 1? tanh on the cell output? h, not c?")


@pytest.mark.training
@pytest.mark.slow
def test_a_simple_rnn_of_the_same_size_learns_a_short_delay_but_not_20_steps(kata):
    """The same training on a SimpleRNN: it learns to recall after 2 steps (so it is trained),
    but after 20 noisy steps its accuracy, averaged over two seeds, stays under the LSTM's
    threshold (one seed in ten of the reference does learn it: hence two)."""
    x, labels = recall_data(2000, 2, seed=1)
    weights, _ = kata.train_classifier(x, labels, cell="simple_rnn", units=UNITS, steps=100,
                                       lr=LR, batch_size=BATCH, seed=0)
    short = recall_accuracy("simple_rnn", weights, 2)
    assert short >= RECALL_THRESHOLD, (
        f"train_classifier('simple_rnn') recalls the first of 3 steps in {short:.1%} of "
        f"sequences, expected at least {RECALL_THRESHOLD:.0%}: is the SimpleRNN trained?")
    x, labels = recall_data(2000, DELAY, seed=1)
    scores = []
    for seed in (0, 1):
        weights, losses = kata.train_classifier(x, labels, cell="simple_rnn", units=UNITS,
                                                steps=STEPS, lr=LR, batch_size=BATCH, seed=seed)
        check_losses(losses, STEPS, "simple_rnn")
        scores.append(recall_accuracy("simple_rnn", weights, DELAY))
    assert np.mean(scores) < RECALL_THRESHOLD, (
        f"a SimpleRNN recalled the first of {DELAY + 1} steps in {scores} of sequences "
        f"(seeds 0 and 1); the reference's stays at chance on 9 seeds in 10 (0.23-0.28), "
        f"under the LSTM's {RECALL_THRESHOLD:.0%}")
