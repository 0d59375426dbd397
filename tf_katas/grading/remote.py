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
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tf_katas.grading import procs
from tf_katas.grading.isolation import BUBBLEWRAP, PROCESS, bubblewrap_command, interpreter_paths
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
    # The most any one test may take; a test the reference passes in r seconds gets
    # max(MIN_TEST_SECONDS, TIME_FACTOR * r) when reference times are known (judge).
    test_seconds: float = 60.0
    kata_seconds: float = 300.0
    # Resident memory of the kata's process tree, TensorFlow included. The references peak at
    # 300-450 MB (mnist_mlp; every other kata under 300 MB): room for a heavier learner
    # solution, and for several graded at once on a small machine.
    memory_mb: int = 2048
    output_mb: int = 16  # largest file the kata may write, its own log included
    processes: int = 4096  # threads count here: TensorFlow starts dozens
    # The whole submission: every kata's tests, sandboxes included. The references take
    # under a minute; Gradescope stops an autograder at 10 minutes.
    submission_seconds: float = 300.0


MIN_TEST_SECONDS = 5.0
TIME_FACTOR = 4.0  # over times measured on a loaded 2-core machine: generous


@dataclass
class SandboxSetup:
    """Where and as whom the judge runs the sandboxes (tf_katas.grading.isolation)."""

    kind: str = PROCESS
    uid: int | None = None  # None: the judge's own user
    hidden: tuple[Path, ...] = ()  # out of the sandbox's sight (the project...)
    writable: tuple[Path, ...] = ()  # shared with the sandbox, writable (the tests' files)
    private: Path | None = None  # the judge's own folder: logs, datasets for the sandbox

    def __post_init__(self) -> None:
        if self.private is None:
            self.private = Path(tempfile.mkdtemp(prefix="kata-judge-own-"))
        os.chmod(self.private, 0o755)
        for name, mode in (("logs", 0o700), ("shared", 0o755), ("work", 0o755)):
            (self.private / name).mkdir(mode=mode, exist_ok=True)
            os.chmod(self.private / name, mode)

    @property
    def user(self) -> dict | None:
        return None if self.uid is None else {"uid": self.uid, "gid": self.uid}

    def read_only(self, impl_dir: Path) -> list[Path]:
        return [*interpreter_paths(), Path(impl_dir).resolve(), self.private / "shared"]

    def wrap(self, command: list[str], impl_dir: Path) -> list[str]:
        """`command` as this setup runs it: in a new bubblewrap sandbox, or as it is."""
        if self.kind != BUBBLEWRAP:
            return command
        return bubblewrap_command(
            command,
            read_only=self.read_only(impl_dir),
            writable=list(self.writable),
            hidden=list(self.hidden),
        )

    def environment(self, home: str) -> dict[str, str]:
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "TMPDIR": home,
            "MPLCONFIGDIR": f"{home}/.matplotlib",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "LANG": "C.UTF-8",
        }


