"""The judge's side of grading: the kata under test runs in a sandbox process, and the
tests see it through proxies.

`Sandbox.start()` launches `python -m tf_katas.grading.sandbox` under limits; `sandbox.module` is a
`Remote` standing for the kata module. Calling a function through it sends the arguments as
data, waits (under the test's and the kata's time limits, watching the sandbox's memory)
and returns the result as data, or a `Remote` for anything that is not data. A `Remote`
forwards attribute access, calls, conversion to an array, iteration and indexing; it never
forwards comparisons or truth values, so an object that "equals anything" gains nothing.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import pwd
import select
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tf_katas.grading import procs
from tf_katas.grading.wire import Codec, WireError, receive, send

LOG_TAIL = 2000
# Exceptions raised in the sandbox are raised again here as the first of their classes
# that the tests could expect: built-in ones, and TensorFlow's errors.
BUILTIN_ERRORS = {
    name: getattr(builtins, name)
    for name in (
        "ValueError",
        "TypeError",
        "IndexError",
        "KeyError",
        "LookupError",
        "FileNotFoundError",
        "FileExistsError",
        "IsADirectoryError",
        "NotADirectoryError",
        "PermissionError",
        "OSError",
        "NotImplementedError",
        "ZeroDivisionError",
        "ArithmeticError",
        "OverflowError",
        "RuntimeError",
        "AttributeError",
        "StopIteration",
        "MemoryError",
        "RecursionError",
        "AssertionError",
        "UnicodeError",
        "EOFError",
    )
}


class SubmissionError(Exception):
    """The kata raised an exception of a class the tests cannot know."""


class SandboxFailure(Exception):
    """The kata's process was stopped or died; the whole kata earns nothing."""

    kind = "crashed"


class SandboxTimeout(SandboxFailure):
    kind = "timeout"


class SandboxMemoryExceeded(SandboxFailure):
    kind = "memory"


@dataclass(frozen=True)
class Limits:
    test_seconds: float = 60.0
    kata_seconds: float = 300.0
    # Resident memory of the kata's process tree, TensorFlow included. The references peak at
    # 300-450 MB (mnist_mlp; every other kata under 300 MB): room for a heavier learner
    # solution, and for several graded at once on a small machine.
    memory_mb: int = 2048
    output_mb: int = 16  # largest file the kata may write, its own log included
    processes: int = 4096  # threads count here: TensorFlow starts dozens


def sandbox_user() -> dict | None:
    """The unprivileged user the submission runs as, or None to run it as the grader's user.

    Only root can switch users; it switches to `nobody` when nobody can read what a kata
    needs (Python's standard library, the installed packages, this project), and when
    KATA_SANDBOX_USER is not "same".
    """
    if os.geteuid() != 0 or os.environ.get("KATA_SANDBOX_USER") == "same":
        return None
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        return None
    needed = [Path(os.__file__).parent, Path(np.__file__).parent, Path(__file__).parent]
    if not all(_world_readable(path) for path in needed):
        return None
    return {"uid": entry.pw_uid, "gid": entry.pw_gid}


def _world_readable(path: Path) -> bool:
    """Others may list `path` and pass through every folder above it."""
    path = path.resolve()
    if not path.stat().st_mode & stat.S_IROTH:
        return False
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in (path, *path.parents))


def raise_remote(info: dict) -> None:
    message = str(info.get("message", ""))
    for base in info.get("bases", []):
        module, _, name = str(base).rpartition(".")
        if module == "builtins" and name in BUILTIN_ERRORS:
            raise BUILTIN_ERRORS[name](message)
        if module.startswith("tensorflow") and "tensorflow" in sys.modules:
            error = getattr(sys.modules["tensorflow"].errors, name, None)
            if isinstance(error, type) and issubclass(
                error, sys.modules["tensorflow"].errors.OpError
            ):
                raise error(None, None, message)
    raise SubmissionError(
        f"{info.get('type', 'Exception')}: {message}\n{info.get('traceback', '')}"
    )


