"""Tests for the `autoencoders` kata: plain, denoising, dropout, variational, adversarial.

Oracles: NumPy forward passes of the kata's models from their own weights, the closed
forms of the Gaussian KL, the Bernoulli log-likelihood (`scipy.special.log_expit`) and the
reparameterised sample's derivatives (back through a decoder by hand), a Monte Carlo
estimate of the KL from SciPy's normal log-densities, and Kolmogorov-Smirnov tests of the
sampled noise and latents.

The training thresholds come from evidence: the reference over 10 seeds (0-9, each fixing
the global seed, hence the initial weights, and the kata's `seed`), on the 8x8 digits (1347
training, 450 test images, pixels in [0, 1]); errors are mean squared errors per pixel on
the test digits, 20 epochs of Adam in batches of 64 everywhere.

- Plain auto-encoder 64-32-8-32-64 (lr 0.01): 0.0186 / 0.0194 / 0.0205 (min / median /
  max); the test asks for at most 0.025. The mean training image scores 0.074; a learning
  rate 100x too small 0.082 (3 seeds).
- Denoising, noise 0.3 on the input, against a plain model, both 64-64-32 (a code wide
  enough to copy noise), on noisy test digits against the clean ones: the denoising model
  0.0226 / 0.0231 / 0.0237, its error over the plain one's 0.611 / 0.635 / 0.670; the test
  asks for at most 0.028 and a ratio of at most 0.8. Noise on the target too: 0.033-0.035,
  ratio 0.90-0.97; the noise forgotten in training: 0.036-0.038, ratio 0.99-1.02 (3 seeds
  each). With the plain test's narrow code (8) the bottleneck alone denoises, and noise on
  the target too came within 6% of the reference (0.032 against 0.030, ratio 0.76-0.80).
- VAE 64-64-4 (lr 0.005), decoding the posterior means: 0.0337 / 0.0351 / 0.0423, with a
  KL of 2.15 / 2.62 / 2.82 nats per digit; the test asks for at most 0.05 and at least 1.5
  nats. The sample detached from the graph (no reparameterisation): 0.074 with a KL of 0.00
  (the posterior collapses onto the prior); the encoder left out of the update: 0.071, KL
  0.4-0.8; a learning rate 100x too small: 0.149-0.163 (3 seeds each).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats
from scipy.special import expit, log_expit

from tf_katas.data import load_digits
from tf_katas.testing import (
    assert_array,
    assert_dtype,
    assert_scalar,
    assert_shape,
    gradient_of,
    is_instance,
    to_numpy,
)

RNG = np.random.default_rng(0)
NOISE_STD = 0.3  # the denoising tests' noise on pixels in [0, 1]
WIDE = (64, 64, 32)  # the denoising comparison's auto-encoders

AE_THRESHOLD = 0.025
DENOISE_RATIO = 0.8
DENOISE_THRESHOLD = 0.028
VAE_RECONSTRUCTION_THRESHOLD = 0.05
VAE_KL_MINIMUM = 1.5


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 digits as float32 rows of 64 pixels in [0, 1]: (train [1347, 64], test [450, 64])."""
    (x_train, _), (x_test, _) = load_digits(8)
    return ((x_train.reshape(-1, 64) / 255).astype(np.float32),
            (x_test.reshape(-1, 64) / 255).astype(np.float32))


def relu(a):
    return np.maximum(a, 0.0)


def np_dense_chain(weights: list[np.ndarray], x: np.ndarray, activations: list) -> np.ndarray:
    """x through Dense layers given as [kernel, bias, kernel, bias, ...], in float64."""
    h = np.asarray(x, np.float64)
    for kernel, bias, activation in zip(weights[0::2], weights[1::2], activations, strict=True):
        h = activation(h @ np.asarray(kernel, np.float64) + np.asarray(bias, np.float64))
    return h


AE_ACTIVATIONS = [relu, lambda a: a, relu, expit]  # hidden, code (linear), hidden, pixels


def np_autoencoder(model, x: np.ndarray) -> np.ndarray:
    return np_dense_chain([to_numpy(w) for w in model.get_weights()], x, AE_ACTIVATIONS)


def np_decoder_logits(weights: list[np.ndarray], z: np.ndarray) -> np.ndarray:
    return np_dense_chain(weights, z, [relu, lambda a: a])


