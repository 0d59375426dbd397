"""An alternative correct solution of the `gan` kata, written in another style.

Where the reference writes every loss with `softplus` and runs its training loop in one
graph, this one uses `tf.math.log_sigmoid` and Keras' `BinaryCrossentropy(from_logits=True)`,
does the discrete game in NumPy / SciPy (`scipy.special.xlogy`, `rel_entr`), builds the
models with `Sequential.add`, and trains with a compiled step called from a Python loop that
draws its samples from a `tf.random.Generator`. It must pass every test of
tests/test_gan.py: the tests pin behaviour, not one way of writing it.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf
from scipy.special import rel_entr, xlogy

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def _mlp(inputs: int, width: int, outputs: int, activation, **sizes: int) -> keras.Sequential:
    """inputs -> Dense(width, activation) twice -> Dense(outputs), once `sizes` are checked."""
    for name, size in sizes.items():
        if not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"{name} must be a positive integer, got {size!r}")
    model = keras.Sequential()
    model.add(keras.Input(shape=(inputs,)))
    for _ in range(2):
        model.add(keras.layers.Dense(width))
        model.add(keras.layers.Activation(activation) if isinstance(activation, str)
                  else activation())
    model.add(keras.layers.Dense(outputs))
    return model


def build_generator(noise_dim: int = 4, data_dim: int = 1, hidden_dim: int = 16
                    ) -> keras.Sequential:
    """See solutions/gan.py: noise -> relu -> relu -> linear samples."""
    return _mlp(noise_dim, hidden_dim, data_dim, "relu", noise_dim=noise_dim,
                data_dim=data_dim, hidden_dim=hidden_dim)


def build_discriminator(data_dim: int = 1, hidden_dim: int = 16) -> keras.Sequential:
    """See solutions/gan.py: samples -> leaky relu -> leaky relu -> one logit."""
    def leaky() -> keras.layers.Layer:
        return keras.layers.LeakyReLU(negative_slope=0.2)

    return _mlp(data_dim, hidden_dim, 1, leaky, data_dim=data_dim, hidden_dim=hidden_dim)


def _flat_logits(logits: ArrayLike, name: str) -> tf.Tensor:
    tensor = tf.convert_to_tensor(logits)
    if len(tensor.shape) == 0 or 0 in tensor.shape:  # static shapes: works while tracing too
        raise ValueError(f"{name}: expected at least one logit in an array, got shape "
                         f"{tuple(tensor.shape)}")
    return tf.reshape(tensor if tensor.dtype.is_floating else tf.cast(tensor, tf.float32), [-1])


_BCE = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits: ArrayLike, fake_logits: ArrayLike) -> tf.Tensor:
    """See solutions/gan.py: binary cross-entropy, real labelled 1 and fake 0."""
    real = _flat_logits(real_logits, "real_logits")
    fake = tf.cast(_flat_logits(fake_logits, "fake_logits"), real.dtype)
    return _BCE(tf.ones_like(real), real) + _BCE(tf.zeros_like(fake), fake)


def minimax_generator_loss(fake_logits: ArrayLike) -> tf.Tensor:
    """See solutions/gan.py: mean log(1 - D(G(z))) = mean log_sigmoid(-logit)."""
    return tf.reduce_mean(tf.math.log_sigmoid(-_flat_logits(fake_logits, "fake_logits")))


def non_saturating_generator_loss(fake_logits: ArrayLike) -> tf.Tensor:
    """See solutions/gan.py: -mean log D(G(z)) = -mean log_sigmoid(logit)."""
    return -tf.reduce_mean(tf.math.log_sigmoid(_flat_logits(fake_logits, "fake_logits")))


def _checked(p_real: ArrayLike, p_gen: ArrayLike, must_sum_to_one: bool
             ) -> tuple[np.ndarray, np.ndarray]:
    p, q = (np.asarray(a, np.float64) for a in (p_real, p_gen))
    for name, a in (("p_real", p), ("p_gen", q)):
        if a.ndim != 1 or a.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array, got shape {a.shape}")
        if not np.isfinite(a).all() or (a < 0).any():
            raise ValueError(f"{name}: probabilities must be finite and non-negative")
        if must_sum_to_one and not np.isclose(a.sum(), 1.0, rtol=0, atol=1e-6):
            raise ValueError(f"{name} must sum to 1, got {a.sum()}")
    if p.shape != q.shape:
        raise ValueError(f"p_real and p_gen differ in shape: {p.shape} and {q.shape}")
    return p, q


def optimal_discriminator(p_real: ArrayLike, p_gen: ArrayLike) -> tf.Tensor:
    """See solutions/gan.py: p_r / (p_r + p_g), 0.5 where both are 0."""
    p, q = _checked(p_real, p_gen, must_sum_to_one=False)
    total = p + q
    ratio = np.divide(p, total, out=np.full_like(p, 0.5), where=total > 0)
    return tf.constant(ratio, tf.float64)


def gan_value(p_real: ArrayLike, p_gen: ArrayLike, discriminator: ArrayLike) -> tf.Tensor:
    """See solutions/gan.py: sum p_r log D + sum p_g log(1 - D), with 0 log 0 = 0."""
    p, q = _checked(p_real, p_gen, must_sum_to_one=True)
    d = np.asarray(discriminator, np.float64)
    if d.shape != p.shape:
        raise ValueError(f"discriminator's shape {d.shape} differs from the distributions' "
                         f"{p.shape}")
    if ((d < 0) | (d > 1)).any():
        raise ValueError("discriminator values must lie in [0, 1]")
    with np.errstate(divide="ignore"):
        return tf.constant(np.sum(xlogy(p, d)) + np.sum(xlogy(q, 1 - d)), tf.float64)


def jensen_shannon(p: ArrayLike, q: ArrayLike) -> tf.Tensor:
    """See solutions/gan.py: the Jensen-Shannon divergence in nats."""
    p, q = _checked(p, q, must_sum_to_one=True)
    m = 0.5 * (p + q)
    return tf.constant(0.5 * rel_entr(p, m).sum() + 0.5 * rel_entr(q, m).sum(), tf.float64)


def train_gan(generator: keras.Model, discriminator: keras.Model, real: ArrayLike,
              steps: int = 1500, lr: float = 0.002, batch_size: int = 64,
              generator_loss: str = "non_saturating", seed: int = 0) -> dict[str, list[float]]:
    """See solutions/gan.py: alternating Adam steps, discriminator first."""
    losses = {"non_saturating": non_saturating_generator_loss,
              "minimax": minimax_generator_loss}
    if generator_loss not in losses:
        raise ValueError(f"generator_loss must be 'non_saturating' or 'minimax', got "
                         f"{generator_loss!r}")
    if lr <= 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    if steps < 1 or batch_size < 1:
        raise ValueError(f"steps and batch_size must be at least 1, got {steps}, {batch_size}")
    real = np.asarray(real, np.float32)
    if real.ndim != 2 or real.shape[1] != generator.output_shape[-1]:
        raise ValueError(f"real must be [n, {generator.output_shape[-1]}], got {real.shape}")
    real = tf.constant(real)
    noise_dim = generator.input_shape[-1]
    g_loss_of = losses[generator_loss]
    d_opt = keras.optimizers.Adam(lr, beta_1=0.5)
    g_opt = keras.optimizers.Adam(lr, beta_1=0.5)
    d_opt.build(discriminator.trainable_variables)
    g_opt.build(generator.trainable_variables)
    draws = tf.random.Generator.from_seed(seed)

    @tf.function
    def step() -> tuple[tf.Tensor, tf.Tensor]:
        rows = draws.uniform([batch_size], 0, tf.shape(real)[0], tf.int32)
        z = draws.normal([batch_size, noise_dim])
        with tf.GradientTape() as tape:
            d_loss = discriminator_loss(discriminator(tf.gather(real, rows)),
                                        discriminator(generator(z)))
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_opt.apply_gradients(zip(grads, discriminator.trainable_variables, strict=True))
        with tf.GradientTape() as tape:
            g_loss = g_loss_of(discriminator(generator(draws.normal([batch_size, noise_dim]))))
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_opt.apply_gradients(zip(grads, generator.trainable_variables, strict=True))
        return d_loss, g_loss

    history = {"discriminator": [], "generator": []}
    for _ in range(steps):
        d_loss, g_loss = step()
        history["discriminator"].append(float(d_loss))
        history["generator"].append(float(g_loss))
    return history
