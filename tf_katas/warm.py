"""A pytest process started ahead of time, TensorFlow already imported, waiting for its
arguments: a re-run on save skips the seconds `import tensorflow` costs.

Each run gets a fresh process (kata modules are re-imported, no state leaks between runs);
the next one warms up while the learner is still typing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

WARM_IMPORTS = ("numpy", "tensorflow", "keras", "cv2", "pytest", "hypothesis")


class WarmPytest:
    """Callable like `runner.run_subprocess(command, cwd)`, for `python -m pytest` commands."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        return subprocess.Popen(
            [sys.executable, "-m", "tf_katas.warm"],
            cwd=self.cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def __call__(self, command: list[str], cwd: Path) -> tuple[int, str]:
        if command[1:3] != ["-m", "pytest"] or Path(cwd) != self.cwd:
            raise ValueError("a warm process runs `python -m pytest` in its own folder only")
        process, self.process = self.process, self._spawn()
        output, _ = process.communicate(json.dumps(command[3:]) + "\n")
        return process.returncode, output

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    for name in WARM_IMPORTS:
        __import__(name)
    line = sys.stdin.readline()
    if not line:  # the watcher went away before asking
        return
    import pytest

    sys.exit(pytest.main(json.loads(line)))


if __name__ == "__main__":
    main()
