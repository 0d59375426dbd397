"""Generative adversarial networks: a generator, a discriminator, their losses and their game.

From the notes: Gen (Painter or Generator, Critic or Discriminator) and Nash Equilibrium.

A GAN is a game of two networks. The generator (the painter) `G` turns noise `z ~ p_z` into
samples; the discriminator (the critic) `D` outputs the probability that its input is real.
The notes' objective is `min_G max_D V(D, G) = E_{x~p_r}[log D(x)] + E_{z~p_z}[log(1 -
D(G(z)))]`: the discriminator maximises it, the generator minimises it (the notes'
"Both of they want to maximum" holds for D only, and their second line writes the second
expectation over `p_r` where it is over the generator's samples: ERRATA.md). You write both
networks, the discriminator's loss, and the generator's loss in two forms: the minimax one,
whose gradient vanishes exactly when the generator is bad (`D(G(z))` near 0, as early in
training), and the non-saturating `-log D(G(z))` that Goodfellow et al. use in practice.
Then the notes' two questions on discrete distributions: for a fixed G, D converges to
`D* = p_r / (p_r + p_g)` (Q1), and at D* the value is `-log 4 + 2 JSD(p_r || p_g)`, least
when `p_g = p_r` (Q2). Finally you train a small GAN until its samples match a 1-D target.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor
GENERATOR_LOSSES = ("non_saturating", "minimax")


def _check_sizes(**sizes: int) -> None:
    for name, size in sizes.items():
        if not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"{name} must be a positive integer, got {size!r}")


def build_generator(noise_dim: int = 4, data_dim: int = 1, hidden_dim: int = 16
                    ) -> keras.Sequential:
    """The generator (painter) `G`: noise `z [batch, noise_dim]` to samples `[batch, data_dim]`.

    Notes (Gen): "Painter or Generator". A built `keras.Sequential` of
    `Dense(hidden_dim, relu)`, `Dense(hidden_dim, relu)`, `Dense(data_dim)`: the output is
    linear, since samples may take any real value.

    Raises ValueError when a size is not a positive integer.
    """
    _check_sizes(noise_dim=noise_dim, data_dim=data_dim, hidden_dim=hidden_dim)
    return keras.Sequential([keras.Input((noise_dim,)),
                             keras.layers.Dense(hidden_dim, activation="relu"),
                             keras.layers.Dense(hidden_dim, activation="relu"),
                             keras.layers.Dense(data_dim)])


def build_discriminator(data_dim: int = 1, hidden_dim: int = 16) -> keras.Sequential:
    """The discriminator (critic) `D`: samples `[batch, data_dim]` to logits `[batch, 1]`.

    Notes (Gen): "Critic or Discriminator". A built `keras.Sequential` of
    `Dense(hidden_dim, leaky_relu)`, `Dense(hidden_dim, leaky_relu)`, `Dense(1)`, where
    `leaky_relu(a) = a` for `a >= 0` and `0.2 a` below (Keras' `"leaky_relu"`, negative slope
    0.2): a plain relu critic whose units die goes blind, stops telling a too-wide generator
    from the data, and the game stalls short of the target. It outputs the LOGIT
    of "this sample is real": `D(x) = sigmoid(logit)`. Working with logits keeps the losses
    finite when D is sure of itself (`log(sigmoid(-100))` underflows to `-inf` in float32).

    Raises ValueError when a size is not a positive integer.
    """
    _check_sizes(data_dim=data_dim, hidden_dim=hidden_dim)
    return keras.Sequential([keras.Input((data_dim,)),
                             keras.layers.Dense(hidden_dim, activation="leaky_relu"),
                             keras.layers.Dense(hidden_dim, activation="leaky_relu"),
                             keras.layers.Dense(1)])


def _logits(values: ArrayLike, name: str) -> tf.Tensor:
    values = tf.convert_to_tensor(values)
    if not values.dtype.is_floating:
        values = tf.cast(values, tf.float32)
    if values.shape.rank == 0 or values.shape.num_elements() == 0:
        raise ValueError(f"{name} must hold at least one logit, got shape {tuple(values.shape)}")
    return values


def discriminator_loss(real_logits: ArrayLike, fake_logits: ArrayLike) -> tf.Tensor:
    """The discriminator's loss: `-(mean log D(x) + mean log(1 - D(G(z))))`, a scalar.

    Notes (Gen): D maximises `E_{x~p_r}[log D(x)] + E_{z~p_z}[log(1 - D(G(z)))]`, so it
    minimises the negative: the binary cross-entropy with real samples labelled 1 and
    generated ones labelled 0. Each expectation is the mean over its own batch (the two may
    differ in size). From logits, stably: `log D = -softplus(-logit)` and
    `log(1 - D) = -softplus(logit)`; logits of +-100 must give a finite loss.

    `real_logits` (D on real samples), `fake_logits` (D on generated ones): float tensors of
    any shape (`[batch, 1]` as the discriminator gives them), at least one element each.
    Returns a 0-d float tensor (nats).

    Raises ValueError when either holds no logit or is a single 0-d number.
    """
    real_logits = _logits(real_logits, "real_logits")
    fake_logits = tf.cast(_logits(fake_logits, "fake_logits"), real_logits.dtype)
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
        tf.nn.softplus(fake_logits))


def minimax_generator_loss(fake_logits: ArrayLike) -> tf.Tensor:
    """The generator's loss as the notes' game writes it: `mean log(1 - D(G(z)))`, a scalar.

    Notes (Gen): `min_G ... E_{z~p_z}[log(1 - D(G(z)))]` (the first term does not depend on
    G). The generator MINIMISES it (it is at most 0). From logits, stably:
    `log(1 - D) = -softplus(logit)`. Its gradient with respect to a logit `l` is
    `-sigmoid(l) / n`: where the discriminator rejects the samples (D(G(z)) near 0, as at the
    start of training) it vanishes, and a generator trained by plain gradient descent learns
    next to nothing: the loss saturates. (Adam divides each step by a running RMS of the
    gradient and hides much of this: on this kata's 1-D target the minimax loss trains too.)

    `fake_logits`: D's logits on generated samples, float, any shape, at least one element.
    Returns a 0-d float tensor.

    Raises ValueError when `fake_logits` holds no logit or is a single 0-d number.
    """
    fake_logits = _logits(fake_logits, "fake_logits")
    return -tf.reduce_mean(tf.nn.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits: ArrayLike) -> tf.Tensor:
    """The generator's loss used in practice: `-mean log D(G(z))`, a scalar.

    Instead of making D wrong by minimising `log(1 - D(G(z)))`, the generator maximises
    `log D(G(z))`: the same fixed point, but the gradient with respect to a logit `l` is
    `-(1 - sigmoid(l)) / n`, about `-1/n` exactly when D rejects the samples, so a bad
    generator gets a strong signal instead of none. From logits, stably:
    `-log D = softplus(-logit)`; a logit of -100 gives a finite 100.

    `fake_logits`: float, any shape, at least one element. Returns a 0-d float tensor.

    Raises ValueError when `fake_logits` holds no logit or is a single 0-d number.
    """
    fake_logits = _logits(fake_logits, "fake_logits")
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


# --- the game on discrete distributions ----------------------------------------------------

def _distribution(p: ArrayLike, name: str, normalised: bool = True) -> tf.Tensor:
    p = tf.cast(tf.convert_to_tensor(p), tf.float64)
    if p.shape.rank != 1 or p.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {tuple(p.shape)}")
    values = p.numpy()
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"{name} must hold finite non-negative probabilities")
    if normalised and abs(values.sum() - 1.0) > 1e-6:
        raise ValueError(f"{name} must sum to 1, got {values.sum()}")
    return p


def _pair(p_real: ArrayLike, p_gen: ArrayLike, normalised: bool = True
          ) -> tuple[tf.Tensor, tf.Tensor]:
    p_real = _distribution(p_real, "p_real", normalised)
    p_gen = _distribution(p_gen, "p_gen", normalised)
    if p_real.shape != p_gen.shape:
        raise ValueError(f"p_real and p_gen must have the same shape, got {tuple(p_real.shape)} "
                         f"and {tuple(p_gen.shape)}")
    return p_real, p_gen


def optimal_discriminator(p_real: ArrayLike, p_gen: ArrayLike) -> tf.Tensor:
    """The best discriminator for a fixed generator: `D*(x) = p_r(x) / (p_r(x) + p_g(x))`.

    Notes (Nash Equilibrium): "Q1. Where will D converge, given fixed G". For each x, D(x)
    maximises `p_r log D + p_g log(1 - D)`, whose derivative vanishes at
    `D = p_r / (p_r + p_g)`. Where `p_r = p_g = 0` every D is as good: return 0.5 there
    (never NaN). Where only the generator puts mass D* is 0; where only the data does, 1.

    `p_real`, `p_gen`: 1-D arrays of non-negative probabilities (or densities on a grid)
    of the same length; they need not sum to 1. Returns a float64 tensor of that shape.

    Raises ValueError when the two differ in shape, are not 1-D and non-empty, or hold a
    negative or non-finite value.
    """
    p_real, p_gen = _pair(p_real, p_gen, normalised=False)
    total = p_real + p_gen
    return tf.where(total > 0, p_real / tf.where(total > 0, total, 1.0),
                    tf.constant(0.5, tf.float64))


def gan_value(p_real: ArrayLike, p_gen: ArrayLike, discriminator: ArrayLike) -> tf.Tensor:
    """The notes' value `V(D, G) = E_{x~p_r}[log D(x)] + E_{x~p_g}[log(1 - D(x))]`, in nats.

    Notes (Gen), on a discrete space: `sum_x p_r(x) log D(x) + sum_x p_g(x) log(1 - D(x))`,
    where `p_g` is the distribution of the generator's samples `G(z)` (the notes' second line
    writes `E_{x~p_r}` twice: ERRATA.md). A term whose probability is 0 counts 0 even where
    its log is `-inf` (`0 log 0 = 0`: `tf.math.xlogy`), so `D*` with its 0s and 1s gives a
    finite value. A D of 0 where `p_r > 0` (or 1 where `p_g > 0`) gives `-inf`.

    `p_real`, `p_gen`: 1-D probability vectors of the same length (non-negative, each
    summing to 1 within 1e-6); `discriminator`: D's probability of "real" at each point, in
    [0, 1], of the same length. Returns a 0-d float64 tensor.

    Raises ValueError when a vector does not sum to 1, holds a negative value, the lengths
    differ, or `discriminator` leaves [0, 1].
    """
    p_real, p_gen = _pair(p_real, p_gen)
    d = tf.cast(tf.convert_to_tensor(discriminator), tf.float64)
    if d.shape != p_real.shape:
        raise ValueError(f"discriminator must have the distributions' shape "
                         f"{tuple(p_real.shape)}, got {tuple(d.shape)}")
    if not np.all((d.numpy() >= 0) & (d.numpy() <= 1)):
        raise ValueError("discriminator values must lie in [0, 1]")
    return tf.reduce_sum(tf.math.xlogy(p_real, d) + tf.math.xlogy(p_gen, 1.0 - d))


def jensen_shannon(p: ArrayLike, q: ArrayLike) -> tf.Tensor:
    """The Jensen-Shannon divergence `JSD(p || q)` of two discrete distributions, in nats.

    Notes (Nash Equilibrium): "Q2. Where will G converge, after optimal D": at D* the value
    is `V(D*, G) = -log 4 + 2 JSD(p_r || p_g)`, least (`-log 4`) exactly when `p_g = p_r`.
    `JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2` with `m = (p + q) / 2`, natural logs,
    `0 log 0 = 0`. Symmetric, 0 for equal distributions, at most `log 2` (disjoint ones).
    It is the SQUARE of SciPy's `scipy.spatial.distance.jensenshannon` (a distance).

    `p`, `q`: 1-D probability vectors of the same length (non-negative, each summing to 1
    within 1e-6). Returns a 0-d float64 tensor.

    Raises ValueError when a vector does not sum to 1, holds a negative value, or the
    lengths differ.
    """
    p, q = _pair(p, q)
    m = (p + q) / 2

    def kl_to_m(a: tf.Tensor) -> tf.Tensor:
        ratio = tf.where(a > 0, a / tf.where(m > 0, m, 1.0), 1.0)
        return tf.reduce_sum(tf.math.xlogy(a, ratio))

    return kl_to_m(p) / 2 + kl_to_m(q) / 2


# --- training -----------------------------------------------------------------------------

def train_gan(generator: keras.Model, discriminator: keras.Model, real: ArrayLike,
              steps: int = 1500, lr: float = 0.002, batch_size: int = 64,
              generator_loss: str = "non_saturating", seed: int = 0) -> dict[str, list[float]]:
    """Trains the GAN in place on samples `real [n, data_dim]`; returns the losses' history.

    Notes (Gen): "Both of they want to maximum and than get a nash equilibrium": in turn,
    each step (1) draws a batch of `batch_size` real rows (uniformly, with replacement) and
    `batch_size` noise vectors `z ~ N(0, I)` of the generator's input width, and takes one
    Adam step (`learning_rate=lr, beta_1=0.5`) on the DISCRIMINATOR's variables to lower
    `discriminator_loss(D(x), D(G(z)))`; (2) draws fresh noise and takes one Adam step (its
    own optimizer) on the GENERATOR's variables to lower the generator's loss:
    `non_saturating_generator_loss(D(G(z)))` or, with `generator_loss="minimax"`,
    `minimax_generator_loss(D(G(z)))`. Never the discriminator's loss for the generator:
    its gradient points the other way. `seed` makes the draws repeatable.

    Returns `{"discriminator": [...], "generator": [...]}`: the two losses of every step,
    `steps` Python floats each.

    Raises ValueError when `generator_loss` is not one of "non_saturating", "minimax", when
    `lr <= 0`, `steps` or `batch_size` is below 1, or `real` is not 2-D with as many columns
    as the generator's output.
    """
    if generator_loss not in GENERATOR_LOSSES:
        raise ValueError(f"generator_loss must be one of {GENERATOR_LOSSES}, got "
                         f"{generator_loss!r}")
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    if steps < 1 or batch_size < 1:
        raise ValueError(f"steps and batch_size must be at least 1, got {steps}, {batch_size}")
    real = tf.cast(tf.convert_to_tensor(real), tf.float32)
    data_dim = generator.outputs[0].shape[-1]
    if real.shape.rank != 2 or real.shape[1] != data_dim:
        raise ValueError(f"real must be 2-D [n, {data_dim}] (the generator's output width), "
                         f"got shape {tuple(real.shape)}")
    noise_dim = generator.inputs[0].shape[-1]
    g_loss_fn = (non_saturating_generator_loss if generator_loss == "non_saturating"
                 else minimax_generator_loss)
    d_optimizer = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    g_optimizer = keras.optimizers.Adam(learning_rate=lr, beta_1=0.5)
    d_optimizer.build(discriminator.trainable_variables)  # before tracing: saves seconds
    g_optimizer.build(generator.trainable_variables)
    count = int(real.shape[0])

    def step(step_seed: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        seeds = tf.random.experimental.stateless_split(step_seed, 3)
        rows = tf.random.stateless_uniform([batch_size], seeds[0], 0, count, tf.int32)
        x = tf.gather(real, rows)
        z = tf.random.stateless_normal([batch_size, noise_dim], seeds[1])
        with tf.GradientTape() as tape:
            d_loss = discriminator_loss(discriminator(x, training=True),
                                        discriminator(generator(z, training=True),
                                                      training=True))
        d_vars = discriminator.trainable_variables
        d_grads = tape.gradient(d_loss, d_vars)
        d_optimizer.apply_gradients(zip(d_grads, d_vars, strict=True))
        z = tf.random.stateless_normal([batch_size, noise_dim], seeds[-1])
        with tf.GradientTape() as tape:
            g_loss = g_loss_fn(discriminator(generator(z, training=True), training=True))
        g_vars = generator.trainable_variables
        g_grads = tape.gradient(g_loss, g_vars)
        g_optimizer.apply_gradients(zip(g_grads, g_vars, strict=True))
        return d_loss, g_loss

    @tf.function
    def run() -> tuple[tf.Tensor, tf.Tensor]:
        # All steps in one graph: a Python loop pays milliseconds of overhead per step.
        d_losses = tf.TensorArray(tf.float32, size=steps)
        g_losses = tf.TensorArray(tf.float32, size=steps)
        for i in tf.range(steps):
            d_loss, g_loss = step(tf.stack([tf.constant(seed, tf.int64), tf.cast(i, tf.int64)]))
            d_losses = d_losses.write(i, tf.cast(d_loss, tf.float32))
            g_losses = g_losses.write(i, tf.cast(g_loss, tf.float32))
        return d_losses.stack(), g_losses.stack()

    d_history, g_history = run()
    return {"discriminator": [float(v) for v in d_history.numpy()],
            "generator": [float(v) for v in g_history.numpy()]}
