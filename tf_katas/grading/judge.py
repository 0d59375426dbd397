"""Grading mode of the test suite (`pytest --sandbox`): what the judge process adds.

The `kata` fixture then hands the tests a proxy of the kata module, which runs in a
sandbox process (tf_katas.grading.remote); this plugin gives each test its time limit, opens the
test's temporary files to the sandbox's unprivileged user, and closes every sandbox.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tf_katas.grading.isolation import (
    BUBBLEWRAP,
    PROCESS,
    bubblewrap_problem,
    hidden_paths,
    interpreter_paths,
    readable_by_others,
    sandbox_uid,
)
from tf_katas.grading.remote import (
    MIN_TEST_SECONDS,
    TIME_FACTOR,
    ZYGOTE,
    Limits,
    Sandbox,
    SandboxFailure,
    SandboxSetup,
    SubmissionError,
    TestClock,
    in_place_functions,
)
from tf_katas.grading.timing import REFERENCE_TIMES
from tf_katas.testing import SEED


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("grading", "grading mode (used by `kata grade`)")
    group.addoption(
        "--sandbox",
        action="store_true",
        help="run each kata module in its own limited process; tests see proxies",
    )
    defaults = Limits()
    group.addoption("--test-seconds", type=float, default=defaults.test_seconds)
    group.addoption("--kata-seconds", type=float, default=defaults.kata_seconds)
    group.addoption("--memory-mb", type=int, default=defaults.memory_mb)
    group.addoption(
        "--budget-seconds",
        type=float,
        default=defaults.submission_seconds,
        help="the whole run's time budget (kata grade: the submission's)",
    )
    group.addoption("--budget-deadline", type=float, default=None, help=argparse_hidden())
    group.addoption(
        "--isolation",
        choices=["auto", BUBBLEWRAP, PROCESS],
        default="auto",
        help="run each kata in a bubblewrap sandbox, or in a plain process (auto: bubblewrap "
        "where it runs)",
    )
    group.addoption(
        "--sandbox-uid",
        type=int,
        default=None,
        help="the user the kata's code runs as, when root (-1: root itself)",
    )


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def choose_setup(config: pytest.Config) -> SandboxSetup:
    """The isolation asked for (auto: bubblewrap if it runs here) and the user."""
    kind = config.getoption("--isolation")
    if kind == "auto":
        problem = bubblewrap_problem()
        kind = BUBBLEWRAP if problem is None else PROCESS
        if problem:
            sys.stderr.write(f"kata judge: WARNING: no bubblewrap sandbox ({problem})\n")
    uid = config.getoption("--sandbox-uid")
    if uid is None:
        uid = sandbox_uid(0) if os.geteuid() == 0 else -1
    if kind == PROCESS and uid >= 0 and not all(map(readable_by_others, interpreter_paths())):
        uid = -1  # that user could not even start Python; the grader reports who ran the code
    # pytest makes the basetemp afresh when first asked for it: share the folder above it.
    writable = (Path(config.option.basetemp).parent,) if config.option.basetemp else ()
    return SandboxSetup(
        kind=kind,
        uid=None if uid < 0 or os.geteuid() != 0 else uid,
        hidden=tuple(hidden_paths(Path(config.rootpath))),
        writable=writable,
    )


def reference_times() -> dict[str, float]:
    try:
        data = json.loads(REFERENCE_TIMES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.get("tests", {}).items()}


def test_limit(nodeid: str, limits: Limits, known: dict[str, float]) -> float:
    """A generous multiple of the reference's time for this test, within the test limit."""
    if nodeid not in known:
        return limits.test_seconds
    return min(limits.test_seconds, max(MIN_TEST_SECONDS, TIME_FACTOR * known[nodeid]))


