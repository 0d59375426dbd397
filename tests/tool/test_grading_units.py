"""The grader's parts that need no grade to test: the wire's bounds, the reports' safety,
the sandbox's command line."""

from __future__ import annotations

import json
import shutil
import socket
import struct
import tempfile
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tf_katas.grading.isolation import bubblewrap_command
from tf_katas.grading.reports import (
    KataGrade,
    SubmissionGrade,
    TestGrade,
    exercism_json,
    junit_xml,
    markdown_cell,
    safe_text,
    sanitized,
    spreadsheet_cell,
    summary_md,
)
from tf_katas.grading.wire import MAX_FRAME, MAX_ITEMS, WireError, receive, send


def test_a_frame_of_millions_of_tiny_objects_is_refused_before_it_is_parsed():
    ours, theirs = socket.socketpair()
    body = b'{"ok":[' + b"{}," * MAX_ITEMS + b"{}]}"
    assert len(body) < MAX_FRAME
    # Fed while it is read: the socket's buffer holds far less than the frame.
    feeder = threading.Thread(target=theirs.sendall, args=(struct.pack("!I", len(body)) + body,))
    with ours, theirs:
        feeder.start()
        with pytest.raises(WireError, match="item limit"):
            receive(ours)
        feeder.join()


def test_an_honest_frame_crosses_and_a_frame_over_the_size_limit_does_not():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        send(theirs, {"ok": [1, 2.5, "three"]})
        assert receive(ours) == {"ok": [1, 2.5, "three"]}
        theirs.sendall(struct.pack("!I", MAX_FRAME + 1))
        with pytest.raises(WireError, match="over the"):
            receive(ours)


class Stop(Exception):
    pass


def test_every_read_goes_through_the_callers_wait_even_inside_a_frame():
    """Half a header, then silence: the judge's wait (its deadline, its memory check) is
    asked before each read, so it can stop the waiting; no read blocks on its own."""
    ours, theirs = socket.socketpair()
    waits = []

    def wait():
        waits.append(1)
        if len(waits) > 1:
            raise Stop("deadline")

    with ours, theirs:
        theirs.sendall(b"\x00")
        with pytest.raises(Stop):
            receive(ours, wait=wait)
    assert len(waits) == 2


def grade_with(message: str, name: str = "class|mate`s <b>") -> SubmissionGrade:
    test = TestGrade("test_x", "failed", message, 0.1)
    kata = KataGrade("toy", "Toy", 0.0, 5, "failed", message, [test])
    return SubmissionGrade(name, [kata], 1.0, {}, "bubblewrap", "uid 1800000001")


UNSAFE = "lone \ud800 and \udfff, \x00\x01\x1b[31m, \x7f\x85, \ufffe </failure>"


def test_unsafe_text_becomes_safe_for_json_xml_and_markdown():
    grade = sanitized(grade_with(UNSAFE))
    message = grade.katas[0].tests[0].message
    message.encode("utf-8")  # no lone surrogate left
    assert not any(ch in message for ch in "\x00\x01\x1b\x7f\x85\ufffe")
    assert "</failure>" in message  # kept as text, escaped by the XML writer
    root = ET.fromstring(junit_xml(grade))
    assert root.find(".//failure").text == message
    assert "\n" not in markdown_cell("a\nb") and "\\|" in markdown_cell("a|b")
    assert "<" not in summary_md(grade).split("\n")[0].replace("\\<", "")
    assert safe_text("ok\tand\nlines") == "ok\tand\nlines"


def test_a_spreadsheet_never_runs_a_submission_name():
    assert spreadsheet_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_cell("alice") == "alice"


def test_exercism_results_follow_version_3():
    grade = grade_with("expected 6, got 0")
    grade.katas[0].tests.append(TestGrade("test_y", "passed", "", 0.2))
    data = json.loads(exercism_json(grade))
    assert data["version"] == 3 and data["status"] == "fail"
    failed, passed = data["tests"]
    assert failed["status"] == "fail" and failed["message"] == "expected 6, got 0"
    assert passed["status"] == "pass" and "message" not in passed
    assert {t["task_id"] for t in data["tests"]} == {1}
    assert all(isinstance(t["test_code"], str) and t["name"] for t in data["tests"])
    grade.interrupted = True
    assert json.loads(exercism_json(grade))["status"] == "error"


@pytest.fixture
def project_outside_tmp():
    """A project folder outside /tmp (all of which the sandbox's own /tmp covers)."""
    folder = Path(tempfile.mkdtemp(prefix="kata-units-", dir="/var/tmp"))
    yield folder / "project"
    shutil.rmtree(folder)


def test_the_sandbox_hides_the_project_and_rebinds_only_what_it_needs(project_outside_tmp):
    project = project_outside_tmp
    (project / ".venv").mkdir(parents=True)
    (project / "solutions").mkdir()
    staged = Path("/tmp") / "kata-grade-x" / "submission"
    command = bubblewrap_command(
        ["python", "-I"],
        read_only=[project / ".venv", staged],
        writable=[],
        hidden=[project],
    )
    text = " ".join(command)
    for namespace in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent"):
        assert namespace in command
    assert f"--tmpfs {project}" in text and "--tmpfs /tmp" in text
    assert f"--ro-bind {project / '.venv'} {project / '.venv'}" in text
    assert text.index(f"--tmpfs {project}") < text.index(f"--ro-bind {project / '.venv'}")
    assert str(project / "solutions") not in text
    assert command[-2:] == ["python", "-I"]
