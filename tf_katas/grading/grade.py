"""`kata grade`: grade submissions like a contest judge.

Three kinds of process: this one (the grader: stages the submission, supervises, scores,
writes the reports), the judge (pytest running the project's own tests, trusted) and, per
kata, a sandbox running the submission's module under limits (tf_katas.grading.remote). The
submission's code runs only in its sandboxes; only the kata modules are copied out of the
submission folder, so no conftest.py, pytest.ini or other file of it is ever loaded.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
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
from tf_katas.grading.isolation import (
    BUBBLEWRAP,
    PROCESS,
    Isolation,
    bubblewrap_problem,
    interpreter_paths,
    readable_by_others,
    sandbox_uid,
)
from tf_katas.grading.remote import Limits
from tf_katas.grading.reports import KataGrade, SubmissionGrade, TestGrade, clip
from tf_katas.manifest import Kata
from tf_katas.runner import ERROR, FAILING, PASSING, TODO, KataResult, kata_status, run_katas

MODULE_LIMIT = 2**20  # a kata module over 1 MiB is not source code
JUDGE_MEMORY_MB = 3072  # the judge (pytest and TensorFlow) takes under 1 GB; frames are bounded
GRADER_STATUS = {PASSING: "passed", FAILING: "failed", TODO: "todo", ERROR: "error"}

_judges: set[int] = set()  # judge processes now running; every other child is an orphan
_judges_lock = threading.Lock()


def stage(
    submission: Path, katas: list[Kata], staging: Path, group: int | None = None
) -> dict[str, str]:
    """Copies the submission's kata modules (their bytes only) into `staging`, readable by
    `group` only when given (another submission graded at once, as another user, must not
    read them). Returns, per kata that cannot be graded, the reason."""
    problems = {}
    staging.mkdir(parents=True, exist_ok=True)
    if group is not None:
        os.chown(staging, -1, group)
    os.chmod(staging, 0o755 if group is None else 0o750)
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
            if group is not None:
                os.chown(target, -1, group)
            os.chmod(target, 0o644 if group is None else 0o640)
    return problems


@contextmanager
def hidden_from_submissions(folders: list[Path], isolation: Isolation):
    """Without a sandbox, a submission run as another user than root must not read
    `solutions/` nor the submissions (a classmate's modules): unreadable to others for the
    duration (bubblewrap hides them instead). A folder holding the interpreter or the tool
    stays as it is: the submission's user must run them."""
    if isolation.kind == BUBBLEWRAP or isolation.uid is None:
        yield
        return
    needed = [path.resolve() for path in interpreter_paths()]
    changed = []
    try:
        for folder in folders:
            inside = [p for p in needed if folder.resolve() in (p, *p.parents)]
            if folder.is_dir() and not inside:
                mode = stat.S_IMODE(folder.stat().st_mode)
                _restore.append((folder, mode))
                changed.append((folder, mode))
                os.chmod(folder, 0o700)
        yield
    finally:
        for folder, mode in reversed(changed):
            os.chmod(folder, mode)
            if (folder, mode) in _restore:
                _restore.remove((folder, mode))


class Interrupted(Exception):
    """SIGTERM or SIGINT: the grade stops."""


STOP = threading.Event()  # set by SIGTERM/SIGINT: every judge is killed, no new one starts
_restore: list[tuple[Path, int]] = []  # folders whose mode the grade changed, to put back


def _stop(signum: int, _frame: object) -> None:
    STOP.set()
    with _judges_lock:
        running = list(_judges)
    for pid in running:
        procs.kill_tree(pid)
    for folder, mode in list(_restore):
        try:
            os.chmod(folder, mode)
        except OSError:
            pass


@contextmanager
def stoppable():
    """SIGTERM (a CI run cancelled) and SIGINT stop every process of the grade; the grade
    goes on only to restore solutions/ and write reports that say it was interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def choose_isolation(requested: str = "auto") -> tuple[str, str | None]:
    """(bubblewrap or process, why not bubblewrap). `requested`: auto, required or process;
    required refuses to grade without bubblewrap."""
    if requested == PROCESS:
        return PROCESS, "--isolation=process asked for plain processes"
    problem = bubblewrap_problem()
    if problem is None:
        return BUBBLEWRAP, None
    if requested == "required":
        raise IsolationRefused(problem)
    return PROCESS, problem


class IsolationRefused(Exception):
    """--isolation=required, and bubblewrap cannot run here."""


def isolation_for(kind: str, slot: int) -> Isolation:
    """The user a submission's code runs as: one of the grade's own per slot (submissions
    graded at once), where root can switch to it and it can run Python."""
    if os.geteuid() != 0:
        return Isolation(kind, None)
    if kind == PROCESS and not all(map(readable_by_others, interpreter_paths())):
        return Isolation(kind, None)  # that user could not start Python: root runs it
    return Isolation(kind, sandbox_uid(slot))


def supervised(timeout: float, isolation: Isolation):
    """A runner for `run_katas` that keeps the judge on a leash (time, its own memory) and
    leaves no process behind."""

    def run(command: list[str], cwd: Path) -> tuple[int, str]:
        if STOP.is_set():
            raise Interrupted()
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
            note = ""
            try:
                while judge.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.2)
                    if STOP.is_set():
                        break
                    if procs.rss_bytes([judge.pid]) > JUDGE_MEMORY_MB * 2**20:
                        note = f"\nthe judge went over {JUDGE_MEMORY_MB} MB and was stopped"
                        break
                    if isolation.kind == PROCESS:
                        with _judges_lock:
                            procs.reap_orphans(keep=set(_judges))
            finally:
                procs.kill_tree(judge.pid)
                code = judge.wait()
                with _judges_lock:
                    _judges.discard(judge.pid)
                    if isolation.kind == PROCESS:
                        procs.reap_orphans(keep=set(_judges), rounds=50)
                if isolation.uid is not None:
                    procs.kill_user(isolation.uid)
                    with _judges_lock:
                        procs.reap_orphans(keep=set(_judges), rounds=50)
            if STOP.is_set():
                raise Interrupted()
            output.seek(0)
            return code, clip(output.read().decode("utf-8", "replace"), 20000) + note

    return run


def score(
    kata: Kata, result: KataResult | None, problem: str | None, budget_spent: bool = False
) -> KataGrade:
    grade = KataGrade(kata.name, kata.title, 0.0, kata.points, "error")
    if result is not None and not result.tests and not result.message and budget_spent:
        grade.status, grade.message = "timeout", "the submission's time budget was spent first"
        return grade
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
    isolation: Isolation,
    budget_end: float,
) -> dict[str, KataResult]:
    """Runs the judge on the staged katas. Should it die (killed from outside?), grades kata
    by kata while the budget lasts, so that a kata which kills its judge loses only itself."""
    if not katas:
        return {}
    grace = 60  # the judge's own start (TensorFlow's import) and its reports
    try:
        return run_katas(
            root,
            staged,
            katas,
            workers=workers,
            extra=extra,
            runner=supervised(max(1.0, budget_end - time.time()) + grace, isolation),
        )
    except RuntimeError:
        results = {}
        for kata in katas:
            left = budget_end - time.time()
            if left <= 0:
                problems[kata.name] = "the submission's time budget is spent"
                continue
            try:
                results.update(
                    run_katas(
                        root,
                        staged,
                        [kata],
                        workers=0,
                        extra=extra,
                        runner=supervised(min(left, limits.kata_seconds) + grace, isolation),
                    )
                )
            except RuntimeError as err:
                problems[kata.name] = f"grading stopped: {clip(str(err), 500)}"
        return results


def grade_submission(
    root: Path,
    katas: list[Kata],
    submission: Path,
    limits: Limits,
    workers: int = 0,
    isolation: Isolation | None = None,
) -> SubmissionGrade:
    """Grades one submission; whatever goes wrong, a grade comes back (its katas in error,
    or interrupted), so that one submission never costs another its report."""
    started = time.monotonic()
    budget_end = time.time() + limits.submission_seconds  # wall clock: the judge shares it
    if isolation is None:
        isolation = isolation_for(choose_isolation()[0], 0)
    grade = SubmissionGrade(
        submission.name,
        [],
        limits=asdict(limits),
        isolation=isolation.kind,
        user=isolation.user,
    )
    staging = Path(tempfile.mkdtemp(prefix="kata-grade-"))
    os.chmod(staging, 0o755)  # root's: the submission's user may pass, never rename
    group = isolation.uid  # each submission's user has a group of the same number
    problems: dict[str, str] = {}
    results: dict[str, KataResult] = {}
    try:
        if STOP.is_set():
            raise Interrupted()
        problems = stage(submission, katas, staging / "submission", group)
        to_run = [k for k in katas if k.name not in problems]
        extra = (
            "--sandbox",
            f"--test-seconds={limits.test_seconds}",
            f"--kata-seconds={limits.kata_seconds}",
            f"--memory-mb={limits.memory_mb}",
            f"--budget-seconds={limits.submission_seconds}",
            f"--budget-deadline={budget_end}",
            *isolation.options(),
            f"--basetemp={staging / 'tmp'}",
        )
        results = judge(
            root,
            staging / "submission",
            to_run,
            extra,
            limits,
            workers,
            problems,
            isolation,
            budget_end,
        )
    except Interrupted:
        grade.interrupted = True
    except Exception as err:  # noqa: BLE001 - this submission's grade says so; others go on
        for kata in katas:
            problems.setdefault(kata.name, f"the grader failed: {type(err).__name__}: {err}")
    finally:
        if isolation.uid is not None:
            procs.kill_user(isolation.uid)
        shutil.rmtree(staging, ignore_errors=True)
    for kata in katas:
        if grade.interrupted and kata.name not in results:
            grade.katas.append(
                KataGrade(
                    kata.name,
                    kata.title,
                    0.0,
                    kata.points,
                    "interrupted",
                    "the grade was interrupted (SIGTERM or SIGINT) before this kata",
                )
            )
        else:
            spent = time.time() >= budget_end
            grade.katas.append(score(kata, results.get(kata.name), problems.get(kata.name), spent))
    grade.seconds = time.monotonic() - started
    return grade


def is_submission(folder: Path, katas: list[Kata]) -> bool:
    return any((folder / f"{k.name}.py").exists() for k in katas)


def grade_path(
    root: Path,
    katas: list[Kata],
    path: Path,
    limits: Limits,
    jobs: int,
    workers: int = 0,
    kind: str | None = None,
) -> list[SubmissionGrade]:
    """One submission, or a folder of them (one sub-folder each) graded `jobs` at a time,
    each as a user of its own. `kind`: bubblewrap or process (default: bubblewrap where it
    runs)."""
    procs.become_subreaper()
    kind = kind or choose_isolation()[0]
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(max(1, jobs)):
        slots.put(slot)

    def one(folder: Path) -> SubmissionGrade:
        slot = slots.get()
        try:
            return grade_submission(root, katas, folder, limits, workers, isolation_for(kind, slot))
        finally:
            slots.put(slot)

    with stoppable(), hidden_from_submissions([root / "solutions", path], isolation_for(kind, 0)):
        if is_submission(path, katas):
            return [one(path)]
        folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(one, folders))
