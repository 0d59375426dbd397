"""A pytest plugin for `kata watch`: tests collected ahead of a save, results streamed.

Loaded with `-p tf_katas.stream` beside `-p tf_katas.collect`:

- `--kata-wait=FD`: once the tests are collected (and TensorFlow's runtime started), wait
  for one line on the file descriptor (not standard input: pytest captures it), the go of a
  save: a JSON list of the tests that failed last
  time, which run first; tests marked `training` run last, so quick verdicts come first;
- `--kata-stream=FD`: write one JSON line per event to the file descriptor: `collected`,
  `start` (a test began: a hang can be named), `result` (the test's outcome, as the
  `--kata-results` file has it) and `done`;
- `--kata-properties-only`: keep only the property tests (hypothesis), for the run that
  gives them their full profile while another run gives every test a quick one.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import sys

import pytest
from hypothesis import is_hypothesis_test


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kata watch")
    group.addoption("--kata-stream", type=int, metavar="FD", help="stream events to this fd")
    group.addoption("--kata-wait", type=int, metavar="FD",
                    help="after collection, wait for a go line on this fd")
    group.addoption("--kata-properties-only", action="store_true",
                    help="run only the property (hypothesis) tests")


def is_property_test(item: pytest.Item) -> bool:
    return is_hypothesis_test(getattr(item, "obj", None))


def kata_functions(item: pytest.Item) -> set[str]:
    """The kata's functions a test names (`kata.NAME`), read from its source."""
    try:
        source = inspect.getsource(item.function)
    except (AttributeError, OSError, TypeError):
        return set()
    return set(re.findall(r"\bkata\.(\w+)", source))


class Stream:
    def __init__(self, config: pytest.Config, fd: int) -> None:
        self.config = config
        self.fd = fd

    def emit(self, event: dict) -> None:
        os.write(self.fd, (json.dumps(event) + "\n").encode())

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list) -> None:
        if config.getoption("--kata-properties-only"):
            dropped = [item for item in items if not is_property_test(item)]
            items[:] = [item for item in items if is_property_test(item)]
            config.hook.pytest_deselected(items=dropped)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.emit({"event": "collect_error", "nodeid": report.nodeid,
                       "message": report.longreprtext[-4000:]})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        go_fd = self.config.getoption("--kata-wait")
        tf = sys.modules.get("tensorflow")
        if go_fd is not None and tf is not None:
            tf.constant(0.0) + 1.0  # start the eager runtime now, not in the first test
        self.emit({"event": "collected", "count": len(session.items)})
        if go_fd is None:
            return
        with os.fdopen(go_fd, "rb") as go:
            line = go.readline()
        if not line:  # the watcher went away
            session.shouldstop = "the watcher went away"
            session.items[:] = []
            return
        order = json.loads(line)
        failed, changed = set(order.get("failed", ())), set(order.get("changed", ()))

        def rank(item: pytest.Item) -> tuple[bool, bool, bool]:
            return (
                item.nodeid not in failed,  # what failed last time, first
                not (kata_functions(item) & changed),  # then what calls a changed function
                item.get_closest_marker("training") is not None,  # training last
            )

        session.items.sort(key=rank)  # stable: the file's order within each group

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        self.emit({"event": "start", "nodeid": nodeid})

    @pytest.hookimpl(trylast=True)  # after tf_katas.collect's writer has filled the entry
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "teardown":
            return
        writer = self.config.pluginmanager.get_plugin("kata-results-writer")
        entry = writer.tests.get(report.nodeid) if writer else None
        self.emit({"event": "result", **(entry or {"nodeid": report.nodeid,
                                                   "outcome": report.outcome})})

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.emit({"event": "done", "exitstatus": int(exitstatus)})


def pytest_configure(config: pytest.Config) -> None:
    fd = config.getoption("--kata-stream")
    if fd is not None:
        config.pluginmanager.register(Stream(config, fd), "kata-stream")
