"""Auto-encoders: plain, denoising, with dropout, variational, and adversarial.

From the notes: Auto-Encoder (Why we need, Denoising AutoEncoder, Dropout AutoEncoder,
Adversarial AutoEncoder, Variational AutoEncoder).

An auto-encoder learns without labels (*unsupervised*): it squeezes each input through a
narrow code and must *reconstruct itself* from it, which gives dimension reduction and a
picture of the data for free. You build one for the 8x8 digits that ship with scikit-learn
(64 pixels in [0, 1] -> a code of 8 numbers -> 64 pixels) and train it. Then the notes'
variants: a **denoising** auto-encoder sees a noisy input but is scored against the CLEAN
one ("add some noise and can still reconstruct well"); **dropout** inside it drops units
while training and is a no-op at inference; a **variational** auto-encoder (VAE) encodes each
input as a Gaussian `N(mean, exp(log_var))`, samples its code with the reparameterisation
trick `z = mean + exp(log_var / 2) * eps` so that gradients reach the encoder, and maximises
the evidence lower bound (ELBO): the reconstruction's log-likelihood minus
`KL(N(mean, var) || N(0, 1))`, in closed form; an **adversarial** auto-encoder replaces that
KL by a discriminator that tells codes from samples of the prior, with two losses: the
discriminator's and the encoder's. The notes name the last two variants and stop there:
the docstrings below give the working forms.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def _check_sizes(**sizes: int) -> None:
    for name, size in sizes.items():
        if not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"{name} must be a positive integer, got {size!r}")


def _check_training(epochs: int, lr: float, batch_size: int) -> None:
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be at least 1, got {epochs}, {batch_size}")


def _as_float_matrix(x: ArrayLike, name: str = "x") -> tf.Tensor:
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float32)
    if x.shape.rank != 2:
        raise ValueError(f"{name} must be 2-D [batch, features], got shape {tuple(x.shape)}")
    return x


def build_autoencoder(input_dim: int = 64, hidden_dim: int = 32, code_dim: int = 8,
                      dropout_rate: float = 0.0) -> keras.Sequential:
    """A dense auto-encoder `input_dim -> hidden_dim -> code_dim -> hidden_dim -> input_dim`.

    Notes (Auto-Encoder): "Dimension reduction ... *Reconstruct* itself"; (Dropout
    AutoEncoder): "Use dropout to autoencoder".

    A built `keras.Sequential` of exactly these layers, in this order:
    `Dense(hidden_dim, relu)`, `Dropout(dropout_rate)`, `Dense(code_dim)` (linear: the code),
    `Dense(hidden_dim, relu)`, `Dropout(dropout_rate)`, `Dense(input_dim, sigmoid)` (pixels
    lie in [0, 1]); the two Dropout layers are left out when `dropout_rate == 0`. Its weights
    (`get_weights()`) are therefore the four kernels `[in, out]` and biases in that order, and
    it has `2 * (input_dim*hidden_dim + hidden_dim*code_dim) + 2*hidden_dim + code_dim +
    input_dim` parameters.

    Dropout zeroes each unit with probability `dropout_rate` and scales the others by
    `1 / (1 - dropout_rate)` only when the model is called with `training=True` (as `fit`
    and your training loop do); called with `training=False` (inference) it changes
    nothing, so the output is deterministic.

    Raises ValueError when a size is not a positive integer, or `dropout_rate` is not in
    [0, 1).
    """
    _check_sizes(input_dim=input_dim, hidden_dim=hidden_dim, code_dim=code_dim)
    if not 0 <= dropout_rate < 1:
        raise ValueError(f"dropout_rate must lie in [0, 1), got {dropout_rate}")

    def dropout() -> list[keras.layers.Layer]:
        return [keras.layers.Dropout(dropout_rate)] if dropout_rate > 0 else []

    model = keras.Sequential(
        [keras.Input((input_dim,)), keras.layers.Dense(hidden_dim, activation="relu"),
         *dropout(), keras.layers.Dense(code_dim),
         keras.layers.Dense(hidden_dim, activation="relu"), *dropout(),
         keras.layers.Dense(input_dim, activation="sigmoid")]
    )
    return model


def corrupt(x: ArrayLike, noise_std: float, seed: int) -> tf.Tensor:
    """`x` plus Gaussian noise: `x + noise_std * eps` with `eps ~ N(0, 1)` for every element.

    Notes (Denoising AutoEncoder): "Add some noise and can still reconstruct well". The
    noise is not clipped (values may leave [0, 1]). The same `seed` gives the same noise
    (draw it statelessly, e.g. `tf.random.stateless_normal(shape, seed=[seed, 0])`), and
    `noise_std = 0` returns `x` unchanged.

    `x`: float32 or float64, any shape. Returns a tensor of `x`'s shape and dtype.

    Raises ValueError when `noise_std < 0`.
    """
    if noise_std < 0:
        raise ValueError(f"noise_std must be non-negative, got {noise_std}")
    x = tf.convert_to_tensor(x)
    eps = tf.random.stateless_normal(tf.shape(x), seed=[seed, 0], dtype=x.dtype)
    return x + tf.cast(noise_std, x.dtype) * eps


def reconstruction_error(x: ArrayLike, reconstruction: ArrayLike) -> tf.Tensor:
    """Each example's mean squared error `mean_j (x[i, j] - reconstruction[i, j]) ** 2`.

    `x`, `reconstruction`: float `[batch, features]`. Returns a float tensor of shape
    `[batch]` (one error per example: average it yourself for a loss).

    Raises ValueError when the two differ in shape or are not 2-D.
    """
    x = _as_float_matrix(x)
    reconstruction = _as_float_matrix(reconstruction, "reconstruction")
    if x.shape != reconstruction.shape:
        raise ValueError(f"x and reconstruction must have the same shape, got {tuple(x.shape)} "
                         f"and {tuple(reconstruction.shape)}")
    reconstruction = tf.cast(reconstruction, x.dtype)
    return tf.reduce_mean(tf.square(x - reconstruction), axis=1)


def denoising_loss(model: keras.Model, x: ArrayLike, noise_std: float, seed: int,
                   training: bool = True) -> tf.Tensor:
    """The denoising auto-encoder's loss: the batch mean of `reconstruction_error(x, model(x~))`.

    Notes (Denoising AutoEncoder). `x~ = corrupt(x, noise_std, seed)`: the noise goes on the
    model's INPUT only, and the reconstruction is compared with the CLEAN `x`: the model must
    remove the noise, not copy it. With `noise_std = 0` this is the plain auto-encoder's
    loss. `model` is called with `training=training`.

    `x`: float `[batch, features]`. Returns a 0-d float32 tensor.

    Raises ValueError when `noise_std < 0` or `x` is not 2-D.
    """
    x = tf.cast(_as_float_matrix(x), tf.float32)
    noisy = corrupt(x, noise_std, seed)
    return tf.reduce_mean(reconstruction_error(x, model(noisy, training=training)))


def train_autoencoder(model: keras.Model, x: ArrayLike, epochs: int = 60, lr: float = 0.01,
                      batch_size: int = 64, noise_std: float = 0.0, seed: int = 0
                      ) -> list[float]:
    """Trains `model` to reconstruct `x` with Adam; returns each epoch's mean loss.

    Every epoch shuffles the rows of `x` (`seed` makes it repeatable), cuts them into batches
    of `batch_size` (the last may be smaller) and takes one Adam step (`learning_rate=lr`)
    on each batch's `denoising_loss(model, batch, noise_std, ...)` with `training=True`, with
    fresh noise for every batch (a different seed per step: the same noise every step would
    be learned by heart). `noise_std = 0` trains a plain auto-encoder. The model is trained in
    place: the caller's model changes.

    `x`: float `[n, features]`, values in [0, 1]. Returns a list of `epochs` Python floats.

    Raises ValueError when `lr <= 0`, `epochs` or `batch_size` is below 1, `noise_std < 0`,
    or `x` is not 2-D.
    """
    _check_training(epochs, lr, batch_size)
    if noise_std < 0:
        raise ValueError(f"noise_std must be non-negative, got {noise_std}")
    x = tf.cast(_as_float_matrix(x), tf.float32)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    optimizer.build(model.trainable_variables)  # before tracing: its slots cost seconds there

    def step(batch: tf.Tensor, step_seed: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = denoising_loss(model, batch, noise_std, step_seed, training=True)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    return _run_epochs(step, x, epochs, batch_size, seed)


# --- the variational auto-encoder ---------------------------------------------------------

def build_vae(input_dim: int = 64, hidden_dim: int = 64, latent_dim: int = 4
              ) -> tuple[keras.Sequential, keras.Sequential]:
    """The VAE's `(encoder, decoder)`, two built `keras.Sequential`s.

    Notes (Variational AutoEncoder). The encoder maps `x [batch, input_dim]` through
    `Dense(hidden_dim, relu)` to `Dense(2 * latent_dim)` (linear): the first `latent_dim`
    columns are the posterior's `mean`, the last `latent_dim` its `log_var` (the log of the
    variance: any real number, so no activation). The decoder maps `z [batch, latent_dim]`
    through `Dense(hidden_dim, relu)` to `Dense(input_dim)` (linear): the LOGITS of each
    pixel's Bernoulli distribution (`sigmoid(logits)` is the reconstruction).

    Raises ValueError when a size is not a positive integer.
    """
    _check_sizes(input_dim=input_dim, hidden_dim=hidden_dim, latent_dim=latent_dim)
    encoder = keras.Sequential([keras.Input((input_dim,)),
                                keras.layers.Dense(hidden_dim, activation="relu"),
                                keras.layers.Dense(2 * latent_dim)])
    decoder = keras.Sequential([keras.Input((latent_dim,)),
                                keras.layers.Dense(hidden_dim, activation="relu"),
                                keras.layers.Dense(input_dim)])
    return encoder, decoder


def _check_gaussian(mean: ArrayLike, log_var: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    mean = tf.convert_to_tensor(mean)
    if not mean.dtype.is_floating:
        mean = tf.cast(mean, tf.float32)
    log_var = tf.cast(tf.convert_to_tensor(log_var), mean.dtype)
    if mean.shape != log_var.shape:
        raise ValueError(f"mean and log_var must have the same shape, got {tuple(mean.shape)} "
                         f"and {tuple(log_var.shape)}")
    return mean, log_var


def sample_latent(mean: ArrayLike, log_var: ArrayLike, seed: int) -> tf.Tensor:
    """A sample `z ~ N(mean, exp(log_var))` by the reparameterisation trick.

    Notes (Variational AutoEncoder). Draw `eps ~ N(0, 1)` of `mean`'s shape, then
    `z = mean + exp(log_var / 2) * eps`: `exp(log_var / 2)` is the standard deviation (not
    `exp(log_var)`, the variance). Written this way `z` is a differentiable function of
    `mean` and `log_var` (dz/dmean = 1, dz/dlog_var = (z - mean) / 2), so a `GradientTape`
    carries the loss's gradient back through the sample to the encoder. Sampling
    `tf.random.normal(shape, mean, std)` from NumPy values, or through `tf.stop_gradient`,
    cuts that path, and the encoder learns only from the KL term.

    `mean`, `log_var`: float tensors of the same shape (any). The same `seed` gives the same
    `eps` (draw it statelessly: `tf.random.stateless_normal(shape, seed=[seed, 0])`).
    Returns a tensor of `mean`'s shape and dtype.

    Raises ValueError when `mean` and `log_var` differ in shape.
    """
    mean, log_var = _check_gaussian(mean, log_var)
    eps = tf.random.stateless_normal(tf.shape(mean), seed=[seed, 0], dtype=mean.dtype)
    return mean + tf.exp(0.5 * log_var) * eps


def gaussian_kl(mean: ArrayLike, log_var: ArrayLike) -> tf.Tensor:
    """`KL(N(mean, exp(log_var)) || N(0, I))` of each example, in closed form (nats).

    For a diagonal Gaussian posterior against the standard normal prior:
    `KL = 1/2 * sum_j (exp(log_var_j) + mean_j**2 - 1 - log_var_j)`, summed over the latent
    axis (the last). It is 0 exactly when `mean = 0` and `log_var = 0`, positive otherwise.

    `mean`, `log_var`: float `[batch, latent_dim]`. Returns a float tensor of shape `[batch]`.

    Raises ValueError when `mean` and `log_var` differ in shape or are not 2-D.
    """
    mean, log_var = _check_gaussian(mean, log_var)
    if mean.shape.rank != 2:
        raise ValueError(f"mean and log_var must be 2-D [batch, latent], got {tuple(mean.shape)}")
    return 0.5 * tf.reduce_sum(tf.exp(log_var) + tf.square(mean) - 1.0 - log_var, axis=-1)


def elbo(x: ArrayLike, logits: ArrayLike, mean: ArrayLike, log_var: ArrayLike) -> tf.Tensor:
    """Each example's evidence lower bound: `log p(x | z) - KL(q(z | x) || p(z))`, in nats.

    Notes (Variational AutoEncoder). The decoder's `logits` give each pixel a Bernoulli
    probability `p = sigmoid(logits)`, so
    `log p(x | z) = sum_j x_j log p_j + (1 - x_j) log(1 - p_j)` (the negative of the binary
    cross-entropy summed over the pixels; `x` may be any value in [0, 1]). Compute it from
    the logits without taking `log(sigmoid(...))` of a saturated sigmoid: logits of +-100
    must give finite values (`tf.nn.sigmoid_cross_entropy_with_logits` does this). The KL is
    `gaussian_kl(mean, log_var)`. The ELBO is at most `log p(x)`; training maximises it.

    `x`, `logits`: float `[batch, input_dim]`; `mean`, `log_var`: float `[batch, latent]`.
    Returns a float tensor of shape `[batch]`.

    Raises ValueError when `x` and `logits` differ in shape, or for what `gaussian_kl`
    refuses.
    """
    x = _as_float_matrix(x)
    logits = tf.cast(_as_float_matrix(logits, "logits"), x.dtype)
    if x.shape != logits.shape:
        raise ValueError(f"x and logits must have the same shape, got {tuple(x.shape)} and "
                         f"{tuple(logits.shape)}")
    log_likelihood = -tf.reduce_sum(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits), axis=1)
    mean, log_var = _check_gaussian(mean, log_var)
    return log_likelihood - tf.cast(gaussian_kl(mean, log_var), x.dtype)


def vae_loss(x: ArrayLike, mean: ArrayLike, log_var: ArrayLike, decoder: keras.Model,
             seed: int) -> tf.Tensor:
    """The VAE's loss for a batch: the negative ELBO, averaged over the batch.

    `z = sample_latent(mean, log_var, seed)`, `logits = decoder(z)`, and the loss is
    `-mean_i elbo(x, logits, mean, log_var)[i]`. `mean` and `log_var` are what the encoder
    gave for `x`; through the reparameterised sample the loss is a differentiable function
    of both, so its gradient reaches the encoder from the reconstruction term too, not only
    from the KL.

    Returns a 0-d float tensor (the decoder's dtype, float32 unless built otherwise).

    Raises ValueError for what `sample_latent` and `elbo` refuse.
    """
    mean, log_var = _check_gaussian(mean, log_var)
    z = sample_latent(mean, log_var, seed)
    logits = decoder(z)
    x = tf.cast(_as_float_matrix(x), logits.dtype)
    return -tf.reduce_mean(elbo(x, logits, tf.cast(mean, logits.dtype),
                                tf.cast(log_var, logits.dtype)))


def train_vae(encoder: keras.Model, decoder: keras.Model, x: ArrayLike, epochs: int = 60,
              lr: float = 0.005, batch_size: int = 64, seed: int = 0) -> list[float]:
    """Trains the VAE `(encoder, decoder)` on `x` with Adam; returns each epoch's mean loss.

    Every epoch shuffles the rows of `x` (`seed` makes it repeatable) into batches of
    `batch_size`; for each batch, under one `GradientTape`: split `encoder(batch)` into
    `mean` and `log_var` (first and last `latent_dim` columns), take
    `vae_loss(batch, mean, log_var, decoder, step_seed)` with a fresh seed every step, and
    apply one Adam step (`learning_rate=lr`) to the encoder's and the decoder's trainable
    variables together. Both models are trained in place.

    `x`: float `[n, input_dim]`, values in [0, 1]. Returns a list of `epochs` Python floats
    (the mean negative ELBO of each epoch, in nats per example).

    Raises ValueError when `lr <= 0`, `epochs` or `batch_size` is below 1, or `x` is not 2-D.
    """
    _check_training(epochs, lr, batch_size)
    x = tf.cast(_as_float_matrix(x), tf.float32)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    variables = encoder.trainable_variables + decoder.trainable_variables
    optimizer.build(variables)  # before tracing: its slots cost seconds there
    def step(batch: tf.Tensor, step_seed: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            mean, log_var = tf.split(encoder(batch, training=True), 2, axis=-1)
            loss = vae_loss(batch, mean, log_var, decoder, step_seed)
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables, strict=True))
        return loss

    return _run_epochs(step, x, epochs, batch_size, seed)


def _run_epochs(step, x: tf.Tensor, epochs: int, batch_size: int, seed: int) -> list[float]:
    """Calls `step(batch, step_seed)` on every batch of every epoch; each epoch's mean loss.

    One `tf.function` runs a whole epoch (a `tf.range` loop in the graph): a Python loop
    that calls a compiled step pays ~5 ms of overhead per step on 2 cores, ten times the
    step itself. Every step gets its own noise seed, different for every training `seed`.
    """
    count = int(x.shape[0])
    steps = -(-count // batch_size)

    @tf.function
    def epoch(order: tf.Tensor, first_step: tf.Tensor) -> tf.Tensor:
        shuffled = tf.gather(x, order)
        total = tf.constant(0.0)
        for i in tf.range(steps):
            batch = shuffled[i * batch_size:(i + 1) * batch_size]
            total += step(batch, seed * 1_000_003 + first_step + tf.cast(i, tf.int64))
        return total / steps

    rng = np.random.default_rng(seed)
    return [float(epoch(rng.permutation(count), tf.constant(e * steps, tf.int64)))
            for e in range(epochs)]


# --- the adversarial auto-encoder ---------------------------------------------------------

def _logits(values: ArrayLike, name: str) -> tf.Tensor:
    values = tf.convert_to_tensor(values)
    if not values.dtype.is_floating:
        values = tf.cast(values, tf.float32)
    if values.shape.rank == 0 or values.shape.num_elements() == 0:
        raise ValueError(f"{name} must hold at least one logit, got shape {tuple(values.shape)}")
    return values


def aae_discriminator_loss(prior_logits: ArrayLike, code_logits: ArrayLike) -> tf.Tensor:
    """The adversarial auto-encoder's discriminator loss (a scalar, in nats).

    Notes (Adversarial AutoEncoder). A discriminator `D` looks at latent vectors: samples
    `z ~ p(z)` of the prior (label 1, "real") and the encoder's codes `q(z | x)` (label 0,
    "fake"), and outputs a logit, `D = sigmoid(logit)`. It minimises the binary
    cross-entropy `-mean log D(z_prior) - mean log(1 - D(code))`: each mean over its own
    batch (the two batches may differ in size). Compute it from the logits stably
    (`log D = -softplus(-logit)`, `log(1 - D) = -softplus(logit)`): logits of +-100 must
    give a finite loss.

    `prior_logits`, `code_logits`: float tensors of any shape (`[batch]` or `[batch, 1]`),
    each with at least one element. Returns a 0-d float tensor.

    Raises ValueError when either holds no logit or is a single 0-d number.
    """
    prior_logits = _logits(prior_logits, "prior_logits")
    code_logits = tf.cast(_logits(code_logits, "code_logits"), prior_logits.dtype)
    return (tf.reduce_mean(tf.nn.softplus(-prior_logits))
            + tf.reduce_mean(tf.nn.softplus(code_logits)))


def aae_encoder_loss(code_logits: ArrayLike) -> tf.Tensor:
    """The adversarial auto-encoder's regularisation loss for the ENCODER (a scalar, in nats).

    Notes (Adversarial AutoEncoder). The encoder plays the generator: it wants the
    discriminator to take its codes for samples of the prior, and minimises
    `-mean log D(code)` (the non-saturating form: its gradient stays large while the
    discriminator still rejects the codes). It is trained on this loss and on the
    reconstruction error, in alternation with the discriminator: never on the
    discriminator's loss, whose gradient would push the codes AWAY from the prior.
    Compute it from the logits stably: a logit of -100 gives a finite 100.

    `code_logits`: float, any shape, at least one element. Returns a 0-d float tensor.

    Raises ValueError when `code_logits` holds no logit or is a single 0-d number.
    """
    code_logits = _logits(code_logits, "code_logits")
    return tf.reduce_mean(tf.nn.softplus(-code_logits))
