"""How fast `kata watch` answers a save: a benchmark, not a test.

    python tests/benchmarks/feedback.py [--katas tensor_creation indexing clipping] [--saves 20]

For each kata it copies the reference into a temporary folder, starts `kata watch` on it
and saves the module the way a learner does, over and over: a wrong answer (the kata's
first catalogued mistake), the right one, a syntax error, a function that never returns.
For each save it measures the time from the save to the first verdict line (a failure,
"all N passing so far", or the named hang) and to the complete verdict, and it waits for
the watcher to say it is ready again before the next save, as a learner reading the
verdict would. Then it times a cold `kata check` against a bare `import tensorflow`, in the
same run. Medians and 90th percentiles are printed per kata and kind of save.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("wrong", "right", "syntax error", "hang")
FIRST = re.compile(r"^\s*(✗|✓|…) ")
COMPLETE = "(complete)"
READY = "ready:"


def versions(kata: str) -> dict[str, str]:
    """The module's text for each kind of save."""
    right = (ROOT / "solutions" / f"{kata}.py").read_text(encoding="utf-8")
    mistakes = tomllib.loads((ROOT / "solutions" / "mistakes" / f"{kata}.toml").read_text(
        encoding="utf-8"))["mistake"]
    mistake = mistakes[0]
    wrong = right.replace(mistake["find"], mistake["replace"])
    # The hang goes where the mistake is: the tests that would catch it now never return.
    line = next(i for i, text in enumerate(right.splitlines()) if mistake["find"].splitlines()[0]
                in text)
    lines = right.splitlines()
    indent = re.match(r"\s*", lines[line]).group(0)
    hang = "\n".join([*lines[:line], f"{indent}while True:", f"{indent}    pass", *lines[line:]])
    return {"wrong": wrong, "right": right, "syntax error": right + "\ndef broken(:\n",
            "hang": hang + "\n"}


def save(path: Path, text: str) -> float:
    """Saves as editors do (write a temporary file, rename it over the module)."""
    temporary = path.with_suffix(".py.tmp-save")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return time.monotonic()


class Watcher:
    def __init__(self, kata: str, impl: Path) -> None:
        self.lines: queue.Queue = queue.Queue()
        env = {**os.environ, "COLUMNS": "160", "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tf_katas.cli", "watch", kata, f"--impl={impl}"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, test, since: float, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while True:
            try:
                stamp, line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no line matching within {timeout} s") from None
            if stamp >= since and test(line):
                return stamp

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(command: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, capture_output=True,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return time.monotonic() - started


def measure_kata(kata: str, saves: int) -> dict[str, list[tuple[float, float]]]:
    folder = Path(tempfile.mkdtemp(prefix=f"feedback-{kata}-"))
    module = folder / f"{kata}.py"
    texts = versions(kata)
    save(module, texts["right"])
    watcher = Watcher(kata, folder)
    found: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
    try:
        watcher.wait_for(lambda line: line.startswith(READY), 0, 300)
        for number in range(saves):
            kind = KINDS[number % len(KINDS)]
            saved = save(module, texts[kind])
            first = watcher.wait_for(lambda line: FIRST.match(line) is not None, saved, 120)
            complete = watcher.wait_for(lambda line: COMPLETE in line, saved, 300)
            found[kind].append((first - saved, complete - saved))
            print(f"  {kata} save {number + 1:2d} ({kind}): first verdict {first - saved:.3f} s,"
                  f" complete {complete - saved:.3f} s", flush=True)
            watcher.wait_for(lambda line: line.startswith(READY), complete, 300)
    finally:
        watcher.close()
        shutil.rmtree(folder, ignore_errors=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--katas", nargs="+", default=["tensor_creation", "indexing", "clipping"])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()

    results = {kata: measure_kata(kata, args.saves) for kata in args.katas}

    print("\nfrom a save to the first verdict line / to the complete verdict (seconds)")
    print(f"{'kata':18} {'save':13} {'n':>3} {'first med':>10} {'first p90':>10} "
          f"{'complete med':>13} {'complete p90':>13}")
    for kata, found in results.items():
        rows = [*((kind, found[kind]) for kind in KINDS),
                ("all", [m for kind in KINDS for m in found[kind]]),
                ("all but hang", [m for kind in KINDS if kind != "hang" for m in found[kind]])]
        for kind, measured in rows:
            if not measured:
                continue
            firsts, completes = [m[0] for m in measured], [m[1] for m in measured]
            print(f"{kata:18} {kind:13} {len(measured):3d} {statistics.median(firsts):10.3f} "
                  f"{percentile(firsts, 0.9):10.3f} {statistics.median(completes):13.3f} "
                  f"{percentile(completes, 0.9):13.3f}")

    print("\ncold `kata check` against a bare `python -c 'import tensorflow'`, same run")
    bare_command = [sys.executable, "-c", "import tensorflow"]
    for kata in args.katas:
        check_command = [sys.executable, "-m", "tf_katas.cli", "check", kata,
                         "--impl=solutions"]
        checks, bares = [], []
        for _ in range(args.cold_runs):  # alternated, so that load hits both alike
            bares.append(timed(bare_command))
            checks.append(timed(check_command))
        check, bare = statistics.median(checks), statistics.median(bares)
        print(f"{kata:18} kata check {check:6.2f} s, import tensorflow {bare:6.2f} s: "
              f"{check / bare:.2f}x")


if __name__ == "__main__":
    main()