def np_kl(mean: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    mean, log_var = np.asarray(mean, np.float64), np.asarray(log_var, np.float64)
    return 0.5 * np.sum(np.exp(log_var) + mean**2 - 1 - log_var, axis=-1)


def np_log_likelihood(x: np.ndarray, logits: np.ndarray) -> np.ndarray:
    return np.sum(x * log_expit(logits) + (1 - x) * log_expit(-logits), axis=-1)


def identity_model(width: int) -> keras.Sequential:
    """A linear model that returns its input: with it a loss shows where the noise went."""
    model = keras.Sequential([keras.Input((width,)),
                              keras.layers.Dense(width, kernel_initializer="identity",
                                                 bias_initializer="zeros")])
    return model


def small_decoder(latent: int, hidden: int, out: int, seed: int = 3) -> keras.Sequential:
    """A decoder built by the tests (z -> relu hidden -> logits) with weights of its own."""
    model = keras.Sequential([keras.Input((latent,)),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(out)])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.8, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


# --- build_autoencoder ---------------------------------------------------------------------


def test_build_autoencoder_has_the_layers_and_parameters_of_the_spec(kata):
    model = kata.build_autoencoder(64, 32, 8)
    assert is_instance(model, keras.Sequential), (
        f"build_autoencoder: expected a keras.Sequential, got {type(model).__name__}")
    shapes = [tuple(to_numpy(w).shape) for w in model.get_weights()]
    expected = [(64, 32), (32,), (32, 8), (8,), (8, 32), (32,), (32, 64), (64,)]
    assert shapes == expected, (
        f"build_autoencoder(64, 32, 8): expected weights of shapes {expected} (four Dense "
        f"layers, 64 -> 32 -> 8 -> 32 -> 64), got {shapes}")
    closed_form = 2 * (64 * 32 + 32 * 8) + 2 * 32 + 8 + 64
    assert model.count_params() == closed_form == 4744, (
        f"build_autoencoder(64, 32, 8): expected {closed_form} parameters, got "
        f"{model.count_params()}")
    dropouts = [layer for layer in model.layers if is_instance(layer, keras.layers.Dropout)]
    assert not dropouts, "build_autoencoder(dropout_rate=0): expected no Dropout layer"


@pytest.mark.parametrize(("sizes", "dropout_rate"), [((64, 32, 8), 0.0), ((10, 7, 3), 0.0),
                                                     ((10, 7, 3), 0.4)],
                         ids=["64-32-8", "10-7-3", "10-7-3 with dropout"])
def test_autoencoder_is_relu_linear_code_relu_sigmoid(kata, sizes, dropout_rate):
    """At inference (training=False) the output is the NumPy chain of the model's weights:
    relu, a linear code, relu, sigmoid; Dropout changes nothing there."""
    model = kata.build_autoencoder(*sizes, dropout_rate=dropout_rate)
    x = RNG.uniform(0, 1, (6, sizes[0])).astype(np.float32)
    out = assert_array(model(x, training=False), np_autoencoder(model, x), dtype=np.float32,
                       rtol=1e-5, atol=1e-6,
                       what=f"build_autoencoder{sizes} at inference against NumPy (relu, "
                            f"linear code, relu, sigmoid; Dropout active at inference?)")
    assert ((out > 0) & (out < 1)).all(), "the reconstruction must be pixels in (0, 1): sigmoid"


def test_dropout_drops_units_while_training_only(kata):
    model = kata.build_autoencoder(64, 32, 8, dropout_rate=0.5)
    rates = [float(layer.rate) for layer in model.layers
             if is_instance(layer, keras.layers.Dropout)]
    assert rates == [0.5, 0.5], (
        f"build_autoencoder(dropout_rate=0.5): expected a Dropout(0.5) after each hidden "
        f"layer (two), got rates {rates}")
    x = digits()[1][:32]
    inference = np_autoencoder(model, x)
    first = assert_shape(model(x, training=True), x.shape, what="output with training=True")
    second = to_numpy(model(x, training=True))
    assert_array(model(x, training=False), inference, rtol=1e-5, atol=1e-6,
                 what="output with training=False (inference: no dropout, deterministic)")
    assert np.abs(first - second).max() > 1e-3, (
        "two calls with training=True gave the same output: dropout must draw new masks "
        "while training (Dropout layer missing, or rate 0?)")
    assert np.abs(first - inference).mean() > 1e-3, (
        "the output with training=True equals the inference output: dropout is not active "
        "while training")


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(input_dim=0), "input_dim"), (dict(code_dim=0), "code_dim"),
    (dict(hidden_dim=-2), "hidden_dim"), (dict(dropout_rate=1.0), "dropout_rate"),
    (dict(dropout_rate=-0.1), "dropout_rate"),
], ids=["input 0", "code 0", "hidden -2", "rate 1", "rate -0.1"])
def test_build_autoencoder_rejects_bad_settings(kata, kwargs, match):
    with pytest.raises(ValueError, match=match):
        kata.build_autoencoder(**kwargs)


