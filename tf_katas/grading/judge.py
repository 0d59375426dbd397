"""Grading mode of the test suite (`pytest --sandbox`): what the judge process adds.

The `kata` fixture then hands the tests a proxy of the kata module, which runs in a
sandbox process (tf_katas.grading.remote); this plugin gives each test its time limit, opens the
test's temporary files to the sandbox's unprivileged user, and closes every sandbox.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path

import pytest

from tf_katas.grading.remote import ZYGOTE, Limits, Sandbox, SandboxFailure, SubmissionError, TestClock
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


class Judge:
    def __init__(self, config: pytest.Config) -> None:
        self.limits = Limits(
            test_seconds=config.getoption("--test-seconds"),
            kata_seconds=config.getoption("--kata-seconds"),
            memory_mb=config.getoption("--memory-mb"),
        )
        self.clock = TestClock()
        self.sandboxes: list[Sandbox] = []
        if not hasattr(config, "workerinput") and config.getoption("numprocesses", None):
            return  # the xdist controller runs no test: its workers start their own
        ZYGOTE.start(config.impl_dir)

    def open(self, impl_dir: Path, name: str) -> Sandbox:
        sandbox = Sandbox(impl_dir, name, self.limits, self.clock)
        self.sandboxes.append(sandbox)
        return sandbox

    def pytest_sessionfinish(self) -> None:
        ZYGOTE.close()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        # Files a test prepares in tmp_path must be readable, and the folder writable, by
        # the sandbox's user (nobody, when grading as root).
        if "tmp_path" in getattr(item, "funcargs", {}):
            _open_to_all(Path(item.funcargs["tmp_path"]))
        self.clock.test_deadline = time.monotonic() + self.limits.test_seconds
        # The kata's process starts each test as a local run does: same seeds, no figures.
        self.sandboxes = [s for s in self.sandboxes if s.is_open]
        for sandbox in self.sandboxes:
            sandbox.start_test(SEED)
        try:
            yield
        finally:
            self.clock.test_deadline = float("inf")


def shareable_basetemp(config: pytest.Config) -> None:
    """pytest's default temporary folder sits in a private one; the sandbox's user must be
    able to reach the tests' files, so grading mode puts them in a folder of its own."""
    if config.option.basetemp is None:
        folder = Path(tempfile.mkdtemp(prefix="kata-judge-"))
        os.chmod(folder, 0o711)
        config.option.basetemp = str(folder / "tmp")


def _open_to_all(path: Path) -> None:
    """`path` and what the test put in it become the sandbox's to read and write; the
    folders above it (pytest's, under grading's own temporary folder) become passable."""
    os.chmod(path, 0o777)
    for child in path.rglob("*"):
        os.chmod(child, 0o777 if child.is_dir() else 0o666)
    for folder in path.parents:
        if folder.stat().st_mode & stat.S_IXOTH:
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
