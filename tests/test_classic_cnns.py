"""Tests for the `classic_cnns` kata: an inception block, residual blocks, the gradient that
reaches the first layer of a deep stack with and without shortcuts, and a small ResNet
trained on the 8x8 digits.

Oracles: every model is recomputed here from its own weights (read layer by layer, by the
names the docstrings fix) with `tf.nn.conv2d`, `tf.nn.max_pool2d` and a tape; parameter
counts come from closed forms written here.

Thresholds come from evidence, the reference over seeds 0-9 (min / median / max):

- gradient at the first layer of a 10-block (21-convolution) stack, residual over plain,
  same weights, 64 training digits: 1.2e4 / 3.1e4 / 1.8e5 (min / median / max). The test
  asks for 100 (on seed 0). The same stacks with the shortcuts detached by
  `tf.stop_gradient` (forward unchanged): 2.7 / 6.2 / 11.7, all far below.
- small ResNet, 10 epochs of Adam (lr 3e-3, batches of 32) on the 1347 training digits,
  accuracy on the 450 test digits: 0.942 / 0.958 / 0.973. The test asks for 0.90 (on seed
  0). Broken models on the same seeds: lr x100 (0.3) diverges, 0.10 / 0.10 / 0.25; labels
  shuffled against the images (seeds 0-4): 0.04 / 0.09 / 0.10. Two broken models still
  classify well, so other tests catch them: no activation anywhere (0.893 / 0.921 / 0.947:
  a linear network tells most of these digits apart) fails the forward checks against the
  layers recomputed here, and a detached shortcut (0.940 / 0.949 / 0.969: two blocks are
  shallow enough to train through the branches) fails the gradient-ratio test.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st

from tf_katas.data import load_digits
from tf_katas.testing import assert_array, assert_scalar, assert_shape, to_numpy

GRADIENT_RATIO = 100.0
ACCURACY_THRESHOLD = 0.90
STACK_DEPTH = 10


def _as_int(value, what: str) -> int:
    """A Python or NumPy integer (not a bool, not something that merely equals one)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise AssertionError(f"{what}: expected an int, got {type(value).__name__} {value!r:.80}")
    return int(value)


def _conv_params(size: int, in_channels: int, filters: int) -> int:
    return size * size * in_channels * filters + filters


def _layer_names(model) -> list[str]:
    return [layer.name for layer in model.layers]


def _weights(model, name: str) -> list[np.ndarray]:
    names = _layer_names(model)
    assert name in names, f"the model has no layer named {name!r}; its layers: {names}"
    return [to_numpy(w, what=f"weights of {name}") for w in model.get_layer(name).get_weights()]


def _conv(model, name: str, x, stride: int = 1, relu: bool = True, kernel=None):
    """The layer `name` of `model` recomputed with tf.nn.conv2d ('same' padding)."""
    weights = _weights(model, name)
    assert len(weights) == 2, f"{name}: expected a kernel and a bias, got {len(weights)} arrays"
    kernel = tf.constant(weights[0]) if kernel is None else kernel
    out = tf.nn.conv2d(x, kernel, stride, "SAME") + weights[1]
    return tf.nn.relu(out) if relu else out


def _images(shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, size=shape).astype(np.float32)


def _digits():
    (x_train, y_train), (x_test, y_test) = load_digits(8)
    scale = np.float32(1 / 255)
    return ((x_train[..., None] * scale, y_train.astype(np.int64)),
            (x_test[..., None] * scale, y_test.astype(np.int64)))


# --- inception block -----------------------------------------------------------------------

# (in_channels, 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj): all different, so a branch
# in the wrong place or reading the wrong input shows.
SMALL_INCEPTION = (5, 3, 2, 4, 1, 6, 7)
GOOGLENET_3A = (192, 64, 96, 128, 16, 32, 32)


