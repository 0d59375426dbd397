"""Hot-path benchmarks: the code under test (`--impl`) against TensorFlow's own op.

Run with `pytest -m gpu` on a GPU machine, or `pytest -m gpu --bench-device=cpu` for the
CPU mode (small sizes, few rounds) that CI runs so that these never rot. Each benchmark
checks the result at its size first (a wrong result is reported *incorrect* and never
timed), then times it with pytest-benchmark (`--benchmark-json`, `--benchmark-compare` and
its groups work), the device synchronised after every call. The report at the end of the
run (a table, benchmarks.json and a plot) is written by tf_katas.benchmarking.plugin.
"""

from __future__ import annotations

import numpy as np
import pytest

from tf_katas.benchmarking.plugin import bench_session
from tf_katas.benchmarking.problems import Problem, problems_for
from tf_katas.benchmarking.report import Row
from tf_katas.benchmarking.timing import measure

pytestmark = [
    pytest.mark.gpu,
    # Under --benchmark-disable measure() times a plain loop and leaves the fixture unused.
    pytest.mark.filterwarnings("ignore:Benchmark fixture was not used"),
]

# The kata function each hot path times: (kata module, function).
KATA_FUNCTIONS = {
    "matmul": ("math_ops", "batched_matmul"),
    "conv": ("convolution", "conv2d"),
    "rnn": ("rnn", "simple_rnn"),
    "lstm": ("lstm_gru", "lstm"),
    "gru": ("lstm_gru", "gru"),
}
# Recurrent layers are benchmarked in float32 (TF32 where the device has it): Keras' fused
# cuDNN kernels, the baseline, take float32 weights.
RECURRENT_PRECISIONS = ("float32", "tf32")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The sizes depend on --bench-device: DeepBench's on a GPU, small ones on the CPU."""
    if "problem" not in metafunc.fixturenames:
        return
    kind = metafunc.config.getoption("--bench-device")
    # A GPU's precisions are known once TensorFlow has looked at it (the `precision_set`
    # fixture skips what it lacks); the CPU mode times float32 alone.
    precisions = ("float32", "tf32", "bfloat16", "float16") if kind == "gpu" else ("float32",)
    cases = []
    for problem in problems_for(kind):
        for precision in precisions:
            if problem.path in ("rnn", "lstm", "gru") and precision not in RECURRENT_PRECISIONS:
                continue
            cases.append(pytest.param(problem, precision, id=f"{problem.name}-{precision}"))
    metafunc.parametrize(("problem", "precision"), cases)


@pytest.fixture
def session(pytestconfig):
    found = bench_session(pytestconfig)
    if found is None:
        pytest.skip("no device to benchmark on")
    return found


@pytest.fixture
def precision_set(session, precision):
    """Turns TensorFloat-32 on for "tf32" and off for every other precision, and gives the
    setting back afterwards."""
    import tensorflow as tf

    if precision not in session.precisions:
        pytest.skip(f"{session.details.get('device_name', 'this device')} has no {precision}")
    before = tf.config.experimental.tensor_float_32_execution_enabled()
    tf.config.experimental.enable_tensor_float_32_execution(precision == "tf32")
    yield tf.config.experimental.tensor_float_32_execution_enabled()
    tf.config.experimental.enable_tensor_float_32_execution(before)


