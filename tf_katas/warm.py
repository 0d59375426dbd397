"""pytest processes started ahead of a save: TensorFlow imported, the kata's tests collected.

`kata watch` keeps one such run waiting per kind (a quick profile of every test, the full
profile of the property tests). A save only says "go": the verdict then costs the tests
themselves, the first result arrives as soon as the first test ends (tf_katas.stream), and
the kata module is read from disk by that fresh process, so it can never be stale. The
next runs are started once a verdict is complete, while the learner reads and edits.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

WARM_IMPORTS = ("numpy", "tensorflow", "keras", "cv2", "pytest", "hypothesis")


class WarmRun:
    """One pytest run of `args`, started now, collected, waiting for `go()`."""

    def __init__(self, root: Path, args: list[str], env: dict[str, str] | None = None,
                 preload: tuple[str, ...] = WARM_IMPORTS) -> None:
        read, write = os.pipe()  # events, from the run
        wait, go = os.pipe()  # the go, to the run
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tf_katas.warm", ",".join(preload), json.dumps(
                [*args, f"--kata-stream={write}", f"--kata-wait={wait}"])],
            cwd=root,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            pass_fds=(write, wait),
        )
        os.close(write)
        os.close(wait)
        self.stream = os.fdopen(read, "rb")
        self.go_pipe = os.fdopen(go, "wb")
        self.ready = threading.Event()  # set once the tests are collected, TensorFlow warm
        self.closing = False  # a run killed by close() did not crash

    def go(self, failed: list[str], changed: list[str]) -> None:
        """Runs the tests: those in `failed` first, then those calling a `changed` function."""
        self.go_pipe.write((json.dumps({"failed": failed, "changed": changed}) + "\n").encode())
        self.go_pipe.flush()

    def read_into(self, events: queue.Queue, tag: str) -> None:
        """Puts (tag, event) on `events` as the run writes them, in a thread of its own;
        a run that ends without `done` (it crashed) is reported as `crashed`."""

        def read() -> None:
            done = False
            for line in self.stream:
                event = json.loads(line)
                done = event["event"] == "done"
                if event["event"] == "collected":
                    self.ready.set()
                events.put((tag, event))
            if not done and not self.closing:
                self.process.wait()
                events.put((tag, {"event": "crashed", "output": self.output()}))

        threading.Thread(target=read, daemon=True).start()

    def output(self) -> str:
        try:
            self.log.seek(0)
            return self.log.read().decode(errors="replace")[-4000:]
        except ValueError:  # closed meanwhile
            return ""

    def close(self) -> None:
        self.closing = True
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.stream, self.go_pipe, self.log):
            try:
                stream.close()
            except OSError:
                pass


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    for name in filter(None, sys.argv[1].split(",")):
        __import__(name)
    import pytest

    sys.exit(pytest.main(json.loads(sys.argv[2])))


if __name__ == "__main__":
    main()