# --- corrupt, reconstruction_error, denoising_loss ----------------------------------------


def test_corrupt_adds_unclipped_gaussian_noise_of_the_given_std(kata):
    x = np.full((400, 64), 0.5, np.float32)
    what = "corrupt(x [400, 64] float32, 0.3, seed=1)"
    noisy = assert_dtype(assert_shape(kata.corrupt(x, NOISE_STD, seed=1), x.shape, what=what),
                         np.float32, what=what)
    noise = (noisy.astype(np.float64) - 0.5).ravel()
    n = noise.size
    assert abs(noise.mean()) < 5 * NOISE_STD / np.sqrt(n), (
        f"the noise must have mean 0, got {noise.mean():.4f}")
    assert_scalar(noise.std(), NOISE_STD, rtol=0.03,
                  what="the noise's standard deviation (noise_std; a variance, or clipped?)")
    p_value = stats.kstest(noise, stats.norm(0, NOISE_STD).cdf).pvalue
    assert p_value > 1e-4, (
        f"the noise is not N(0, 0.3^2) (Kolmogorov-Smirnov p = {p_value:.2g}): uniform noise, "
        f"or values clipped to [0, 1]?")


def test_corrupt_repeats_with_its_seed_and_keeps_the_dtype(kata):
    x = RNG.uniform(0, 1, (5, 7))
    first = assert_dtype(kata.corrupt(x, 0.2, seed=4), np.float64,
                         what="corrupt(float64 x, 0.2, seed=4)")
    assert_array(kata.corrupt(x, 0.2, seed=4), first, what="corrupt again with seed=4")
    other = to_numpy(kata.corrupt(x, 0.2, seed=5))
    assert np.abs(other - first).max() > 1e-3, "corrupt: seeds 4 and 5 gave the same noise"
    assert_array(kata.corrupt(x, 0.0, seed=4), x, what="corrupt(x, noise_std=0)")


def test_corrupt_rejects_a_negative_noise_std(kata):
    with pytest.raises(ValueError, match="noise_std"):
        kata.corrupt(np.zeros((2, 3), np.float32), -0.1, seed=0)


@given(x=hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                    elements=st.floats(0, 1, width=32)),
       shift=st.floats(-1, 1, width=32))
def test_reconstruction_error_is_the_mean_square_of_each_row(kata, x, shift):
    reconstruction = np.roll(x, 1, axis=1) + np.float32(shift)
    expected = np.mean((x.astype(np.float64) - reconstruction) ** 2, axis=1)
    assert_array(kata.reconstruction_error(x, reconstruction), expected, rtol=1e-5, atol=1e-6,
                 what=f"reconstruction_error of x {x.shape}: one mean square per row")


@pytest.mark.parametrize(("x_shape", "r_shape"), [((4, 6), (4, 5)), ((6,), (6,))],
                         ids=["shapes differ", "1-D"])
def test_reconstruction_error_rejects_bad_shapes(kata, x_shape, r_shape):
    with pytest.raises(ValueError):
        kata.reconstruction_error(np.zeros(x_shape, np.float32), np.zeros(r_shape, np.float32))


def test_denoising_loss_puts_noise_on_the_input_only(kata):
    """Through a model that returns its input, the loss is the noise's mean square (about
    noise_std**2): noise on the target too would give 0, a second noise 2 noise_std**2."""
    x = digits()[1]
    loss = kata.denoising_loss(identity_model(64), x, NOISE_STD, seed=2)
    assert_scalar(loss, NOISE_STD**2, rtol=0.05,
                  what="denoising_loss through an identity model (0: noise on the target "
                       "too; 0.18: fresh noise on the target)")


def test_denoising_loss_compares_the_model_of_corrupt_x_with_clean_x(kata):
    x = digits()[1][:64]
    model = kata.build_autoencoder(64, 32, 8)
    noisy = to_numpy(kata.corrupt(x, NOISE_STD, seed=7))
    expected = np.mean((np_autoencoder(model, noisy) - x) ** 2)
    assert_scalar(kata.denoising_loss(model, x, NOISE_STD, seed=7), expected, rtol=1e-4,
                  what="denoising_loss(model, x, 0.3, seed=7): mean of "
                       "reconstruction_error(x, model(corrupt(x, 0.3, seed=7)))")
    plain = np.mean((np_autoencoder(model, x) - x) ** 2)
    assert_scalar(kata.denoising_loss(model, x, 0.0, seed=7, training=False), plain, rtol=1e-4,
                  what="denoising_loss with noise_std=0: the plain auto-encoder's loss")


