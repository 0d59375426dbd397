"""How values cross between the grader's judge and the submission's sandbox: as data only.

No pickle: decoding must never run code the other side chose. Plain data travels by
value (None, bool, int, float, complex, str, bytes, lists, tuples, dicts, slices,
Ellipsis, paths, NumPy arrays and scalars of numeric or bool dtype, dtypes, and
TensorFlow tensors, dtypes, shapes and TensorSpecs). Anything else stays in the process
that made it and travels as a numbered handle that the other side turns into a proxy.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import sys
from pathlib import Path, PurePath
from typing import Any

import numpy as np

NUMERIC_KINDS = "biufc"
# The largest honest reply of the reference katas is a few MB (arrays travel as base64 in one
# string each); 64 MiB leaves room for a learner's bigger arrays. What a frame may hold is
# bounded too, before it is parsed: JSON of a million tiny objects would cost the judge GBs.
MAX_FRAME = 64 * 2**20
MAX_ITEMS = 2_000_000  # commas, colons and brackets: a bound on the objects parsing makes
MAX_DEPTH = 64


class WireError(Exception):
    """A malformed frame or a value that may not cross."""


def send(sock: socket.socket, message: dict) -> None:
    data = json.dumps(message, allow_nan=True, separators=(",", ":")).encode()
    if len(data) > MAX_FRAME:
        raise WireError(f"message of {len(data)} bytes is over the {MAX_FRAME}-byte limit")
    sock.sendall(struct.pack("!I", len(data)) + data)


def receive(sock: socket.socket, wait=None) -> dict:
    """The next frame. `wait()`, if given, is called before every read and returns once
    the socket is readable, raising when the waiting must stop (a deadline, a limit): no
    read ever blocks without it, not even in the middle of a frame."""
    (size,) = struct.unpack("!I", _exactly(sock, 4, wait))
    if size > MAX_FRAME:
        raise WireError(f"frame of {size} bytes is over the {MAX_FRAME}-byte limit")
    data = _exactly(sock, size, wait)
    items = data.count(b",") + data.count(b":") + data.count(b"[") + data.count(b"{")
    if items > MAX_ITEMS:
        raise WireError(f"frame of {items} items is over the {MAX_ITEMS}-item limit")
    message = json.loads(data)
    if not isinstance(message, dict):
        raise WireError("a frame must hold a JSON object")
    return message


def _exactly(sock: socket.socket, size: int, wait=None) -> bytes:
    chunks, left = [], size
    while left:
        if wait is not None:
            wait()
        chunk = sock.recv(min(left, 2**20))
        if not chunk:
            raise EOFError("the other process closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _array(value: np.ndarray) -> dict:
    value = np.asarray(value, order="C")  # not ascontiguousarray: it makes 0-d arrays 1-d
    return {
        "dtype": value.dtype.str,
        "shape": list(value.shape),
        "b64": base64.b64encode(value.tobytes()).decode(),
    }


def _from_array(data: dict) -> np.ndarray:
    dtype = np.dtype(data["dtype"])
    if dtype.kind not in NUMERIC_KINDS or dtype.hasobject:
        raise WireError(f"dtype {dtype} may not cross")
    shape = tuple(int(d) for d in data["shape"])
    return np.frombuffer(base64.b64decode(data["b64"]), dtype=dtype).reshape(shape).copy()


class Codec:
    """Encodes and decodes values for one side of the connection.

    `export(obj)` registers a local object and returns its handle id; `make_proxy(id,
    type_name)` builds this side's stand-in for an object the other side exported.
    """

    # tf.Variables travel as copies (value, name, trainable), decoded by
    # `decode_variable(handle, value, name, trainable)`; the sandbox sends the final values
    # of the judge's copies back with its reply, so an in-place update is seen by the tests.
    decode_variable = None

    # NumPy arrays travel as copies too; the sandbox sends back the ones a call changed in
    # place (set a pixel...), and the judge writes them into its own arrays.
    track_sent_arrays = False
    track_received_arrays = False

    # Where the judge saves a tf.data.Dataset it passes, for the sandbox to load; only the
    # sandbox decodes datasets and Keras objects (it trusts the judge, never the reverse).
    dataset_folder: Path | None = None
    decodes_rich_values = False

    def __init__(self, make_proxy, proxy_type: type, exportable=None) -> None:
        self.exportable = exportable
        self.objects: dict[int, Any] = {}
        self.sent_arrays: list[np.ndarray] = []
        self.received_arrays: list[tuple[int, np.ndarray, np.ndarray]] = []
        self._ids: dict[int, int] = {}
        self._proxies: dict[int, Any] = {}
        self.make_proxy = make_proxy
        self.proxy_type = proxy_type

    def export(self, obj: Any) -> int:
        key = id(obj)
        if key not in self._ids:
            self._ids[key] = len(self.objects) + 1
            self.objects[self._ids[key]] = obj
        return self._ids[key]

    def local(self, handle: int) -> Any:
        try:
            return self.objects[int(handle)]
        except (KeyError, ValueError, TypeError):
            raise WireError(f"no object with handle {handle!r}") from None

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        kind = type(value)
        if value is None or kind in (bool, int, float, str):  # JSON keeps nan, inf and every bit
            return value
        if kind is complex:
            return {"__t": "complex", "re": repr(value.real), "im": repr(value.imag)}
        if kind is bytes:
            return {"__t": "bytes", "b64": base64.b64encode(value).decode()}
        if kind in (list, tuple):
            return {"__t": kind.__name__, "v": [self.encode(v, depth + 1) for v in value]}
        if kind is dict:
            return {
                "__t": "dict",
                "v": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
                ],
            }
        if kind is slice:
            return {
                "__t": "slice",
                "v": [self.encode(p, depth + 1) for p in (value.start, value.stop, value.step)],
            }
        if value is Ellipsis:
            return {"__t": "ellipsis"}
        if isinstance(value, PurePath):
            return {"__t": "path", "v": str(value)}
        if kind is np.ndarray and value.dtype.kind in NUMERIC_KINDS:
            if self.track_sent_arrays:
                self.sent_arrays.append(value)
                return {"__t": "nd", "i": len(self.sent_arrays) - 1, **_array(value)}
            return {"__t": "nd", **_array(value)}
        if isinstance(value, np.generic) and value.dtype.kind in NUMERIC_KINDS:
            return {"__t": "npscalar", **_array(np.asarray(value))}
        if kind is np.dtype:
            return {"__t": "npdtype", "v": value.str}
        if (
            isinstance(value, type)
            and issubclass(value, np.generic)
            and np.dtype(value).kind in NUMERIC_KINDS
        ):
            return {"__t": "nptype", "v": np.dtype(value).str}
        if isinstance(value, self.proxy_type):
            return {"__t": "ref", "id": value._handle}
        tagged = _encode_tensorflow(value, self, depth)
        if tagged is not None:
            return tagged
        if self.exportable is not None and not self.exportable(value):
            raise WireError(
                f"a {_type_name(value)} cannot be passed to the submission's process: "
                "pass arrays, tensors, numbers or functions"
            )
        return {
            "__t": "handle",
            "id": self.export(value),
            "type": _type_name(value),
            "mro": [_type_name_of(kind) for kind in type(value).__mro__[:32]],
        }

    def decode(self, data: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if data is None or type(data) in (bool, int, float, str):
            return data
        if type(data) is not dict or type(data.get("__t")) is not str:
            raise WireError(f"malformed value: {str(data)[:80]}")
        tag = data["__t"]
        if tag == "complex":
            return complex(float(data["re"]), float(data["im"]))
        if tag == "bytes":
            return base64.b64decode(data["b64"])
        if tag in ("list", "tuple"):
            items = [self.decode(v, depth + 1) for v in data["v"]]
            return items if tag == "list" else tuple(items)
        if tag == "dict":
            return {
                _hashable(self.decode(k, depth + 1)): self.decode(v, depth + 1)
                for k, v in data["v"]
            }
        if tag == "slice":
            return slice(*(self.decode(p, depth + 1) for p in data["v"]))
        if tag == "ellipsis":
            return Ellipsis
        if tag == "path":
            return Path(str(data["v"]))
        if tag == "nd":
            array = _from_array(data)
            if self.track_received_arrays and type(data.get("i")) is int:
                self.received_arrays.append((data["i"], array, array.copy()))
            return array
        if tag == "npscalar":
            return _from_array(data)[()]
        if tag == "npdtype":
            return _numeric_dtype(data["v"])
        if tag == "nptype":
            return _numeric_dtype(data["v"]).type
        if tag == "ref":
            return self.local(data["id"])
        if tag == "handle":
            handle = int(data["id"])
            if handle not in self._proxies:
                mro = data.get("mro") if type(data.get("mro")) is list else []
                self._proxies[handle] = self.make_proxy(
                    handle,
                    str(data.get("type", "object"))[:200],
                    tuple(str(m)[:200] for m in mro[:32]),
                )
            return self._proxies[handle]
        return _decode_tensorflow(tag, data, self, depth)


def _hashable(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        raise WireError(f"unhashable dict key of type {type(key).__name__}") from None
    return key


def _numeric_dtype(text: Any) -> np.dtype:
    dtype = np.dtype(str(text))
    if dtype.kind not in NUMERIC_KINDS:
        raise WireError(f"dtype {dtype} may not cross")
    return dtype


def _type_name(value: Any) -> str:
    return _type_name_of(type(value))


def _type_name_of(kind: type) -> str:
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', kind.__name__)}"


def _encode_tensorflow(value: Any, codec: Codec, depth: int) -> dict | None:
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return None
    if (
        isinstance(value, tf.Tensor)
        and not isinstance(value, tf.Variable)
        and hasattr(value, "numpy")
    ):
        if value.dtype in (tf.string, tf.variant, tf.resource):
            return None
        return {"__t": "tensor", **_array(value.numpy())}
    if isinstance(value, tf.Variable):
        return {
            "__t": "var",
            "id": codec.export(value),
            "name": value.name,
            "trainable": bool(value.trainable),
            **_array(value.numpy()),
        }
    if isinstance(value, tf.DType):
        return {"__t": "tfdtype", "v": value.name}
    if isinstance(value, tf.data.Dataset) and codec.dataset_folder is not None:
        path = codec.dataset_folder / f"dataset-{len(list(codec.dataset_folder.iterdir()))}"
        value.save(str(path))
        return {"__t": "dataset", "path": str(path)}
    keras = sys.modules.get("keras")
    if (
        keras is not None
        and isinstance(value, keras.layers.Layer)
        and codec.dataset_folder is not None
    ):
        config = keras.saving.serialize_keras_object(value)
        return {
            "__t": "keras",
            "config": codec.encode(config, depth + 1),
            "weights": codec.encode(list(value.get_weights()), depth + 1),
        }
    if isinstance(value, tf.TensorShape):
        return {"__t": "tfshape", "v": None if value.rank is None else value.as_list()}
    if type(value) is tf.TensorSpec:
        return {
            "__t": "tfspec",
            "shape": codec.encode(value.shape, depth + 1),
            "dtype": value.dtype.name,
            "name": value.name,
        }
    return None


def _decode_tensorflow(tag: str, data: dict, codec: Codec, depth: int) -> Any:
    import tensorflow as tf

    if tag == "tensor":
        return tf.constant(_from_array(data))
    if tag == "tfdtype":
        return tf.dtypes.as_dtype(str(data["v"]))
    if tag == "tfshape":
        dims = data["v"]
        return tf.TensorShape(
            None if dims is None else [None if d is None else int(d) for d in dims]
        )
    if tag == "tfspec":
        name = data.get("name")
        return tf.TensorSpec(
            codec.decode(data["shape"], depth + 1),
            tf.dtypes.as_dtype(str(data["dtype"])),
            None if name is None else str(name),
        )
    if tag == "dataset" and codec.decodes_rich_values:
        return tf.data.Dataset.load(str(data["path"]))
    if tag == "keras" and codec.decodes_rich_values:
        import keras

        value = keras.saving.deserialize_keras_object(codec.decode(data["config"], depth + 1))
        weights = codec.decode(data["weights"], depth + 1)
        if weights:
            value.set_weights(weights)
        return value
    if tag == "var" and codec.decode_variable is not None:
        return codec.decode_variable(
            int(data["id"]), _from_array(data), str(data["name"]), bool(data["trainable"])
        )
    raise WireError(f"unknown value tag {tag!r}")
