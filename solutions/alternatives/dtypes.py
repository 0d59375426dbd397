"""Data types: converting to tensors, casting, Variables and back to NumPy.

From the notes: Tensotflow › 基本操作 › 类型.

Every value a TensorFlow operation takes is a tensor of one dtype (tensorflow运算的每个类型都要是
tensor). You turn names into dtypes, convert Python and NumPy values into tensors of a chosen
dtype (and refuse a conversion that would silently drop the fractional part), cast between
dtypes on purpose (float to int truncates toward zero), wrap a value in a Variable (which a
GradientTape differentiates without being told: 可导) and read its attributes as plain
Python values, and bring a tensor back to NumPy with `.numpy()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import tensorflow as tf

ArrayLike = float | Sequence | np.ndarray


class VariableInfo(NamedTuple):
    """A Variable's attributes as plain Python values (a plain 4-tuple in this order is fine)."""

    name: str
    trainable: bool
    dtype: str
    shape: tuple[int, ...]


def dtype_from_name(name: str | tf.DType) -> tf.DType:
    """The `tf.DType` called `name`: "float32", "int64", "bool", "double", "half", ...

    Notes (类型): `tf.cast(aa,dtype=tf.double)` — `tf.double` is another name of
    `tf.float64`, so "double" gives `tf.float64` (and "half" gives `tf.float16`). A `tf.DType`
    is returned unchanged.

    Raises TypeError for a name TensorFlow does not know ("floot", "float23"), as
    `tf.as_dtype` does.
    """
    if isinstance(name, tf.DType):
        return name
    try:
        return tf.dtypes.as_dtype(np.dtype(name))
    except TypeError:
        raise TypeError(f"unknown dtype name {name!r}") from None


def to_tensor(value: ArrayLike, dtype: str | tf.DType) -> tf.Tensor:
    """`value` (a Python number, a nested list or a NumPy array) as a `tf.Tensor` of `dtype`.

    Notes (类型): `aa = tf.convert_to_tensor(a,dtye=tf.int32) #dtype=数据类型`. The keyword is
    `dtype` (the notes' `dtye` raises TypeError: unexpected keyword argument).

    `dtype` is a `tf.DType` or a name, as `dtype_from_name` takes. Returns a `tf.Tensor`
    (not a Variable, not a NumPy array) of that dtype, with `value`'s shape and values.
    Integers may become floats (`[1, 2]` as "float32" is `[1.0, 2.0]`).

    Raises TypeError:
    - for an unknown dtype name;
    - when `value` holds floating-point numbers and `dtype` is an integer or bool dtype.
      `tf.convert_to_tensor` itself raises TypeError for a Python float list such as
      `[1.5]` ("Cannot convert [1.5] to EagerTensor of dtype int32"), but silently truncates
      a NumPy float array (`np.array([1.5])` becomes `[1]`): check the value's dtype first,
      and use `cast` when you mean to truncate.
    """
    target = dtype_from_name(dtype)
    if np.issubdtype(np.asarray(value).dtype, np.inexact) and (target.is_integer or target.is_bool):
        raise TypeError(
            f"to_tensor: refusing to convert floating-point values to {target.name}: the "
            "fractional part would be lost; use cast() to truncate on purpose"
        )
    return tf.constant(np.asarray(value).astype(target.as_numpy_dtype))


def cast(x: ArrayLike | tf.Tensor, dtype: str | tf.DType) -> tf.Tensor:
    """`x` (a tensor, Variable, array or list) cast to `dtype`, as a `tf.Tensor`.

    Notes (类型): `tf.cast(aa,dtype=tf.double)  # tensor类型间转换`.

    `dtype` is a `tf.DType` or a name, as `dtype_from_name` takes. Returns a `tf.Tensor` of
    that dtype and `x`'s shape. Float to integer truncates toward zero (it does not round
    and does not floor): -2.7 -> -2, -0.5 -> 0, 1.5 -> 1, 2.7 -> 2. Any number to bool is
    True when non-zero: 0.0 -> False, -0.5 -> True.

    Always a tensor, never a Variable: when `x` is a Variable that already has `dtype`,
    `tf.cast` hands back the Variable itself, unchanged. Read its value into a tensor first
    (`tf.convert_to_tensor(x)`) when `x` may be a Variable.

    Raises TypeError for an unknown dtype name.
    """
    return tf.cast(tf.identity(x), dtype_from_name(dtype))


def to_variable(
    value: ArrayLike,
    name: str,
    dtype: str | tf.DType | None = None,
    trainable: bool = True,
) -> tf.Variable:
    """`value` wrapped in a `tf.Variable` called `name`, of `dtype` when one is given.

    Notes (类型): `b=tf.Variable(b,name="name")`, `b.name`, `b.trainable` — Variable包装过的变量
    会具有一些特殊的属性,如可导: a GradientTape watches a trainable Variable by itself (a plain
    tensor it does not), so the gradient with respect to it is computed; a Variable made with
    `trainable=False` gets no gradient.

    Returns a `tf.Variable` (not a tensor) with `value`'s shape; its dtype is `dtype`, or
    inferred from `value` when `dtype` is None (float32 for Python floats, int32 for ints).

    Raises TypeError as `to_tensor` does: an unknown dtype name, or floating-point values
    asked for as an integer or bool dtype.
    """
    initial = to_tensor(value, dtype) if dtype is not None else value
    return tf.Variable(initial, name=name, trainable=trainable)


def variable_attributes(variable: tf.Variable) -> VariableInfo:
    """A Variable's name, trainable flag, dtype and shape, as plain Python values.

    Notes (类型): `b.name`, `b.trainable`.

    Returns `VariableInfo(name, trainable, dtype, shape)` (or the plain tuple of the same
    four values in that order): `name` a `str` as TensorFlow reports it ("w:0" for a
    Variable made with `name="w"`), `trainable` a `bool`, `dtype` the dtype's name as a
    `str` ("float32", not `tf.float32`), `shape` a `tuple` of `int`s (`(2, 3)`, not a
    `TensorShape`). `tf.float32 == "float32"` and `TensorShape([2, 3]) == (2, 3)` are both
    True, which is exactly why they would hide a wrong type: return the plain values.
    """
    return VariableInfo(
        name=str(variable.name),
        trainable=bool(variable.trainable),
        dtype=variable.dtype.name,
        shape=tuple(int(d) for d in variable.shape),
    )


def to_numpy(x: tf.Tensor | tf.Variable) -> np.ndarray | np.generic:
    """The NumPy value of a tensor or Variable: its `.numpy()`.

    Notes (类型): `a.numpy()  # tensor:a 就变成了numpy` — a tensor may live on a GPU; to work
    on it with NumPy on the CPU, bring it over.

    Returns a `np.ndarray` (for a 0-d tensor `.numpy()` gives a NumPy scalar such as
    `np.float32(2.5)`, which is fine) with the same dtype, shape and values: not the tensor
    itself, and not converted to another dtype. It is a snapshot: assigning to the Variable
    afterwards does not change it.
    """
    return np.array(tf.convert_to_tensor(x))