def test_denoising_loss_rejects_bad_input(kata):
    model = identity_model(4)
    with pytest.raises(ValueError, match="noise_std"):
        kata.denoising_loss(model, np.zeros((3, 4), np.float32), -0.1, seed=0)
    with pytest.raises(ValueError):
        kata.denoising_loss(model, np.zeros(4, np.float32), 0.1, seed=0)


# --- train_autoencoder --------------------------------------------------------------------


@pytest.mark.parametrize(("settings", "match"), [
    (dict(lr=0.0), "learning rate"), (dict(epochs=0), "epochs"),
    (dict(batch_size=0), "batch_size"), (dict(noise_std=-0.5), "noise_std"),
], ids=["lr 0", "0 epochs", "batch 0", "noise -0.5"])
def test_train_autoencoder_rejects_bad_settings(kata, settings, match):
    model = kata.build_autoencoder(4, 3, 2)
    with pytest.raises(ValueError, match=match):
        kata.train_autoencoder(model, np.zeros((8, 4), np.float32), **settings)


def test_train_autoencoder_rejects_data_that_is_not_2d(kata):
    with pytest.raises(ValueError):
        kata.train_autoencoder(kata.build_autoencoder(4, 3, 2), np.zeros((8, 2, 2), np.float32))


def _train(kata, x_train, sizes=(64, 32, 8), noise_std=0.0, seed=0, epochs=20):
    model = kata.build_autoencoder(*sizes)
    start = [to_numpy(w).copy() for w in model.get_weights()]
    history = kata.train_autoencoder(model, x_train, epochs=epochs, lr=0.01, batch_size=64,
                                     noise_std=noise_std, seed=seed)
    history = assert_dtype(assert_shape(history, (epochs,), what="train_autoencoder's history"),
                           "float", what="train_autoencoder's history")
    assert np.isfinite(history).all(), f"the loss became NaN or inf: {history}"
    assert history[-1] < 0.6 * history[0], (
        f"the loss must fall to under 60% of its first epoch's, got {history[0]:.4f} -> "
        f"{history[-1]:.4f}")
    end = [to_numpy(w) for w in model.get_weights()]
    for index, (before, after) in enumerate(zip(start, end, strict=True)):
        assert not np.allclose(before, after), (
            f"weight {index} of the auto-encoder did not change: train the model in place, "
            f"every layer")
    return model


@pytest.mark.training
def test_autoencoder_reconstructs_the_test_digits(kata):
    x_train, x_test = digits()
    model = _train(kata, x_train)
    error = float(np.mean((np_autoencoder(model, x_test) - x_test) ** 2))
    assert error <= AE_THRESHOLD, (
        f"after 20 epochs the auto-encoder reconstructs the 450 test digits with a mean "
        f"squared error of {error:.4f} per pixel, expected at most {AE_THRESHOLD} (the "
        f"reference: about 0.019; the mean training image scores 0.074)")


@pytest.mark.training
def test_denoising_autoencoder_beats_the_plain_one_on_noisy_digits(kata):
    x_train, x_test = digits()
    # A wide code (32 of 64): the plain model can afford to copy the noise it is shown.
    plain = _train(kata, x_train, WIDE)
    denoising = _train(kata, x_train, WIDE, noise_std=NOISE_STD)
    noisy_test = x_test + NOISE_STD * np.random.default_rng(123).normal(size=x_test.shape)
    plain_error = float(np.mean((np_autoencoder(plain, noisy_test) - x_test) ** 2))
    denoising_error = float(np.mean((np_autoencoder(denoising, noisy_test) - x_test) ** 2))
    assert denoising_error <= DENOISE_THRESHOLD, (
        f"the denoising auto-encoder restores noisy test digits with error {denoising_error:.4f} "
        f"against the clean ones, expected at most {DENOISE_THRESHOLD} (the reference: about "
        f"0.023; with noise on the target too, about 0.034)")
    assert denoising_error <= DENOISE_RATIO * plain_error, (
        f"on noisy test digits the denoising auto-encoder's error {denoising_error:.4f} must be "
        f"at most {DENOISE_RATIO} x the plain one's {plain_error:.4f} (the reference: about "
        f"0.64 x; was the noise used in training?)")


# --- the VAE ------------------------------------------------------------------------------