def _inception_count(c, f1, f3r, f3, f5r, f5, fp) -> int:
    return (_conv_params(1, c, f1) + _conv_params(1, c, f3r) + _conv_params(3, f3r, f3)
            + _conv_params(1, c, f5r) + _conv_params(5, f5r, f5) + _conv_params(1, c, fp))


def test_inception_block_concatenates_four_branches_on_channels(kata):
    c, *filters = SMALL_INCEPTION
    model = kata.inception_block((7, 6, c), *filters)
    x = _images((2, 7, 6, c))
    f1, _, f3, _, f5, fp = filters
    out = assert_shape(model(x), (2, 7, 6, f1 + f3 + f5 + fp),
                       what=f"inception_block((7, 6, {c}), {filters}) on 2 images: the spatial "
                            "size kept, the four branches' channels added")
    branch1 = _conv(model, "branch1x1", x)
    branch3 = _conv(model, "branch3x3", _conv(model, "branch3x3_reduce", x))
    branch5 = _conv(model, "branch5x5", _conv(model, "branch5x5_reduce", x))
    pooled = tf.nn.max_pool2d(x, 3, 1, "SAME")
    branch_pool = _conv(model, "branch_pool_proj", pooled)
    expected = tf.concat([branch1, branch3, branch5, branch_pool], axis=-1)
    assert_array(out, expected, rtol=1e-4, atol=1e-5,
                 what="inception_block output against its branches recomputed here, "
                      "concatenated as [1x1, 3x3, 5x5, pool] (branches in another order, a "
                      "missing ReLU, or a pool that is not 3x3 stride 1?)")


def test_inception_block_kernels_have_the_branch_sizes(kata):
    c, *filters = SMALL_INCEPTION
    model = kata.inception_block((7, 6, c), *filters)
    f1, f3r, f3, f5r, f5, fp = filters
    expected = {"branch1x1": (1, 1, c, f1), "branch3x3_reduce": (1, 1, c, f3r),
                "branch3x3": (3, 3, f3r, f3), "branch5x5_reduce": (1, 1, c, f5r),
                "branch5x5": (5, 5, f5r, f5), "branch_pool_proj": (1, 1, c, fp)}
    for name, shape in expected.items():
        assert_shape(_weights(model, name)[0], shape, what=f"the kernel of {name}")
    count = _as_int(model.count_params(), "count_params()")
    assert count == _inception_count(*SMALL_INCEPTION), \
        f"inception_block{SMALL_INCEPTION}: count_params() is {count}, expected " \
        f"{_inception_count(*SMALL_INCEPTION)}"


def test_inception_parameter_count_of_googlenet_block_3a(kata):
    """192 channels -> 64, 96/128, 16/32, 32: 163 696 parameters."""
    got = _as_int(kata.inception_parameter_count(*GOOGLENET_3A), "inception_parameter_count")
    hint = " (the 3x3 and 5x5 read the reduced channels, not the input's)" \
        if got > 163_696 else ""
    assert got == 163_696, f"inception_parameter_count{GOOGLENET_3A}: expected 163696, " \
                           f"got {got}{hint}"


@given(counts=st.tuples(*[st.integers(1, 40)] * 7))
def test_inception_parameter_count_on_drawn_widths(kata, counts):
    got = _as_int(kata.inception_parameter_count(*counts), "inception_parameter_count")
    assert got == _inception_count(*counts), \
        f"inception_parameter_count{counts}: expected {_inception_count(*counts)}, got {got}"


@pytest.mark.parametrize("name", ["inception_block", "inception_parameter_count"])
def test_inception_rejects_bad_sizes(kata, name):
    fn = getattr(kata, name)
    first = (7, 6, 5) if name == "inception_block" else 5
    with pytest.raises(ValueError):
        fn(first, 3, 2, 0, 1, 6, 7)
    with pytest.raises(TypeError):
        fn(first, 3, 2, 4.0, 1, 6, 7)
    if name == "inception_block":
        with pytest.raises(ValueError):
            fn((7, 6), 3, 2, 4, 1, 6, 7)
    else:
        with pytest.raises(ValueError):
            fn(0, 3, 2, 4, 1, 6, 7)


