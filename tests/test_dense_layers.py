"""Tests for the `dense_layers` kata: x @ W + b, a Dense layer's weights, an MLP, parameters.

Oracles: NumPy matrix products, Keras layers built by the tests themselves, and parameter
counts worked out by hand.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tf_katas.testing import (
    assert_array,
    assert_dtype,
    assert_raises,
    gradient_of,
    is_instance,
    to_numpy,
)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 3)).astype(np.float32)
KERNEL = RNG.normal(size=(3, 5)).astype(np.float32)  # [in, out], in != out: no silent transpose
BIAS = np.array([0.5, -1.0, 2.0, 0.0, 3.0], np.float32)


def np_relu(a):
    return np.maximum(a, 0)


def notes_network():
    """The notes' network, built by the test itself: 3 inputs, Dense 2 (relu), 2 (relu), 2."""
    model = keras.Sequential([keras.layers.Dense(2, activation="relu"),
                              keras.layers.Dense(2, activation="relu"),
                              keras.layers.Dense(2)])
    model.build((None, 3))
    return model


def partly_frozen_network():
    """Dense 4 (frozen), BatchNormalization, Dense 2, on 3 inputs."""
    model = keras.Sequential([keras.layers.Dense(4), keras.layers.BatchNormalization(),
                              keras.layers.Dense(2)])
    model.build((None, 3))
    model.layers[0].trainable = False
    return model


# --- dense_forward -------------------------------------------------------------------------


def test_dense_forward_is_x_at_kernel_plus_bias(kata):
    """Bias added to every row; the kernel used as [in, out], not transposed."""
    expected = X.astype(np.float64) @ KERNEL + BIAS
    assert_array(kata.dense_forward(X, KERNEL, BIAS), expected, dtype=np.float32, rtol=1e-5,
                 atol=1e-5, what="dense_forward(x [4, 3], kernel [3, 5], bias [5])")


def test_dense_forward_matches_a_keras_dense_layer(kata):
    """The notes' net = Dense(512); out = net(x), at a small size, weights copied out."""
    layer = keras.layers.Dense(5)
    expected = to_numpy(layer(X))  # builds the layer with random weights
    kernel, bias = kata.dense_weights(layer)
    assert_array(kata.dense_forward(X, kernel, bias), expected, dtype=np.float32, rtol=1e-5,
                 atol=1e-5, what="dense_forward with a Keras Dense layer's weights vs layer(x)")


@given(sizes=st.tuples(*(st.integers(1, 5) for _ in range(3))), data=st.data())
def test_dense_forward_on_any_sizes(kata, sizes, data):
    batch, n_in, n_out = sizes
    values = st.floats(-3, 3, width=32)
    x = data.draw(hnp.arrays(np.float32, (batch, n_in), elements=values))
    kernel = data.draw(hnp.arrays(np.float32, (n_in, n_out), elements=values))
    bias = data.draw(hnp.arrays(np.float32, (n_out,), elements=values))
    expected = x.astype(np.float64) @ kernel + bias
    assert_array(kata.dense_forward(x, kernel, bias), expected, dtype=np.float32, rtol=1e-5,
                 atol=1e-5, what=f"dense_forward for batch {batch}, {n_in} -> {n_out}")


def test_dense_forward_converts_to_float32(kata):
    got = kata.dense_forward([[1, 2]], np.array([[1.0], [2.0]]), [0.5])
    assert_array(got, [[5.5]], dtype=np.float32, what="dense_forward of ints and float64")


@pytest.mark.parametrize(("x_shape", "kernel_shape", "bias_shape"), [
    ((4, 3), (5, 3), (5,)),  # kernel given as [out, in]
    ((4, 3), (3, 5), (3,)),  # one bias per input instead of per output
    ((4, 3), (3, 5), (1, 5)),  # bias not 1-D
    ((3,), (3, 5), (5,)),  # a single example without its batch axis
    ((4, 3), (3, 5, 1), (5,)),  # kernel not 2-D
    ((4, 3), (3, 5), ()),  # a scalar bias
])
def test_dense_forward_rejects_mismatched_shapes(kata, x_shape, kernel_shape, bias_shape):
    with assert_raises(ValueError):
        kata.dense_forward(np.ones(x_shape), np.ones(kernel_shape), np.ones(bias_shape))


# --- dense_weights -------------------------------------------------------------------------