def test_build_vae_encoder_and_decoder(kata):
    encoder, decoder = kata.build_vae(64, 32, 3)
    shapes = [[tuple(to_numpy(w).shape) for w in m.get_weights()] for m in (encoder, decoder)]
    assert shapes == [[(64, 32), (32,), (32, 6), (6,)], [(3, 32), (32,), (32, 64), (64,)]], (
        f"build_vae(64, 32, 3): expected encoder 64 -> 32 -> 6 (mean and log_var) and decoder "
        f"3 -> 32 -> 64, got weight shapes {shapes}")
    x = RNG.uniform(0, 1, (5, 64)).astype(np.float32)
    assert_array(encoder(x), np_dense_chain([to_numpy(w) for w in encoder.get_weights()], x,
                                            [relu, lambda a: a]),
                 rtol=1e-5, atol=1e-5, what="encoder(x): relu hidden layer, linear output")
    z = RNG.normal(size=(5, 3)).astype(np.float32)
    assert_array(decoder(z), np_decoder_logits([to_numpy(w) for w in decoder.get_weights()], z),
                 rtol=1e-5, atol=1e-5,
                 what="decoder(z): relu hidden layer, linear logits (no sigmoid)")


def test_build_vae_rejects_bad_sizes(kata):
    with pytest.raises(ValueError, match="latent_dim"):
        kata.build_vae(64, 32, 0)


LATENT_MEAN = np.array([1.5, -2.0, 0.0, 3.0])
LATENT_LOG_VAR = np.array([0.0, 1.0, -2.0, 0.5])


def test_sample_latent_draws_from_the_posterior(kata):
    rows = 20000
    mean = np.tile(LATENT_MEAN, (rows, 1)).astype(np.float32)
    log_var = np.tile(LATENT_LOG_VAR, (rows, 1)).astype(np.float32)
    what = "sample_latent(mean, log_var, seed=11)"
    z = assert_dtype(assert_shape(kata.sample_latent(mean, log_var, seed=11), mean.shape,
                                  what=what), np.float32, what=what)
    std = np.exp(LATENT_LOG_VAR / 2)
    for j in range(4):
        assert_scalar(z[:, j].std(), std[j], rtol=0.03,
                      what=f"the std of latent {j} (exp(log_var / 2) = {std[j]:.3f}; "
                           f"exp(log_var) is the variance)")
        assert abs(z[:, j].mean() - LATENT_MEAN[j]) < 5 * std[j] / np.sqrt(rows), (
            f"latent {j}: expected mean {LATENT_MEAN[j]}, got {z[:, j].mean():.4f}")
        p_value = stats.kstest(z[:, j], stats.norm(LATENT_MEAN[j], std[j]).cdf).pvalue
        assert p_value > 1e-4, (
            f"latent {j} is not N({LATENT_MEAN[j]}, {std[j]:.3f}^2) (Kolmogorov-Smirnov "
            f"p = {p_value:.2g})")


def test_sample_latent_repeats_with_its_seed(kata):
    mean, log_var = np.zeros((3, 4), np.float32), np.zeros((3, 4), np.float32)
    first = to_numpy(kata.sample_latent(mean, log_var, seed=1))
    assert_array(kata.sample_latent(mean, log_var, seed=1), first,
                 what="sample_latent again with seed=1")
    assert np.abs(to_numpy(kata.sample_latent(mean, log_var, seed=2)) - first).max() > 1e-3, (
        "sample_latent: seeds 1 and 2 gave the same sample")


def test_gradients_flow_through_the_sample_to_mean_and_log_var(kata):
    """The reparameterisation trick: z = mean + exp(log_var / 2) * eps is differentiable,
    dz/dmean = 1 and dz/dlog_var = (z - mean) / 2."""
    mean = RNG.normal(size=(3, 4)).astype(np.float32)
    log_var = RNG.normal(size=(3, 4)).astype(np.float32)
    z = to_numpy(kata.sample_latent(mean, log_var, seed=3)).astype(np.float64)
    grad_mean, grad_log_var = gradient_of(kata.sample_latent, mean, log_var, seed=3)
    for name, grad in (("mean", grad_mean), ("log_var", grad_log_var)):
        assert grad is not None, (
            f"no gradient reaches {name} through sample_latent: the sample was drawn outside "
            f"the tape (NumPy, or tf.stop_gradient); use z = mean + exp(log_var / 2) * eps")
    assert_array(grad_mean, np.ones(mean.shape), rtol=1e-5, atol=1e-6,
                 what="d sum(z) / d mean (1 everywhere)")
    assert_array(grad_log_var, (z - mean) / 2, rtol=1e-4, atol=1e-5,
                 what="d sum(z) / d log_var = (z - mean) / 2 (zero: the sample detached?)")