# --- residual blocks -----------------------------------------------------------------------


def _residual_count(c, f, stride) -> int:
    projection = _conv_params(1, c, f) if stride != 1 or c != f else 0
    return _conv_params(3, c, f) + _conv_params(3, f, f) + projection


def _residual_oracle(model, x, prefix="", stride=1, filters=None):
    branch = _conv(model, f"{prefix}conv2", _conv(model, f"{prefix}conv1", x, stride), relu=False)
    if f"{prefix}shortcut" in _layer_names(model):
        shortcut = _conv(model, f"{prefix}shortcut", x, stride, relu=False)
    else:
        shortcut = x
    return tf.nn.relu(branch + shortcut)


def test_identity_residual_block_adds_its_input(kata):
    model = kata.residual_block((6, 5, 4), 4)
    assert "shortcut" not in _layer_names(model), \
        f"residual_block((6, 5, 4), 4) keeps the shape: the shortcut is the identity, no " \
        f"'shortcut' layer; its layers: {_layer_names(model)}"
    count = _as_int(model.count_params(), "count_params()")
    assert count == _residual_count(4, 4, 1), \
        f"identity residual block 4 -> 4: expected {_residual_count(4, 4, 1)} parameters (two " \
        f"3x3 convolutions, nothing on the shortcut), got {count}"
    x = _images((3, 6, 5, 4), seed=1) - 0.5
    assert_array(model(x), _residual_oracle(model, x), rtol=1e-4, atol=1e-5,
                 what="residual_block((6, 5, 4), 4): relu(conv2(relu(conv1(x))) + x) (ReLU "
                      "before the addition, or a missing one?)")


@pytest.mark.parametrize(("input_shape", "filters", "stride", "out_shape"), [
    ((6, 5, 3), 8, 1, (6, 5, 8)), ((7, 6, 4), 4, 2, (4, 3, 4)), ((8, 8, 2), 6, 3, (3, 3, 6)),
], ids=["channels 3->8", "stride 2", "stride 3 and channels"])
def test_projection_residual_block_when_the_shape_changes(kata, input_shape, filters, stride,
                                                          out_shape):
    model = kata.residual_block(input_shape, filters, stride)
    what = f"residual_block({input_shape}, {filters}, stride={stride})"
    assert_shape(_weights(model, "shortcut")[0], (1, 1, input_shape[2], filters),
                 what=f"{what}: the 1x1 projection's kernel")
    count = _as_int(model.count_params(), "count_params()")
    expected_count = _residual_count(input_shape[2], filters, stride)
    assert count == expected_count, f"{what}: expected {expected_count} parameters, got {count}"
    x = _images((2, *input_shape), seed=2) - 0.5
    out = assert_shape(model(x), (2, *out_shape), what=f"{what} on 2 images")
    assert_array(out, _residual_oracle(model, x, stride=stride), rtol=1e-4, atol=1e-5,
                 what=f"{what}: relu(conv2(relu(conv1(x, stride))) + shortcut(x, stride))")


@given(c=st.integers(1, 64), f=st.integers(1, 64), stride=st.integers(1, 3))
def test_residual_parameter_count_on_drawn_widths(kata, c, f, stride):
    got = _as_int(kata.residual_parameter_count(c, f, stride), "residual_parameter_count")
    assert got == _residual_count(c, f, stride), \
        f"residual_parameter_count({c}, {f}, {stride}): expected " \
        f"{_residual_count(c, f, stride)}, got {got}"


def test_residual_parameter_count_by_hand(kata):
    cases = {(64, 64, 1): 73_856, (64, 128, 2): 229_760, (64, 128, 1): 229_760}
    for args, expected in cases.items():
        got = _as_int(kata.residual_parameter_count(*args), f"residual_parameter_count{args}")
        assert got == expected, f"residual_parameter_count{args}: expected {expected}, got " \
                                f"{got}" + (" (projection forgotten?)" if got == 221_440 else "")


