"""The grader's reports: report.json, junit.xml, Gradescope's results.json, exercism's
exercism/results.json (test-runner interface, version 3), a Markdown summary.

Written only by the grader's own process, after every process of the submission is gone,
each file atomically (a temporary file renamed over the target, never followed symlinks).
Every text from a submission (messages, its folder's name) is made safe first: no lone
surrogate (unencodable), no control character (not well-formed XML), no Markdown table
breaker; each submission's reports are written on their own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

MESSAGE_LIMIT = 2000


@dataclass
class TestGrade:
    __test__ = False  # not a test class, whatever its name

    name: str
    outcome: str
    message: str = ""
    duration: float = 0.0


@dataclass
class KataGrade:
    name: str
    title: str
    points: float
    max_points: int
    status: str  # passed / failed / todo / error / timeout
    message: str = ""
    tests: list[TestGrade] = field(default_factory=list)


@dataclass
class SubmissionGrade:
    submission: str
    katas: list[KataGrade]
    seconds: float = 0.0
    limits: dict = field(default_factory=dict)
    isolation: str = ""  # "bubblewrap" or "process": how the submission's code was confined
    user: str = ""  # who the submission's code ran as
    interrupted: bool = False  # SIGTERM or SIGINT stopped the grade

    @property
    def total(self) -> float:
        return round(sum(k.points for k in self.katas), 2)

    @property
    def max_points(self) -> int:
        return sum(k.max_points for k in self.katas)

    @property
    def percent(self) -> float:
        return round(100 * self.total / self.max_points, 2) if self.max_points else 0.0


# Not allowed in XML 1.0 (and unwelcome in JSON or a terminal): C0 controls but tab and
# newline, DEL and C1 controls, lone surrogates, U+FFFE and U+FFFF.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def safe_text(text: object) -> str:
    """`text` as a string any report format can hold: unsafe characters become U+FFFD."""
    return _UNSAFE.sub("\ufffd", str(text))


def clip(text: str, limit: int = MESSAGE_LIMIT) -> str:
    text = safe_text(text)
    return (
        text if len(text) <= limit else text[:limit] + f" ... [{len(text) - limit} characters cut]"
    )


def markdown_cell(text: str) -> str:
    """Plain text in a Markdown table cell: no line break, pipe, HTML or code span."""
    return re.sub(r"([\\`*_|<>\[\]])", r"\\\1", " ".join(safe_text(text).split()))


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = safe_text(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def sanitized(grade: SubmissionGrade) -> SubmissionGrade:
    """The same grade with every text made safe (a message could hold anything)."""
    grade.submission = safe_text(grade.submission)
    for kata in grade.katas:
        kata.message = safe_text(kata.message)
        for test in kata.tests:
            test.name, test.message = safe_text(test.name), safe_text(test.message)
    return grade


def write_atomically(path: Path, text: str) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)  # replaces a symlink itself, never its target
    except BaseException:
        os.unlink(temporary)
        raise


def report_json(grade: SubmissionGrade) -> str:
    data = {
        "submission": grade.submission,
        "total": grade.total,
        "max": grade.max_points,
        "percent": grade.percent,
        "seconds": round(grade.seconds, 1),
        "isolation": grade.isolation,
        "user": grade.user,
        "interrupted": grade.interrupted,
        "limits": grade.limits,
        "katas": [asdict(k) for k in grade.katas],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def junit_xml(grade: SubmissionGrade) -> str:
    suites = ET.Element("testsuites", name=f"tf-katas: {grade.submission}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for kata in grade.katas:
        cases = kata.tests or [
            TestGrade(kata.name, "error" if kata.status != "passed" else "passed", kata.message)
        ]
        counts = {
            "tests": len(cases),
            "failures": sum(t.outcome == "failed" for t in cases),
            "errors": sum(t.outcome in ("error", "timeout") for t in cases),
            "skipped": sum(t.outcome == "skipped" for t in cases),
        }
        suite = ET.SubElement(
            suites, "testsuite", name=kata.name, **{k: str(v) for k, v in counts.items()}
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("points", kata.points),
            ("max_points", kata.max_points),
            ("status", kata.status),
            ("isolation", grade.isolation),
            ("user", grade.user),
        ):
            ET.SubElement(properties, "property", name=name, value=str(value))
        for test in cases:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"tests.test_{kata.name}",
                name=test.name,
                time=f"{test.duration:.3f}",
            )
            if test.outcome in ("failed", "error", "timeout", "skipped"):
                tag = {"failed": "failure", "skipped": "skipped"}.get(test.outcome, "error")
                element = ET.SubElement(
                    case,
                    tag,
                    message=clip(test.message, 200).splitlines()[0]
                    if test.message
                    else test.outcome,
                )
                element.text = clip(test.message)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def gradescope_json(grade: SubmissionGrade) -> str:
    """Gradescope's autograder results format: one entry per kata, scored by the manifest."""
    tests = []
    for number, kata in enumerate(grade.katas, start=1):
        lines = [f"{kata.status}: {kata.points:g} of {kata.max_points} points"]
        if kata.message:
            lines.append(clip(kata.message))
        for test in kata.tests:
            lines.append(f"[{test.outcome}] {test.name}")
            if test.outcome != "passed" and test.message:
                lines.append("    " + clip(test.message, 500).replace("\n", "\n    "))
        tests.append(
            {
                "name": f"{kata.name}: {kata.title}",
                "number": str(number),
                "score": kata.points,
                "max_score": kata.max_points,
                "status": "passed" if kata.status == "passed" else "failed",
                "output": clip("\n".join(lines), 8000),
            }
        )
    return json.dumps(
        {
            "score": grade.total,
            "execution_time": round(grade.seconds, 1),
            "output": f"tf-katas: {grade.total:g} of {grade.max_points} points"
            f"{INTERRUPTED_NOTE if grade.interrupted else ''}; {isolation_note(grade)}",
            "tests": tests,
        },
        indent=2,
        ensure_ascii=False,
    )