def test_sample_latent_rejects_mismatched_shapes(kata):
    with pytest.raises(ValueError, match="shape"):
        kata.sample_latent(np.zeros((3, 4), np.float32), np.zeros((3, 2), np.float32), seed=0)


def test_gaussian_kl_known_values(kata):
    mean = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]], np.float32)
    log_var = np.array([[0.0, 0.0], [0.0, 0.0], [np.log(4.0), 0.0]], np.float32)
    expected = [0.0, 0.5, 0.5 * (4 - 1 - np.log(4.0))]
    assert_array(kata.gaussian_kl(mean, log_var), expected, rtol=1e-5, atol=1e-6,
                 what="gaussian_kl of N(0, 1), N((1, 0), 1) and N(0, diag(4, 1)) against "
                      "N(0, 1): 0, 0.5, 0.807")


def test_gaussian_kl_matches_a_monte_carlo_estimate(kata):
    """KL(q || p) = E_q[log q(z) - log p(z)], estimated from 200000 samples of each q."""
    mean = np.array([[0.5, -1.0], [2.0, 0.3], [-0.7, 0.0]])
    log_var = np.array([[0.4, -1.0], [-0.3, 0.8], [1.2, -2.0]])
    got = assert_shape(kata.gaussian_kl(mean, log_var), (3,),
                       what="gaussian_kl of 3 examples (one KL per example)")
    rng = np.random.default_rng(5)
    std = np.exp(log_var / 2)
    for i in range(3):
        z = mean[i] + std[i] * rng.normal(size=(200_000, 2))
        log_ratio = (stats.norm(mean[i], std[i]).logpdf(z) - stats.norm(0, 1).logpdf(z)).sum(1)
        estimate, error = log_ratio.mean(), log_ratio.std() / np.sqrt(len(log_ratio))
        assert abs(got[i] - estimate) < 5 * error + 1e-4, (
            f"gaussian_kl of example {i}: got {got[i]:.4f}, a Monte Carlo estimate gives "
            f"{estimate:.4f} +- {error:.4f} (std where the variance belongs, or a sum over the "
            f"wrong axis?)")


@given(shape=hnp.array_shapes(min_dims=2, max_dims=2, max_side=5), seed=st.integers(0, 99))
def test_gaussian_kl_matches_the_closed_form_for_any_shape(kata, shape, seed):
    rng = np.random.default_rng(seed)
    mean, log_var = rng.normal(size=shape), rng.normal(size=shape)
    assert_array(kata.gaussian_kl(mean, log_var), np_kl(mean, log_var), rtol=1e-5, atol=1e-6,
                 what=f"gaussian_kl of mean and log_var of shape {shape}")


def test_gaussian_kl_rejects_bad_shapes(kata):
    with pytest.raises(ValueError):
        kata.gaussian_kl(np.zeros((3, 4)), np.zeros((3, 5)))
    with pytest.raises(ValueError):
        kata.gaussian_kl(np.zeros(4), np.zeros(4))


def test_elbo_is_the_log_likelihood_minus_the_kl(kata):
    x = RNG.uniform(0, 1, (4, 6))
    logits = RNG.normal(0, 2, (4, 6))
    mean, log_var = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 2))
    expected = np_log_likelihood(x, logits) - np_kl(mean, log_var)
    assert_array(kata.elbo(x, logits, mean, log_var), expected, rtol=1e-5, atol=1e-5,
                 what="elbo: sum of Bernoulli log-likelihoods over pixels minus the KL, one "
                      "per example (the KL added, or logits taken as probabilities?)")


def test_elbo_stays_finite_for_saturated_logits(kata):
    x = np.array([[1.0, 0.0, 1.0, 0.0]], np.float32)
    logits = np.array([[100.0, -100.0, -100.0, 100.0]], np.float32)
    zero = np.zeros((1, 2), np.float32)
    assert_array(kata.elbo(x, logits, zero, zero), [-200.0], rtol=1e-5,
                 what="elbo with logits of +-100: the two wrong pixels cost 100 nats each "
                      "(log(sigmoid(x)) underflows: use a stable form)")


def test_elbo_rejects_mismatched_shapes(kata):
    with pytest.raises(ValueError, match="shape"):
        kata.elbo(np.zeros((2, 6)), np.zeros((2, 5)), np.zeros((2, 2)), np.zeros((2, 2)))