@pytest.mark.parametrize(("args", "error"), [
    (((6, 5), 4), ValueError), (((6, 5, 4), 0), ValueError), (((6, 5, 4), 4, 0), ValueError),
    (((6, 5, 4), 4.0), TypeError),
], ids=["input rank 2", "filters 0", "stride 0", "filters 4.0"])
def test_residual_block_rejects_bad_sizes(kata, args, error):
    with pytest.raises(error):
        kata.residual_block(*args)
    with pytest.raises(error):
        first = args[0][-1] if len(args[0]) == 3 else 0
        kata.residual_parameter_count(first, *args[1:])


# --- deep stacks: the gradient that reaches the first layer -------------------------------


def _stack_count(c, depth, width, classes) -> int:
    return (_conv_params(3, c, width) + depth * 2 * _conv_params(3, width, width)
            + width * classes + classes)


def _stack_oracle(model, x, depth, residual, stem_kernel=None):
    h = _conv(model, "stem", x, kernel=stem_kernel)
    for i in range(1, depth + 1):
        branch = _conv(model, f"block{i}_conv2", _conv(model, f"block{i}_conv1", h), relu=False)
        h = tf.nn.relu(branch + h if residual else branch)
    kernel, bias = _weights(model, "logits")
    return tf.reduce_mean(h, axis=[1, 2]) @ kernel + bias


def _oracle_gradient_norm(model, x, labels, depth, residual) -> float:
    stem_kernel = tf.constant(_weights(model, "stem")[0])
    with tf.GradientTape() as tape:
        tape.watch(stem_kernel)
        logits = _stack_oracle(model, x, depth, residual, stem_kernel)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
    return float(tf.norm(tape.gradient(loss, stem_kernel)))


@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
def test_deep_stack_is_its_layers_computed_here(kata, residual):
    model = kata.deep_stack((8, 8, 1), 3, width=5, residual=residual, seed=1, num_classes=4)
    count = _as_int(model.count_params(), "count_params()")
    assert count == _stack_count(1, 3, 5, 4), \
        f"deep_stack((8, 8, 1), depth=3, width=5, num_classes=4): expected " \
        f"{_stack_count(1, 3, 5, 4)} parameters, got {count}"
    x = _images((4, 8, 8, 1), seed=3)
    assert_array(model(x), _stack_oracle(model, x, 3, residual), rtol=1e-4, atol=1e-5,
                 what=f"deep_stack(depth=3, residual={residual}) against its layers recomputed "
                      "here (shortcut in the wrong place, or a missing ReLU?)")


def test_plain_and_residual_stacks_hold_the_same_weights(kata):
    """Only the shortcuts differ: same seed, same weights; another seed, other weights."""
    plain = kata.deep_stack((8, 8, 1), 2, width=3, residual=False, seed=4)
    residual = kata.deep_stack((8, 8, 1), 2, width=3, residual=True, seed=4)
    other = kata.deep_stack((8, 8, 1), 2, width=3, residual=True, seed=5)
    for name in ["stem", "block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
                 "logits"]:
        kernel = _weights(plain, name)[0]
        assert_array(_weights(residual, name)[0], kernel,
                     what=f"the {name} kernel of the residual stack, against the plain stack's "
                          "of the same seed")
        assert not np.allclose(_weights(other, name)[0], kernel), \
            f"deep_stack: the {name} kernel is the same for seeds 4 and 5"


