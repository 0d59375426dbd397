"""`kata grade`: grade submissions like a contest judge.

Three kinds of process: this one (the grader: stages the submission, supervises, scores,
writes the reports), the judge (pytest running the project's own tests, trusted) and, per
kata, a sandbox running the submission's module under limits (tf_katas.grading.remote). The
submission's code runs only in its sandboxes; only the kata modules are copied out of the
submission folder, so no conftest.py, pytest.ini or other file of it is ever loaded.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from tf_katas.grading import procs
from tf_katas.manifest import Kata
from tf_katas.grading.remote import Limits, sandbox_user
from tf_katas.grading.reports import KataGrade, SubmissionGrade, TestGrade, clip
from tf_katas.runner import ERROR, FAILING, PASSING, TODO, KataResult, kata_status, run_katas

MODULE_LIMIT = 2**20  # a kata module over 1 MiB is not source code
GRADER_STATUS = {PASSING: "passed", FAILING: "failed", TODO: "todo", ERROR: "error"}

_judges: set[int] = set()  # judge processes now running; every other child is an orphan
_judges_lock = threading.Lock()


def stage(submission: Path, katas: list[Kata], staging: Path) -> dict[str, str]:
    """Copies the submission's kata modules (their bytes only) into `staging`.
    Returns, per kata that cannot be graded, the reason."""
    problems = {}
    staging.mkdir(parents=True, exist_ok=True)
    os.chmod(staging, 0o755)
    for kata in katas:
        source = submission / f"{kata.name}.py"
        try:
            info = source.lstat()
        except FileNotFoundError:
            problems[kata.name] = f"{kata.name}.py is missing from the submission"
            continue
        if not stat.S_ISREG(info.st_mode):
            problems[kata.name] = f"{kata.name}.py is not a regular file (a link or a folder)"
        elif info.st_size > MODULE_LIMIT:
            problems[kata.name] = f"{kata.name}.py is over {MODULE_LIMIT} bytes"
        else:
            target = staging / source.name
            target.write_bytes(source.read_bytes())
            os.chmod(target, 0o644)
    return problems


@contextmanager
def solutions_hidden(root: Path):
    """Root grades with the submission as `nobody`: make solutions/ unreadable to it."""
    solutions = root / "solutions"
    if sandbox_user() is None or not solutions.is_dir():
        yield
        return
    mode = stat.S_IMODE(solutions.stat().st_mode)
    os.chmod(solutions, 0o700)
    try:
        yield
    finally:
        os.chmod(solutions, mode)


def supervised(timeout: float):
    """A runner for `run_katas` that keeps the judge on a leash and leaves no process behind."""

    def run(command: list[str], cwd: Path) -> tuple[int, str]:
        with tempfile.TemporaryFile() as output:
            judge = subprocess.Popen(
                command,
                cwd=cwd,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
            )
            with _judges_lock:
                _judges.add(judge.pid)
            deadline = time.monotonic() + timeout
            try:
                while judge.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.2)
                    with _judges_lock:
                        procs.reap_orphans(keep=set(_judges))
            finally:
                procs.kill_tree(judge.pid)
                code = judge.wait()
                with _judges_lock:
                    _judges.discard(judge.pid)
                    procs.reap_orphans(keep=set(_judges))
            output.seek(0)
            return code, clip(output.read().decode("utf-8", "replace"), 20000)

    return run


def score(kata: Kata, result: KataResult | None, problem: str | None) -> KataGrade:
    grade = KataGrade(kata.name, kata.title, 0.0, kata.points, "error")
    if problem or result is None:
        grade.message = problem or "not graded"
        return grade
    grade.tests = [
        TestGrade(
            t.name,
            "timeout" if t.sandbox == "timeout" else t.outcome,
            clip(t.message),
            round(t.duration, 3),
        )
        for t in result.tests
    ]
    stopped = {t.sandbox for t in result.tests if t.sandbox}
    if "timeout" in stopped:
        grade.status, grade.message = (
            "timeout",
            "the kata's process was stopped: time limit exceeded",
        )
    elif stopped:
        grade.status = "error"
        grade.message = (
            "memory limit exceeded"
            if "memory" in stopped
            else "the kata's process crashed or exited"
        )
    else:
        grade.status = GRADER_STATUS[kata_status(result.tests) if not result.message else ERROR]
        grade.message = clip(result.message)
        counted = [t for t in result.tests if t.outcome != "skipped"]
        share = sum(t.outcome == "passed" for t in counted) / len(counted) if counted else 0.0
        if grade.status == "passed":
            grade.points = float(kata.points)
        elif grade.status == "failed" and not kata.all_or_nothing:
            grade.points = round(kata.points * share, 2)
    return grade


def judge(
    root: Path,
    staged: Path,
    katas: list[Kata],
    extra: tuple[str, ...],
    limits: Limits,
    workers: int,
    problems: dict[str, str],
) -> dict[str, KataResult]:
    """Runs the judge on the staged katas. Should it die (killed from outside?), grades kata
    by kata, so that a kata which kills its judge loses only itself."""
    if not katas:
        return {}
    try:
        budget = limits.kata_seconds * len(katas) + 120
        return run_katas(
            root, staged, katas, workers=workers, extra=extra, runner=supervised(budget)
        )
    except RuntimeError:
        results = {}
        for kata in katas:
            try:
                results.update(
                    run_katas(
                        root,
                        staged,
                        [kata],
                        workers=0,
                        extra=extra,
                        runner=supervised(limits.kata_seconds + 120),
                    )
                )
            except RuntimeError as err:
                problems[kata.name] = f"grading stopped: {clip(str(err), 500)}"
        return results


def grade_submission(
    root: Path, katas: list[Kata], submission: Path, limits: Limits, workers: int = 0
) -> SubmissionGrade:
    started = time.monotonic()
    staging = Path(tempfile.mkdtemp(prefix="kata-grade-"))
    os.chmod(staging, 0o755)  # the sandbox's user must reach the modules and the tests' files
    try:
        problems = stage(submission, katas, staging / "submission")
        to_run = [k for k in katas if k.name not in problems]
        extra = (
            "--sandbox",
            f"--test-seconds={limits.test_seconds}",
            f"--kata-seconds={limits.kata_seconds}",
            f"--memory-mb={limits.memory_mb}",
            f"--basetemp={staging / 'tmp'}",
        )
        results = judge(root, staging / "submission", to_run, extra, limits, workers, problems)
        grades = [score(k, results.get(k.name), problems.get(k.name)) for k in katas]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SubmissionGrade(submission.name, grades, time.monotonic() - started, asdict(limits))


def is_submission(folder: Path, katas: list[Kata]) -> bool:
    return any((folder / f"{k.name}.py").exists() for k in katas)


def grade_path(
    root: Path, katas: list[Kata], path: Path, limits: Limits, jobs: int, workers: int = 0
) -> list[SubmissionGrade]:
    """One submission, or a folder of them (one sub-folder each) graded `jobs` at a time."""
    procs.become_subreaper()
    with solutions_hidden(root):
        if is_submission(path, katas):
            return [grade_submission(root, katas, path, limits, workers)]
        folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(lambda f: grade_submission(root, katas, f, limits), folders))