class Remote:
    """An object that lives in the kata's sandbox process."""

    __slots__ = ("_sandbox", "_handle", "_type", "_mro", "__weakref__")

    def __init__(self, sandbox: Sandbox, handle: int, type_name: str, mro: tuple[str, ...]) -> None:
        object.__setattr__(self, "_sandbox", sandbox)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_mro", mro)

    def _ask(self, op: str, **payload: Any) -> Any:
        return self._sandbox.request(op, self._handle, **payload)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._ask("setattr", name=name, value=value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ask("call", args=list(args), kwargs=kwargs)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        array = self._ask("asarray")
        return array if dtype is None else array.astype(dtype)

    def __len__(self) -> int:
        return _typed(self._ask("len"), int, "len()")

    def __iter__(self) -> Any:
        return self._ask("iter")

    def __next__(self) -> Any:
        return self._ask("next")

    def __getitem__(self, key: Any) -> Any:
        return self._ask("getitem", key=key)

    def __contains__(self, item: Any) -> bool:
        return _typed(self._ask("contains", item=item), bool, "in")

    def __float__(self) -> float:
        return _typed(self._ask("float"), float, "float()")

    def __int__(self) -> int:
        return _typed(self._ask("int"), int, "int()")

    def __index__(self) -> int:
        return _typed(self._ask("index"), int, "index")

    def __bool__(self) -> bool:
        raise TypeError(
            f"a {self._type} from the submission has no truth value for the tests: return a bool"
        )

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<{self._type} in the kata's process>"

    # What tf_katas.testing asks of an object in the kata's process, without importing this
    # module (it would close the cycle testing -> remote -> zygote -> sandbox -> testing).
    __kata_remote__ = True

    def __kata_mro__(self) -> tuple[str, ...]:
        return self._mro

    def __kata_op_types__(self, args: tuple, kwargs: dict) -> set[str]:
        return op_types(self, args, kwargs)

    def __kata_gradient__(self, weights: Any, args: tuple, kwargs: dict) -> Any:
        return self._sandbox.request(
            "gradient", self._handle, weights=weights, args=list(args), kwargs=kwargs
        )


def _typed(value: Any, kind: type, what: str) -> Any:
    if type(value) is not kind:
        raise TypeError(
            f"{what} of a submission's object gave a {type(value).__name__}, not {kind.__name__}"
        )
    return value


class Sandbox:
    """One kata module, imported and run in its own limited process."""

    def __init__(self, impl_dir: Path, name: str, limits: Limits, clock: TestClock) -> None:
        self.impl_dir, self.name, self.limits, self.clock = impl_dir, name, limits, clock
        self.codec = Codec(
            lambda handle, type_name, mro: Remote(self, handle, type_name, mro),
            Remote,
            exportable=callable,
        )
        self.codec.decode_variable = _variable_copy
        self.codec.track_sent_arrays = True
        self.process: subprocess.Popen | None = None
        self.failure: SandboxFailure | None = None
        self.kata_deadline = time.monotonic() + limits.kata_seconds
        self.module: Any = None

    def start(self) -> Any:
        """Starts the process and imports the kata; returns the module's proxy."""
        self.workdir = Path(tempfile.mkdtemp(prefix=f"kata-{self.name}-"))
        user = sandbox_user()
        if user:
            os.chown(self.workdir, user["uid"], user["gid"])
        ours, theirs = socket.socketpair()
        self.sock = ours
        config = {
            "fd": theirs.fileno(),
            "impl": str(self.impl_dir),
            "name": self.name,
            "user": user,
            "rlimits": {
                "FSIZE": self.limits.output_mb * 2**20,
                "CORE": 0,
                "NPROC": self.limits.processes,
            },
        }
        self.log = self.workdir / "output.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir),
            "TMPDIR": str(self.workdir),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "LANG": "C.UTF-8",
        }
        self.process = ZYGOTE.fork(
            {**config, "log": str(self.log), "cwd": str(self.workdir), "env": env}, theirs
        )
        if self.process is None:  # no fork server here: a fresh interpreter, slower to start
            with open(self.log, "wb") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "tf_katas.grading.sandbox", json.dumps(config)],
                    cwd=self.workdir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    pass_fds=[theirs.fileno()],
                    start_new_session=True,
                )
        theirs.close()
        self.codec.dataset_folder = self.workdir / "from-the-tests"
        self.codec.dataset_folder.mkdir()
        reply = self._wait_reply()
        if "exc" in reply:
            raise_remote(reply["exc"])
        self.module = self.codec.decode(reply["ready"])
        return self.module

    def request(self, op: str, handle: int, **payload: Any) -> Any:
        if self.failure is not None:
            raise type(self.failure)(f"{self.failure} (earlier in this kata)")
        message = {"op": op, "id": handle}
        self.codec.sent_arrays = []
        for key, value in payload.items():
            message[key] = self.codec.encode(value)
        self._send(message)
        while True:
            reply = self._wait_reply()
            if "callback" not in reply:
                break
            self._answer_callback(reply["callback"])
        for handle_id, value in reply.get("variables", []):
            self.codec.local(handle_id).assign(self.codec.decode(value))
        for index, value in reply.get("arrays", []):
            _write_back(self.codec.sent_arrays[int(index)], self.codec.decode(value))
        if "exc" in reply:
            raise_remote(reply["exc"])
        return self.codec.decode(reply["ok"])

    @property
    def is_open(self) -> bool:
        return self.module is not None and self.failure is None and self.process.poll() is None

    def start_test(self, seed: int) -> None:
        """Seeds the kata's process and closes its pyplot figures, as a local test starts."""
        self.request("new_test", self.module._handle, seed=seed)

    def _answer_callback(self, call: dict) -> None:
        try:
            function = self.codec.local(call["id"])
            result = {
                "ok": self.codec.encode(
                    function(*self.codec.decode(call["args"]), **self.codec.decode(call["kwargs"]))
                )
            }
        except Exception as exc:  # noqa: BLE001 - reported to the sandbox, raised there
            result = {"exc": {"type": type(exc).__name__, "message": str(exc)[:2000]}}
        self._send(result)

    def _send(self, message: dict) -> None:
        try:
            send(self.sock, message)
        except OSError:
            self._fail(SandboxFailure, "the kata's process is gone")

    def _wait_reply(self) -> dict:
        check_every = 0.2
        while True:
            deadline = min(self.clock.test_deadline, self.kata_deadline)
            left = deadline - time.monotonic()
            if left <= 0:
                which = "test" if self.clock.test_deadline < self.kata_deadline else "kata"
                limit = self.limits.test_seconds if which == "test" else self.limits.kata_seconds
                self._fail(SandboxTimeout, f"time limit exceeded: the {which} may take {limit:g} s")
            ready, _, _ = select.select([self.sock], [], [], min(left, check_every))
            if ready:
                try:
                    return receive(self.sock)
                except (EOFError, OSError, WireError, ValueError) as err:
                    code = self.process.poll() if self.process else None
                    self._fail(SandboxFailure, f"the kata's process died (exit {code}, {err})")
            used = procs.rss_bytes([self.process.pid, *procs.descendants(self.process.pid)])
            if used > self.limits.memory_mb * 2**20:
                self._fail(
                    SandboxMemoryExceeded,
                    f"memory limit exceeded: {used / 2**20:.0f} MB "
                    f"used, {self.limits.memory_mb} MB allowed",
                )

    def _fail(self, kind: type[SandboxFailure], reason: str) -> None:
        self.close()
        tail = self.output_tail()
        self.failure = kind(
            f"{reason}" + (f"\nthe kata's output ended with:\n{tail}" if tail else "")
        )
        raise self.failure

    def output_tail(self) -> str:
        try:
            with open(self.log, "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - LOG_TAIL))
                return log.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def close(self) -> None:
        if self.process is None:
            return
        procs.kill_tree(self.process.pid)
        self.process.wait()
        self.sock.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _write_back(original: np.ndarray, changed: Any) -> None:
    """An argument the kata changed in place: the same change, made to the tests' array."""
    if not isinstance(changed, np.ndarray) or changed.shape != original.shape:
        raise TypeError("the kata's process sent back an array of another shape")
    original[...] = changed


def _variable_copy(handle: int, value: Any, name: str, trainable: bool) -> Any:
    import tensorflow as tf

    return tf.Variable(value, name=name.split(":")[0] or None, trainable=trainable)


def op_types(fn: Remote, args: tuple, kwargs: dict) -> set[str]:
    """The op types of `fn`'s graph, traced in the kata's own process.

    Unlike values, this evidence comes from the submission's process: a determined
    submission could hide an op from it (see README, grading).
    """
    types = fn._sandbox.request("op_types", fn._handle, args=list(args), kwargs=kwargs)
    if type(types) is not list or not all(type(t) is str for t in types):
        raise TypeError("the kata's process answered op_types with something else than names")
    return set(types)


class ForkedProcess:
    """A sandbox forked by the zygote: not our child, so watched through /proc."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return -1
        return -1 if state in ("Z", "X") else None

    def wait(self, timeout: float = 5.0) -> int | None:
        deadline = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.poll()


def preloads(impl_dir: Path) -> list[str]:
    """The heavy libraries the kata modules in `impl_dir` import (read, never run), in the
    fork server's order; all of them if a module cannot be read."""
    from tf_katas.grading.zygote import PRELOAD

    wanted = set()
    for module in impl_dir.glob("*.py"):
        try:
            tree = ast.parse(module.read_bytes())
        except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
            return list(PRELOAD)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                wanted.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                wanted.add(node.module.split(".")[0])
    return [name for name in PRELOAD if name.split(".")[0] in wanted]


class Zygote:
    """The judge's fork server (tf_katas.grading.zygote): started early, so that it imports
    TensorFlow while the judge collects the tests, and waited for at the first fork."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.ready = False
        self.broken = os.environ.get("KATA_ZYGOTE") == "off"

    def start(self, impl_dir: Path) -> None:
        if self.broken or (self.process is not None and self.process.poll() is None):
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tf_katas.grading.zygote", str(theirs.fileno()), *preloads(impl_dir)],
            cwd=tempfile.gettempdir(),
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.sock, self.ready = ours, False
        ours.settimeout(120)

    def fork(self, config: dict, sandbox_end: socket.socket) -> ForkedProcess | None:
        """A sandbox process serving `sandbox_end`, or None when forking is not possible."""
        if self.broken:
            return None
        try:
            self.start(Path(config["impl"]))
            if not self.ready:
                if self.sock.recv(64) != b'{"ready": true}':
                    raise OSError("the fork server did not start")
                self.ready = True
            socket.send_fds(self.sock, [json.dumps(config).encode()], [sandbox_end.fileno()])
            reply = json.loads(self.sock.recv(256))
        except (OSError, ValueError):
            self.broken = True
            self.close()
            return None
        return ForkedProcess(int(reply["pid"]))

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


ZYGOTE = Zygote()


class TestClock:
    """The current test's deadline, shared by the sandboxes the test talks to."""

    __test__ = False

    def __init__(self) -> None:
        self.test_deadline = float("inf")