INTERRUPTED_NOTE = " (INTERRUPTED: the grade was stopped before it finished)"


def isolation_note(grade: SubmissionGrade) -> str:
    how = {
        "bubblewrap": "in a bubblewrap sandbox",
        "process": "WITHOUT a sandbox (plain processes: see the README's limits)",
    }.get(grade.isolation, grade.isolation)
    return f"the submission's code ran {how}, as {grade.user}"


def exercism_json(grade: SubmissionGrade) -> str:
    """exercism's test-runner interface, version 3: one entry per test, task_id the kata's
    place in the manifest; status error when the grade could not finish."""
    tests = []
    for task, kata in enumerate(grade.katas, start=1):
        cases = kata.tests or [TestGrade(kata.name, "error", kata.message)]
        for test in cases:
            status = {"passed": "pass", "failed": "fail"}.get(test.outcome, "error")
            if test.outcome == "skipped":
                continue
            entry = {
                "name": f"{kata.name}: {test.name}",
                "status": status,
                "test_code": f"tests/test_{kata.name}.py::{test.name}",
                "task_id": task,
            }
            if status != "pass":
                entry["message"] = clip(test.message or kata.message or test.outcome, 65535)
            tests.append(entry)
    data: dict = {"version": 3}
    if grade.interrupted or not tests:
        data["status"] = "error"
        data["message"] = "the grade was interrupted" if grade.interrupted else "nothing graded"
    else:
        data["status"] = "pass" if all(t["status"] == "pass" for t in tests) else "fail"
    data["tests"] = tests
    return json.dumps(data, indent=2, ensure_ascii=False)


STATUS_ICON = {
    "passed": "✅",
    "failed": "❌",
    "todo": "⏳",
    "error": "💥",
    "timeout": "⏱️",
    "interrupted": "🛑",
}


def summary_md(grade: SubmissionGrade) -> str:
    lines = [
        f"## tf-katas: {markdown_cell(grade.submission)}",
        "",
        f"**{grade.total:g} of {grade.max_points} points ({grade.percent:g} %)**"
        + (INTERRUPTED_NOTE if grade.interrupted else ""),
        "",
        f"_{markdown_cell(isolation_note(grade))}_",
        "",
        "| kata | status | points | tests passed |",
        "|---|---|---|---|",
    ]
    for kata in grade.katas:
        passed = sum(t.outcome == "passed" for t in kata.tests)
        lines.append(
            f"| `{kata.name}` | {STATUS_ICON.get(kata.status, '')} {kata.status} | "
            f"{kata.points:g} / {kata.max_points} | {passed} / {len(kata.tests)} |"
        )
    return "\n".join(lines) + "\n"


def write_reports(grade: SubmissionGrade, out: Path) -> None:
    grade = sanitized(grade)
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / "report.json", report_json(grade))
    write_atomically(out / "junit.xml", junit_xml(grade))
    write_atomically(out / "results.json", gradescope_json(grade))
    (out / "exercism").mkdir(exist_ok=True)
    write_atomically(out / "exercism" / "results.json", exercism_json(grade))
    write_atomically(out / "summary.md", summary_md(grade))


def write_class_reports(grades: list[SubmissionGrade], out: Path) -> None:
    """scores.csv and summary.md for a folder of submissions."""
    names = [k.name for k in grades[0].katas] if grades else []
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission", "total", "max", "percent", *names])
    for grade in grades:
        writer.writerow(
            [
                spreadsheet_cell(grade.submission),
                grade.total,
                grade.max_points,
                grade.percent,
                *(k.points for k in grade.katas),
            ]
        )
    write_atomically(out / "scores.csv", buffer.getvalue())
    lines = ["## tf-katas: scores", "", "| submission | points | % |", "|---|---|---|"]
    lines += [
        f"| {markdown_cell(g.submission)} | {g.total:g} / {g.max_points} | {g.percent:g} |"
        + (" interrupted" if g.interrupted else "")
        for g in grades
    ]
    write_atomically(out / "summary.md", "\n".join(lines) + "\n")