def _inputs(problem: Problem, precision: str, rng: np.random.Generator):
    """Arguments for the kata and for TensorFlow's op, in the precision's storage dtype."""
    import tensorflow as tf

    dtype = tf.float32 if precision == "tf32" else tf.as_dtype(precision)

    def normal(shape, scale=1.0):
        return tf.cast(tf.constant(rng.standard_normal(shape) * scale, tf.float32), dtype)

    if problem.path == "matmul":
        m, n, k = problem.dims
        return normal((m, k)), normal((k, n))
    if problem.path == "conv":
        n, h, w, c, k, r, s, stride, padding = problem.dims
        return normal((n, h, w, c)), normal((r, s, c, k), 1 / np.sqrt(r * s * c)), stride, padding
    hidden, inputs, batch, steps = problem.dims
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[problem.path]
    bias_shape = (2, 3 * hidden) if problem.path == "gru" else (gates * hidden,)
    scale = 1 / np.sqrt(hidden)  # keeps the states away from tanh's flat ends
    return (normal((batch, steps, inputs)), normal((inputs, gates * hidden), scale),
            normal((hidden, gates * hidden), scale), normal(bias_shape, 0.1))


def _tensorflow_op(problem: Problem, args: tuple):
    """TensorFlow's own op for the hot path, taking the kata's arguments. A Keras layer gets
    the weights copied in here, eagerly, once: never inside a timed or traced call."""
    import keras
    import tensorflow as tf

    if problem.path == "matmul":
        return tf.matmul
    if problem.path == "conv":
        return lambda x, kernel, stride, padding: tf.nn.conv2d(x, kernel, stride, padding)
    layer_class = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM,
                   "gru": keras.layers.GRU}[problem.path]
    layer = layer_class(problem.dims[0])
    x, kernel, recurrent_kernel, bias = args
    layer.build(tuple(x.shape))
    layer.set_weights([np.asarray(kernel), np.asarray(recurrent_kernel), np.asarray(bias)])
    return lambda x, kernel, recurrent_kernel, bias: layer(x)


@pytest.mark.parametrize("mode", ["function", "eager"])
@pytest.mark.parametrize("impl", ["tensorflow", "kata"])
def test_hot_path(problem, precision, mode, impl, session, precision_set, load_kata, benchmark):
    import tensorflow as tf

    benchmark.group = f"{problem.name}-{precision}-{mode}"
    rng = np.random.default_rng(0)
    with tf.device(session.device):
        args = _inputs(problem, precision, rng)
        baseline = _tensorflow_op(problem, args)
        expected = None
        if impl == "kata":
            module, name = KATA_FUNCTIONS[problem.path]
            fn = getattr(load_kata(module), name)
            expected = np.asarray(tf.cast(baseline(*args), tf.float32))
        else:
            fn = baseline
        if mode == "function":
            fn = tf.function(fn)

        def timer(timed, rounds):
            if benchmark.disabled:  # --benchmark-disable: measure() times a plain loop
                return None
            benchmark.pedantic(timed, rounds=rounds, iterations=1)
            return benchmark.stats.stats.median

        outcome = measure(lambda: fn(*args), expected, precision, budget_s=session.budget_s,
                          max_rounds=session.max_rounds, timer=timer,
                          memory=_memory_probe(session))
    session.rows.append(Row(
        hot_path=problem.hot_path, cell=problem.path, problem=problem.name, precision=precision,
        mode=mode, impl=impl, status=outcome.status, detail=outcome.detail,
        flops=problem.flops(), intensity=problem.intensity(precision),
        tf32_enabled=precision_set, seconds=outcome.seconds, first_call_s=outcome.first_call_s,
        rounds=outcome.rounds, peak_memory_bytes=outcome.peak_memory_bytes,
    ))
    if outcome.status in ("incorrect", "error"):
        pytest.fail(f"{impl} {problem.name} ({precision}, {mode}): {outcome.status}: "
                    f"{outcome.detail}", pytrace=False)
    if outcome.status != "ok":
        pytest.skip(f"{outcome.status}: {outcome.detail}")


def _memory_probe(session):
    """(reset, peak) of the GPU allocator; None on the CPU, where TensorFlow cannot tell."""
    if session.kind != "gpu":
        return None
    import tensorflow as tf

    def reset():
        tf.config.experimental.reset_memory_stats("GPU:0")

    def peak():
        return int(tf.config.experimental.get_memory_info("GPU:0")["peak"])

    return reset, peak