def test_dense_weights_are_the_kernel_and_bias(kata):
    layer = keras.layers.Dense(5, bias_initializer="random_normal")
    layer.build((None, 3))
    kernel, bias = kata.dense_weights(layer)
    assert_array(kernel, layer.kernel.numpy(), dtype=np.float32,
                 what="dense_weights(layer)[0]: the kernel, [in, out] = [3, 5]")
    assert_array(bias, layer.bias.numpy(), dtype=np.float32,
                 what="dense_weights(layer)[1]: the bias, [5]")
    assert isinstance(kernel, np.ndarray) and isinstance(bias, np.ndarray), \
        "dense_weights should return NumPy arrays, not Variables or tensors"
    before = layer.kernel.numpy().copy()
    kernel[...] = 42.0
    assert_array(layer.kernel.numpy(), before,
                 what="the layer's kernel after changing dense_weights' copy (must not change)")


def test_dense_weights_of_a_layer_without_bias_is_zero_bias(kata):
    layer = keras.layers.Dense(3, use_bias=False)
    layer.build((None, 2))
    kernel, bias = kata.dense_weights(layer)
    assert_array(kernel, layer.kernel.numpy(), dtype=np.float32, what="kernel of a bias-less layer")
    assert_array(bias, np.zeros(3), dtype=np.float32, what="bias of a layer with use_bias=False")


def test_dense_weights_of_a_float64_layer_are_float32(kata):
    """The docstring promises float32 arrays whatever the layer's dtype."""
    layer = keras.layers.Dense(3, dtype="float64", bias_initializer="random_normal")
    layer.build((None, 2))
    kernel, bias = kata.dense_weights(layer)
    assert_array(kernel, layer.kernel.numpy(), dtype=np.float32,
                 what="kernel of a float64 layer (expected float32: kept the layer's dtype?)")
    assert_array(bias, layer.bias.numpy(), dtype=np.float32,
                 what="bias of a float64 layer (expected float32: kept the layer's dtype?)")


def test_dense_weights_rejects_an_unbuilt_layer(kata):
    with assert_raises(ValueError, match="built"):
        kata.dense_weights(keras.layers.Dense(3))


# --- build_mlp -----------------------------------------------------------------------------


def test_build_mlp_builds_the_notes_network(kata):
    model = kata.build_mlp(3, [2, 2, 2])
    assert is_instance(model, keras.Sequential), \
        f"build_mlp: expected a keras.Sequential, got {type(model).__name__}"
    assert model.built, "build_mlp: the model should be built (model.build(input_shape))"
    dense = [layer for layer in model.layers if is_instance(layer, keras.layers.Dense)]
    assert len(dense) == 3 == len(model.layers), \
        f"build_mlp(3, [2, 2, 2]): expected 3 Dense layers, got {model.layers}"
    assert [layer.units for layer in dense] == [2, 2, 2]
    assert [tuple(layer.kernel.shape) for layer in dense] == [(3, 2), (2, 2), (2, 2)], \
        "build_mlp(3, [2, 2, 2]): the first kernel should be [3, 2], then [2, 2], [2, 2]"
    assert model.count_params() == 20, f"the notes' network has 20 parameters, " \
                                       f"got {model.count_params()}"
    out = model(np.ones((4, 3), np.float32))
    assert_dtype(out, np.float32, what="build_mlp(3, [2, 2, 2]) output")
    assert to_numpy(out).shape == (4, 2), f"output shape: expected (4, 2), got {out.shape}"


@pytest.mark.parametrize(("activation", "np_activation"), [("relu", np_relu),
                                                           ("tanh", np.tanh)])
def test_build_mlp_forward_is_the_chain_of_x_at_w_plus_b(kata, activation, np_activation):
    """Hidden layers use the activation, the last one none (it outputs logits)."""
    model = kata.build_mlp(6, [5, 4, 3], activation=activation)
    x = np.random.default_rng(1).normal(size=(4, 6)).astype(np.float32)
    a = x.astype(np.float64)
    layers = model.layers
    for k, layer in enumerate(layers):
        a = a @ layer.kernel.numpy() + layer.bias.numpy()
        if k < len(layers) - 1:
            a = np_activation(a)
    assert_array(model(x), a, dtype=np.float32, rtol=1e-5, atol=1e-5,
                 what=f"build_mlp(6, [5, 4, 3], '{activation}') against NumPy, layer by layer")


@pytest.mark.parametrize(("input_dim", "units"), [(0, [2]), (3, []), (3, [4, 0])])
def test_build_mlp_rejects_bad_sizes(kata, input_dim, units):
    with assert_raises(ValueError):
        kata.build_mlp(input_dim, units)


