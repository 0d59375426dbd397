"""The submission's side of grading: one process per kata, started by the judge.

It applies its limits and drops privileges before it imports the kata module, then serves
the judge's requests (get an attribute, call, convert to an array, iterate...) over one
socket, values crossing as data only (tf_katas.grading.wire). Whatever the kata module does, it does
here: the tests, their assertions and the reports live in other processes.

Started as `python -I -m tf_katas.grading.sandbox CONFIG_JSON`, or forked by the fork server
(tf_katas.grading.zygote).
"""

from __future__ import annotations

import json
import operator
import os
import resource
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

import numpy as np

from tf_katas.grading.procs import die_with_parent, no_new_privileges
from tf_katas.grading.wire import Codec, WireError, receive, send

TRACEBACK_LIMIT = 4000


class JudgeFunction:
    """A callable the judge passed in (a test's lambda): calling it asks the judge to run it.

    Nothing else about it is reachable from here: no attributes, no introspection.
    """

    __slots__ = ("_handle", "_server")

    def __init__(self, server: Server, handle: int) -> None:
        self._server, self._handle = server, handle

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._server.call_judge(self._handle, args, kwargs)

    def __repr__(self) -> str:
        return f"<function from the tests #{self._handle}>"


def describe_exception(exc: BaseException) -> dict:
    return {
        "type": type(exc).__name__,
        "bases": [f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__],
        "message": str(exc)[:TRACEBACK_LIMIT],
        "traceback": "".join(traceback.format_exception(exc))[-TRACEBACK_LIMIT:],
    }


class Server:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.codec = Codec(lambda handle, _type, _mro: JudgeFunction(self, handle), JudgeFunction)
        self.codec.decodes_rich_values = True
        self.copied_variables: list[tuple[int, Any]] = []
        self.codec.decode_variable = self._decode_variable
        self.codec.track_received_arrays = True

    def _decode_variable(self, handle: int, value: np.ndarray, name: str, trainable: bool) -> Any:
        """A tf.Variable of the tests arrives as a copy; its final value goes back in the reply."""
        import tensorflow as tf

        variable = tf.Variable(value, name=name.split(":")[0] or None, trainable=trainable)
        self.copied_variables.append((handle, variable))
        return variable

    def call_judge(self, handle: int, args: tuple, kwargs: dict) -> Any:
        send(
            self.sock,
            {
                "callback": {
                    "id": handle,
                    "args": self.codec.encode(list(args)),
                    "kwargs": self.codec.encode(kwargs),
                }
            },
        )
        reply = receive(self.sock)
        if "exc" in reply:
            raise RuntimeError(
                f"a function from the tests raised: {reply['exc'].get('message', '')}"
            )
        return self.codec.decode(reply["ok"])

    def serve(self) -> None:
        while True:
            try:
                request = receive(self.sock)
            except EOFError:
                return
            self.copied_variables, self.codec.received_arrays = [], []
            try:
                reply = {"ok": self.codec.encode(self.handle(request))}
                if self.copied_variables:
                    reply["variables"] = [
                        [h, self.codec.encode(v.numpy())] for h, v in self.copied_variables
                    ]
                changed = [
                    [i, self.codec.encode(now)]
                    for i, now, sent in self.codec.received_arrays
                    if not np.array_equal(now, sent, equal_nan=now.dtype.kind in "fc")
                ]
                if changed:
                    reply["arrays"] = changed
            except BaseException as exc:  # noqa: BLE001 - sys.exit() in a kata is a failure too
                reply = {"exc": describe_exception(exc)}
            send(self.sock, reply)

    def handle(self, request: dict) -> Any:
        op = request.get("op")
        target = self.codec.local(request.get("id"))
        if op == "getattr":
            return getattr(target, str(request["name"]))
        if op == "setattr":
            return setattr(target, str(request["name"]), self.codec.decode(request["value"]))
        if op == "call":
            return target(
                *self.codec.decode(request["args"]), **self.codec.decode(request["kwargs"])
            )
        if op == "asarray":
            array = np.asarray(target)
            if array.dtype.kind not in "biufc":
                raise TypeError(
                    f"a {type(target).__name__} is not a numeric array (dtype {array.dtype})"
                )
            return array
        if op == "op_types":
            import tensorflow as tf

            args, kwargs = self.codec.decode(request["args"]), self.codec.decode(request["kwargs"])
            graph = tf.function(target).get_concrete_function(*args, **kwargs).graph
            return sorted({operation.type for operation in graph.get_operations()})
        if op == "new_test":  # what a local run's fixtures do before each test
            from tf_katas.testing import fix_seeds

            if "matplotlib.pyplot" in sys.modules:
                sys.modules["matplotlib.pyplot"].close("all")
            return fix_seeds(int(self.codec.decode(request["seed"])))
        if op == "gradient":
            from tf_katas.testing import weighted_gradient_of

            return weighted_gradient_of(
                target,
                self.codec.decode(request["weights"]),
                *self.codec.decode(request["args"]),
                **self.codec.decode(request["kwargs"]),
            )
        if op == "getitem":
            return target[self.codec.decode(request["key"])]
        unary = {
            "len": len,
            "iter": iter,
            "next": next,
            "float": float,
            "int": int,
            "index": operator.index,
            "repr": lambda t: repr(t)[:500],
            "str": lambda t: str(t)[:2000],
        }
        if op in unary:
            return unary[op](target)
        if op == "contains":
            return self.codec.decode(request["item"]) in target
        raise WireError(f"unknown request {op!r}")


def apply_limits(config: dict) -> None:
    """Resource limits, then an unprivileged user when started as root: before any kata code."""
    for name, value in config.get("rlimits", {}).items():
        limit = getattr(resource, f"RLIMIT_{name}")
        resource.setrlimit(limit, (value, value))
    no_new_privileges()
    user = config.get("user")
    if user is not None and os.geteuid() == 0:
        os.setgroups([])
        os.setgid(user["gid"])
        os.setuid(user["uid"])
    os.umask(0o077)


def serve(config: dict, sock: socket.socket) -> None:
    """Applies the limits, imports the kata module and answers the judge until it hangs up."""
    apply_limits(config)
    die_with_parent()
    if config.get("cwd"):
        os.makedirs(config["cwd"], mode=0o700, exist_ok=True)
        os.chdir(config["cwd"])
    # The kata's folder is not on sys.path: its siblings (a conftest.py...) are never imported.
    impl = Path(config["impl"]).resolve()
    sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != impl]
    server = Server(sock)
    from tf_katas.loader import KataLoadError, load_kata_module

    try:
        module = load_kata_module(impl, config["name"])
    except KataLoadError as err:
        send(sock, {"exc": describe_exception(err)})
        return
    send(sock, {"ready": server.codec.encode(module)})
    server.serve()


def main() -> None:
    config = json.loads(sys.argv[1])
    serve(config, socket.socket(fileno=config["fd"]))


if __name__ == "__main__":
    main()
