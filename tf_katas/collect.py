"""A pytest plugin that writes each test's outcome to a JSON file for the `kata` command.

Loaded with `-p tf_katas.collect --kata-results=FILE`. It runs inside pytest (and in each
xdist worker), records whether a failure was only a stub's NotImplementedError, and keeps
the failure's message short enough to show a learner.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path

import pytest

from tf_katas.grading.remote import SandboxFailure

MESSAGE_LIMIT = 2000
DETAIL_LIMIT = 6000


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--kata-results", metavar="FILE", help="write test outcomes as JSON to FILE")


def _clip(text: str, limit: int) -> str:
    return (
        text
        if len(text) <= limit
        else text[:limit] + f"\n... ({len(text) - limit} more characters)"
    )


# How a test failed, for `kata verify`'s proof that a mistake is caught: by an assertion
# (AssertionError, pytest.fail, pytest.raises' "DID NOT RAISE"), by an exception raised
# while the kata's own code ran, or by the test's code crashing on what the kata returned.
ASSERTION, KATA_RAISED, TEST_CRASHED = "assertion", "kata", "test"


def failure_kind(config: pytest.Config, excinfo: pytest.ExceptionInfo) -> str:
    impl_dir = getattr(config, "impl_dir", None)
    return _kind_of(excinfo.value, Path(impl_dir).resolve() if impl_dir is not None else None)


def _kind_of(error: BaseException, impl_dir: Path | None) -> str:
    if isinstance(error, (AssertionError, pytest.fail.Exception)):
        return ASSERTION
    inner_errors = getattr(error, "exceptions", None)  # an ExceptionGroup, as hypothesis
    if isinstance(inner_errors, tuple):  # raises for several distinct failures
        kinds = {_kind_of(inner, impl_dir) for inner in inner_errors}
        return next((k for k in (ASSERTION, KATA_RAISED) if k in kinds), TEST_CRASHED)
    frames = traceback.extract_tb(error.__traceback__) if impl_dir is not None else []
    if any(Path(frame.filename).resolve().parent == impl_dir for frame in frames):
        return KATA_RAISED
    return TEST_CRASHED


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is not None and report.failed:
        excinfo = call.excinfo
        message = (
            str(excinfo.value)
            if excinfo.typename in ("Failed", "AssertionError")
            else (f"{excinfo.typename}: {excinfo.value}")
        )
        report.user_properties.append(("message", _clip(message, MESSAGE_LIMIT)))
        report.user_properties.append(
            ("not_implemented", excinfo.errisinstance(NotImplementedError))
        )
        report.user_properties.append(("failure", failure_kind(item.config, excinfo)))
        if excinfo.errisinstance(SandboxFailure):
            report.user_properties.append(("sandbox", excinfo.value.kind))


class ResultsWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tests: dict[str, dict] = {}
        self.collect_errors: list[dict] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        entry = self.tests.setdefault(
            report.nodeid,
            {
                "nodeid": report.nodeid,
                "outcome": "passed",
                "message": "",
                "detail": "",
                "not_implemented": False,
                "failure": "",
                "sandbox": "",
                "duration": 0.0,
            },
        )
        entry["duration"] += report.duration
        if report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            entry["message"] = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
        elif report.failed and entry["outcome"] in ("passed", "skipped"):
            entry["outcome"] = "failed" if report.when == "call" else "error"
            entry["message"] = props.get("message") or _clip(report.longreprtext, MESSAGE_LIMIT)
            entry["detail"] = _clip(report.longreprtext, DETAIL_LIMIT)
            entry["not_implemented"] = bool(props.get("not_implemented"))
            entry["failure"] = str(props.get("failure", ""))
            entry["sandbox"] = str(props.get("sandbox", ""))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(
                {"nodeid": report.nodeid, "message": _clip(report.longreprtext, DETAIL_LIMIT)}
            )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        data = {"tests": list(self.tests.values()), "collect_errors": self.collect_errors}
        self.path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--kata-results")
    if path and not hasattr(config, "workerinput"):  # the xdist controller writes, workers report
        config.pluginmanager.register(ResultsWriter(Path(path)), "kata-results-writer")
