"""TensorFlow basics: constants, Variables, the graph-and-session program and its TF2 twin.

From the notes: Tensotflow › 基本操作 › 概况; and tensorflow运行机制, 四则运算, 矩阵运算.

TensorFlow is "tensor + computation graph" (本质 tf = tensor + 计算图). You make constants of
a chosen dtype and Variables (named, trainable or not); you write the notes' TensorFlow 1
program (a graph of placeholders fed through `feed_dict`, a Session that runs several fetches
at once, a Variable updated by assignment after the initializer ran) on today's TensorFlow
through `tf.compat.v1`, and then its TensorFlow 2 twin, an eager function that `tf.function`
turns into the same graph; the four arithmetic operations; the difference between the matrix
product `tf.matmul` and the element-wise `tf.multiply`; `tf.linspace` and
`tf.random.uniform`. Several lines of the notes no longer run (`tf.Session()`,
`tf.placeholder`, `tf.global_variables_initializer()`, `tf.assign`, `tf.random_uniform`):
each docstring below names the broken line and the form that works.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray | tf.Tensor


def make_constant(value: ArrayLike, dtype: tf.DType | str | None = None) -> tf.Tensor:
    """A constant tensor holding `value`, of `dtype` when one is given.

    Notes (概况): `data1 = tf.constant(2.5)  # 指定数据类型可以加参数(2,dtype=tf.int32)`.

    Returns a `tf.Tensor` (not a Variable, not a NumPy array) with `value`'s shape. Without a
    dtype TensorFlow infers one: float32 for Python floats, int32 for Python ints. With one
    (a `tf.DType` such as `tf.int32`, or its name such as "int32"), the tensor has that dtype.
    """
    return tf.constant(value, dtype=dtype)


def make_variable(value: ArrayLike, name: str, trainable: bool = True) -> tf.Variable:
    """A `tf.Variable` initialised to `value`, called `name`, trainable or not.

    Notes (概况): `data2 = tf.Variable(b,name="name")`; a Variable's `trainable` flag says
    whether training (a GradientTape, an optimizer) updates it.

    Returns a `tf.Variable` (a tensor you can `assign` to; `tf.constant` is not one) with
    `value`'s shape and inferred dtype. TensorFlow appends the output index to the name you
    give: `make_variable(2.5, "weight").name == "weight:0"`.
    """
    return tf.Variable(value, name=name, trainable=trainable)


def arithmetic(x1: ArrayLike, x2: ArrayLike) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
    """The four arithmetic operations on `x1` and `x2`, eagerly, in float32.

    Notes (四则运算): `tf.add(data1+data2)`, `tf.multiply(data1,data2)`,
    `tf.subtract(data1,data2)`, `tf.divide(data1,data2)` (write `tf.add(data1, data2)`:
    the notes' `data1+data2` inside `tf.add` is a slip).

    `x1`, `x2`: numbers, lists, NumPy arrays or tensors, converted to float32 (so integers
    divide exactly: 7 / 2 is 3.5). Their shapes broadcast as in NumPy.

    Returns the tuple `(x1 + x2, x1 - x2, x1 * x2, x1 / x2)` of float32 tensors. The product
    is element-wise (`tf.multiply`), not the matrix product: a row `[[2, 2]]` times a column
    `[[2], [2]]` is the 2x2 `[[4, 4], [4, 4]]`.
    """
    a = tf.cast(x1, tf.float32)
    b = tf.cast(x2, tf.float32)
    a = tf.convert_to_tensor(x1, tf.float32)
    b = tf.convert_to_tensor(x2, tf.float32)
    return a + b, a - b, a * b, a / b


def arithmetic_function() -> Callable[..., tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]]:
    """The TensorFlow 2 twin of `session_arithmetic`'s graph: `arithmetic` as a `tf.function`.

    Notes (tensorflow运行机制): `tf = tensor + 计算图` — in TensorFlow 2 nobody builds the
    graph by hand: `tf.function` traces a Python function into one (with an input placeholder
    for each argument) and runs it, no Session needed.

    Returns a `tf.function` (what `tf.function(some_python_function)` returns: it has
    `get_concrete_function`) that, called with two float32 tensors or arrays, returns the
    tuple `(x1 + x2, x1 - x2, x1 * x2, x1 / x2)` as `arithmetic` does. Its traced graph holds
    the same four operations (AddV2, Sub, Mul, RealDiv) as the graph `session_arithmetic`
    builds.
    """
    return tf.function(arithmetic)


def session_arithmetic(
    x1: ArrayLike, x2: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The notes' TensorFlow 1 program: placeholders fed through `feed_dict`, one Session run.

    Notes (矩阵运算): `x1 = tf.placeholder(tf.float32)`, `dataAdd = tf.add(x1,x2)`,
    `sess.run(dataAdd,feed_dict={x1:2,x2:4})`, and (概况) `sess.run([x1,x2,x3])` to fetch
    several results at once. `tf.Session()` and `tf.placeholder` now raise AttributeError
    (ERRATA.md), and `tf.compat.v1.placeholder` raises RuntimeError in eager mode: build the
    graph inside `with tf.compat.v1.Graph().as_default() as graph:`, with
    `tf.compat.v1.placeholder(tf.float32)` (no fixed shape: any shape is fed), and run it
    with `with tf.compat.v1.Session(graph=graph) as sess:` (the notes' 法二 `with`, which
    closes the session for you).

    In that graph: two float32 placeholders; their sum, difference, element-wise product and
    quotient (`tf.add`, `tf.subtract`, `tf.multiply`, `tf.divide`). Then ONE `sess.run` of the
    list of all four, feeding `x1` and `x2` (numbers or arrays whose shapes broadcast)
    through `feed_dict`.

    Returns the tuple `(x1 + x2, x1 - x2, x1 * x2, x1 / x2)` as float32 NumPy values, what
    `sess.run` gives back (a NumPy scalar for scalar inputs).
    """
    with tf.compat.v1.Graph().as_default() as graph:
        a = tf.compat.v1.placeholder(tf.float32, name="x1")
        b = tf.compat.v1.placeholder(tf.float32, name="x2")
        fetches = [tf.add(a, b), tf.subtract(a, b), tf.multiply(a, b), tf.divide(a, b)]
    with tf.compat.v1.Session(graph=graph) as sess:
        total, difference, product, quotient = sess.run(fetches, feed_dict={a: x1, b: x2})
    return total, difference, product, quotient


def session_counter(start: float, deltas: Sequence[float]) -> np.ndarray:
    """A Variable updated by assignment, run step by step in one Session (TensorFlow 1 style).

    Notes (概况, 四则运算): `init = tf.global_variables_initializer()`, `sess.run(init)`,
    `dataCopy = tf.assign(x1,x2)  # 把x2的值赋给x1`. `tf.global_variables_initializer()` and
    `tf.assign` now raise AttributeError (ERRATA.md): use
    `tf.compat.v1.global_variables_initializer()` and the Variable's own method,
    `w.assign(new_value)` (or `w.assign_add(delta)`).

    Inside `with tf.compat.v1.Graph().as_default() as graph:` make a float32 Variable `w`
    starting at `start`, a scalar float32 placeholder `delta`, the update `w <- w + delta`,
    and the initializer. In one `tf.compat.v1.Session(graph=graph)`: run the initializer
    first (reading `w` before it raises an error), then run the update once per value of
    `deltas`, feeding it through `feed_dict`. The Variable keeps its value between runs of
    the same Session.

    Returns a float32 NumPy array of shape `(len(deltas),)`: `w` after each update, i.e.
    `start + cumsum(deltas)` (an empty array for no deltas).
    """
    with tf.compat.v1.Graph().as_default() as graph:
        w = tf.Variable(start, dtype=tf.float32, name="w")
        delta = tf.compat.v1.placeholder(tf.float32, shape=(), name="delta")
        update = w.assign(w + delta)
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        values = [sess.run(update, feed_dict={delta: d}) for d in deltas]
    return np.asarray(values, dtype=np.float32).reshape(len(deltas))


def function_counter(start: float, deltas: Sequence[float]) -> np.ndarray:
    """The TensorFlow 2 twin of `session_counter`: an eager Variable and a `tf.function` step.

    Make a float32 `tf.Variable` starting at `start` (no initializer: eager Variables hold
    their value from the start) and a `tf.function` that adds its argument to the Variable
    with `assign_add` (or `assign`) and returns the new value; call it once per delta.

    Returns a float32 NumPy array of shape `(len(deltas),)`: the Variable after each step,
    the same values `session_counter(start, deltas)` returns.
    """
    w = tf.Variable(start, dtype=tf.float32, name="w")

    @tf.function(reduce_retracing=True)
    def step(delta: tf.Tensor) -> tf.Tensor:
        w.assign(w + delta)
        return w.read_value()

    values = [step(tf.constant(d, tf.float32)).numpy() for d in deltas]
    return np.asarray(values, dtype=np.float32).reshape(len(deltas))


def matrix_product(a: ArrayLike, b: ArrayLike) -> tf.Tensor:
    """The matrix product of `a` (n x m) and `b` (m x k), in float32.

    Notes (矩阵运算): `tf.matmul(x1,x2)  # 矩阵乘法` versus `tf.multiply()  # 普通乘法
    对应元素相乘`. The notes' `x1 = tf.constant([2,2])` is 1-D, which `tf.matmul` rejects: a
    row is `[[2, 2]]`. Then `[[2, 2]] @ [[2], [2]]` is `[[8]]` (shape 1x1), where the
    element-wise product would broadcast to a 2x2.

    Returns a float32 `tf.Tensor` of shape `(n, k)`.

    Raises ValueError when `a` or `b` is not 2-D (the message says "2-D"), or when the inner
    dimensions differ, `a`'s columns != `b`'s rows (the message shows both shapes as tuples,
    e.g. "(2, 3)" and "(4, 5)"). TensorFlow's own error for these is a
    `tf.errors.InvalidArgumentError`, which is not a ValueError: check the shapes first.
    """
    a = tf.cast(a, tf.float32)
    b = tf.cast(b, tf.float32)
    if a.shape.rank != 2 or b.shape.rank != 2:
        raise ValueError(
            f"matrix_product needs two 2-D matrices, got shapes {a.shape} and {b.shape}"
        )
    if a.shape[1] != b.shape[0]:
        raise ValueError(
            f"matrix_product: inner dimensions differ: {a.shape} @ {b.shape} "
            f"({a.shape[1]} columns against {b.shape[0]} rows)"
        )
    return tf.einsum("ij,jk->ik", a, b)


def linspace(start: float, stop: float, num: int) -> tf.Tensor:
    """`num` evenly spaced float32 values from `start` to `stop`, both ends included.

    Notes (矩阵运算): `x3 = tf.linspace(0.0,2.0,11)  # 元素从0到2均匀分成11分`: eleven points
    0.0, 0.2, ..., 2.0 (ten intervals), unlike `tf.range`, which stops before its end.

    Returns a float32 `tf.Tensor` of shape `(num,)` whose first value is `start` and last is
    `stop` (also for integer arguments: `tf.linspace(0, 2, 11)` alone would give float64).

    Raises ValueError, its message naming `num`, when `num < 2` (with fewer than two points
    both ends cannot be in).
    """
    if num < 2:
        raise ValueError(f"linspace needs num >= 2 to include both ends, got num={num}")
    first, last = tf.cast(start, tf.float32), tf.cast(stop, tf.float32)
    steps = tf.range(num, dtype=tf.float32) / (num - 1)
    return tf.concat([first + (last - first) * steps[:-1], [last]], axis=0)


def uniform(shape: Sequence[int], lo: float, hi: float) -> tf.Tensor:
    """Random float32 values drawn uniformly from the half-open range [lo, hi).

    Notes (矩阵运算): `x4 = tf.random_uniform([2,3],-1,2)  # 元素是-1到2的随机数`.
    `tf.random_uniform` now raises AttributeError (ERRATA.md): the working form is
    `tf.random.uniform(shape, minval=lo, maxval=hi)`.

    Returns a float32 `tf.Tensor` of the given shape; every value v has lo <= v < hi (or,
    rarely, v == hi: float32 rounding of lo + u * (hi - lo) can land on it), and over many
    values the mean is near (lo + hi) / 2 and the variance near (hi - lo)**2 / 12.

    Raises ValueError, its message showing lo and hi, when lo >= hi (TensorFlow itself
    returns numbers outside the range without complaint).
    """
    if not lo < hi:
        raise ValueError(f"uniform needs lo < hi, got lo={lo}, hi={hi}")
    return lo + (hi - lo) * tf.random.uniform(shape, dtype=tf.float32)