# --- parameter counts ----------------------------------------------------------------------


def assert_python_int(got, expected: int, what: str) -> None:
    """A count is a Python int equal to `expected` (not a tensor, not a float)."""
    assert type(got) is int, f"{what}: expected a Python int, got {type(got).__name__} {got!r:.80}"
    assert got == expected, f"{what}: expected {expected}, got {got}"


def test_parameter_count_in_closed_form(kata):
    assert_python_int(kata.parameter_count(3, [2, 2, 2]), 20,
                      "parameter_count(3, [2, 2, 2]), the notes' network: 8 + 6 + 6")
    assert_python_int(kata.parameter_count(784, [512, 256, 10]),
                      784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10,
                      "parameter_count(784, [512, 256, 10]), an MNIST MLP (biases forgotten, "
                      "or in * out counted only for the first layer?)")
    assert_python_int(kata.parameter_count(10, [1]), 11,
                      "parameter_count(10, [1]): 10 weights + 1 bias")


def test_parameter_count_equals_keras_count_params(kata):
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(9),
                              keras.layers.Dense(2)])
    model.build((None, 7))
    assert_python_int(kata.parameter_count(7, [3, 9, 2]), model.count_params(),
                      "parameter_count(7, [3, 9, 2]) against Keras' count_params()")


@pytest.mark.parametrize(("input_dim", "units"), [(0, [2]), (3, []), (3, [-1])])
def test_parameter_count_rejects_bad_sizes(kata, input_dim, units):
    with assert_raises(ValueError):
        kata.parameter_count(input_dim, units)


# --- trainable variables -------------------------------------------------------------------


def test_trainable_shapes_of_the_notes_network(kata):
    shapes = kata.trainable_shapes(notes_network())
    expected = [(3, 2), (2,), (2, 2), (2,), (2, 2), (2,)]
    assert [tuple(s) for s in shapes] == expected, \
        f"trainable_shapes of the notes' network: expected {expected}, got {shapes}"


def test_trainable_shapes_leave_out_frozen_layers_and_moving_statistics(kata):
    """A frozen Dense: nothing; BatchNormalization: gamma and beta, not moving mean/variance."""
    shapes = kata.trainable_shapes(partly_frozen_network())
    expected = [(4,), (4,), (4, 2), (2,)]
    assert [tuple(s) for s in shapes] == expected, \
        f"trainable_shapes: expected {expected} (gamma, beta, kernel, bias), got {shapes}"


def test_count_trainable(kata):
    assert_python_int(kata.count_trainable(notes_network()), 20,
                      "count_trainable of the notes' network")
    model = partly_frozen_network()
    assert_python_int(kata.count_trainable(model), 4 + 4 + 4 * 2 + 2,
                      f"count_trainable of a network with a frozen Dense layer and a "
                      f"BatchNormalization layer: gamma, beta, kernel, bias, 18 of "
                      f"{model.count_params()} (model.count_params() counts frozen weights and "
                      f"moving statistics too)")


@pytest.mark.parametrize("name", ["trainable_shapes", "count_trainable"])
def test_unbuilt_models_are_rejected(kata, name):
    with assert_raises(ValueError, match="built"):
        getattr(kata, name)(keras.Sequential([keras.layers.Dense(2)]))


def test_dense_forward_is_differentiable(kata):
    """Written with TensorFlow ops: the gradient with respect to the kernel is xᵀ·1."""
    d_x, d_kernel, d_bias = gradient_of(kata.dense_forward, X, KERNEL, BIAS)
    assert d_kernel is not None, "no gradient reaches the kernel: use TensorFlow ops, not NumPy"
    assert_array(d_kernel, X.T.astype(np.float64) @ np.ones((4, 5)), rtol=1e-5, atol=1e-5,
                 what="d sum(x @ W + b) / dW = xᵀ 1")
    assert d_x is not None and d_bias is not None, \
        "no gradient reaches x or the bias: use TensorFlow ops, not NumPy"
    assert_array(d_x, np.ones((4, 5)) @ KERNEL.T.astype(np.float64), rtol=1e-5, atol=1e-5,
                 what="d sum(x @ W + b) / dx = 1 Wᵀ")
    assert_array(d_bias, np.full(5, 4.0), rtol=1e-5, atol=1e-5,
                 what="d sum(x @ W + b) / db = the batch size (4), per unit")