def _vae_case():
    x = (RNG.uniform(0, 1, (5, 6)) > 0.5).astype(np.float32)
    mean = RNG.normal(0, 0.8, (5, 2)).astype(np.float32)
    log_var = RNG.normal(0, 0.5, (5, 2)).astype(np.float32)
    return x, mean, log_var, small_decoder(2, 8, 6)


def test_vae_loss_is_the_negative_mean_elbo_of_the_sample(kata):
    x, mean, log_var, decoder = _vae_case()
    z = to_numpy(kata.sample_latent(mean, log_var, seed=9))
    logits = np_decoder_logits([to_numpy(w) for w in decoder.get_weights()], z)
    expected = -np.mean(np_log_likelihood(x, logits) - np_kl(mean, log_var))
    assert_scalar(kata.vae_loss(x, mean, log_var, decoder=decoder, seed=9), expected,
                  rtol=1e-4, what="vae_loss: -mean elbo(x, decoder(sample_latent(mean, log_var, "
                                  "seed)), mean, log_var)")


def test_vae_loss_gradient_reaches_mean_and_log_var_through_the_decoder(kata):
    """The gradient for the encoder's outputs, by hand: back through the decoder to z, then
    dz/dmean = 1 and dz/dlog_var = (z - mean) / 2, plus the KL's own mean and
    (exp(log_var) - 1) / 2, all divided by the batch size."""
    x, mean, log_var, decoder = _vae_case()
    w1, b1, w2, b2 = (np.asarray(to_numpy(w), np.float64) for w in decoder.get_weights())
    z = to_numpy(kata.sample_latent(mean, log_var, seed=9)).astype(np.float64)
    hidden = z @ w1 + b1
    logits = relu(hidden) @ w2 + b2
    n = len(x)
    d_logits = (expit(logits) - x) / n
    d_z = ((d_logits @ w2.T) * (hidden > 0)) @ w1.T
    reconstruction_part = (d_z, d_z * (z - mean) / 2)
    kl_part = (mean / n, (np.exp(log_var) - 1) / 2 / n)
    _, grad_mean, grad_log_var = gradient_of(kata.vae_loss, x, mean, log_var, decoder=decoder,
                                             seed=9)
    assert np.abs(reconstruction_part[0]).max() > 0.05, "test case: the decoder must matter"
    for name, grad, recon, kl in zip(("mean", "log_var"), (grad_mean, grad_log_var),
                                     reconstruction_part, kl_part, strict=True):
        assert grad is not None, f"vae_loss: no gradient reaches {name}"
        got = assert_shape(grad, recon.shape, what=f"d vae_loss / d {name}")
        if np.allclose(got, kl, rtol=1e-3, atol=1e-5):
            raise AssertionError(
                f"d vae_loss / d {name} is the KL's part alone: the reconstruction's gradient "
                f"does not reach the encoder (z sampled outside the tape, or stop_gradient?)")
        assert_array(got, recon + kl, rtol=1e-3, atol=1e-5,
                     what=f"d vae_loss / d {name} (the reconstruction's part through z, plus "
                          f"the KL's)")


# --- train_vae ----------------------------------------------------------------------------


def test_vae_loss_rejects_mismatched_mean_and_log_var(kata):
    x, mean, log_var, decoder = _vae_case()
    with pytest.raises(ValueError, match="shape"):
        kata.vae_loss(x, mean, log_var[:, :1], decoder=decoder, seed=0)


@pytest.mark.parametrize(("settings", "data", "match"), [
    (dict(lr=-1.0), (8, 4), "learning rate"), (dict(epochs=0), (8, 4), "epochs"),
    (dict(batch_size=0), (8, 4), "batch_size"), (dict(), (8, 2, 2), None),
], ids=["lr -1", "0 epochs", "batch 0", "3-D data"])
def test_train_vae_rejects_bad_settings(kata, settings, data, match):
    encoder, decoder = kata.build_vae(4, 3, 2)
    with pytest.raises(ValueError, match=match):
        kata.train_vae(encoder, decoder, np.zeros(data, np.float32), **settings)