def test_first_layer_gradient_norm_matches_a_tape_here(kata):
    (x_train, y_train), _ = _digits()
    x, labels = x_train[:32], y_train[:32]
    for residual in (False, True):
        model = kata.deep_stack((8, 8, 1), 2, width=4, residual=residual, seed=2)
        expected = _oracle_gradient_norm(model, x, labels, 2, residual)
        assert_scalar(kata.first_layer_gradient_norm(model, x, labels), expected, rtol=1e-3,
                      atol=1e-9, what=f"first_layer_gradient_norm of a depth-2 stack "
                                      f"(residual={residual}) on 32 digits: the norm of d mean "
                                      "cross-entropy / d stem kernel (summed loss, or another "
                                      "layer's gradient?)")


def test_first_layer_gradient_norm_rejects_mismatched_labels(kata):
    model = kata.deep_stack((8, 8, 1), 1, width=2)
    with pytest.raises(ValueError):
        kata.first_layer_gradient_norm(model, _images((4, 8, 8, 1)), np.arange(3))


def test_shortcuts_carry_the_gradient_to_the_first_layer_of_a_deep_stack(kata):
    """21 convolutions, the same weights: the plain stack's first layer gets almost nothing
    (the reference: 10^4-10^5 times less, over 10 seeds). A detached shortcut loses it."""
    (x_train, y_train), _ = _digits()
    x, labels = x_train[:64], y_train[:64]
    for seed in (0,):
        norms = {}
        for residual in (False, True):
            model = kata.deep_stack((8, 8, 1), STACK_DEPTH, width=8, residual=residual,
                                    seed=seed)
            norm = kata.first_layer_gradient_norm(model, x, labels)
            norms[residual] = assert_scalar(norm, _oracle_gradient_norm(
                model, x, labels, STACK_DEPTH, residual), rtol=1e-3, atol=1e-12,
                what=f"first_layer_gradient_norm, depth {STACK_DEPTH}, residual={residual}")
        ratio = norms[True] / max(norms[False], 1e-30)
        assert ratio >= GRADIENT_RATIO, \
            f"seed {seed}: the first layer of the residual stack gets {norms[True]:.3g}, the " \
            f"plain one {norms[False]:.3g}: a ratio of {ratio:.3g}, expected at least " \
            f"{GRADIENT_RATIO:g} (the reference: 10^4 or more; a shortcut detached from the " \
            "tape with tf.stop_gradient carries no gradient)"


@pytest.mark.parametrize(("args", "error"), [
    (((8, 8), 2), ValueError), (((8, 8, 1), 0), ValueError), (((8, 8, 1), 2, 0), ValueError),
    (((8, 8, 1), 2.5), TypeError), (((8, 8, 1), 2, 4, True, 0, 0), ValueError),
], ids=["input rank 2", "depth 0", "width 0", "depth 2.5", "num_classes 0"])
def test_deep_stack_rejects_bad_sizes(kata, args, error):
    with pytest.raises(error):
        kata.deep_stack(*args)


# --- a small ResNet on the digits ----------------------------------------------------------

RESNET_LAYERS = {"stem": (3, 3, 1, 16), "block1_conv1": (3, 3, 16, 16),
                 "block1_conv2": (3, 3, 16, 16), "block2_conv1": (3, 3, 16, 32),
                 "block2_conv2": (3, 3, 32, 32), "block2_shortcut": (1, 1, 16, 32),
                 "logits": (32, 10)}


def _resnet_oracle(model, x):
    h = _conv(model, "stem", x)
    h = _residual_oracle(model, h, prefix="block1_")
    h = _residual_oracle(model, h, prefix="block2_", stride=2)
    kernel, bias = _weights(model, "logits")
    return tf.reduce_mean(h, axis=[1, 2]) @ kernel + bias


