"""Assertions the kata tests share: each failure says what was expected, and why.

Outputs are checked as what they claim to be: converted with `np.asarray`, shape and dtype
checked explicitly, values required finite. An object that merely compares equal to
anything, or a scalar that would broadcast against the expected array, does not pass.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

SEED = 20190919  # the notes' date: every test starts from it, locally and while grading


def fix_seeds(seed: int = SEED) -> None:
    """Seeds Python's, NumPy's, TensorFlow's and Keras' random generators (those imported)."""
    import random
    import sys

    random.seed(seed)
    np.random.seed(seed)
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].random.set_seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)


DTYPE_KINDS = {
    "float": np.floating,
    "integer": np.integer,
    "signed": np.signedinteger,
    "bool": np.bool_,
    "complex": np.complexfloating,
}


def to_numpy(value: Any, *, what: str = "result") -> np.ndarray:
    """`value` (a tensor, Variable, array, list or Python number) as a NumPy array."""
    try:
        array = np.asarray(value)
    except Exception as err:  # noqa: BLE001 - whatever the object raised, it is no array
        raise AssertionError(
            f"{what}: expected an array or tensor, got {type(value).__name__} ({err})"
        ) from None
    if array.dtype == object or array.dtype.kind in "OSUV":
        raise AssertionError(
            f"{what}: expected a numeric array or tensor, "
            f"got {type(value).__name__}: {value!r:.200}"
        )
    return array


def assert_shape(actual: Any, shape: Iterable[int], *, what: str = "result") -> np.ndarray:
    array = to_numpy(actual, what=what)
    shape = tuple(int(d) for d in shape)
    if array.shape != shape:
        raise AssertionError(f"{what}: expected shape {shape}, got {array.shape}")
    return array


def assert_dtype(actual: Any, dtype: Any, *, what: str = "result") -> np.ndarray:
    """`dtype` is a concrete dtype (np.float32, "uint8", tf.int64) or a kind: "float",
    "integer", "signed", "bool", "complex"."""
    array = to_numpy(actual, what=what)
    if isinstance(dtype, str) and dtype in DTYPE_KINDS:
        if not np.issubdtype(array.dtype, DTYPE_KINDS[dtype]):
            raise AssertionError(f"{what}: expected a {dtype} dtype, got {array.dtype}")
        return array
    expected = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
    if array.dtype != expected:
        raise AssertionError(f"{what}: expected dtype {expected}, got {array.dtype}")
    return array


def result_in_float64(got: Any, dtype: Any, *, what: str) -> np.ndarray:
    """`got` checked to have `dtype` (a NumPy or TensorFlow dtype), as float64 values.

    bfloat16, which NumPy has no kind for, is checked as a tensor: only a local run (not
    grading, whose wire carries NumPy kinds) gets there.
    """
    import tensorflow as tf

    if dtype is tf.bfloat16:
        assert getattr(got, "dtype", None) == tf.bfloat16, (
            f"{what} on bfloat16 x: expected a bfloat16 tensor, got {type(got).__name__} "
            f"of dtype {getattr(got, 'dtype', None)!r}")
        return tf.cast(got, tf.float64).numpy()
    return assert_dtype(got, dtype, what=f"{what} on {np.dtype(dtype).name} x").astype(
        np.float64)


def assert_array(
    actual: Any,
    expected: Any,
    *,
    what: str = "result",
    dtype: Any = None,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    exact: bool | None = None,
) -> np.ndarray:
    """`actual` has `expected`'s shape, the given dtype (if any) and its values.

    Floats are compared with `rtol`/`atol` (defaults suit float32); integers and booleans,
    or anything with `exact=True`, must be equal. Returns `actual` as a NumPy array.
    """
    expected = np.asarray(expected)
    array = assert_shape(actual, expected.shape, what=what)
    if dtype is not None:
        assert_dtype(array, dtype, what=what)
    if exact is None:
        exact = not (
            np.issubdtype(array.dtype, np.inexact) or np.issubdtype(expected.dtype, np.inexact)
        )
    if np.issubdtype(array.dtype, np.inexact):
        bad = ~np.isfinite(array) & np.isfinite(expected)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise AssertionError(
                f"{what}: {int(bad.sum())} value(s) are NaN or inf, first at index {index} "
                f"(expected {expected[index]!r})"
            )
    if exact:
        wrong = array != expected
    else:
        wrong = ~np.isclose(
            array.astype(np.float64) if array.dtype.kind in "biu" else array,
            expected,
            rtol=rtol,
            atol=atol,
            equal_nan=True,
        )
    wrong = np.asarray(wrong)
    if wrong.any():
        raise AssertionError(_describe_mismatch(array, expected, wrong, what, exact, rtol, atol))
    return array


def _describe_mismatch(array, expected, wrong, what, exact, rtol, atol) -> str:
    count, total = int(wrong.sum()), wrong.size
    lines = [
        f"{what}: {count} of {total} value(s) differ from the expected"
        + ("" if exact else f" (rtol={rtol:g}, atol={atol:g})")
    ]
    for index in np.argwhere(wrong)[:5]:
        index = tuple(int(i) for i in index)
        lines.append(f"  at {index}: expected {expected[index]!r}, got {array[index]!r}")
    if array.ndim and total <= 64:
        lines.append(f"  expected:\n{np.array2string(expected, precision=5)}")
        lines.append(f"  got:\n{np.array2string(array, precision=5)}")
    return "\n".join(lines)


def assert_scalar(
    actual: Any, expected: float, *, what: str = "result", rtol: float = 1e-5, atol: float = 1e-6
) -> float:
    """A single number (Python number, 0-d array or 0-d tensor) close to `expected`."""
    array = to_numpy(actual, what=what)
    if array.shape != ():
        raise AssertionError(
            f"{what}: expected a single number (shape ()), got shape {array.shape}"
        )
    return float(assert_array(array, expected, what=what, rtol=rtol, atol=atol, exact=False))


def _in_kata_process(value: Any) -> bool:
    """`value` is the grader's proxy of an object in the kata's sandbox process.

    The proxy's class says so (tf_katas.grading.remote.Remote); asked of the class, never the
    object, so that nothing of a kata's own object is run. This module imports nothing of the
    grader: the sandbox imports this module, and the grader's modules import the sandbox's.
    """
    return getattr(type(value), "__kata_remote__", False) is True


def op_types(fn: Callable, *args: Any, **kwargs: Any) -> set[str]:
    """The TensorFlow op types in the graph `tf.function` traces from `fn(*args)`.

    Katas that ask for something by hand use it to reject the built-in op that would
    do the work (a hand-written conv2d must contain no `Conv2D`).
    """
    import tensorflow as tf

    if _in_kata_process(fn):  # grading: the function lives in the kata's process
        return fn.__kata_op_types__(args, kwargs)
    graph = tf.function(fn).get_concrete_function(*args, **kwargs).graph
    return {op.type for op in graph.get_operations()}


def assert_no_ops(fn: Callable, args: tuple, forbidden: dict[str, str], *, what: str) -> None:
    """`fn(*args)` uses none of the op types in `forbidden` (op type -> what to use instead)."""
    used = op_types(fn, *args) & set(forbidden)
    if used:
        advice = "; ".join(f"{op}: {forbidden[op]}" for op in sorted(used))
        raise AssertionError(
            f"{what} must be written by hand, but it uses {sorted(used)} ({advice})"
        )


def numerical_gradient(f: Callable[[np.ndarray], float], x: Any, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of the scalar function `f` at `x`, in float64.

    An oracle independent of TensorFlow's autodiff: `(f(x + eps e_i) - f(x - eps e_i)) / 2eps`
    for each element i. `f` receives a float64 array of `x`'s shape.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        upper = float(f(x))
        x[index] = original - eps
        lower = float(f(x))
        x[index] = original
        grad[index] = (upper - lower) / (2 * eps)
    return grad


def is_instance(value: Any, cls: type) -> bool:
    """`isinstance(value, cls)`, also for an object that lives in the kata's process while
    grading (then its class's ancestry, as that process reports it, is compared by name)."""
    if _in_kata_process(value):
        return f"{cls.__module__}.{cls.__qualname__}" in value.__kata_mro__()
    return isinstance(value, cls)


def gradient_of(fn: Callable, *args: Any, **kwargs: Any) -> list[np.ndarray | None]:
    """d sum(fn(*args)) / d arg for each positional argument, with `tf.GradientTape`.

    Arguments are watched as constants of their own dtype (pass float64 arrays to compare
    with `numerical_gradient`). An argument the result does not depend on differentiably,
    or that is not floating point, gives None. While grading, the tape runs in the kata's
    own process, since a tape cannot follow a computation into another process.
    """
    return weighted_gradient_of(fn, None, *args, **kwargs)


def weighted_gradient_of(
    fn: Callable, weights: Any, *args: Any, **kwargs: Any
) -> list[np.ndarray | None]:
    """d sum(weights * fn(*args)) / d arg, as `gradient_of` (weights None: all ones).

    Weighting the output reaches what a plain sum cannot: the sum of softmax is always 1,
    so only weights show its Jacobian (d sum(w * p) / da = J^T w).
    """
    if _in_kata_process(fn):
        return fn.__kata_gradient__(weights, args, kwargs)
    import tensorflow as tf

    inputs = [tf.constant(a) if not isinstance(a, tf.Variable) else a for a in args]
    with tf.GradientTape() as tape:
        for tensor in inputs:
            if tensor.dtype.is_floating:
                tape.watch(tensor)
        output = fn(*inputs, **kwargs)
        if weights is not None:
            output = output * tf.cast(weights, output.dtype)
        total = tf.reduce_sum(output)
    grads = tape.gradient(total, inputs)
    # tf.gather's gradient is an IndexedSlices (an embedding table's, say): made dense here.
    return [None if g is None else np.asarray(tf.convert_to_tensor(g)) for g in grads]


@contextlib.contextmanager
def assert_raises(expected: type[BaseException] | tuple[type[BaseException], ...], *,
                  match: str | None = None) -> Iterator[Any]:
    """`pytest.raises(expected, match=match)`, except that ANOTHER exception from the code
    under test fails the test with an assertion that says what was expected, instead of
    escaping as that exception (TensorFlow's InvalidArgumentError is not a ValueError: a
    learner who left the check to TensorFlow reads why). NotImplementedError passes through
    untouched, so that a stub still fails because it is a stub."""
    import pytest

    names = " or ".join(e.__name__ for e in (expected if isinstance(expected, tuple)
                                              else (expected,)))
    try:
        with pytest.raises(expected, match=match) as info:
            yield info
    except (AssertionError, NotImplementedError, pytest.fail.Exception):
        raise
    except Exception as err:  # noqa: BLE001 - any other error is the learner's to read
        # TensorFlow prefixes its messages with "{{function_node ...}}": keep the words.
        text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", str(err)).strip()
        first_line = text.splitlines()[0][:200] if text else ""
        raise AssertionError(
            f"expected {names}" + (f" (with {match!r} in the message)" if match else "")
            + f", got {type(err).__name__}: {first_line} — check the input yourself before "
            "calling TensorFlow (its InvalidArgumentError is not a ValueError)"
        ) from None


def call_kata(what: str, function: Callable, *args: Any, **kwargs: Any) -> Any:
    """`function(*args, **kwargs)`, for a call the docstring says must succeed: an error from
    the kata fails the test with an assertion naming the call (`what`) and the error, rather
    than escaping as the learner's exception. NotImplementedError passes through untouched,
    so that a stub still fails because it is a stub."""
    try:
        return function(*args, **kwargs)
    except (AssertionError, NotImplementedError):
        raise
    except Exception as err:  # noqa: BLE001 - any error here is the learner's to read
        text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", str(err)).strip()
        raise AssertionError(
            f"{what}: expected a result, got {type(err).__name__}: {text[:300]}"
        ) from None