@pytest.mark.training
def test_vae_reconstructs_the_test_digits_through_an_informative_code(kata):
    x_train, x_test = digits()
    encoder, decoder = kata.build_vae(64, 64, 4)
    history = kata.train_vae(encoder, decoder, x_train, epochs=20, lr=0.005, batch_size=64,
                             seed=0)
    history = assert_shape(history, (20,), what="train_vae(epochs=20)'s history")
    assert np.isfinite(history).all() and history[-1] < history[0], (
        f"train_vae: the negative ELBO must fall, got {history[0]:.3f} -> {history[-1]:.3f}")
    encoded = np_dense_chain([to_numpy(w) for w in encoder.get_weights()], x_test,
                             [relu, lambda a: a])
    mean, log_var = encoded[:, :4], encoded[:, 4:]
    logits = np_decoder_logits([to_numpy(w) for w in decoder.get_weights()], mean)
    error = float(np.mean((expit(logits) - x_test) ** 2))
    kl = float(np.mean(np_kl(mean, log_var)))
    assert kl >= VAE_KL_MINIMUM, (
        f"the trained encoder's codes carry {kl:.3f} nats of KL per digit, expected at least "
        f"{VAE_KL_MINIMUM}: the posterior collapsed onto the prior (did the reconstruction's "
        f"gradient reach the encoder?)")
    assert error <= VAE_RECONSTRUCTION_THRESHOLD, (
        f"decoding the posterior means of the 450 test digits gives a mean squared error of "
        f"{error:.4f} per pixel, expected at most {VAE_RECONSTRUCTION_THRESHOLD} (the mean "
        f"training image scores 0.074)")


# --- the adversarial auto-encoder's losses ----------------------------------------------


PRIOR_LOGITS = np.array([2.0, -0.5, 0.3, 4.0, -1.2], np.float32)
CODE_LOGITS = np.array([[-3.0], [0.7], [1.5]], np.float32)


def test_aae_discriminator_loss_is_the_binary_cross_entropy(kata):
    """Prior samples labelled real, codes labelled fake, each batch averaged on its own."""
    expected = -np.mean(log_expit(PRIOR_LOGITS)) - np.mean(log_expit(-CODE_LOGITS))
    assert_scalar(kata.aae_discriminator_loss(PRIOR_LOGITS, CODE_LOGITS), expected, rtol=1e-5,
                  what="aae_discriminator_loss(5 prior logits, 3 code logits) (labels swapped, "
                       "or one mean over all 8?)")
    assert_scalar(kata.aae_discriminator_loss([100.0], [-100.0]), 0.0, atol=1e-6,
                  what="aae_discriminator_loss of a sure and right discriminator")
    assert_scalar(kata.aae_discriminator_loss([-100.0], [100.0]), 200.0, rtol=1e-5,
                  what="aae_discriminator_loss of a sure and wrong discriminator (finite: "
                       "stable from logits)")


def test_aae_encoder_loss_asks_the_discriminator_to_call_codes_real(kata):
    expected = -np.mean(log_expit(CODE_LOGITS))
    assert_scalar(kata.aae_encoder_loss(CODE_LOGITS), expected, rtol=1e-5,
                  what="aae_encoder_loss = -mean log D(code) (the discriminator's loss, or "
                       "log(1 - D)?)")
    assert_scalar(kata.aae_encoder_loss([-100.0]), 100.0, rtol=1e-5,
                  what="aae_encoder_loss of a rejected code (finite: stable from logits)")


def test_aae_losses_pull_in_opposite_directions(kata):
    """The discriminator lowers its loss by lowering a code's logit; the encoder by raising it."""
    grad_prior, grad_code = gradient_of(kata.aae_discriminator_loss, PRIOR_LOGITS, CODE_LOGITS)
    assert_array(grad_prior, -(1 - expit(PRIOR_LOGITS)) / 5, rtol=1e-5, atol=1e-7,
                 what="d aae_discriminator_loss / d prior logits = -(1 - D) / 5")
    assert_array(grad_code, expit(CODE_LOGITS) / 3, rtol=1e-5, atol=1e-7,
                 what="d aae_discriminator_loss / d code logits = D / 3")
    (grad_encoder,) = gradient_of(kata.aae_encoder_loss, CODE_LOGITS)
    assert_array(grad_encoder, -(1 - expit(CODE_LOGITS)) / 3, rtol=1e-5, atol=1e-7,
                 what="d aae_encoder_loss / d code logits = -(1 - D) / 3")


@pytest.mark.parametrize("bad", [np.zeros(0, np.float32), np.float32(1.0)],
                         ids=["empty", "0-d"])
def test_aae_losses_reject_empty_or_0d_logits(kata, bad):
    with pytest.raises(ValueError):
        kata.aae_discriminator_loss(bad, CODE_LOGITS)
    with pytest.raises(ValueError):
        kata.aae_discriminator_loss(PRIOR_LOGITS, bad)
    with pytest.raises(ValueError):
        kata.aae_encoder_loss(bad)
