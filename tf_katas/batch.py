"""A pool of long-lived fork servers for pytest sessions: `kata verify`'s proofs run a
hundred short sessions (one per catalogued mistake), and a fresh process would spend most of
each on `import tensorflow`.

Each worker imports the heavy libraries once and runs no TensorFlow op (so no thread pool
exists yet for fork to break), then forks one child per session: a session can change
process-wide state (a mistake that calls `tf.compat.v1.disable_eager_execution()`, a
global seed, Matplotlib's settings) and the next session starts clean all the same. The
child imports the test modules and the kata afresh, as a process of its own would.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

# What the katas' tests import; never a module that runs a TensorFlow op when imported.
PRELOAD = ("numpy", "tensorflow", "keras", "cv2", "matplotlib", "pytest", "hypothesis")
T = TypeVar("T")
R = TypeVar("R")


class BatchPytest:
    """One long-lived worker; callable like `runner.run_subprocess(command, cwd)` for
    `python -m pytest` commands run in its folder."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = Path(cwd)
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        return subprocess.Popen(
            [sys.executable, "-m", "tf_katas.batch"],
            cwd=self.cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def __call__(self, command: list[str], cwd: Path) -> tuple[int, str]:
        if command[1:3] != ["-m", "pytest"] or Path(cwd) != self.cwd:
            raise ValueError("a batch worker runs `python -m pytest` in its own folder only")
        if self.process.poll() is not None:  # the last session killed it: start another
            self.process = self._spawn()
        with tempfile.TemporaryDirectory(prefix="kata-batch-") as tmp:
            log = Path(tmp) / "output.txt"
            self.process.stdin.write(json.dumps({"args": command[3:], "log": str(log)}) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
            output = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if not answer:
            raise RuntimeError(f"a batch pytest worker died:\n{output[-3000:]}")
        return json.loads(answer)["exit"], output

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_pooled(
    cwd: Path, size: int, jobs: Iterable[T], work: Callable[[T, BatchPytest], R]
) -> list[R]:
    """Runs `work(job, worker)` for each job on `size` workers, each job on whichever worker
    is free first; results in the order of `jobs`."""
    jobs = list(jobs)
    size = max(1, min(size, len(jobs)))
    idle: queue.Queue[BatchPytest] = queue.Queue()
    workers = []
    lock = threading.Lock()

    def run(job: T) -> R:
        try:
            worker = idle.get_nowait()
        except queue.Empty:
            with lock:
                worker = BatchPytest(cwd)
                workers.append(worker)
        try:
            return work(job, worker)
        finally:
            idle.put(worker)

    try:
        with ThreadPoolExecutor(max_workers=size) as pool:
            return list(pool.map(run, jobs))
    finally:
        for worker in workers:
            worker.close()


def _session(args: list[str], log_path: str) -> int:
    """In a forked child: one pytest session, its output into `log_path`. Its temporary
    files go in the log's folder, which the parent removes: the child ends with `os._exit`,
    so nothing registered with atexit (autograph's generated files) would clean up."""
    tempfile.tempdir = os.environ["TMPDIR"] = str(Path(log_path).parent)
    with open(log_path, "w") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    import pytest

    try:
        code = int(pytest.main(args))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return code


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in PRELOAD:
        __import__(name)
    answers = sys.stdout
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _session(job["args"], job["log"])
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        answers.write(json.dumps({"exit": code}) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