def test_small_resnet_is_a_stem_two_blocks_and_a_classifier(kata):
    model = kata.small_resnet((8, 8, 1), 10, width=16, seed=0)
    for name, shape in RESNET_LAYERS.items():
        assert_shape(_weights(model, name)[0], shape, what=f"small_resnet: the {name} kernel")
    assert "block1_shortcut" not in _layer_names(model), \
        "small_resnet: block1 keeps the shape, its shortcut is the identity"
    count = _as_int(model.count_params(), "count_params()")
    expected = sum(math.prod(s) + s[-1] for s in RESNET_LAYERS.values())
    assert count == expected, f"small_resnet: expected {expected} parameters, got {count}"
    x = _images((3, 8, 8, 1), seed=4)
    assert_array(model(x), _resnet_oracle(model, x), rtol=1e-4, atol=1e-5,
                 what="small_resnet against its layers recomputed here (block2 not of stride "
                      "2, or a shortcut missing?)")


def test_small_resnet_depends_on_its_seed_only(kata):
    first = _weights(kata.small_resnet(seed=3), "block2_conv1")[0]
    again = _weights(kata.small_resnet(seed=3), "block2_conv1")[0]
    other = _weights(kata.small_resnet(seed=4), "block2_conv1")[0]
    assert_array(again, first, what="small_resnet(seed=3) twice: the block2_conv1 kernel")
    assert not np.allclose(other, first), "small_resnet: seeds 3 and 4 give the same kernel"


@pytest.mark.parametrize(("kwargs", "error"), [
    (dict(input_shape=(8, 8)), ValueError), (dict(input_shape=(8, 0, 1)), ValueError),
    (dict(num_classes=0), ValueError), (dict(width=0), ValueError), (dict(width=2.0), TypeError),
], ids=["input rank 2", "width of the input 0", "num_classes 0", "width 0", "width 2.0"])
def test_small_resnet_rejects_bad_sizes(kata, kwargs, error):
    with pytest.raises(error):
        kata.small_resnet(**kwargs)


@pytest.mark.parametrize(("settings", "error"), [
    (dict(lr=0.0), ValueError), (dict(lr=-1e-3), ValueError), (dict(epochs=0), ValueError),
    (dict(batch_size=0), ValueError),
], ids=["lr 0", "lr negative", "0 epochs", "batch 0"])
def test_train_rejects_bad_settings(kata, settings, error):
    model = kata.small_resnet(width=2)
    with pytest.raises(error):
        kata.train(model, _images((4, 8, 8, 1)), np.arange(4), **settings)


def test_train_rejects_mismatched_labels(kata):
    with pytest.raises(ValueError):
        kata.train(kata.small_resnet(width=2), _images((4, 8, 8, 1)), np.arange(3), epochs=1)


@pytest.mark.training
@pytest.mark.slow
def test_small_resnet_learns_the_digits(kata):
    """Catches a learning rate 100x too large, convolutions without activation, labels
    shuffled against the images, and a model that is not trained in place."""
    (x_train, y_train), (x_test, y_test) = _digits()
    model = kata.small_resnet((8, 8, 1), 10, width=16, seed=0)
    before = _weights(model, "stem")[0]
    history = kata.train(model, x_train, y_train, epochs=10, lr=3e-3, batch_size=32, seed=0)
    history = assert_shape(history, (10,), what="train(epochs=10): the epoch losses")
    assert np.issubdtype(history.dtype, np.floating) and np.isfinite(history).all(), \
        f"train: the epoch losses must be finite numbers, got {history}"
    assert history[-1] < 0.5 * history[0], \
        f"train: the loss must fall to under half its first epoch's, got {history[0]:.4f} -> " \
        f"{history[-1]:.4f}"
    assert not np.allclose(_weights(model, "stem")[0], before), \
        "train: the stem kernel did not change: train the model that was passed in"
    logits = _resnet_oracle(model, x_test).numpy()  # the trained weights, recomputed here
    score = float(np.mean(logits.argmax(axis=1) == y_test))
    assert score >= ACCURACY_THRESHOLD, \
        f"after 10 epochs the small ResNet classifies {score:.1%} of the 450 test digits, " \
        f"expected at least {ACCURACY_THRESHOLD:.0%} (the reference: 94-97%; chance is 10%)"