class Judge:
    def __init__(self, config: pytest.Config) -> None:
        self.limits = Limits(
            test_seconds=config.getoption("--test-seconds"),
            kata_seconds=config.getoption("--kata-seconds"),
            memory_mb=config.getoption("--memory-mb"),
            submission_seconds=config.getoption("--budget-seconds"),
        )
        # The budget's end, as the grader fixed it when it started the submission (wall
        # clock, shared between processes), or from now.
        deadline = config.getoption("--budget-deadline")
        left = (deadline - time.time()) if deadline else self.limits.submission_seconds
        self.clock = TestClock(budget_deadline=time.monotonic() + left)
        self.root = Path(config.rootpath)
        self.known_times = reference_times()
        self.sandboxes: list[Sandbox] = []
        self.opened: dict[str, Sandbox] = {}  # the last sandbox of each kata
        self.setup: SandboxSetup | None = None
        self.own_folders: list[Path] = []  # removed when the session ends
        if not hasattr(config, "workerinput") and config.getoption("numprocesses", None):
            return  # the xdist controller runs no test: its workers start their own
        basetemp = shareable_basetemp(config)  # before the sandbox learns what it may write
        self.setup = choose_setup(config)
        self.own_folders = [self.setup.private, *([basetemp] if basetemp else [])]
        ZYGOTE.start(config.impl_dir, self.setup)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Each kata's quickest tests first (by the reference's times; unknown tests last),
        the katas in their order: a kata is abandoned at its first timeout, so a kata that
        hangs costs the limit of its quickest test rather than of whichever came first."""
        modules: dict[str, list[pytest.Item]] = {}
        for item in items:
            modules.setdefault(item.nodeid.split("::")[0], []).append(item)
        items[:] = [
            item
            for module in modules.values()
            for item in sorted(module, key=lambda i: self.known_times.get(i.nodeid, math.inf))
        ]

    def open(self, impl_dir: Path, name: str) -> Sandbox:
        sandbox = Sandbox(
            impl_dir,
            name,
            self.limits,
            self.clock,
            self.setup,
            in_place=in_place_functions(self.root, name),
        )
        self.sandboxes.append(sandbox)
        self.opened[name] = sandbox
        return sandbox

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        ZYGOTE.close()
        for folder in self.own_folders:
            shutil.rmtree(folder, ignore_errors=True)

    def _start_clock(self, item: pytest.Item) -> None:
        self.clock.test_limit = test_limit(item.nodeid, self.limits, self.known_times)
        self.clock.test_deadline = time.monotonic() + self.clock.test_limit

    def _abandoned(self, item: pytest.Item) -> None:
        """A kata stopped once is abandoned: its other tests fail at once, without running.
        Once the submission's budget is spent, the run stops (the grader scores what ran)."""
        if time.monotonic() >= self.clock.budget_deadline:
            item.session.shouldstop = "the submission's time budget is spent"
        kata = Path(str(item.fspath)).stem.removeprefix("test_")
        sandbox = self.opened.get(kata)
        if sandbox is not None and sandbox.failure is not None:
            raise type(sandbox.failure)(f"{sandbox.failure} (earlier in this kata)")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item):
        # Fixtures start the kata's process and import the kata: under the test's limit too.
        self._abandoned(item)
        self._start_clock(item)
        try:
            yield
        finally:
            self.clock.test_deadline = float("inf")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        # Files a test prepares in tmp_path must be readable, and the folder writable, by
        # the sandbox's user (a user of the submission's own, when grading as root).
        if "tmp_path" in getattr(item, "funcargs", {}):
            group = self.setup.uid if self.setup else None
            basetemp = Path(item.config.option.basetemp)
            if hasattr(item.config, "workerinput"):  # xdist: a worker's basetemp is a folder
                basetemp = basetemp.parent  # (popen-gwN) in the run's, which must open too
            _open_to_all(Path(item.funcargs["tmp_path"]), basetemp, group)
        self._start_clock(item)
        # The kata's process starts each test as a local run does: same seeds, no figures.
        self.sandboxes = [s for s in self.sandboxes if s.is_open]
        for sandbox in self.sandboxes:
            sandbox.start_test(SEED)
        try:
            yield
        finally:
            self.clock.test_deadline = float("inf")


def shareable_basetemp(config: pytest.Config) -> Path | None:
    """pytest's default temporary folder sits in a private one; the sandbox's user must be
    able to reach the tests' files, so grading mode puts them in a folder of its own (made
    here, and returned to be removed at the end, unless the caller chose one)."""
    if config.option.basetemp is None:
        folder = Path(tempfile.mkdtemp(prefix="kata-judge-"))
        os.chmod(folder, 0o711)
        config.option.basetemp = str(folder / "tmp")
        return folder
    return None


def _open_to_all(path: Path, basetemp: Path, group: int | None = None) -> None:
    """`path` and what the test put in it become the sandbox's to read and write (its
    user's group alone, when it has a user of its own); the folders above it up to
    pytest's basetemp become passable (not the grader's folder above that)."""
    shared = [path, *(p for p in path.rglob("*") if not p.is_symlink())]
    for item in shared:
        if group is not None:
            os.chown(item, -1, group)
        if item.is_dir():
            os.chmod(item, 0o777 if group is None else 0o770)
        else:
            os.chmod(item, 0o666 if group is None else 0o660)
    for folder in path.parents:
        if folder.stat().st_mode & stat.S_IXOTH or basetemp.resolve() not in (
            folder.resolve(),
            *folder.resolve().parents,
        ):
            break
        os.chmod(folder, 0o711)


def open_kata(judge: Judge, impl_dir: Path, name: str, opened: list[Sandbox]):
    """The kata module's proxy, or a test failure that says why there is none."""
    sandbox = judge.open(impl_dir, name)
    opened.append(sandbox)
    try:
        return sandbox.start()
    except SandboxFailure:
        raise
    except SubmissionError as err:
        pytest.fail(str(err).split("\n", 1)[0], pytrace=False)
