"""`kata watch`: a verdict on every save of a kata module, the first line within a moment.

Two pytest runs wait with TensorFlow imported and the kata's tests collected
(tf_katas.warm): a quick one (every test; property tests with the quick profile: few
examples, no shrinking) and a full one (the property tests with the full profile). A save
starts both. Results stream in (tf_katas.stream): the tests that failed last time first,
then those calling a function the save changed. The first verdict is the first failure as
soon as it arrives or, after FIRST_VERDICT_S without one, "all N passing so far"; the
complete verdict follows once both runs have ended, and only it is called complete. A test
that gives no result in time is named and stopped.
"""

from __future__ import annotations

import ast
import queue
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from watchfiles import watch as watch_changes

from tf_katas.manifest import Kata, kata_named
from tf_katas.runner import PASSING, KataResult, Outcome, kata_status, pytest_command, results_for
from tf_katas.verdict import is_todo, short_message, show_verdict
from tf_katas.warm import WARM_IMPORTS, WarmRun

QUICK_PROFILE = {"KATA_HYPOTHESIS_PROFILE": "katas-quick"}
# Seconds a test may run without a result before it is called hanging and stopped.
TEST_SECONDS = {"quick": 10.0, "training": 120.0}
# Without a failure by then, the first verdict says how many tests pass so far.
FIRST_VERDICT_S = 0.35
RUNS = ("quick", "full")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def changed_functions(before: str, after: str) -> list[str]:
    """Top-level functions (and classes) whose code differs between two module sources;
    every one of them when either does not parse."""

    def definitions(source: str) -> dict[str, str] | None:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
        return {node.name: ast.dump(node) for node in tree.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}

    old, new = definitions(before), definitions(after)
    if old is None or new is None:
        return sorted(set(old or ()) | set(new or ()))
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


class KataRuns:
    """The two waiting runs of one kata, started again after each verdict."""

    def __init__(self, root: Path, impl_dir: Path, kata: Kata,
                 preload: tuple[str, ...] = WARM_IMPORTS) -> None:
        self.root, self.impl_dir, self.kata, self.preload = root, impl_dir, kata, preload
        self.folder = tempfile.TemporaryDirectory(prefix="kata-watch-")
        self.runs: dict[str, WarmRun] = {}
        self.events: queue.Queue = queue.Queue()
        self.tests_source = ""

    def start(self) -> None:
        self.close()
        self.tests_source = _read(self.root / self.kata.test_file)
        base = pytest_command(self.impl_dir, [self.kata], Path(self.folder.name) / "r.json")[3:]
        base += ["-p", "tf_katas.stream"]
        self.events = queue.Queue()
        self.runs = {
            "quick": WarmRun(self.root, base, QUICK_PROFILE, self.preload),
            "full": WarmRun(self.root, [*base, "--kata-properties-only"], preload=self.preload),
        }
        for tag, run in self.runs.items():
            run.read_into(self.events, tag)

    def ready(self) -> bool:
        return bool(self.runs) and all(run.ready.is_set() for run in self.runs.values())

    def stale(self) -> bool:
        """The tests changed since these runs collected them."""
        return _read(self.root / self.kata.test_file) != self.tests_source

    def close(self) -> None:
        for run in self.runs.values():
            run.close()
        self.runs = {}