def in_place_functions(root: Path, name: str) -> set[str]:
    """The kata's functions whose reference docstring says they work in place: the only
    ones whose changes to the tests' arrays and Variables are copied back. Read from the
    project (solutions/, else the stubs), never from the submission."""
    for folder in ("solutions", "katas"):
        try:
            tree = ast.parse((Path(root) / folder / f"{name}.py").read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue
        return {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef)
            and re.search(r"\bin[ -]place\b", ast.get_docstring(node) or "", re.IGNORECASE)
        }
    return set()


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

    def __init__(
        self,
        impl_dir: Path,
        name: str,
        limits: Limits,
        clock: TestClock,
        setup: SandboxSetup | None = None,
        in_place: set[str] = frozenset(),
    ) -> None:
        self.impl_dir, self.name, self.limits, self.clock = impl_dir, name, limits, clock
        self.setup = setup or SandboxSetup()
        self.codec = Codec(
            lambda handle, type_name, mro: Remote(self, handle, type_name, mro),
            Remote,
            exportable=callable,
        )
        self.codec.decode_variable = _variable_copy
        self.codec.track_sent_arrays = True
        self.process: Any = None
        self.failure: SandboxFailure | None = None
        self.kata_deadline = min(time.monotonic() + limits.kata_seconds, clock.budget_deadline)
        self.module: Any = None
        self.in_place = set(in_place)
        self.in_place_handles: set[int] = set()
        self.log_fd: int | None = None
        self.workdir: Path | None = None
        self._checked = 0.0

    def start(self) -> Any:
        """Starts the process and imports the kata; returns the module's proxy."""
        setup = self.setup
        # The log is the judge's file, in a folder only the judge may enter: the sandbox
        # only inherits it, so no file is ever opened in a folder the submission can write.
        logs = setup.private / "logs"
        self.log_fd = os.open(
            tempfile.mktemp(prefix=f"{self.name}-", suffix=".log", dir=logs),
            os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
            0o600,
        )
        if setup.kind == BUBBLEWRAP:
            home = f"/tmp/kata-{self.name}"  # in the sandbox's private /tmp
        else:
            self.workdir = Path(
                tempfile.mkdtemp(prefix=f"{self.name}-", dir=setup.private / "work")
            )
            if setup.uid is not None:
                os.chown(self.workdir, setup.uid, setup.uid)
            home = str(self.workdir)
        self.codec.dataset_folder = Path(
            tempfile.mkdtemp(prefix=f"{self.name}-", dir=setup.private / "shared")
        )
        os.chmod(self.codec.dataset_folder, 0o755)
        ours, theirs = socket.socketpair()
        self.sock = ours
        config = {
            "fd": theirs.fileno(),
            "impl": str(self.impl_dir),
            "name": self.name,
            "user": setup.user,
            "rlimits": {
                "FSIZE": self.limits.output_mb * 2**20,
                "CORE": 0,
                "NPROC": self.limits.processes,
            },
            "cwd": home,
            "env": setup.environment(home),
        }
        self.process = ZYGOTE.fork(config, theirs, self.log_fd, setup)
        if self.process is None:  # no fork server here: a fresh interpreter, slower to start
            command = [sys.executable, "-I", "-m", "tf_katas.grading.sandbox", json.dumps(config)]
            self.process = subprocess.Popen(
                setup.wrap(command, self.impl_dir),
                cwd="/",  # root's: nothing to import from, nothing the submission can plant
                env=config["env"],
                stdin=subprocess.DEVNULL,
                stdout=self.log_fd,
                stderr=subprocess.STDOUT,
                pass_fds=[theirs.fileno()],
                start_new_session=True,
            )
        theirs.close()
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
        # Only a function whose reference docstring says it works in place changes the
        # tests' own arrays and Variables; any other call leaves them as the tests made them.
        if op == "call" and handle in self.in_place_handles:
            for handle_id, value in reply.get("variables", []):
                self.codec.local(handle_id).assign(self.codec.decode(value))
            for index, value in reply.get("arrays", []):
                _write_back(self.codec.sent_arrays[int(index)], self.codec.decode(value))
        if "exc" in reply:
            raise_remote(reply["exc"])
        result = self.codec.decode(reply["ok"])
        if (
            op == "getattr"
            and self.module is not None
            and handle == self.module._handle
            and payload.get("name") in self.in_place
            and isinstance(result, Remote)
        ):
            self.in_place_handles.add(result._handle)
        return result

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
        try:
            return receive(self.sock, wait=self._wait_readable)
        except (EOFError, OSError, WireError, ValueError, RecursionError) as err:
            code = self.process.poll() if self.process else None
            self._fail(
                SandboxFailure, f"the kata's process died or broke the wire (exit {code}, {err})"
            )

    def _wait_readable(self) -> None:
        """Returns when the socket has bytes to read; meanwhile, and between the chunks of
        a frame, the time and memory limits are checked: a sandbox that sends half a
        frame and stops is stopped all the same."""
        while True:
            self._check_limits()
            left = min(self.clock.test_deadline, self.kata_deadline) - time.monotonic()
            ready, _, _ = select.select([self.sock], [], [], max(0.0, min(left, 0.2)))
            if ready:
                return

    def _check_limits(self) -> None:
        now = time.monotonic()
        deadline = min(self.clock.test_deadline, self.kata_deadline)
        if now >= deadline:
            if deadline >= self.clock.budget_deadline:
                reason = (
                    f"time limit exceeded: the submission's time budget "
                    f"({self.limits.submission_seconds:g} s) is spent"
                )
            elif self.clock.test_deadline < self.kata_deadline:
                reason = f"time limit exceeded: the test may take {self.clock.test_limit:g} s"
            else:
                reason = f"time limit exceeded: the kata may take {self.limits.kata_seconds:g} s"
            self._fail(SandboxTimeout, reason)
        if now - self._checked < 0.2:
            return
        self._checked = now
        used = procs.rss_bytes(self.members())
        if used > self.limits.memory_mb * 2**20:
            self._fail(
                SandboxMemoryExceeded,
                f"memory limit exceeded: {used / 2**20:.0f} MB "
                f"used, {self.limits.memory_mb} MB allowed",
            )

    def members(self) -> list[int]:
        """The kata's processes, and any process that escaped from one into the sandbox."""
        pid = self.process.pid
        mine = [pid, *procs.descendants(pid)] if pid > 1 else []
        return [*mine, *ZYGOTE.strays()]

    def _fail(self, kind: type[SandboxFailure], reason: str) -> None:
        tail = self.output_tail()
        self.close()
        self.failure = kind(
            f"{reason}" + (f"\nthe kata's output ended with:\n{tail}" if tail else "")
        )
        raise self.failure

    def output_tail(self) -> str:
        if self.log_fd is None:
            return ""
        try:
            size = os.fstat(self.log_fd).st_size
            data = os.pread(self.log_fd, LOG_TAIL, max(0, size - LOG_TAIL))
        except OSError:
            return ""
        return data.decode("utf-8", "replace").strip()

    def close(self) -> None:
        if self.process is None:
            return
        procs.kill_tree(self.process.pid)
        ZYGOTE.kill_strays()
        self.process.wait()
        self.sock.close()
        if self.log_fd is not None:
            os.close(self.log_fd)
            self.log_fd = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if self.codec.dataset_folder is not None:
            shutil.rmtree(self.codec.dataset_folder, ignore_errors=True)


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
    """A sandbox forked by the zygote: not our child, so watched through /proc. `pid` None:
    it was gone before it could be found (then it is dead, and nothing is ever killed)."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid if pid is not None and pid > 1 else 0

    def poll(self) -> int | None:
        if not self.pid:
            return -1
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
    TensorFlow while the judge collects the tests, and waited for at the first fork. With
    bubblewrap it runs in the sandbox, as the submission's user, and every sandbox it
    forks shares its namespaces: when it dies, they all die."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.ready = False
        self.broken = os.environ.get("KATA_ZYGOTE") == "off"
        self.setup: SandboxSetup | None = None
        self._inner: tuple[int, int] | None = None  # (namespace's init, fork server), outside pids

    def start(self, impl_dir: Path, setup: SandboxSetup) -> None:
        if self.broken or (self.process is not None and self.process.poll() is None):
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-I", "-m", "tf_katas.grading.zygote", str(theirs.fileno())]
        if setup.kind == BUBBLEWRAP and setup.uid is not None:
            command.append(f"--user={setup.uid}")  # it drops to it before importing anything
        home = "/tmp" if setup.kind == BUBBLEWRAP else str(setup.private / "work")
        self.process = subprocess.Popen(
            setup.wrap([*command, *preloads(impl_dir)], impl_dir),
            cwd="/",  # root's: nothing to import from, nothing the submission can plant
            env=setup.environment(home),
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.sock, self.ready, self.setup, self._inner = ours, False, setup, None
        ours.settimeout(120)

    def fork(
        self, config: dict, sandbox_end: socket.socket, log_fd: int, setup: SandboxSetup
    ) -> ForkedProcess | None:
        """A sandbox process serving `sandbox_end`, or None when forking is not possible."""
        if self.broken:
            return None
        try:
            self.start(Path(config["impl"]), setup)
            if not self.ready:
                if self.sock.recv(64) != b'{"ready": true}':
                    raise OSError("the fork server did not start")
                self.ready = True
            if setup.kind == BUBBLEWRAP:
                config = {**config, "user": None}  # the fork server already is that user
            socket.send_fds(
                self.sock, [json.dumps(config).encode()], [sandbox_end.fileno(), log_fd]
            )
            pid = int(json.loads(self.sock.recv(256))["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            self.broken = True
            self.close()
            return None
        if setup.kind != BUBBLEWRAP:
            return ForkedProcess(pid)
        outer = procs.outer_pid(self.process.pid, pid)
        if outer is None:  # it died already, or never was: no process to watch or kill
            return ForkedProcess(None)
        return ForkedProcess(outer)

    def _namespace(self) -> tuple[int, int] | None:
        """(the sandbox's init, the fork server) as pids outside, once known."""
        if self._inner is None and self.process is not None and self.setup is not None:
            if self.setup.kind == BUBBLEWRAP:
                inits = procs.children(self.process.pid)
                servers = procs.children(inits[0]) if inits else []
                if servers:
                    self._inner = (inits[0], servers[0])
        return self._inner

    def strays(self) -> list[int]:
        """Processes in the sandbox's namespace that left their kata's tree (a double fork,
        a setsid): re-parented to the namespace's init."""
        inner = self._namespace()
        if inner is None:
            return []
        init, server = inner
        found = []
        for child in procs.children(init):
            if child != server:
                found += [child, *procs.descendants(child)]
        return found

    def kill_strays(self) -> None:
        for _ in range(10):
            strays = self.strays()
            if not strays:
                return
            for pid in strays:
                procs.kill_tree(pid)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            procs.kill_tree(self.process.pid)
            self.process.kill()
            self.process.wait()


ZYGOTE = Zygote()


class TestClock:
    """The current test's deadline and limit, and the submission's time budget, shared by
    the sandboxes the test talks to."""

    __test__ = False

    def __init__(self, budget_deadline: float = float("inf")) -> None:
        self.test_deadline = float("inf")
        self.test_limit = float("inf")
        self.budget_deadline = budget_deadline