class Verdict:
    """Gathers a save's results from both runs and prints the first verdict."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.results: dict[str, Outcome] = {}
        self.first_shown = False
        self.failure_shown = False
        self.total = 0

    def add(self, tag: str, outcome: Outcome) -> None:
        earlier = self.results.get(outcome.nodeid)
        failed = outcome.outcome in ("failed", "error") and not is_todo(outcome)
        # The full profile has the last word on a property test, unless the quick one found
        # a failing example that the full one did not draw.
        if earlier is None or (tag == "full" and earlier.outcome == "passed") or (
                tag == "quick" and failed):
            self.results[outcome.nodeid] = outcome
        if failed and not self.failure_shown:
            self.failure_shown = self.first_shown = True
            self.console.print(f"[red]✗ {escape(outcome.name)}[/]")
            self.console.print("    " + escape(short_message(outcome.message)).replace(
                "\n", "\n    "), style="red")

    def so_far(self, quick_done: bool) -> None:
        """The first verdict when no failure came first."""
        passed = sum(o.outcome == "passed" for o in self.results.values())
        waiting = sum(is_todo(o) for o in self.results.values())
        if self.first_shown or not (passed or waiting):
            return
        self.first_shown = True
        run = len(self.results)
        line = f"✓ all {passed} passing so far" if not waiting else (
            f"… {passed} passing so far, {waiting} waiting for what you have not written yet")
        where = "quick check done" if quick_done else f"{run} of {self.total} run"
        self.console.print(f"[green]{line}[/] [dim]({where}; the full verdict follows)[/]")


def run_verdict(runs: KataRuns, failed: list[str], changed: list[str], console: Console,
                test_seconds: float) -> KataResult:
    """Starts both runs, streams the first verdict, returns the complete one."""
    for run in runs.runs.values():
        run.go(failed, changed)
    started = time.monotonic()
    verdict = Verdict(console)
    # A run is timed from its `collected` event: before it, TensorFlow may still be importing.
    last_event = dict.fromkeys(RUNS, float("inf"))
    running: dict[str, str | None] = dict.fromkeys(RUNS)
    finished: set[str] = set()
    problem = ""
    while finished != set(RUNS):
        try:
            tag, event = runs.events.get(timeout=0.05)
        except queue.Empty:
            now = time.monotonic()
            if now - started >= FIRST_VERDICT_S:
                verdict.so_far("quick" in finished)
            hanging = [t for t in RUNS if t not in finished and now - last_event[t] > test_seconds]
            if hanging:
                nodeid = running[hanging[0]] or f"{runs.kata.test_file}::(collection)"
                message = (f"gave no result within {test_seconds:g} s and was stopped: a loop "
                           "that never ends?")
                console.print(f"[bold red]✗ {escape(nodeid.split('::', 1)[-1])} {message}[/]")
                verdict.results[nodeid] = Outcome(nodeid, "failed", f"timed out: it {message}")
                runs.close()
                break
            continue
        kind = event["event"]
        last_event[tag] = time.monotonic()
        if kind == "collected" and tag == "quick":
            verdict.total = event["count"]
        elif kind == "start":
            running[tag] = event["nodeid"]
        elif kind == "result":
            running[tag] = None
            verdict.add(tag, Outcome(**{k: v for k, v in event.items() if k != "event"}))
        elif kind == "collect_error":
            problem = event["message"]
        elif kind in ("done", "crashed"):
            finished.add(tag)
            if kind == "crashed":
                problem = problem or f"the test run crashed:\n{event['output']}"
            if tag == "quick" and not problem:
                verdict.so_far(quick_done=True)
    tests = list(verdict.results.values())
    return KataResult(runs.kata.name, "error" if problem else kata_status(tests), tests, problem)


def watch(root: Path, katas: list[Kata], impl_dir: Path, name: str | None,
          console: Console) -> int:
    kata = kata_named(katas, name) if name else None
    if kata is None:
        statuses = results_for(root, impl_dir, katas)
        kata = next((k for k in katas if statuses[k.name].status != PASSING), katas[-1])
    runs = KataRuns(root, impl_dir, kata)
    failed: list[str] = []
    checked_source = ""
    try:
        runs.start()
        while True:
            module = impl_dir / f"{kata.name}.py"
            source = _read(module)
            changed = changed_functions(checked_source, source) if checked_source else []
            checked_source = source
            console.clear()
            console.print(f"[bold]{kata.name}[/]: checking {impl_dir.name}/{kata.name}.py …")
            seconds = TEST_SECONDS["training" if "training" in kata.tags else "quick"]
            result = run_verdict(runs, failed, changed, console, seconds)
            console.rule(style="dim")
            show_verdict(console, kata, result, impl_dir, note=" (complete)")
            failed = [t.nodeid for t in result.tests if t.outcome != "passed"]
            if result.status == PASSING and name is None and kata != katas[-1]:
                kata = katas[katas.index(kata) + 1]
                runs.close()
                runs = KataRuns(root, impl_dir, kata)
                failed, checked_source = [], _read(impl_dir / f"{kata.name}.py")
                console.print(f"\n[green]On to the next kata: {kata.name}[/] "
                              "(save it to run its tests)")
            runs.start()  # the next runs warm up while the learner reads and edits
            if not _wait_for_save(root, impl_dir, kata, runs, checked_source, console):
                return 0
            if runs.stale():
                runs.start()
    finally:
        runs.close()


def _wait_for_save(root: Path, impl_dir: Path, kata: Kata, runs: KataRuns, checked: str,
                   console: Console) -> bool:
    """Waits until the kata module or its tests differ from what was checked; False when
    the learner stops watching (Ctrl-C)."""
    module = impl_dir / f"{kata.name}.py"
    if _read(module) != checked:  # saved while the tests ran
        return True
    console.print(f"\n[dim]watching {impl_dir.name}/{kata.name}.py: save to re-run, "
                  "Ctrl-C to stop[/]")
    watched = {module.resolve(), (root / kata.test_file).resolve()}
    said_ready = False
    # step: how long one burst of file events may last (an editor's save is one burst);
    # rust_timeout: how often to look up from waiting, to say when the next runs are ready.
    for changes in watch_changes(impl_dir, root / "tests", step=20, rust_timeout=250,
                                 yield_on_timeout=True, raise_interrupt=False):
        if any(Path(path).resolve() in watched for _, path in changes):
            return True
        if not said_ready and runs.ready():
            said_ready = True
            console.print("[dim]ready: the next verdict starts the moment you save[/]")
    return False
